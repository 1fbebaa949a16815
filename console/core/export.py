"""Recorded exchanges as cURL, httpx code, HAR 1.2, JSON lines, or one verification's evidence file.

Records are already redacted, so nothing here can leak a secret.
"""

from __future__ import annotations

import datetime as dt
import json
import shlex
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from console.core.models import Exchange, Verification

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


def to_httpx(exchange: Exchange) -> str:
    """Python (httpx) code reproducing the request; secrets stay as masked as they are in the record."""
    headers = {k: v for k, v in exchange.request_headers if k.lower() not in _SKIP_HEADERS}
    lines = [
        "import httpx",
        "",
        "response = httpx.request(",
        f"    {exchange.method or 'GET'!r},",
        f"    {exchange.url!r},",
        f"    headers={headers!r},",
    ]
    if exchange.request_body:
        lines.append(f"    content={exchange.request_body.encode('utf-8')!r},")
    lines += ["    timeout=20.0,", ")", "print(response.status_code, response.text)"]
    return "\n".join(lines)


def _har_headers(headers: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    return [{"name": k, "value": v} for k, v in headers]


def _header(headers: tuple[tuple[str, str], ...], name: str, default: str = "") -> str:
    return next((v for k, v in headers if k.lower() == name), default)


LOCAL_HOST = "https://otp-console.invalid"  # the URL of an entry that made no request (a reserved, unreal name)


def _otp_console(ex: Exchange) -> dict[str, Any]:
    """The entry's custom HAR field: what the console knows of it beyond HTTP (HAR allows ``_``-prefixed keys)."""
    found: dict[str, Any] = {
        "id": ex.id,
        "provider": ex.provider,
        "operation": ex.operation,
        "channel": ex.channel,
        "outcome": ex.outcome.value,
        "sent": bool(ex.method),
        "errorCode": ex.error_code,
        "message": ex.message,
        "verification": ex.verification_id,
    }
    if ex.checked_by:
        found["checkedBy"] = ex.checked_by
    if not ex.method:
        found["kind"] = "check by the console" if ex.checked_by == "console" else "refused before sending"
    return found


def to_har(exchanges: Iterable[Exchange], creator_version: str) -> dict[str, Any]:
    """A HAR 1.2 log (opens in browser developer tools), every row an entry.

    Rows that made no HTTP request (the console's own checks, refused attempts) are entries too, at a URL under
    :data:`LOCAL_HOST` with status 0; each entry's ``_otpConsole`` field says what the row was.
    """
    entries = []
    for ex in exchanges:
        url = ex.url if ex.method else f"{LOCAL_HOST}/{ex.provider}/{ex.operation}"
        split = urlsplit(url)
        request: dict[str, Any] = {
            "method": ex.method or "GET",
            "url": url,
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": _har_headers(ex.request_headers),
            "queryString": [{"name": k, "value": v} for k, v in parse_qsl(split.query, keep_blank_values=True)],
            "headersSize": -1,
            "bodySize": len(ex.request_body.encode("utf-8")),
        }
        if ex.request_body:
            request["postData"] = {
                "mimeType": _header(ex.request_headers, "content-type", "application/octet-stream"),
                "text": ex.request_body,
            }
        body = ex.response_body
        entries.append(
            {
                "startedDateTime": dt.datetime.fromtimestamp(ex.started_at, dt.UTC).isoformat(),
                "time": round(ex.latency_ms or 0.0, 3),
                "request": request,
                "response": {
                    "status": ex.status or 0,
                    "statusText": ex.message if ex.status is None else "",
                    "httpVersion": "HTTP/1.1",
                    "cookies": [],
                    "headers": _har_headers(ex.response_headers),
                    "content": {
                        "size": len(body.encode("utf-8")),
                        "mimeType": _header(ex.response_headers, "content-type", "text/plain"),
                        "text": body,
                    },
                    "redirectURL": "",
                    "headersSize": -1,
                    "bodySize": len(body.encode("utf-8")),
                },
                "cache": {},
                "timings": {"send": 0, "wait": round(ex.latency_ms or 0.0, 3), "receive": 0},
                "comment": f"{ex.provider} {ex.operation} {ex.outcome.value} {ex.error_code or ''}".strip(),
                "_otpConsole": _otp_console(ex),
            }
        )
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "otp-console", "version": creator_version},
            "entries": entries,
        }
    }


def to_jsonl(exchanges: Iterable[Exchange]) -> str:
    """One JSON object per exchange and line, as history keeps it (secrets already masked)."""
    return "".join(json.dumps(ex.to_dict(), ensure_ascii=False) + "\n" for ex in exchanges)


def evidence(verification: Verification, exchanges: Iterable[Exchange], creator_version: str) -> dict[str, Any]:
    """A verification's full timeline for a bug report: the verification, every step with its gap, and a HAR."""
    steps = sorted(exchanges, key=lambda ex: ex.started_at)
    timeline = []
    previous: float | None = None
    for ex in steps:
        timeline.append(
            {
                "at": dt.datetime.fromtimestamp(ex.started_at, dt.UTC).isoformat(),
                "gap_s": None if previous is None else round(ex.started_at - previous, 3),
                "step": ex.operation + (f" · {ex.channel}" if ex.channel else ""),
                "outcome": ex.outcome.value,
                "status": ex.status,
                "summary": ex.summary,
                "signature": ex.signature or None,
                "exchange": ex.id,
            }
        )
        previous = ex.started_at
    public = {k: v for k, v in verification.to_dict().items() if k != "keys"}
    public["keys"] = {k: v for k, v in verification.keys.items() if k not in ("code_salt", "code_sha256")}
    return {
        "otp_console": creator_version,
        "verification": public,
        "timeline": timeline,
        "har": to_har(steps, creator_version),
    }
