"""The API both faces call: validate, build, send, read the answer, record it, move the verification."""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import httpx

from console.core import http
from console.core.errors import InputError
from console.core.history import History
from console.core.local_verifier import DEFAULT_MAX_ATTEMPTS, checks_locally, generate_code, remember_code
from console.core.logstore import LogStore
from console.core.models import Exchange, Outcome, Verification, VerificationState, new_id
from console.core.verifications import VerificationBook
from console.providers.spec import LOCAL, Call, Interpretation, Operation, OperationKind, Provider, ProviderSpec
from console.providers.validation import validate_fields
from console.service.credentials import require_credentials, resolve_credentials
from console.service.local_check import check_and_record
from console.service.operations import OperationRequest, OperationResult
from console.service.profiles import ProfileBook
from console.service.provider_call import Origin, call_provider
from console.service.spend_guard import SpendGuard, SpendReport

VerificationListener = Callable[[Verification], None]


class ConsoleService:
    """One per process; owns nothing Qt, shared by the GUI and the CLI.

    Attributes:
        providers: the providers it can call, by id (given by whoever builds it: the registry's, or a test's).
        simulator_url: the running simulator's base URL for a provider id (None: no simulator running).
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        store: LogStore,
        history: History | None = None,
        simulator_url: Callable[[str], str] | None = None,
        *,
        providers: Mapping[str, Provider],
        environ: Mapping[str, str] | None = None,
        dotenv_path: Path | None = None,
        settings: http.HttpSettings | None = None,
        book: VerificationBook | None = None,
        guard: SpendGuard | None = None,
        profiles: ProfileBook | None = None,
    ) -> None:
        self.client = client
        self.store = store
        self.history = history
        self.simulator_url = simulator_url
        self.providers = providers
        self.environ = environ
        self.dotenv_path = dotenv_path
        self.settings = settings or http.HttpSettings()
        self.book = book if book is not None else VerificationBook(history)
        self.guard = guard or SpendGuard()
        self.profiles = profiles

    def provider(self, provider_id: str) -> Provider:
        """One of this service's providers.

        Raises:
            KeyError: no such provider, with the list of known ids.
        """
        if provider_id not in self.providers:
            raise KeyError(f"Unknown provider {provider_id!r}; known: {', '.join(self.providers)}")
        return self.providers[provider_id]

    # -------------------------------------------------------------------------------------- verifications
    def on_verification(self, listener: VerificationListener) -> None:
        """Call ``listener`` (with a snapshot) whenever a verification is created or changes state."""
        self.book.subscribe(listener)

    async def find_verification(self, provider: str, request_id: str | None, vid: str | None) -> Verification | None:
        """A verification (snapshot) by id or provider request id, from memory or (off-thread) history."""
        for v in reversed(self.book.all()):
            if (vid and v.id == vid) or (request_id and v.provider == provider and v.request_id == request_id):
                return v
        if self.history is None:
            return None
        if vid:
            return await asyncio.to_thread(self.history.get_verification, vid)
        if request_id:
            return await asyncio.to_thread(self.history.find_verification, provider, request_id)
        return None

    # ------------------------------------------------------------------------------------------ running
    def base_url_for(self, provider: Provider, env: str, override: str | None) -> str:
        """The base URL to call: an explicit one, the environment's, or the running simulator's."""
        if override:
            return override.rstrip("/")
        environment = provider.spec.environment(env)
        if environment.base_url:
            return environment.base_url
        if self.simulator_url is None:
            raise InputError("The simulator is not running; start it or choose another environment.")
        return self.simulator_url(provider.id)

    async def run(self, request: OperationRequest) -> OperationResult:
        """Carry out one operation; every outcome, failures included, ends as a recorded exchange."""
        base: dict[str, Any] = dict(
            provider=request.provider, operation=request.operation, channel="", env=request.env, started_at=time.time()
        )
        try:
            provider = self.provider(request.provider)
            spec = provider.spec
            op = spec.operation(request.operation)
            channel = _channel_of(spec, op, request)
            base.update(channel=channel)
            values = self.checked_fields(request)
            if op.method == LOCAL:
                return await self._check_locally(request, values.get("code", ""), base)
            saved = await self._profile_credentials(request.profile, spec.id)
            creds, sources = resolve_credentials(
                spec, request.env, request.credentials, self.environ, self.dotenv_path, saved, request.profile or ""
            )
            require_credentials(spec, creds)
            call = Call(
                spec.id,
                op.id,
                channel,
                values,
                creds,
                self.base_url_for(provider, request.env, request.base_url),
                request.env,
            )
            provider.validate(call)
            if op.kind is OperationKind.SEND and call.env != "simulator" and self.guard.active:
                await self._check_spend(spec.id, call.values.get("to") or call.values.get("dest", ""))
        except (InputError, KeyError) as exc:
            return OperationResult(self._record(_refused(request, base, exc)))

        verification = await self._verification_for(request, op.kind, call)
        if verification is not None and op.kind is OperationKind.SEND and request.code_ttl_s:
            verification.expires_at = base["started_at"] + request.code_ttl_s
        exchange, interp = await call_provider(
            self.client,
            self.settings,
            provider,
            call,
            base,
            Origin(request.profile or "", sources),
            verification.id if verification else None,
            verification.request_id if verification else None,
        )
        exchange = self._record(exchange)
        if verification is not None:
            verification = self._advance(verification, exchange, interp)
        return OperationResult(exchange, verification, interp.data)

    def checked_fields(self, request: OperationRequest) -> dict[str, str]:
        """The request's fields validated and normalised, a console code generated where one is due.

        Raises:
            InputError: a field the provider would not accept (nothing is sent).
            KeyError: an unknown provider, operation or channel.
        """
        spec = self.provider(request.provider).spec
        op = spec.operation(request.operation)
        channel = _channel_of(spec, op, request)
        fields = dict(request.fields)
        code_field = spec.code_field if op.kind is OperationKind.SEND and spec.console_code else None
        names = {f.name for f in spec.fields_for(op.id, channel or None)}
        if code_field and code_field in names and not fields.get(code_field):
            fields[code_field] = generate_code(request.code_length or spec.code_length)
        return validate_fields(spec, op.id, channel or None, fields)

    async def _verification_for(
        self, request: OperationRequest, kind: OperationKind, call: Call
    ) -> Verification | None:
        if kind is OperationKind.SEND:
            spec = self.provider(call.provider).spec
            created = Verification(
                id=new_id("v"),
                provider=call.provider,
                channel=call.channel,
                destination=call.values.get("to", ""),
                env=call.env,
                code=call.values.get(spec.code_field or "code"),
                expires_at=time.time() + spec.code_ttl_s,
            )
            if spec.console_code and created.code:  # a salted hash only: the console checks it later
                remember_code(created, created.code, request.max_attempts or DEFAULT_MAX_ATTEMPTS)
            return created
        if kind is OperationKind.CHECK:
            return await self.find_verification(call.provider, call.values.get("request_id"), request.verification_id)
        return None

    async def _profile_credentials(self, name: str | None, provider: str) -> dict[str, str]:
        """A saved profile's credentials, read off the calling thread (keyring and scrypt block).

        Raises:
            InputError: no profile book, an unknown or foreign profile, or locked secrets.
        """
        if not name:
            return {}
        if self.profiles is None:
            raise InputError(f"Profile {name!r} cannot be read: no profiles are loaded.", field="profile")
        return await asyncio.to_thread(self.profiles.credentials, name, provider)

    async def spend_report(self, provider: str, destination: str, guard: SpendGuard | None = None) -> SpendReport:
        """The spend guard's numbers for a real send (history read off the calling thread).

        History holds earlier runs and other processes' sends; this run's log holds the newest, which the
        history writer may not have committed yet: both count, each exchange once.
        """
        past = {x.id: x for x in self.store.snapshot() if x.provider == provider}
        if self.history is not None:
            stored = await asyncio.to_thread(self.history.recent_exchanges, 5000, provider)
            past = {x.id: x for x in stored} | past
        return (guard or self.guard).report(destination, list(past.values()))

    async def _check_spend(self, provider: str, destination: str) -> None:
        """Refuse a real send the spend guard forbids."""
        report = await self.spend_report(provider, destination)
        if report.problems:
            raise InputError("Spend guard: " + "; ".join(report.problems) + ".")

    async def _check_locally(self, request: OperationRequest, code: str, base: dict[str, Any]) -> OperationResult:
        """Check a code against the console's own record (providers that do not check codes themselves).

        Raises:
            InputError: no verification to check against (the caller records a refused row).
        """
        found = await self._latest_local(request.provider, request.verification_id)
        exchange, snapshot = check_and_record(self.book, found, code, base)
        return OperationResult(self._record(exchange), snapshot)

    async def _latest_local(self, provider: str, verification_id: str | None) -> Verification:
        """The verification to check: the one named, else the newest pending one with a console code."""
        if verification_id:
            found = await self.find_verification(provider, None, verification_id)
            if found is None or found.provider != provider:
                raise InputError(f"No {provider} verification {verification_id}.", field="verification")
        else:
            candidates = await asyncio.to_thread(self.book.candidates, provider)
            pending = [v for v in candidates if checks_locally(v) and not v.is_final()]
            found = pending[0] if pending else None
            if found is None:
                raise InputError(f"No pending {provider} verification to check: send a code first.", field="code")
        if not checks_locally(found):
            raise InputError(f"{found.id} was not sent with a code the console generated: nothing to check against.")
        return found

    def _advance(self, found: Verification, exchange: Exchange, interp: Interpretation) -> Verification:
        with self.book.edit(found) as verification:
            verification.exchange_ids.append(exchange.id)
            if interp.request_id and not verification.request_id:
                verification.request_id = interp.request_id
            verification.keys.update(interp.keys)
            if interp.expires_in_s is not None:
                verification.expires_at = exchange.started_at + interp.expires_in_s
            verification.expire_if_due()
            if exchange.operation == "send" and not exchange.ok:
                verification.move_to(VerificationState.FAILED)
            elif interp.state is not None:
                verification.move_to(interp.state)
            verification.updated_at = time.time()
            return copy.deepcopy(verification)

    def _record(self, exchange: Exchange) -> Exchange:
        stored = self.store.append(exchange)
        if self.history:
            self.history.save_exchange(stored)
        return stored


def _channel_of(spec: ProviderSpec, op: Operation, request: OperationRequest) -> str:
    """The channel a send goes on (the request's, else the provider's first); "" for other operations."""
    return (request.channel or spec.channels[0].id) if op.kind is OperationKind.SEND and spec.channels else ""


def _refused(request: OperationRequest, base: Mapping[str, Any], exc: Exception) -> Exchange:
    """The record of a request the console refused before sending anything."""
    message = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
    return Exchange(
        id=new_id("x"),
        seq=0,
        method="",
        url="",
        request_headers=(),
        request_body="",
        outcome=Outcome.REFUSED,
        message=f"Not sent: {message}",
        meaning="The console refused the input before sending anything.",
        fields=tuple(request.fields.items()),
        profile=request.profile or "",
        **base,
    )
