"""The listener's HTTP server: record every request, commit it to history, then answer; forward if asked.

Routes: ``/hooks/<provider>`` for every provider and a catch-all for anything else; both go through the same
:class:`~console.listener.handling.CallbackHandler`. A reply is sent only once its row is committed, so a 2xx
always means "stored"; when history cannot commit, the answer is 500 (and the row says so) and the provider
will retry. Subscribers get each row as soon as it is stored, whether or not its client waits for the answer.

Hostile input is a row, never a traceback: bodies cut off or stalled, requests aiohttp's HTTP parser refuses
(reported by :class:`~console.core.serverthread.ServerThread`, answered 400 before their row is stored) and
request heads left unfinished past the idle timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from concurrent.futures import Future
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import httpx
from aiohttp import web

from console.core.foreground import FOREGROUND
from console.core.history import History, LoopCommitter
from console.core.http import HttpSettings, make_client, send_raw
from console.core.logstore import LogStore
from console.core.models import Exchange, Outcome
from console.core.request_guard import ClosingResponse, RejectedRequest
from console.core.serverthread import DEFAULT_IDLE_TIMEOUT_S, PortChoice, ServerError, ServerThread, start_near
from console.listener.capture import MAX_BODY_BYTES, BodyCutOff, TooLarge, incoming_from, read_body
from console.listener.delivery import forwardable_headers, replay_request, sent_row
from console.listener.handling import CallbackHandler
from console.listener.refusals import NOT_FORWARDED
from console.listener.rows import Handled, failure_row
from console.providers.webhook import Incoming, Reply

log = logging.getLogger(__name__)
LOOPBACK = ("127.0.0.1", "::1", "localhost")
NOT_STORED = "not_stored"
NOT_STORED_REPLY = "The console could not store this request; please retry.\n"
STOP_WAIT_S = 5.0  # at stop, how long rows still being stored are waited for

Received = Callable[[Exchange], None]
Forwarded = Callable[[Exchange, Exchange], None]


@dataclass(frozen=True, slots=True)
class Heartbeat:
    """The listener's pulse, for the status line: requests counted and the last one's time."""

    running: bool
    url: str
    requests: int
    last_at: float | None
    started_at: float | None


class WebhookListener:
    """Receives callbacks on ``host:port`` (127.0.0.1 by default) on its own thread and event loop.

    Attributes:
        handler: classifies, verifies and ties each request.
        forward_to: when set, each callback is passed on, byte for byte with its headers, to this URL.
        public_url: the URL a tunnel exposes, shown with the exact per-provider URL to paste.
        idle_timeout: seconds before a connection idle between requests, a request head unfinished since its
            first byte, or a body that stopped arriving is closed (None: never).
    """

    def __init__(
        self,
        handler: CallbackHandler,
        history: History | None = None,
        store: LogStore | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        forward_to: str | None = None,
        max_body: int = MAX_BODY_BYTES,
        http_settings: HttpSettings | None = None,
        idle_timeout: float | None = DEFAULT_IDLE_TIMEOUT_S,
    ) -> None:
        self.handler = handler
        self.http_settings = http_settings or HttpSettings()
        self.history = history
        self.store = store
        self.forward_to = forward_to
        self.public_url = ""
        self.max_body = max_body
        # handler_cancellation off: a request whose client left is still stored, published and answered (to nobody)
        self.server = ServerThread(
            "webhook listener",
            self._make_app,
            host,
            port,
            idle_timeout=idle_timeout,
            on_rejected=self._on_rejected,
            handler_cancellation=False,
        )
        self.idle_timeout = self.server.idle_timeout
        self._received: list[Received] = []
        self._forwarded: list[Forwarded] = []
        self._lock = threading.Lock()
        self._count = 0
        self._last_at: float | None = None
        self._started_at: float | None = None
        self._tasks: set[asyncio.Task[None]] = set()  # forwards
        self._storing: set[asyncio.Task[Exchange]] = set()  # rows being stored and published
        self._committer: LoopCommitter | None = None
        self._stopping: asyncio.Event | None = None  # set as the server stops: configured reply delays end early
        self._client: httpx.AsyncClient | None = None  # forwarding and replay, on the listener's own loop

    # ------------------------------------------------------------------------------------------ lifecycle
    def start(self, *, explicit: bool = True) -> PortChoice:
        """Bind and serve (returns once bound); ``explicit=False``: a taken port moves to the next free one.

        Raises:
            ServerError: the port is taken (and was chosen explicitly), or the listener could not start.
        """
        choice = start_near(self.server, explicit=explicit)
        self._started_at = time.time()
        return choice

    def stop(self) -> None:
        self.server.stop()
        self._started_at = None

    @property
    def running(self) -> bool:
        return self.server.running

    @property
    def exposed(self) -> bool:
        """True when bound beyond loopback (the UI warns)."""
        return self.server.host not in LOOPBACK

    @property
    def url(self) -> str:
        return self.server.url

    def hooks_base(self) -> str:
        """Where the simulators send their callbacks: ``<url>/hooks``."""
        return f"{self.url}/hooks"

    def paste_urls(self) -> dict[str, str]:
        """Per provider, the exact URL to paste into its settings (the public URL when one is set)."""
        base = self.public_url or self.url
        return {pid: rule.route_url(base) for pid, rule in self.handler.rules.items()}

    def heartbeat(self) -> Heartbeat:
        with self._lock:
            return Heartbeat(
                self.running, self.url if self.running else "", self._count, self._last_at, self._started_at
            )

    def on_received(self, callback: Received) -> None:
        """Call ``callback(row)`` on the listener thread for each request, as soon as it is stored.

        Every row, whether or not its client waited for the answer: rows of requests the HTTP parser refused,
        of bodies cut off, and rows history could not store (their ``status`` is the 500 that was answered).
        """
        self._received.append(callback)

    def forwards(self, row: Exchange) -> bool:
        """True when ``row`` is passed on to :attr:`forward_to` (its forward then reaches ``on_forwarded``)."""
        return bool(self.forward_to) and row.operation == "webhook" and row.error_code not in NOT_FORWARDED

    def on_forwarded(self, callback: Forwarded) -> None:
        """Call ``callback(row, forward_row)`` on the listener thread once a forward has its answer."""
        self._forwarded.append(callback)

    # ---------------------------------------------------------------------------------------------- app
    def _make_app(self) -> web.Application:
        app = web.Application(client_max_size=self.max_body)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._stopping = asyncio.Event()  # made on the server's own loop, as the app is
        app.on_shutdown.append(self._end_delays)
        app.cleanup_ctx.append(self._http_client)
        app.on_cleanup.append(self._close_committer)
        return app

    async def _http_client(self, _app: web.Application) -> AsyncIterator[None]:
        """The console's HTTP client (same factory and settings as sends), made and closed on this loop."""
        self._client = make_client(self.http_settings)
        yield
        client, self._client = self._client, None
        await client.aclose()

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            raise ServerError("The webhook listener is not running")
        return self._client

    async def _end_delays(self, _app: web.Application) -> None:
        """Answer requests waiting out a configured delay now: aiohttp gives handlers one second as it stops."""
        if self._stopping is not None:
            self._stopping.set()

    async def _delay(self, seconds: float) -> None:
        """Wait ``seconds`` before a configured reply, or less when the server stops."""
        stopping = self._stopping
        if stopping is None:
            await asyncio.sleep(seconds)
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await stopping.wait()

    async def _close_committer(self, _app: web.Application) -> None:
        """Let rows still being stored finish, then close the commit connection on the thread that opened it."""
        if self._storing:
            await asyncio.wait(set(self._storing), timeout=STOP_WAIT_S)
        if self._committer is not None:
            self._committer.close()
            self._committer = None

    def _tick(self, at: float) -> None:
        with self._lock:
            self._count += 1
            self._last_at = at

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        FOREGROUND.pause()  # the GUI paints: let it have the interpreter first
        received_at = time.time()
        self._tick(received_at)
        body = b""
        try:
            try:
                body = await read_body(request, self.max_body, self.idle_timeout)
            except TooLarge as exc:
                incoming = incoming_from(request, b"", received_at)
                handled = self.handler.too_large(incoming, self.url, exc.size, exc.declared, self.max_body)
                return await self._answer(handled, incoming, close=True)
            except BodyCutOff as exc:
                body = exc.partial
                incoming = incoming_from(request, body, received_at, parse=False)
                handled = self.handler.cut_off(incoming, self.url, exc.declared, exc.stalled, exc.detail)
                return await self._answer(handled, incoming, close=True, at_once=exc.stalled)
            incoming = incoming_from(request, body, received_at)
            handled = self.handler.handle(incoming, self.url)
            return await self._answer(handled, incoming)
        except Exception as exc:  # a bug: never a traceback to the caller; always a row, and the log says so
            log.exception("The listener failed on %s %s", request.method, request.path)
            row = failure_row(
                self.handler.mask,
                request.method,
                str(request.rel_url),
                tuple(request.headers.items()),
                request.remote or "",
                received_at,
                exc,
                body,
            )
            row = await self._commit(row)
            return web.Response(
                status=500, text=f"The console's listener failed ({row.id}); the request is recorded.\n"
            )

    async def _answer(
        self, handled: Handled, incoming: Incoming, close: bool = False, at_once: bool = False
    ) -> web.StreamResponse:
        """Store and publish the row, then answer (``close``: and close the connection; ``at_once``: right away)."""
        row = await self._commit(handled.exchange, incoming)
        reply = handled.reply
        if row.error_code == NOT_STORED:  # history could not commit: no 2xx (the row says 500 too)
            reply = Reply(500, NOT_STORED_REPLY)
        elif handled.delay_s > 0:
            await self._delay(handled.delay_s)
        kind = ClosingResponse if at_once else web.Response
        response = kind(status=reply.status, text=reply.body, content_type=reply.content_type)
        if close or reply.status == 500:
            response.force_close()
        return response

    def _on_rejected(self, rejected: RejectedRequest) -> None:
        """A request the HTTP parser refused, or a head left unfinished: its row, stored and published."""
        self._tick(rejected.at)
        try:
            row = self.handler.refused(rejected, self.url).exchange
        except Exception as exc:  # a bug in the listener's own code: a row and a log entry, never silence
            log.exception("The listener failed on a refused request from %s", rejected.peer)
            row = failure_row(self.handler.mask, "", "", (), rejected.peer, rejected.at, exc, rejected.head)
            row = replace(row, status=rejected.status, meaning="The listener failed on this refused request (a bug).")
        self._spawn(self._store_and_publish(row, None, answered=True))

    async def _commit(self, row: Exchange, incoming: Incoming | None = None) -> Exchange:
        """Store and publish ``row`` before the handler goes on, whatever happens to the handler.

        A client going away cancels nothing (``handler_cancellation`` is off), but the server stopping does: if the
        handler is cancelled while the row is being committed, a task of its own commits it again (the same id:
        history keeps one) and publishes it, so a row stored is never a row unpublished.
        """
        try:
            return await self._store_and_publish(row, incoming, answered=False)
        except asyncio.CancelledError:
            self._spawn(self._store_and_publish(row, incoming, answered=False))
            raise

    def _spawn(self, store: Coroutine[Any, Any, Exchange]) -> None:
        """Run ``store`` in a task of its own (waited for as the server stops)."""
        task = asyncio.get_running_loop().create_task(store)
        self._storing.add(task)
        task.add_done_callback(self._storing.discard)

    async def _store_and_publish(self, row: Exchange, incoming: Incoming | None, answered: bool) -> Exchange:
        """Store the row, hand it to every subscriber, start its forward; ``answered``: its reply is already sent."""
        row = await self._store(row, answered)
        for callback in list(self._received):
            _safely(callback, row)
        if incoming is not None and self.forward_to and self.forwards(row):
            task = asyncio.create_task(self._forward(row, incoming, self.forward_to))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return row

    async def _store(self, row: Exchange, answered: bool = False) -> Exchange:
        """Commit the row to history (grouped per loop turn, on this thread), then number it in the log.

        When history cannot commit, the row says so; unless its answer is already sent (``answered``) or there
        is nobody to answer (no status), the answer becomes 500 and so does the row's status.
        """
        if self.history is not None:
            if self._committer is None:
                self._committer = LoopCommitter(self.history.path)
            try:
                await self._committer.commit(row)  # sqlite's own 30 s busy timeout bounds the wait
            except Exception as exc:
                replies = not answered and row.status is not None
                row = replace(
                    row,
                    outcome=Outcome.INTERNAL_ERROR,
                    error_code=NOT_STORED,
                    status=500 if replies else row.status,
                    response_headers=(("Content-Type", "text/plain"),) if replies else row.response_headers,
                    response_body=NOT_STORED_REPLY if replies else row.response_body,
                    meaning="History could not store this request"
                    + (", so the listener answered 500." if replies else "."),
                    notes=(*row.notes, ("history", f"{type(exc).__name__}: {exc}")),
                )
        return self.store.append(row) if self.store is not None else row

    async def _forward(self, row: Exchange, incoming: Incoming, target: str) -> None:
        query = "&".join(f"{k}={v}" for k, v in incoming.query)
        url = target + (("&" if "?" in target else "?") + query if query else "")
        headers = forwardable_headers(incoming.headers)
        sent = await send_raw(self.client, incoming.method, url, headers, incoming.body)
        forward = sent_row("forward", row, incoming.method, url, headers, incoming.body, sent)
        forward = forward if self.store is None else self.store.append(forward)
        if self.history is not None:
            self.history.save_exchange(forward)
        for callback in list(self._forwarded):
            _safely(callback, row, forward)

    # ------------------------------------------------------------------------------------------- replay
    def replay(
        self, row: Exchange, target: str | None = None, body: bytes | None = None, resign: bool = False
    ) -> Future[Exchange]:
        """Re-send a captured callback (to this listener by default, else to ``target``), optionally edited.

        With ``resign`` the provider's rule signs it again with the first configured secret (flags, env, .env,
        then the simulator's), so an edited body still verifies. The answer becomes a ``replay`` row.
        """
        return self.server.submit(self._replay(row, target, body, resign))

    async def _replay(self, row: Exchange, target: str | None, body: bytes | None, resign: bool) -> Exchange:
        rule = self.handler.rules.get(row.provider) if resign else None
        secret = ""
        if rule is not None and rule.secrets:
            candidates = self.handler.secrets.get(rule.provider, {}).get(rule.secrets[0].name, [])
            secret = candidates[0].value if candidates else ""
        outgoing = replay_request(row, body, rule, secret)
        base = target or f"{self.url}{urlsplit(row.url).path}"
        url = base + (("&" if "?" in base else "?") + outgoing.query if outgoing.query else "")
        sent = await send_raw(self.client, outgoing.method, url, outgoing.headers, outgoing.body)
        result = sent_row("replay", row, outgoing.method, url, outgoing.headers, outgoing.body, sent)
        if rule is not None:
            result = replace(result, notes=(*result.notes, ("re-signed", f"with {rule.provider}'s rule")))
        result = self.store.append(result) if self.store is not None else result
        if self.history is not None:
            self.history.save_exchange(result)
        return result


def _safely(callback: Callable[..., None], *args: Exchange) -> None:
    try:
        callback(*args)
    except Exception:
        log.exception("A listener subscriber failed")
