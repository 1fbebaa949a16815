"""Send a captured callback somewhere else: forwarding to the user's backend, and the replay action."""

from __future__ import annotations

import base64
import time
from collections.abc import Sequence
from urllib.parse import urlsplit

from console.core.http import Sent
from console.core.models import Exchange, Outcome, new_id
from console.providers.webhook import Outgoing, WebhookRule

HOP_BY_HOP = frozenset(
    {"host", "content-length", "connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade"}
)


def raw_body(exchange: Exchange) -> bytes:
    """The callback's body bytes as received (kept in base64 when they were not UTF-8)."""
    if exchange.body_base64:
        return base64.b64decode(exchange.body_base64)
    return exchange.request_body.encode("utf-8")


def forwardable_headers(headers: Sequence[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """The headers to pass on: everything but hop-by-hop ones and those the client sets itself."""
    return tuple((k, v) for k, v in headers if k.lower() not in HOP_BY_HOP)


def replay_request(
    exchange: Exchange, body: bytes | None = None, rule: WebhookRule | None = None, secret: str = ""
) -> Outgoing:
    """The request to re-send for a captured callback: optionally with an edited body, re-signed with ``rule``."""
    query = urlsplit(exchange.url).query
    outgoing = Outgoing(
        exchange.method,
        query,
        forwardable_headers(exchange.request_headers),
        raw_body(exchange) if body is None else body,
        label=f"replay of {exchange.id}",
    )
    return rule.sign(outgoing, secret) if rule is not None and secret else outgoing


def sent_row(
    kind: str, of: Exchange, method: str, url: str, headers: Sequence[tuple[str, str]], body: bytes, sent: Sent
) -> Exchange:
    """The log row of a forward or a replay, tied to the same verification as the callback it re-sends."""
    if sent.status is None:
        outcome, code, meaning = Outcome.TRANSPORT_ERROR, "unreachable", f"Could not reach {url}."
    elif sent.status >= 400:
        outcome, code, meaning = Outcome.PROVIDER_ERROR, str(sent.status), f"The receiver answered HTTP {sent.status}."
    else:
        outcome, code, meaning = Outcome.OK, None, ""
    message = sent.error or f"{kind} → HTTP {sent.status}"
    return Exchange(
        id=new_id("x"),
        seq=0,
        started_at=time.time(),
        provider=of.provider,
        operation=kind,
        channel=of.channel,
        env="listener",
        method=method,
        url=url,
        request_headers=tuple(headers),
        request_body=body.decode("utf-8", errors="replace"),
        outcome=outcome,
        status=sent.status,
        response_headers=sent.headers,
        response_body=sent.body,
        latency_ms=sent.latency_ms,
        error_code=code,
        meaning=meaning,
        message=message,
        verification_id=of.verification_id,
        notes=((f"{kind} of", of.id),),
    )
