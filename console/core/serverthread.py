"""An aiohttp application served from its own thread and event loop (the listener; usable by any server).

A busy GUI cannot stall it and a burst of requests cannot stall the GUI: the two only meet through
thread-safe calls (:meth:`ServerThread.submit`) and the callbacks the served code makes.

Connections are guarded: a request head must arrive within the idle timeout of its first byte and a connection
idle between requests is closed after it; requests aiohttp's HTTP parser refuses are answered without a
traceback and reported (with what arrived of them) to whoever asked, as are heads left unfinished.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web

from console.core import settings
from console.core.errors import ConsoleError
from console.core.request_guard import Guard, GuardedAppRunner, Rejected

log = logging.getLogger(__name__)
T = TypeVar("T")
START_TIMEOUT_S = 30.0
SHUTDOWN_TIMEOUT_S = 1.0
DEFAULT_IDLE_TIMEOUT_S = settings.DEFAULT_IDLE_TIMEOUT_S  # one value for the listener, its flag and the GUI


class ServerError(ConsoleError):
    """The server could not start (port taken, bad address) or was used while stopped."""


class ServerThread:
    """Serve ``make_app()`` on ``host:port`` from a daemon thread; ``port=0`` picks a free port.

    Attributes:
        name: what serves, in messages ("webhook listener"); the thread is named ``otp-<name>``.
    """

    def __init__(
        self,
        name: str,
        make_app: Callable[[], web.Application],
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        idle_timeout: float | None = DEFAULT_IDLE_TIMEOUT_S,
        on_rejected: Rejected | None = None,
        handler_cancellation: bool = True,
    ):
        """Serve ``make_app()`` once started.

        Args:
            name: what serves, in messages.
            make_app: builds the application on the server's own loop.
            host: the address to bind.
            port: the port to bind (0: a free one).
            idle_timeout: seconds a connection may stay idle between requests, and a request head may take
                from its first byte; None or 0 keeps aiohttp's own keep-alive (an hour) and no head limit.
            on_rejected: called on the server's thread with each request the HTTP parser refused and each
                head left unfinished (timed out or cut off by the client).
            handler_cancellation: cancel a request's handler when its client disconnects (aiohttp's option);
                a server that must finish what it started for every request passes False.
        """
        self.name = name
        self.host = host
        self.requested_port = port
        self.idle_timeout = idle_timeout if idle_timeout and idle_timeout > 0 else None
        self.on_rejected = on_rejected
        self.handler_cancellation = handler_cancellation
        self._make_app = make_app
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_event: asyncio.Event | None = None
        self._ready = threading.Event()
        self._port: int | None = None
        self._errors: list[BaseException] = []

    # ------------------------------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        """Bind and serve; returns once the port is bound.

        Raises:
            ServerError: the port is taken or the server could not start.
        """
        if self.running:
            raise ServerError(f"The {self.name} is already running")
        self._ready.clear()
        self._errors.clear()
        thread_name = "otp-" + self.name.replace(" ", "-")  # e.g. otp-simulators, otp-webhook-listener
        self._thread = threading.Thread(target=self._main, name=thread_name, daemon=True)
        self._thread.start()
        if not self._ready.wait(START_TIMEOUT_S):
            raise ServerError(f"The {self.name} did not start within {START_TIMEOUT_S:.0f} s")
        if self._errors:
            self._thread.join()
            self._thread = None
            raise self._start_error(self._errors[0]) from self._errors[0]

    def stop(self) -> None:
        """Stop serving and join the thread (safe to call twice, or before start)."""
        thread, loop, stop_event = self._thread, self._loop, self._stop_event
        if thread is None:
            return
        if loop is not None and stop_event is not None:
            with contextlib.suppress(RuntimeError):  # the loop already closed
                loop.call_soon_threadsafe(stop_event.set)
        thread.join()
        self._thread = None
        self._port = None

    @property
    def loop_kind(self) -> str:
        """Which event loop serves: ``uvloop`` or ``asyncio`` ("" while stopped)."""
        loop = self._loop
        return "" if loop is None else ("uvloop" if type(loop).__module__.startswith("uvloop") else "asyncio")

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and self._port is not None

    @property
    def port(self) -> int:
        if self._port is None:
            raise ServerError(f"The {self.name} is not running")
        return self._port

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>`` (the loopback address when bound to all interfaces)."""
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else "::1" if self.host == "::" else self.host
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}"

    def submit(self, coro: Coroutine[Any, Any, T]) -> Future[T]:
        """Run ``coro`` on the server's loop from any thread."""
        loop = self._loop
        if loop is None:
            coro.close()
            raise ServerError(f"The {self.name} is not running")
        return asyncio.run_coroutine_threadsafe(coro, loop)

    # ------------------------------------------------------------------------------------------- serving
    def _start_error(self, exc: BaseException) -> ServerError:
        where = f"{self.host}:{self.requested_port}"
        if isinstance(exc, OSError) and exc.errno == errno.EADDRINUSE:
            return ServerError(
                f"Cannot start the {self.name} on {where}: the port is already in use "
                "(another program is listening there; choose another port, or 0 for any free one)"
            )
        return ServerError(f"Cannot start the {self.name} on {where}: {exc}")

    def _main(self) -> None:
        try:
            with asyncio.Runner(loop_factory=loop_factory()) as runner:
                runner.run(self._serve())
        except BaseException as exc:  # reported to start(), never left to the thread's excepthook
            if not self._ready.is_set():
                self._errors.append(exc)
            else:
                log.exception("The %s stopped unexpectedly", self.name)
        finally:
            self._loop = None
            self._stop_event = None
            self._ready.set()

    async def _serve(self) -> None:
        protocol: dict[str, Any] = {"access_log": None}
        if self.idle_timeout is not None:
            protocol["keepalive_timeout"] = self.idle_timeout
        runner = GuardedAppRunner(
            self._make_app(),
            Guard(self.idle_timeout, self.on_rejected, protocol),
            handler_cancellation=self.handler_cancellation,
            shutdown_timeout=SHUTDOWN_TIMEOUT_S,
            **protocol,
        )
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self.requested_port)
            await site.start()
            self._port = int(runner.addresses[0][1])
            self._stop_event = asyncio.Event()
            self._loop = asyncio.get_running_loop()
            self._ready.set()
            await self._stop_event.wait()
        finally:
            await runner.cleanup()


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """The event loop of uvloop where it is installed (not on Windows), else asyncio's own (None).

    Measured with bench/listener.py under wrk: the listener answers ~20% more callbacks a second on uvloop, for
    the same CPU time per request (asyncio's loop left a fifth of the core unused between requests).
    """
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


# ------------------------------------------------------------------------------------------ port choice
NEXT_PORT_TRIES = 10  # a port only preferred: it, then the next 9, then any free one


@dataclass(frozen=True, slots=True)
class PortChoice:
    """Where a server was started: the port wanted, the port bound, and the ports found taken on the way.

    Attributes:
        wanted: the port asked for (0: any free port).
        port: the port bound.
        taken: the ports tried first and found in use (``wanted``, ``wanted + 1``…); empty when not moved.
    """

    wanted: int
    port: int
    taken: tuple[int, ...] = ()

    @property
    def moved(self) -> bool:
        """True when the server listens somewhere else than it wanted (the wanted port was taken)."""
        return bool(self.taken)

    @property
    def reason(self) -> str:
        """Why it moved, in one line ("8765 was taken (by another program): listening on 8766"); "" if not."""
        if not self.taken:
            return ""
        if len(self.taken) == 1:
            where = f"{self.taken[0]} was taken (by another program)"
        else:
            where = f"{self.taken[0]}-{self.taken[-1]} were taken (by other programs)"
        tail = "" if self.port == self.taken[-1] + 1 else " (a free port)"
        return f"{where}: listening on {self.port}{tail}"


def port_in_use(exc: BaseException) -> bool:
    """True when ``exc`` (a :class:`ServerError` from :meth:`ServerThread.start`) says the port is in use."""
    cause = exc.__cause__ if isinstance(exc, ServerError) else exc
    return isinstance(cause, OSError) and cause.errno == errno.EADDRINUSE


def start_near(server: ServerThread, *, explicit: bool, tries: int = NEXT_PORT_TRIES) -> PortChoice:
    """Start ``server`` on its ``requested_port``; when that port is only preferred and taken, on the next free one.

    A port chosen explicitly (``explicit``: typed by the user, ``--port N``) is bound or refused: it never moves.
    A preferred port (the default, or the one remembered from the last run) that is taken moves to the next free
    port (``tries`` ports in all, counting it), then to any free port. Port 0 always means any free port.

    Returns:
        Where the server listens, and why it moved when it did (:attr:`PortChoice.reason`).

    Raises:
        ServerError: the port is taken (explicit), or the server could not start for another reason.
    """
    wanted = server.requested_port
    if explicit or wanted == 0:
        server.start()
        return PortChoice(wanted, server.port)
    taken: list[int] = []
    for port in [*range(wanted, min(wanted + max(tries, 1), 65536)), 0]:
        server.requested_port = port
        try:
            server.start()
        except ServerError as exc:
            if port == 0 or not port_in_use(exc):
                server.requested_port = wanted
                raise
            taken.append(port)
            continue
        return PortChoice(wanted, server.port, tuple(taken))
    raise AssertionError("unreachable: port 0 either binds or raises")  # pragma: no cover
