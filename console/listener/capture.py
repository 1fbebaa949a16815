"""Read an aiohttp request into an Incoming: raw bytes first (bounded, watched), then a best-effort parse."""

from __future__ import annotations

import asyncio
import time

from aiohttp import web
from aiohttp.http import HttpProcessingError
from aiohttp.web_protocol import RequestPayloadError

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


class BodyCutOff(Exception):
    """The body ended short: the client closed the connection, or stopped sending for the idle timeout.

    Attributes:
        partial: the bytes that did arrive.
        declared: the Content-Length, or None for a chunked body.
        stalled: True when the client stopped sending but kept the connection open (answered 408), False when
            the connection closed.
        detail: what aiohttp said, or how long nothing arrived.
    """

    def __init__(self, partial: bytes, declared: int | None, stalled: bool, detail: str) -> None:
        super().__init__(detail)
        self.partial = partial
        self.declared = declared
        self.stalled = stalled
        self.detail = detail

    @property
    def received(self) -> int:
        return len(self.partial)


async def read_body(request: web.Request, limit: int = MAX_BODY_BYTES, idle_timeout: float | None = None) -> bytes:
    """The raw body, at most ``limit`` bytes; with ``idle_timeout``, a wait for more bytes is bounded by it.

    Raises:
        TooLarge: the declared Content-Length or the bytes actually sent exceed ``limit``.
        BodyCutOff: the connection closed before the body was complete, or nothing arrived for ``idle_timeout``.
    """
    declared = request.content_length
    if declared is not None and declared > limit:
        raise TooLarge(declared, declared=True)
    if request.content.is_eof():  # all of it has arrived (a callback's body, usually): take it without waiting
        try:
            body = request.content.read_nowait()
        except (ConnectionError, RequestPayloadError, HttpProcessingError) as exc:
            raise BodyCutOff(b"", declared, False, str(exc).strip() or type(exc).__name__) from None
        if len(body) > limit:
            raise TooLarge(len(body), declared=False)
        return body
    chunks: list[bytes] = []
    size = 0
    while True:
        try:
            if idle_timeout and not request.content.is_eof():  # bytes still to come: wait for them, not forever
                async with asyncio.timeout(idle_timeout):
                    chunk = await request.content.read(_CHUNK)
            else:
                chunk = await request.content.read(_CHUNK)
        except TimeoutError:
            raise BodyCutOff(b"".join(chunks), declared, True, f"nothing arrived for {idle_timeout:g} s") from None
        except (ConnectionError, RequestPayloadError, HttpProcessingError) as exc:
            detail = str(exc).strip() or type(exc).__name__
            raise BodyCutOff(b"".join(chunks), declared, False, detail) from None
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise TooLarge(size, declared=False)
        chunks.append(chunk)


def incoming_from(request: web.Request, body: bytes, received_at: float | None = None, parse: bool = True) -> Incoming:
    """The request as an Incoming, with its body parsed as its content type says (errors kept, never raised).

    ``parse=False`` keeps the body raw (a body cut off is not worth parsing).
    """
    raw_type = request.headers.get("Content-Type", "")
    form, parsed, error = (
        parse_body(raw_type.split(";")[0].strip().lower(), raw_type, body) if parse else (None, None, "")
    )
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
