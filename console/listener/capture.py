"""Read an aiohttp request into an Incoming: raw bytes first (bounded), then a best-effort parse."""

from __future__ import annotations

import time

from aiohttp import web

from console.providers.webhook import Incoming
from console.providers.webhook_body import parse_body

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
