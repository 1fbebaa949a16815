"""The API both faces call: validate, build, send, read the answer, record it, move the verification."""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from console.core import check_outcomes as co
from console.core import http
from console.core.errors import InputError
from console.core.history import History
from console.core.local_verifier import DEFAULT_MAX_ATTEMPTS, checks_locally, generate_code, remember_code
from console.core.logstore import LogStore
from console.core.models import Exchange, Verification, VerificationState, new_id
from console.core.redact import without_code
from console.core.verifications import VerificationBook
from console.providers.provider import Call, Interpretation, Provider
from console.providers.spec import LOCAL, FieldRole, Operation, OperationKind, ProviderSpec
from console.providers.validation import destination_of, validate_fields
from console.providers.versions import version_warnings
from console.service.checks import CONSOLE, PROVIDER, check_locally, in_common_words
from console.service.credentials import MissingWords, for_flags, require_credentials, resolve_credentials
from console.service.operations import OperationRequest, OperationResult
from console.service.profiles import ProfileBook
from console.service.provider_call import Origin, call_provider
from console.service.refusals import UnknownVerification, refused, with_request_id
from console.service.spend_guard import SpendGuard, SpendReport

VerificationListener = Callable[[Verification], None]


class ConsoleService:
    """One per process; owns nothing Qt, shared by the GUI and the CLI.

    Attributes:
        providers: the providers it can call, by id (given by whoever builds it: the registry's, or a test's).
        simulator_url: the running simulator's base URL for a provider id (None: no simulator running).
        today: the date API version warnings count from (tests give a fixed one).
        mask_codes_in_history: history gets a send's code masked in its bodies (the log keeps it as sent).
        missing_words: how a refusal names missing credentials (the CLI's flags, or a form's field labels).
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
        today: Callable[[], dt.date] = dt.date.today,
        mask_codes_in_history: bool = False,
        missing_words: MissingWords = for_flags,
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
        self.today = today
        self.mask_codes_in_history = mask_codes_in_history
        self.missing_words = missing_words

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

    async def preflight(self, request: OperationRequest) -> str:
        """Why the request would be refused (nothing is sent or recorded), or "" when it would go out.

        A face asks before its own questions (the GUI's real-send consent): the user hears about a missing
        credential or a refused field first, not after agreeing to spend.
        """
        base = _base(request)
        try:
            await self._prepare(request, base)
        except (InputError, KeyError) as exc:
            return str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
        return ""

    async def _prepare(self, request: OperationRequest, base: dict[str, Any]) -> _Prepared:
        """Everything the console checks before a request goes out, ``base`` (the record's facts) filled in.

        Raises:
            UnknownVerification: a check of a verification nobody knows.
            InputError: input refused (fields, credentials, the provider's own rules, the spend guard).
            KeyError: an unknown provider, operation or channel.
        """
        provider = self.provider(request.provider)
        spec = provider.spec
        op = spec.operation(request.operation)
        base.update(channel=_channel_of(spec, op, request))
        found = None
        if op.kind is OperationKind.CHECK:
            found = await self._verification_to_check(request, spec, op)
            request = with_request_id(request, spec, op, found)
            base.update(checked_by=CONSOLE if op.method == LOCAL else PROVIDER)
            if found is not None:
                base.update(channel=found.channel, destination=found.destination)
        values = self.checked_fields(request)
        if op.method == LOCAL:
            return _Prepared(provider, op, request, values, found, None, {})
        saved = await self._profile_credentials(request.profile, spec.id)
        creds, sources = resolve_credentials(
            spec, request.env, request.credentials, self.environ, self.dotenv_path, saved, request.profile or ""
        )
        require_credentials(spec, creds, self.missing_words)
        call = Call(
            spec.id,
            op.id,
            base["channel"],
            values,
            creds,
            self.base_url_for(provider, request.env, request.base_url),
            request.env,
        )
        provider.validate(call)
        if op.kind is OperationKind.SEND:
            base.update(destination=destination_of(spec, call.channel, values))
            if call.env != "simulator" and self.guard.active:
                await self._check_spend(spec.id, base["destination"])
        return _Prepared(provider, op, request, values, found, call, sources)

    async def run(self, request: OperationRequest) -> OperationResult:
        """Carry out one operation; every outcome, failures included, ends as a recorded exchange."""
        base = _base(request)
        try:
            prepared = await self._prepare(request, base)
        except UnknownVerification as exc:
            return OperationResult(self._record(refused(request, base, exc, co.UNKNOWN_VERIFICATION)))
        except (InputError, KeyError) as exc:
            return OperationResult(self._record(refused(request, base, exc)))
        provider, op, request, found, call = (
            prepared.provider,
            prepared.op,
            prepared.request,
            prepared.found,
            prepared.call,
        )
        spec = provider.spec
        if call is None:  # the console's own check
            assert found is not None  # a local check without a verification was refused above
            code_field = spec.field_with_role(op.id, None, FieldRole.CODE)
            name = code_field.name if code_field is not None else ""
            exchange, snapshot = check_locally(self.book, found, name, prepared.values.get(name, ""), base)
            return OperationResult(self._record(exchange), snapshot)
        sources = prepared.sources

        verification = found if op.kind is OperationKind.CHECK else None
        if op.kind is OperationKind.SEND:
            verification = self._new_verification(request, spec, call, base["destination"], base["started_at"])
        base.update(warnings=tuple(version_warnings(spec, call.base_url, self.today())))
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
        if op.kind is OperationKind.CHECK:
            exchange = in_common_words(exchange, spec, found)
        exchange = self._record(exchange, call.values.get(spec.code_field or "", ""))
        if verification is not None:
            verification = self._advance(verification, exchange, interp)
        return OperationResult(exchange, verification, interp.data)

    def checked_fields(self, request: OperationRequest) -> dict[str, str]:
        """The request's fields validated and normalised, a console code generated where one is due.

        A field the request leaves out takes its declared default; one given empty is not sent.

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

    def destination_of(self, request: OperationRequest) -> str:
        """Who a send would go to (E.164 for a phone number), or "" when its input is refused.

        For the GUI's question before a real send; the service checks the input again when it runs.
        """
        spec = self.provider(request.provider).spec
        op = spec.operation(request.operation)
        if op.kind is not OperationKind.SEND:
            return ""
        try:
            return destination_of(spec, _channel_of(spec, op, request), self.checked_fields(request))
        except (InputError, KeyError):
            return ""

    def _new_verification(
        self, request: OperationRequest, spec: ProviderSpec, call: Call, destination: str, started: float
    ) -> Verification:
        """The verification a send starts (the console's code kept as a salted hash only)."""
        created = Verification(
            id=new_id("v"),
            provider=call.provider,
            channel=call.channel,
            destination=destination,
            env=call.env,
            code=call.values.get(spec.code_field or ""),
            expires_at=started + (request.code_ttl_s or spec.code_ttl_s),
        )
        if spec.console_code and created.code:
            remember_code(created, created.code, request.max_attempts or DEFAULT_MAX_ATTEMPTS)
        if self.mask_codes_in_history:
            created.code = None
        return created

    async def _verification_to_check(
        self, request: OperationRequest, spec: ProviderSpec, op: Operation
    ) -> Verification | None:
        """The verification a check is about: the one named, the one with the request id, or the newest.

        Raises:
            UnknownVerification: the named one does not exist (or is another provider's), or the console itself
                checks and there is nothing to check against.
        """
        if request.verification_id:
            found = await self.find_verification(spec.id, None, request.verification_id)
            if found is None or found.provider != spec.id:
                raise UnknownVerification(f"No {spec.id} verification {request.verification_id}.")
        elif op.method == LOCAL:
            candidates = await asyncio.to_thread(self.book.candidates, spec.id)
            found = next((v for v in candidates if checks_locally(v)), None)
            if found is None:
                raise UnknownVerification(f"No {spec.id} verification to check: send a code first.")
        else:
            rid_field = spec.field_with_role(op.id, None, FieldRole.REQUEST_ID)
            rid = request.fields.get(rid_field.name, "").strip() if rid_field is not None else ""
            found = await self.find_verification(spec.id, rid, None) if rid else None
        if op.method == LOCAL and found is not None and not checks_locally(found):
            raise UnknownVerification(
                f"{found.id} was not sent with a code the console generated: there is nothing to check it against."
            )
        return found

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

    def _record(self, exchange: Exchange, code: str = "") -> Exchange:
        """Number the exchange in the log and queue it for history (its ``code`` masked there, when set to)."""
        stored = self.store.append(exchange)
        if self.history:
            self.history.save_exchange(without_code(stored, code) if self.mask_codes_in_history else stored)
        return stored


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A request the console has checked: the provider, the (filled-in) request, its values and its call.

    ``call`` is None for the console's own check, which calls no provider.
    """

    provider: Provider
    op: Operation
    request: OperationRequest
    values: dict[str, str]
    found: Verification | None
    call: Call | None
    sources: dict[str, str]


def _base(request: OperationRequest) -> dict[str, Any]:
    """The facts every record of ``request`` starts with."""
    return dict(
        provider=request.provider, operation=request.operation, channel="", env=request.env, started_at=time.time()
    )


def _channel_of(spec: ProviderSpec, op: Operation, request: OperationRequest) -> str:
    """The channel a send goes on (the request's, else the provider's first); "" for other operations."""
    return (request.channel or spec.channels[0].id) if op.kind is OperationKind.SEND and spec.channels else ""
