"""The log row of a received request: its URL, headers and body as received (secrets masked), and the verdict."""

from __future__ import annotations

import base64
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from console.core.models import Exchange, Outcome, new_id
from console.providers.webhook import CallbackFacts, Incoming, Reply, SignatureCheck


@dataclass(slots=True)
class Handled:
    """The decision for one request: the row to store, the reply and how long to wait before it."""

    exchange: Exchange
    reply: Reply
    delay_s: float = 0.0
    facts: CallbackFacts | None = None


def webhook_row(
    xid: str,
    incoming: Incoming,
    base_url: str,
    provider: str,
    *,
    mask: Callable[[str], str],
    channel: str,
    reply: Reply,
    outcome: Outcome,
    message: str,
    notes: dict[str, str],
    check: SignatureCheck,
    started: float,
    error_code: str | None = None,
    meaning: str = "",
    hint: str = "",
    verification_id: str | None = None,
) -> Exchange:
    """The row of one request: what came in (``mask`` hides the secrets in it) and what was answered."""
    query = "&".join(f"{k}={v}" for k, v in incoming.query)
    url = f"{base_url.rstrip('/')}{incoming.path}" + (f"?{query}" if query else "")
    verdict = check.verdict.value + (f" ({check.scheme})" if check.scheme else "")
    body_text, body_base64 = body_forms(incoming.body)
    all_notes = {"source": incoming.source, "signature": f"{verdict}: {check.detail}".rstrip(": "), **notes}
    values = [url, body_text, *(v for _, v in incoming.headers), *all_notes.values()]
    joined = "\0".join(values)
    clean = mask if mask(joined) != joined else _as_is  # one scan for a secret anywhere, not one per text
    return Exchange(
        id=xid,
        seq=0,
        started_at=incoming.received_at,
        provider=provider,
        operation="webhook",
        channel=channel,
        env="listener",
        method=incoming.method,
        url=clean(url),
        request_headers=tuple((k, clean(v)) for k, v in incoming.headers),
        request_body=clean(body_text),
        outcome=outcome,
        status=reply.status,
        response_headers=(("Content-Type", reply.content_type),),
        response_body=reply.body,
        latency_ms=(time.perf_counter() - started) * 1000,
        error_code=error_code,
        meaning=meaning,
        message=message,
        hint=hint,
        verification_id=verification_id,
        notes=tuple((k, clean(v)) for k, v in all_notes.items() if v),
        signature=check.verdict.value,
        signature_scheme=check.scheme,
        source=incoming.source,
        body_base64=body_base64,
    )


def _as_is(text: str) -> str:
    return text


def body_forms(body: bytes) -> tuple[str, str]:
    """A body as text, and in base64 when it is not UTF-8 (the text then loses bytes; "" otherwise)."""
    try:
        return body.decode("utf-8"), ""
    except UnicodeDecodeError:
        return body.decode("utf-8", errors="replace"), base64.b64encode(body).decode()


def failure_row(
    mask: Callable[[str], str],
    method: str,
    url: str,
    headers: tuple[tuple[str, str], ...],
    source: str,
    received_at: float,
    exc: BaseException,
    body: bytes,
) -> Exchange:
    """The row of a request the listener's own code failed on (a bug): what arrived, and the traceback."""
    text, base64_body = body_forms(body)
    return Exchange(
        id=new_id("x"),
        seq=0,
        started_at=received_at,
        provider="console",
        operation="webhook",
        env="listener",
        method=method,
        url=mask(url),
        request_headers=tuple((k, mask(v)) for k, v in headers),
        request_body=mask(text),
        outcome=Outcome.INTERNAL_ERROR,
        status=500,
        error_code="listener_failed",
        message=f"{type(exc).__name__}: {exc}",
        meaning="The listener failed while handling this request (a bug); it answered 500.",
        notes=(("traceback", traceback.format_exc()),),
        source=source,
        body_base64="" if mask(text) != text else base64_body,
    )
