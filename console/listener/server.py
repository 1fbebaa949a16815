"""The listener's HTTP server: record every request, commit it to history, then answer; forward if asked.

Routes: ``/hooks/<provider>`` for every provider and a catch-all for anything else; both go through the same
:class:`~console.listener.handling.CallbackHandler`. A reply is sent only once its row is committed, so a 2xx
always means "stored"; when history cannot commit, the answer is 500 and the provider will retry.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import traceback
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Future
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

import httpx
from aiohttp import web

from console.core.history import History, LoopCommitter
from console.core.http import HttpSettings, make_client, send_raw
from console.core.logstore import LogStore
from console.core.models import Exchange, Outcome, new_id
from console.core.serverthread import ServerError, ServerThread
from console.listener.capture import MAX_BODY_BYTES, TooLarge, incoming_from, read_body
from console.listener.delivery import forwardable_headers, replay_request, sent_row
from console.listener.handling import CallbackHandler, Handled
from console.providers.webhook import Incoming, Reply

log = logging.getLogger(__name__)
LOOPBACK = ("127.0.0.1", "::1", "localhost")

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
    ) -> None:
        self.handler = handler
        self.http_settings = http_settings or HttpSettings()
        self.history = history
        self.store = store
        self.forward_to = forward_to
        self.public_url = ""
        self.max_body = max_body
        self.server = ServerThread("webhook listener", self._make_app, host, port)
        self._received: list[Received] = []
        self._forwarded: list[Forwarded] = []
        self._lock = threading.Lock()
        self._count = 0
        self._last_at: float | None = None
        self._started_at: float | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._committer: LoopCommitter | None = None
        self._client: httpx.AsyncClient | None = None  # forwarding and replay, on the listener's own loop

    # ------------------------------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        """Bind and serve (returns once bound). Raises ServerError when the port is taken."""
        self.server.start()
        self._started_at = time.time()

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
        """Call ``callback(row)`` on the listener thread for each request, once it is stored."""
        self._received.append(callback)

    def on_forwarded(self, callback: Forwarded) -> None:
        """Call ``callback(row, forward_row)`` on the listener thread once a forward has its answer."""
        self._forwarded.append(callback)

    # ---------------------------------------------------------------------------------------------- app
    def _make_app(self) -> web.Application:
        app = web.Application(client_max_size=self.max_body)
        app.router.add_route("*", "/{tail:.*}", self._handle)
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

    async def _close_committer(self, _app: web.Application) -> None:
        """Close the commit connection on the thread that opened it, as the server stops."""
        if self._committer is not None:
            self._committer.close()
            self._committer = None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        received_at = time.time()
        with self._lock:
            self._count += 1
            self._last_at = received_at
        try:
            try:
                body = await read_body(request, self.max_body)
            except TooLarge as exc:
                incoming = incoming_from(request, b"", received_at)
                handled = self.handler.too_large(incoming, self.url, exc.size, exc.declared, self.max_body)
                return await self._answer(handled, incoming, close=True)
            incoming = incoming_from(request, body, received_at)
            handled = self.handler.handle(incoming, self.url)
            return await self._answer(handled, incoming)
        except Exception as exc:  # never a traceback to the caller; always a row
            log.exception("The listener failed on %s %s", request.method, request.path)
            row = self._internal_row(request, received_at, exc)
            await self._store(row)
            return web.Response(
                status=500, text=f"The console's listener failed ({row.id}); the request is recorded.\n"
            )

    async def _answer(self, handled: Handled, incoming: Incoming, close: bool = False) -> web.StreamResponse:
        row = await self._store(handled.exchange)
        reply = handled.reply
        if row.outcome is Outcome.INTERNAL_ERROR:  # history could not commit: no 2xx
            reply = Reply(500, "The console could not store this request; please retry.\n")
        if handled.delay_s > 0:
            await asyncio.sleep(handled.delay_s)
        for callback in list(self._received):
            _safely(callback, row)
        if self.forward_to and reply.status != 413 and row.operation == "webhook":
            task = asyncio.create_task(self._forward(row, incoming, self.forward_to))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        response = web.Response(status=reply.status, text=reply.body, content_type=reply.content_type)
        if close:
            response.force_close()
        return response

    async def _store(self, row: Exchange) -> Exchange:
        """Commit the row to history (grouped per loop turn, on this thread), then number it in the log."""
        if self.history is not None:
            if self._committer is None:
                self._committer = LoopCommitter(self.history.path)
            try:
                await self._committer.commit(row)  # sqlite's own 30 s busy timeout bounds the wait
            except Exception as exc:
                row = replace(
                    row,
                    outcome=Outcome.INTERNAL_ERROR,
                    error_code="not_stored",
                    meaning="History could not store this request, so the listener answered 500.",
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

    def _internal_row(self, request: web.Request, received_at: float, exc: BaseException) -> Exchange:
        return Exchange(
            id=new_id("x"),
            seq=0,
            started_at=received_at,
            provider="console",
            operation="webhook",
            env="listener",
            method=request.method,
            url=str(request.rel_url),
            request_headers=tuple(request.headers.items()),
            request_body="",
            outcome=Outcome.INTERNAL_ERROR,
            status=500,
            message=f"{type(exc).__name__}: {exc}",
            meaning="The listener failed while handling this request (a bug); it answered 500.",
            notes=(("traceback", traceback.format_exc()),),
            source=request.remote or "",
        )


def _safely(callback: Callable[..., None], *args: Exchange) -> None:
    try:
        callback(*args)
    except Exception:
        log.exception("A listener subscriber failed")
