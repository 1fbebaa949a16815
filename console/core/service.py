"""The API both faces call: validate, build, send, read the answer, record it, move the verification."""

from __future__ import annotations

import asyncio
import copy
import secrets
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from console.core import http
from console.core.credentials import require_credentials, resolve_credentials
from console.core.errors import ContractError, InputError, TransportError
from console.core.history import History
from console.core.local_verifier import DEFAULT_MAX_ATTEMPTS, check_code, checks_locally, remember_code
from console.core.local_verifier import MEANINGS as LOCAL_MEANINGS
from console.core.logstore import LogStore
from console.core.models import Exchange, Outcome, Verification, VerificationState, new_id
from console.core.profiles import ProfileBook
from console.core.redact import redact_headers, redact_text
from console.core.spend_guard import SpendGuard, SpendReport
from console.core.validation import validate_fields
from console.core.verifications import VerificationBook
from console.providers import get_provider
from console.providers.spec import LOCAL, Call, Interpretation, OperationKind, Provider

VerificationListener = Callable[[Verification], None]


@dataclass(slots=True)
class OperationRequest:
    """What the user asked for, as typed: the form or the CLI fills this in."""

    provider: str
    operation: str
    channel: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    credentials: dict[str, str] = field(default_factory=dict)
    env: str = "simulator"
    base_url: str | None = None
    verification_id: str | None = None
    code_length: int | None = None  # console-generated codes: digits (4-8), window and wrong tries allowed
    code_ttl_s: float | None = None
    max_attempts: int | None = None
    profile: str | None = None  # a saved profile's credentials, below flags, environment variables and .env


@dataclass(slots=True)
class OperationResult:
    """The recorded exchange, the verification it belongs to (if any) and decoded data."""

    exchange: Exchange
    verification: Verification | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.exchange.ok


class ConsoleService:
    """One per process; owns nothing Qt, shared by the GUI and the CLI."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        store: LogStore,
        history: History | None = None,
        simulator_url: Callable[[str], str] | None = None,
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
        self.environ = environ
        self.dotenv_path = dotenv_path
        self.settings = settings or http.HttpSettings()
        self.book = book if book is not None else VerificationBook(history)
        self.guard = guard or SpendGuard()
        self.profiles = profiles

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
        started = time.time()
        provider = get_provider(request.provider)
        spec = provider.spec
        op = spec.operation(request.operation)
        channel = (request.channel or spec.channels[0].id) if op.kind is OperationKind.SEND and spec.channels else ""
        base: dict[str, Any] = dict(
            provider=spec.id, operation=op.id, channel=channel, env=request.env, started_at=started
        )
        try:
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
            message = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
            refused = Exchange(
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
                **base,
            )
            return OperationResult(self._record(refused))

        verification = await self._verification_for(request, op.kind, call)
        if verification is not None and op.kind is OperationKind.SEND and request.code_ttl_s:
            verification.expires_at = started + request.code_ttl_s
        exchange, interp = await self._exchange(provider, call, base, sources, verification)
        if verification is not None:
            verification = self._advance(verification, exchange, interp)
        return OperationResult(exchange, verification, interp.data if interp else {})

    def checked_fields(self, request: OperationRequest) -> dict[str, str]:
        """The request's fields validated and normalised, a console code generated where one is due.

        Raises:
            InputError: a field the provider would not accept (nothing is sent).
            KeyError: an unknown operation or channel.
        """
        spec = get_provider(request.provider).spec
        op = spec.operation(request.operation)
        channel = (request.channel or spec.channels[0].id) if op.kind is OperationKind.SEND and spec.channels else ""
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
            spec = get_provider(call.provider).spec
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
        xid = new_id("x")
        with self.book.edit(found) as live:
            verdict = check_code(live, code, time.time())
            live.exchange_ids.append(xid)
            live.updated_at = time.time()
            snapshot = copy.deepcopy(live)
        meaning, hint = LOCAL_MEANINGS.get(verdict.error_code or "", ("", ""))
        exchange = Exchange(
            id=xid,
            seq=0,
            method="",
            url="",
            request_headers=(),
            request_body="",
            outcome=Outcome.OK if verdict.ok else Outcome.PROVIDER_ERROR,
            error_code=verdict.error_code,
            meaning=meaning,
            hint=hint,
            message=verdict.message,
            verification_id=found.id,
            request_id=found.request_id,
            fields=(("code", "•" * len(code)),),
            notes=(("checked by", "the console (salted SHA-256 of the code sent; no code is stored)"),),
            **base,
        )
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

    def _advance(self, found: Verification, exchange: Exchange, interp: Interpretation | None) -> Verification:
        with self.book.edit(found) as verification:
            verification.exchange_ids.append(exchange.id)
            if interp is not None and interp.request_id and not verification.request_id:
                verification.request_id = interp.request_id
            if interp is not None:
                verification.keys.update(interp.keys)
                if interp.expires_in_s is not None:
                    verification.expires_at = exchange.started_at + interp.expires_in_s
            verification.expire_if_due()
            if exchange.operation == "send" and not exchange.ok:
                verification.move_to(VerificationState.FAILED)
            elif interp is not None and interp.state is not None:
                verification.move_to(interp.state)
            verification.updated_at = time.time()
            return copy.deepcopy(verification)

    async def _exchange(
        self,
        provider: Provider,
        call: Call,
        base: dict[str, Any],
        sources: dict[str, str],
        verification: Verification | None,
    ) -> tuple[Exchange, Interpretation | None]:
        secrets = provider.secrets_of(call)
        sensitive = provider.spec.sensitive_headers
        method, url, req_body = "", call.base_url, ""
        req_headers: tuple[tuple[str, str], ...] = ()
        resp_headers: tuple[tuple[str, str], ...] = ()
        status, resp_body, latency = None, "", None
        interp: Interpretation | None = None
        notes = {"credentials": ", ".join(f"{k} from {v}" for k, v in sources.items())}
        try:
            built = provider.build_request(call)
            content = built.read()
            request = self.client.build_request(built.method, built.url, headers=built.headers, content=content)
            method, url = request.method, str(request.url)
            req_headers = tuple(request.headers.multi_items())
            req_body = content.decode("utf-8", errors="replace")
            raw = await http.send(self.client, request, self.settings.max_body_bytes)
            status, latency = raw.status, raw.latency_ms
            resp_headers = tuple(raw.headers.multi_items())
            resp_body = raw.body.decode("utf-8", errors="replace")
            if raw.truncated:
                notes["body"] = f"truncated at {len(raw.body):,} bytes"
            interp = provider.interpret(call, raw.status, raw.headers, raw.body)
        except TransportError as exc:
            interp = Interpretation(
                Outcome.TRANSPORT_ERROR,
                message=str(exc),
                error_code=exc.kind,
                meaning=_TRANSPORT_MEANINGS.get(exc.kind, "The network failed."),
                hint=provider.spec.transport_hints.get(exc.kind, ""),
            )
        except ContractError as exc:
            interp = Interpretation(
                Outcome.CONTRACT_ERROR,
                message=str(exc),
                error_code=str(status or ""),
                meaning="The answer is not in the shape the provider's contract promises.",
            )
        except Exception as exc:  # a bug in a provider module must still end as a row, never a lost send
            interp = Interpretation(
                Outcome.INTERNAL_ERROR,
                message=f"{type(exc).__name__}: {exc}",
                meaning="The console failed while handling this request (a bug).",
            )
            notes["traceback"] = traceback.format_exc()
        notes.update(interp.notes)
        secrets = [*secrets, *interp.secrets]  # e.g. a webhook secret the provider just issued
        if provider.spec.operation(call.operation).kind is OperationKind.BALANCE:
            notes["verdict"] = credential_verdict(provider, interp, status, call.credentials)
        exchange = Exchange(
            id=new_id("x"),
            seq=0,
            method=method,
            url=redact_text(url, secrets),
            request_headers=redact_headers(req_headers, secrets, sensitive),
            request_body=redact_text(req_body, secrets),
            outcome=interp.outcome,
            status=status,
            response_headers=resp_headers,
            response_body=redact_text(resp_body, secrets),
            latency_ms=latency,
            error_code=interp.error_code,
            meaning=interp.meaning,
            message=interp.message,
            hint=interp.hint,
            verification_id=verification.id if verification else None,
            request_id=interp.request_id or (verification.request_id if verification else None),
            notes=tuple(notes.items()),
            fields=tuple(call.values.items()),
            **base,
        )
        return self._record(exchange), interp

    def _record(self, exchange: Exchange) -> Exchange:
        stored = self.store.append(exchange)
        if self.history:
            self.history.save_exchange(stored)
        return stored


def credential_verdict(
    provider: Provider, interp: Interpretation, status: int | None, used: Mapping[str, str] | None = None
) -> str:
    """What a credential check says in one phrase: valid, wrong key, wrong secret, no balance, network failure.

    A refusal names the credential when it can: the provider's error blames one (Vbee's 1201 is the key, its
    401 the secret), or only one credential was sent (a single API key). Otherwise "wrong key or secret".
    """
    if interp.outcome is Outcome.OK:
        return "valid"
    if interp.outcome is Outcome.TRANSPORT_ERROR:
        return "network failure"
    if interp.outcome is Outcome.CONTRACT_ERROR:
        return "unexpected answer (not the provider's API?)"
    entry = provider.spec.lookup_error(interp.error_code)
    if entry is not None and entry.kind == "money":
        return "no balance"
    if (entry is not None and entry.kind == "auth") or status in (401, 403):
        labels = {f.name: f.label for f in provider.spec.credentials}
        secret = {f.name for f in provider.spec.credentials if f.secret}
        sent = [name for name, value in (used or {}).items() if value and name in secret]
        blamed = entry.credential if entry is not None and entry.credential in labels else ""
        blamed = blamed or (sent[0] if len(sent) == 1 else "")
        if blamed in labels:
            label = labels[blamed]
            return f"wrong {label if label[:2].isupper() else label[:1].lower() + label[1:]}"
        return "wrong key or secret"
    return "refused by the provider"


def generate_code(length: int = 6) -> str:
    """A one-time code of ``length`` digits (4 to 8) from the ``secrets`` module."""
    if not 4 <= length <= 8:
        raise InputError(f"A code has 4 to 8 digits, not {length}.")
    return f"{secrets.randbelow(10**length):0{length}d}"


_TRANSPORT_MEANINGS = {
    "timeout": "No answer within the timeout: the server is slow or unreachable.",
    "connect": "Nothing accepted the connection: wrong host or port, server down, or a firewall.",
    "tls": "The TLS handshake failed: certificate, CA bundle or protocol mismatch.",
    "dropped": "The server closed the connection before answering.",
    "proxy": "The proxy refused or failed the request.",
}
