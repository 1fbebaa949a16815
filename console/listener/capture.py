"""Read an aiohttp request into an Incoming: raw bytes first (bounded), then a best-effort parse."""

from __future__ import annotations

import json
import time
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qsl

from aiohttp import web

from console.providers.webhook import Incoming

MAX_BODY_BYTES = 1024 * 1024
_CHUNK = 64 * 1024


class TooLarge(Exception):
    """The body is over the limit; ``received`` bytes were read (or the declared length) before giving up."""

    def __init__(self, size: int, declared: bool) -> None:
        super().__init__(size)
        self.size = size
        self.declared = declared


async def read_body(request: web.Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The raw body, at most ``limit`` bytes.

    Raises:
        TooLarge: the declared Content-Length or the bytes actually sent exceed ``limit``.
    """
    if request.content_length is not None and request.content_length > limit:
        raise TooLarge(request.content_length, declared=True)
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = await request.content.read(_CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise TooLarge(size, declared=False)
        chunks.append(chunk)


def incoming_from(request: web.Request, body: bytes, received_at: float | None = None) -> Incoming:
    """The request as an Incoming, with its body parsed as its content type says (errors kept, never raised)."""
    raw_type = request.headers.get("Content-Type", "")
    form, parsed, error = parse_body(raw_type.split(";")[0].strip().lower(), raw_type, body)
    return Incoming(
        method=request.method,
        path=request.path,
        query=tuple(request.query.items()),
        headers=tuple(request.headers.items()),
        body=body,
        received_at=time.time() if received_at is None else received_at,
        source=request.remote or "",
        form=form,
        json=parsed,
        parse_error=error,
    )


def parse_body(content_type: str, raw_type: str, body: bytes) -> tuple[dict[str, str] | None, object, str]:
    """(form, json, error) for a body: url-encoded and multipart forms, JSON; other types are left raw."""
    if not body:
        return None, None, ""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, None, f"The body is not valid UTF-8 ({exc.reason} at byte {exc.start}); stored raw."
    if content_type == "application/x-www-form-urlencoded":
        try:
            return dict(parse_qsl(text, keep_blank_values=True, strict_parsing=True)), None, ""
        except ValueError as exc:
            return None, None, f"Malformed form body: {exc}"
    if content_type == "multipart/form-data":
        return _multipart(raw_type, body)
    if content_type.endswith("json") or (not content_type and text.lstrip()[:1] in "{["):
        try:
            return None, json.loads(text), ""
        except ValueError as exc:
            return None, None, f"Malformed JSON: {exc}"
    return None, None, ""


def _multipart(raw_type: str, body: bytes) -> tuple[dict[str, str] | None, object, str]:
    """Text parts of a multipart body, parsed with the standard library's MIME parser."""
    if "boundary=" not in raw_type:
        return None, None, "Malformed multipart body: the Content-Type has no boundary."
    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + raw_type.encode("latin-1") + b"\r\n\r\n" + body)
    if not message.is_multipart() or message.defects:
        defects = ", ".join(type(d).__name__ for d in message.defects) or "no parts found"
        return None, None, f"Malformed multipart body: {defects}."
    form: dict[str, str] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        if part.get_filename():
            form[name] = f"<file {part.get_filename()!r}, {len(data)} bytes>"
        else:
            form[name] = data.decode(part.get_content_charset() or "utf-8", errors="replace")
    return form, None, ""
