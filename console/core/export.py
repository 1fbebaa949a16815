"""Turn a recorded exchange into something to paste elsewhere: cURL, pretty bodies."""

from __future__ import annotations

import json
import shlex
from urllib.parse import parse_qsl

from console.core.models import Exchange

_SKIP_HEADERS = {"host", "content-length", "accept-encoding", "connection", "user-agent", "accept"}


def to_curl(exchange: Exchange) -> str:
    """A cURL command reproducing the request; secrets stay as masked as they are in the record."""
    parts = ["curl", "-sS", "-X", exchange.method or "GET", shlex.quote(exchange.url)]
    for name, value in exchange.request_headers:
        if name.lower() not in _SKIP_HEADERS:
            parts += ["-H", shlex.quote(f"{name}: {value}")]
    if exchange.request_body:
        parts += ["--data-binary", shlex.quote(exchange.request_body)]
    return " ".join(parts)


def pretty_body(body: str, headers: tuple[tuple[str, str], ...] = ()) -> str:
    """JSON indented, form bodies one ``key = value`` per line, anything else as it is."""
    content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
    text = body.strip()
    if text[:1] in "{[":
        try:
            return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        except ValueError:
            return body
    if "x-www-form-urlencoded" in content_type and "=" in text:
        pairs = parse_qsl(text, keep_blank_values=True)
        if pairs:
            width = max(len(k) for k, _ in pairs)
            return "\n".join(f"{k.ljust(width)} = {v}" for k, v in pairs)
    return body
