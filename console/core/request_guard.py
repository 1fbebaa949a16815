"""aiohttp's HTTP protocol, guarded: heads arrive in time, idle connections close, refusals are reported.

Requests the HTTP parser refuses (or leaves unfinished) are answered without a traceback and reported, with what
arrived of them, to whoever asked.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.http import HttpProcessingError, RawRequestMessage
from aiohttp.streams import StreamReader

log = logging.getLogger(__name__)
HEAD_KEPT = 4096  # bytes of a refused or unfinished request head kept for its report


@dataclass(frozen=True, slots=True)
class RejectedRequest:
    """A request the server saw but could not serve: refused by the HTTP parser, or its head left unfinished.

    Attributes:
        peer: the client's address ("" when unknown).
        status: what the server answered (400 from the parser, 408 when the head timed out), or None when
            nothing could be answered (the client closed the connection first).
        reason: why, in words (the parser's message, or what the watchdog saw).
        error: the parser's exception class (``LineTooLong``, ``BadHttpMessage``…), or for an unfinished head
            ``head_timeout`` (the watchdog closed it) or ``head_cut_off`` (the connection closed under it).
        head: the first bytes of the request as received, at most :data:`HEAD_KEPT`.
        received: how many bytes of the request head arrived in all.
        at: when its first byte arrived (epoch seconds).
    """

    peer: str
    status: int | None
    reason: str
    error: str
    head: bytes
    received: int
    at: float


Rejected = Callable[[RejectedRequest], None]


class ClosingResponse(web.Response):
    """A response after which the connection is closed at once, without lingering over a body left unread.

    For a client that already stopped sending: aiohttp would otherwise wait up to 10 s for the rest of its body.
    """


@dataclass(frozen=True, slots=True)
class Guard:
    """What the guarded protocol needs: the head time limit, whom to report to, aiohttp's protocol options."""

    head_timeout: float | None
    on_rejected: Rejected | None
    protocol: dict[str, Any]


class GuardedAppRunner(web.AppRunner):
    """aiohttp's application runner, serving through :class:`_GuardedServer`."""

    def __init__(self, app: web.Application, guard: Guard, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._guard = guard

    async def _make_server(self) -> web.Server:
        plain = await super()._make_server()  # starts the application; its server is replaced, never bound
        return _GuardedServer(
            plain.request_handler,
            self._guard,
            request_factory=plain.request_factory,
            handler_cancellation=plain.handler_cancellation,
            loop=asyncio.get_running_loop(),
        )


class _GuardedServer(web.Server):
    """aiohttp's server, making a :class:`_GuardedRequestHandler` for each connection."""

    def __init__(self, handler: Any, guard: Guard, *, loop: asyncio.AbstractEventLoop, **kwargs: Any) -> None:
        super().__init__(handler, loop=loop, **kwargs, **guard.protocol)
        self._guard = guard
        self._guard_loop = loop

    def __call__(self) -> web.RequestHandler:
        return _GuardedRequestHandler(self, self._guard, loop=self._guard_loop, **self._guard.protocol)


class _GuardedRequestHandler(web.RequestHandler):
    """aiohttp's HTTP protocol, plus a watchdog on request heads and quiet, reported parser refusals.

    aiohttp hands what its parser refuses to :meth:`handle_error` (never to the application); here that is
    answered as aiohttp would (400, connection closed) but reported instead of logged with a traceback. Bytes of
    a request head are counted (the first :data:`HEAD_KEPT` kept) until the parser completes it; a head still
    unfinished ``head_timeout`` seconds after its first byte is answered 408 and the connection closed; a head
    the client abandons is reported when the connection closes.
    """

    def __init__(self, manager: web.Server, guard: Guard, *, loop: asyncio.AbstractEventLoop, **kwargs: Any):
        super().__init__(manager, loop=loop, **kwargs)
        self._guard = guard
        self._peer = ""
        self._head = bytearray()
        self._head_received = 0
        self._head_at = 0.0
        self._head_started = 0.0  # the loop's clock at the head's first byte
        self._head_timer: asyncio.TimerHandle | None = None
        self._body: StreamReader | None = None  # the body of the last request parsed, while it arrives
        self._refused = False  # the parser refused a request: this connection reports nothing more
        self._closed_here = False
        self._timed_out = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        peer = transport.get_extra_info("peername")
        self._peer = str(peer[0]) if isinstance(peer, tuple) and peer else str(peer or "")
        super().connection_made(transport)

    def data_received(self, data: bytes) -> None:
        if self._refused or self._close or self._force_close:  # aiohttp ignores what arrives then; so does this
            super().data_received(data)
            return
        if self._body is None or self._body.is_eof():
            self._note_head(data)
        parsed = self._request_count
        super().data_received(data)
        if self._request_count != parsed:
            self._head_finished()
        elif self._head_received and self._head_timer is None and not self._refused:  # a head still arriving: watch it
            self._watch_head()

    def force_close(self) -> None:
        self._closed_here = True
        super().force_close()

    def connection_lost(self, exc: BaseException | None) -> None:
        unfinished = self._head_received > 0 and not self._refused
        closed_here = self._closed_here
        self._cancel_head_timer()
        request = self._current_request
        if request is not None and request.content.is_eof():
            # the whole request arrived: aiohttp would make reading its buffered body fail; let its handler have it
            self._current_request = None
        super().connection_lost(exc)
        if not unfinished:
            return
        size = f"{self._head_received:,} bytes of an unfinished request head"
        if self._timed_out:
            status, error = 408, "head_timeout"
            reason = f"No complete request head within {self._guard.head_timeout:g} s ({size}): answered 408, closed."
        elif closed_here:
            status, error = None, "head_cut_off"
            reason = f"The server closed the connection (it is stopping) with {size}."
        else:
            status, error = None, "head_cut_off"
            reason = f"The client closed the connection after {size}."
        self._report(status, reason, error)

    async def finish_response(
        self, request: web.BaseRequest, resp: web.StreamResponse, start_time: float | None
    ) -> tuple[web.StreamResponse, bool]:
        result = await super().finish_response(request, resp, start_time)
        if isinstance(resp, ClosingResponse):
            self.force_close()  # the answer is written; the transport sends it before closing
        return result

    def handle_error(
        self,
        request: web.BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        if not isinstance(exc, HttpProcessingError):  # a failure of the served code: aiohttp logs it, loudly
            return super().handle_error(request, status, exc, message)
        reason = message or exc.message or type(exc).__name__
        log.debug("Refused a request from %s: %s", self._peer, reason)
        self._refused = True
        self._cancel_head_timer()
        self._report(status, reason, type(exc).__name__)
        if request.writer.output_size > 0:  # as aiohttp: an answer already started cannot be replaced
            raise ConnectionError("The answer was already being sent; the connection is broken")
        response = web.Response(status=status, text=f"Bad request: {reason}\n")
        response.force_close()
        return response

    # ------------------------------------------------------------------------------------------- helpers
    def _note_head(self, data: bytes) -> None:
        if not self._head_received:
            data = data.lstrip(b"\r\n")  # line ends left between requests do not start one
            if not data:
                return
            self._head_at = time.time()
            self._head_started = self._loop.time()
        room = HEAD_KEPT - len(self._head)
        if room > 0:
            self._head += data[:room]
        self._head_received += len(data)

    def _watch_head(self) -> None:
        """Time the head left unfinished by a packet (a whole head in one packet, the usual case, needs no timer)."""
        timeout = self._guard.head_timeout
        if timeout is None:
            return
        self._head_timer = self._loop.call_at(self._head_started + timeout, self._head_timed_out)
        # aiohttp's keep-alive timer (from the connection's start) would close it first, answering nothing
        self._next_keepalive_close_time = self._head_started + timeout + 1.0

    def _head_finished(self) -> None:
        message, body = self._messages[-1] if self._messages else (None, None)
        if message is not None and not isinstance(message, RawRequestMessage):
            return  # the parser refused it: handle_error reports it, with the head as it stands
        self._cancel_head_timer()
        self._head.clear()
        self._head_received = 0
        self._body = body

    def _head_timed_out(self) -> None:
        self._head_timer = None
        transport = self.transport
        if self._refused or not self._head_received or transport is None:
            return
        if self._request_in_progress:  # a pipelined head behind a request being served: wait for it
            self._head_timer = self._loop.call_later(self._guard.head_timeout or 1.0, self._head_timed_out)
            return
        self._timed_out = True
        text = b"Request timeout: the request head did not arrive in time.\n"
        transport.write(
            b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(text), text)
        )
        self.force_close()

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _report(self, status: int | None, reason: str, error: str) -> None:
        on_rejected = self._guard.on_rejected
        if on_rejected is None:
            return
        rejected = RejectedRequest(
            self._peer, status, reason, error, bytes(self._head), self._head_received, self._head_at or time.time()
        )
        try:
            on_rejected(rejected)
        except Exception:  # a bug in the reporting code: visible, but the server keeps serving
            log.exception("Reporting a refused request from %s failed", self._peer)
