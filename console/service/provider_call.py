"""One call to a provider: build the request, send it, read the answer; every failure ends as a record."""

from __future__ import annotations

import json
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from console.core import http
from console.core.errors import ContractError, TransportError
from console.core.models import Exchange, Outcome, new_id
from console.core.redact import redact_headers, redact_text
from console.providers.provider import Call, Interpretation, Provider
from console.providers.spec import OperationKind
from console.service.verdicts import TRANSPORT_MEANINGS, credential_verdict


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a call's inputs came from, kept on its record: the profile and each credential's source."""

    profile: str = ""
    credential_sources: Mapping[str, str] | None = None


PARSING_ERRORS = (RecursionError, json.JSONDecodeError, UnicodeDecodeError)  # reading a hostile body, not a bug


def _interpret(provider: Provider, call: Call, raw: http.RawResponse) -> Interpretation:
    """What the answer means; an answer outside any contract (a redirect, an undecodable body) never reaches it.

    Raises:
        ContractError: a 3xx (the client follows no redirect), a body that does not decode, or a body the
            provider module's reading gave up on, parsing errors included (deep nesting, bad JSON).
    """
    if 300 <= raw.status < 400:
        target = raw.headers.get("location")
        said = f"a redirect to {target}" if target else "a redirect without a Location"
        raise ContractError(
            f"HTTP {raw.status}: {said}; the console does not follow redirects (is the base URL right?)."
        )
    if raw.undecodable:
        raise ContractError(f"HTTP {raw.status}: {raw.undecodable}.")
    try:
        return provider.interpret(call, raw.status, raw.headers, raw.body)
    except PARSING_ERRORS as exc:
        raise ContractError(f"HTTP {raw.status}: the answer could not be read ({type(exc).__name__}).") from exc


async def call_provider(
    client: httpx.AsyncClient,
    settings: http.HttpSettings,
    provider: Provider,
    call: Call,
    base: Mapping[str, Any],
    origin: Origin,
    verification_id: str | None,
    known_request_id: str | None,
) -> tuple[Exchange, Interpretation]:
    """Send ``call`` and return its (not yet stored) record and what the answer means.

    Secrets are masked in every field of the record; a bug in the provider module ends as an internal-error
    record with its traceback in the notes, never as an exception.
    """
    secrets = provider.secrets_of(call)
    sensitive = provider.spec.sensitive_headers
    method, url, req_body = "", call.base_url, ""
    req_headers: tuple[tuple[str, str], ...] = ()
    resp_headers: tuple[tuple[str, str], ...] = ()
    status, resp_body, latency = None, "", None
    notes: dict[str, str] = {}
    try:
        built = provider.build_request(call)
        content = built.read()
        request = client.build_request(built.method, built.url, headers=built.headers, content=content)
        method, url = request.method, str(request.url)
        req_headers = tuple(request.headers.multi_items())
        req_body = content.decode("utf-8", errors="replace")
        raw = await http.send(client, request, settings.max_body_bytes, settings.timeout_s)
        status, latency = raw.status, raw.latency_ms
        resp_headers = tuple(raw.headers.multi_items())
        resp_body = raw.body.decode("utf-8", errors="replace")
        if raw.truncated:
            notes["body"] = f"truncated at {len(raw.body):,} bytes"
        interp = _interpret(provider, call, raw)
    except TransportError as exc:
        got = exc.received
        status, latency = got.status, got.latency_ms
        resp_headers, resp_body = got.headers, got.body.decode("utf-8", errors="replace")
        if got.body:
            notes["body"] = f"{len(got.body):,} bytes received before the failure"
        interp = Interpretation(
            Outcome.TRANSPORT_ERROR,
            message=str(exc),
            error_code=exc.kind,
            meaning=TRANSPORT_MEANINGS.get(exc.kind, "The network failed."),
            hint=provider.spec.transport_hints.get(exc.kind, ""),
        )
    except ContractError as exc:
        if exc.field:
            notes["field"] = exc.field
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
    balance = provider.spec.operation(call.operation).kind is OperationKind.BALANCE
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
        verification_id=verification_id,
        request_id=interp.request_id or known_request_id,
        notes=tuple(notes.items()),
        fields=tuple(call.values.items()),
        profile=origin.profile,
        credential_sources=tuple((origin.credential_sources or {}).items()),
        verdict=credential_verdict(provider, interp, status, call.credentials) if balance else "",
        **base,
    )
    return exchange, interp
