"""A hostile HTTP server for the fault suite: every path under ``/<fault>/`` answers with that fault.

It runs on 127.0.0.1 in its own thread and event loop, so a test may block on it (a CLI subprocess, a
``ConsoleService`` on the test's own loop) without deadlock. It keeps its own small runner rather than the
console's ``ServerThread``: the fake outside world should not share the code it is testing. A provider's base URL is
``server.url("<fault>")``; the provider module appends its own paths, which all get the same answer.
"""

from __future__ import annotations

import asyncio
import itertools
import socket
import struct
import threading
import zlib
from dataclasses import dataclass

from aiohttp import web

DRIP_BODY = b'{"status": "success", "request_id": "dripped-slowly"}'
RESET_BODY = b'{"status": "success", "request_id": "' + b"r" * 80  # sent, then the connection is reset
BIG_BYTES = 30 * 1024 * 1024
NESTING = 5_000
BOMB_GIGABYTES = 1
HTML_500 = (
    "<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>\n"
    "<body><h1>500 Internal Server Error</h1><hr><p>nginx</p></body></html>\n"
)
INVALID_JSON = b'{"status": "success", "request_id": "abc'


@dataclass(frozen=True)
class Canned:
    """A fixed answer registered under its own path prefix."""

    status: int
    body: bytes
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()


def _gzip_bomb_parts() -> tuple[bytes, bytes, bytes]:
    """(gzip header + first block, a block worth 1 MiB of zeros, the end): repeat the middle to inflate.

    After a full flush deflate blocks refer to nothing before them, so the same block may be sent over and
    over: about 1 KB on the wire for each MiB it inflates to.
    """
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # gzip, deflate, no name, no mtime
    start = header + deflate.compress(b'{"status": "success", "request_id": "') + deflate.flush(zlib.Z_FULL_FLUSH)
    block = deflate.compress(b"0" * (1 << 20)) + deflate.flush(zlib.Z_FULL_FLUSH)
    end = deflate.flush(zlib.Z_FINISH) + struct.pack("<II", 0, 0)  # CRC and size: never reached by a capped reader
    return start, block, end


class FaultServer:
    """Serves the faults; ``register`` adds canned answers (wrong types in a field) under their own prefix."""

    FAULTS = (
        "silent",
        "drip",
        "reset",
        "html500",
        "invalid_json",
        "nesting",
        "big",
        "gzip_bomb",
        "redirect",
    )

    def __init__(self) -> None:
        self._canned: dict[str, Canned] = {}
        self._ids = itertools.count(1)
        self._bomb = _gzip_bomb_parts()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    def start(self) -> None:
        """Serve from a daemon thread; returns once the port is bound."""
        loop = asyncio.new_event_loop()
        runner = web.AppRunner(self._app(), access_log=None, handler_cancellation=True, shutdown_timeout=1.0)
        ready = threading.Event()

        def serve() -> None:
            asyncio.set_event_loop(loop)
            loop.run_until_complete(runner.setup())
            loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", 0).start())
            self.port = int(runner.addresses[0][1])
            ready.set()
            loop.run_forever()
            loop.run_until_complete(runner.cleanup())
            loop.close()

        self._loop = loop
        self._thread = threading.Thread(target=serve, name="fault-server", daemon=True)
        self._thread.start()
        if not ready.wait(30):
            raise RuntimeError("the fault server did not start")

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(30)
        self._loop = self._thread = None

    def url(self, fault: str) -> str:
        """The base URL whose every path answers with ``fault`` (or a canned answer's id)."""
        return f"http://127.0.0.1:{self.port}/{fault}"

    def register(
        self, status: int, body: bytes, content_type: str = "application/json", headers: dict[str, str] | None = None
    ) -> str:
        """Serve ``body`` (as it is: no encoding added) under a new prefix and return the prefix for :meth:`url`."""
        key = f"canned{next(self._ids)}"
        self._canned[key] = Canned(status, body, content_type, tuple((headers or {}).items()))
        return key

    # ---------------------------------------------------------------------------------------------- serving
    def _app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{fault}/{tail:.*}", self._answer)
        app.router.add_route("*", "/{fault}", self._answer)
        return app

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        await request.read()
        fault = request.match_info["fault"]
        if fault in self._canned:
            canned = self._canned[fault]
            return web.Response(
                status=canned.status, body=canned.body, content_type=canned.content_type, headers=dict(canned.headers)
            )
        handler = getattr(self, f"_{fault}", None)
        if handler is None:
            return web.Response(status=404, text=f"no fault {fault!r}")
        response: web.StreamResponse = await handler(request)
        return response

    async def _silent(self, request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(3600)  # cancelled when the client gives up (handler_cancellation) or at shutdown
        return web.Response(status=204)

    async def _drip(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(status=200, headers={"Content-Type": "application/json"})
        response.content_length = len(DRIP_BODY)
        await response.prepare(request)
        try:
            for index in range(len(DRIP_BODY)):
                await response.write(DRIP_BODY[index : index + 1])
                await asyncio.sleep(1.0)
        except ConnectionError:
            pass
        return response

    async def _reset(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(status=200, headers={"Content-Type": "application/json"})
        response.content_length = 10_000
        await response.prepare(request)
        await response.write(RESET_BODY)
        await asyncio.sleep(0.2)  # let the client read what came, then reset (RST, not a clean close)
        transport = request.transport
        if transport is not None:
            sock = transport.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            transport.abort()
        return response

    async def _html500(self, request: web.Request) -> web.StreamResponse:
        return web.Response(status=500, text=HTML_500, content_type="text/html")

    async def _invalid_json(self, request: web.Request) -> web.StreamResponse:
        return web.Response(status=200, body=INVALID_JSON, content_type="application/json")

    async def _nesting(self, request: web.Request) -> web.StreamResponse:
        body = b'{"a":' * NESTING + b"1" + b"}" * NESTING
        return web.Response(status=200, body=body, content_type="application/json")

    async def _big(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(status=200, headers={"Content-Type": "application/json"})
        response.content_length = BIG_BYTES
        await response.prepare(request)
        start = b'{"status": "success", "pad": "'
        chunk = b"x" * (1 << 20)
        try:
            await response.write(start + chunk[len(start) :])
            for _ in range(BIG_BYTES // len(chunk) - 1):
                await response.write(chunk)
        except ConnectionError:
            pass
        return response

    async def _gzip_bomb(self, request: web.Request) -> web.StreamResponse:
        start, block, end = self._bomb
        response = web.StreamResponse(
            status=200, headers={"Content-Type": "application/json", "Content-Encoding": "gzip"}
        )
        await response.prepare(request)
        try:
            await response.write(start)
            for _ in range(BOMB_GIGABYTES * 1024):
                await response.write(block)
            await response.write(end)
        except ConnectionError:
            pass
        return response

    async def _redirect(self, request: web.Request) -> web.StreamResponse:
        return web.Response(status=302, headers={"Location": str(request.rel_url)})  # to itself: a loop
