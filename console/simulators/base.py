"""What every provider simulator shares: virtual phone, request journal, fault injection, persistent state."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar

import httpx
from aiohttp import web
from aiohttp.typedefs import Handler

from console.core.http import send_raw
from console.providers import get_provider
from console.providers.spec import ProviderSpec
from console.providers.webhook import Outgoing, WebhookRule
from console.simulators._records import (
    DEFAULT_FAULT_SECONDS,
    CallbackFault,
    Delivery,
    Fault,
    FaultState,
    JournalEntry,
    PhoneCallback,
    PhoneMessage,
    SimulatorError,
)
from console.simulators._state import StateFile

__all__ = [
    "CallbackFault",
    "Delivery",
    "Fault",
    "FaultState",
    "JournalEntry",
    "PhoneCallback",
    "PhoneMessage",
    "ProviderSimulator",
    "SimulatorError",
]

log = logging.getLogger(__name__)

CONTROL_PREFIX = "/_sim/"
PHONE_KEY = "phone"
MAX_PHONE_MESSAGES = 200
HTML_500 = (
    "<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>\n"
    "<body><h1>500 Internal Server Error</h1><hr><p>nginx</p></body></html>\n"
)
TRUNCATED_JSON = b'{"status": "success", "request_id": "dHJ1bmNhdGVk'
WRONG_SECRET = "not-the-configured-secret"


class ProviderSimulator:
    """Base of the simulators: a sub-app with control routes, a fault middleware, journal and state.

    Subclasses set ``provider_id`` and implement :meth:`add_routes`; they may add :meth:`middlewares`, change
    :meth:`error_body` and :meth:`rate_limited_response`, and keep their own keys in :meth:`state`.

    Attributes:
        provider_id: the provider this simulates (also its mount point and state file name).
        clock: returns the current epoch time; tests replace it to expire codes without sleeping.
        mount_prefix: where the host mounted the sub-app (``/<provider_id>``), stripped from journal paths.
        callback_url: where this simulator sends its callbacks (the listener's ``/hooks/<provider>``), or None.
        callback_fault: how the next callbacks are misdelivered; ``late_seconds`` is the delay of ``late``.
    """

    provider_id: ClassVar[str] = ""
    journal_size: ClassVar[int] = 500
    late_seconds: float = 5.0
    scenarios: ClassVar[Mapping[str, str]] = MappingProxyType({})
    """Error cases a QA engineer can pick (id -> label, e.g. ``no_money`` -> "Insufficient balance")."""

    def __init__(self, state_dir: Path, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self.mount_prefix = ""
        self._store = StateFile(state_dir, self.provider_id)
        self._lock = threading.Lock()
        self._journal: deque[JournalEntry] = deque(maxlen=self.journal_size)
        self._fault = FaultState()
        self._callbacks: list[PhoneCallback] = []
        self._known_paths: set[str] = set()
        self._announced = {str(m.get("id")) for m in self._store.read().get(PHONE_KEY, [])}
        self._seen_signature = self._store.last_signature
        self.callback_url: str | None = None
        self.http_client: httpx.AsyncClient | None = None  # set by the host while it serves, on its loop
        self.callback_fault = CallbackFault.NONE
        self._scenario: tuple[str, int | None] | None = None

    # ------------------------------------------------------------------------------------------- identity
    @property
    def spec(self) -> ProviderSpec:
        return get_provider(self.provider_id).spec

    def credentials(self) -> dict[str, str]:
        """The demo credentials the simulator accepts (from the provider spec)."""
        return dict(self.spec.simulator_credentials)

    @property
    def webhook(self) -> WebhookRule | None:
        return get_provider(self.provider_id).webhook

    # ---------------------------------------------------------------------------------------------- state
    @property
    def state_path(self) -> Path:
        return self._store.path

    @contextmanager
    def state(self) -> Iterator[dict[str, Any]]:
        """Lock (threads and processes), load, yield for changes, write atomically; re-entrant per thread."""
        with self._store.open() as data:
            yield data
        if not self._store.is_open():  # the outermost block: written, lock released
            self._announce_new(data.get(PHONE_KEY, []))

    def reset(self) -> None:
        """Forget everything: state file, journal, fault in force."""
        with self.state() as data:
            data.clear()
        with self._lock:
            self._journal.clear()
            self._fault = FaultState()
            self._scenario = None
        self.callback_fault = CallbackFault.NONE
        self.on_reset()

    def on_reset(self) -> None:
        """Hook: clear in-memory provider state (rate-limit windows…)."""

    # ---------------------------------------------------------------------------------------- virtual phone
    def add_phone_message(
        self,
        *,
        channel: str,
        to: str,
        kind: str,
        title: str,
        text: str,
        code: str | None = None,
        extra: dict[str, str] | None = None,
    ) -> PhoneMessage:
        """Put a message on the virtual phone (persisted; listeners are told after the state is written)."""
        message = PhoneMessage(
            id=uuid.uuid4().hex[:16],
            provider=self.provider_id,
            channel=channel,
            to=to,
            kind=kind,
            title=title,
            text=text,
            code=code,
            at=self.clock(),
            extra=dict(extra or {}),
        )
        with self.state() as data:
            phone = data.setdefault(PHONE_KEY, [])
            phone.append(message.to_dict())
            del phone[:-MAX_PHONE_MESSAGES]
        return message

    def phone_messages(self) -> list[PhoneMessage]:
        """Everything on the virtual phone, oldest first (including messages other processes added)."""
        return [PhoneMessage.from_dict(m) for m in self._store.read().get(PHONE_KEY, [])]

    def on_phone_message(self, callback: PhoneCallback) -> Callable[[], None]:
        """Call ``callback(message)`` on the simulator's thread for every new message; returns an unsubscriber."""
        with self._lock:
            self._callbacks.append(callback)

        def unsubscribe() -> None:
            with self._lock, suppress(ValueError):
                self._callbacks.remove(callback)

        return unsubscribe

    def poll_external(self) -> None:
        """Announce messages another process wrote to the shared state file (cheap when nothing changed)."""
        if self._store.signature() != self._seen_signature:
            with self.state():
                pass

    def _announce_new(self, stored: list[dict[str, Any]]) -> None:
        """Tell listeners about stored phone messages not announced yet."""
        self._seen_signature = self._store.last_signature
        messages = [PhoneMessage.from_dict(m) for m in stored]
        with self._lock:
            fresh = [m for m in messages if m.id not in self._announced]
            current = {m.id for m in messages}
            # union, so a thread announcing an older snapshot cannot make newer messages look new again
            self._announced = current if len(self._announced) > 4 * MAX_PHONE_MESSAGES else self._announced | current
            callbacks = list(self._callbacks)
        for message in fresh:
            for callback in callbacks:
                try:
                    callback(message)
                except Exception:
                    log.exception("A virtual-phone listener failed on %s", message.id)

    # ------------------------------------------------------------------------------------------ callbacks
    def find_message(self, message_id: str) -> PhoneMessage:
        for message in self.phone_messages():
            if message.id == message_id:
                return message
        raise SimulatorError(f"No message {message_id!r} on the {self.provider_id} virtual phone")

    def phone_action(self, message: PhoneMessage, action: str) -> list[Outgoing]:
        """Hook: the user did ``action`` (one of ``message.actions``); return the callbacks the provider sends."""
        raise SimulatorError(f"The {self.provider_id} simulator has no phone action {action!r}")

    def signing_secret(self, wrong: bool = False) -> str:
        """The secret this simulator signs callbacks with (the rule's first secret, simulator value)."""
        rule = self.webhook
        if wrong:
            return WRONG_SECRET
        if rule is None or not rule.secrets:
            return ""
        return str(rule.simulator_secrets.get(rule.secrets[0].name, ""))

    def prepare(self, outgoing: list[Outgoing]) -> list[Outgoing]:
        """Sign the callbacks and apply the callback fault in force (twice, out of order, bad signature)."""
        fault = self.callback_fault
        rule = self.webhook
        secret = self.signing_secret(wrong=fault is CallbackFault.BAD_SIGNATURE)
        signed = [rule.sign(o, secret, self.clock()) if rule is not None else o for o in outgoing]
        if fault is CallbackFault.TWICE:
            signed = [o for o in signed for _ in (0, 1)]
        elif fault is CallbackFault.OUT_OF_ORDER:
            signed.reverse()
        return signed

    async def deliver(self, outgoing: list[Outgoing]) -> list[Delivery]:
        """Send the callbacks to ``callback_url`` one after the other; every attempt ends as a Delivery."""
        url, client = self.callback_url, self.http_client
        batch = self.prepare(outgoing)
        if not url or client is None:
            why = "No listener URL: start the listener to receive callbacks" if client else "The simulator is stopped"
            return [Delivery(o.label, "", None, why, self.clock()) for o in batch]
        if self.callback_fault is CallbackFault.LATE:
            await asyncio.sleep(self.late_seconds)
        results: list[Delivery] = []
        for item in batch:  # one after the other, in order: the order is part of what is being tested
            target = f"{url}?{item.query}" if item.query else url
            sent = await send_raw(client, item.method, target, item.headers, item.body)
            results.append(Delivery(item.label, target, sent.status, sent.error, self.clock()))
        return results

    # -------------------------------------------------------------------------------------------- journal
    @property
    def journal(self) -> list[JournalEntry]:
        """A snapshot of the requests received (control routes excluded), oldest first."""
        with self._lock:
            return list(self._journal)

    def relative_path(self, request: web.Request) -> str:
        """The request path without the host's mount prefix (``/v1/verify/``, not ``/zadarma/v1/verify/``)."""
        path = request.path
        if self.mount_prefix and path.startswith(self.mount_prefix):
            path = path[len(self.mount_prefix) :] or "/"
        return path

    def is_control(self, request: web.Request) -> bool:
        return self.relative_path(request).startswith(CONTROL_PREFIX)

    # ------------------------------------------------------------------------------------------ scenarios
    def set_scenario(self, scenario: str | None, count: int | None = 1) -> None:
        """Answer the next ``count`` requests (None: until cleared) with an error case from :attr:`scenarios`."""
        if scenario is None or scenario == "none":
            with self._lock:
                self._scenario = None
            return
        if scenario not in self.scenarios:
            raise SimulatorError(
                f"The {self.provider_id} simulator has no scenario {scenario!r}; it has {', '.join(self.scenarios)}"
            )
        with self._lock:
            self._scenario = (scenario, count)

    @property
    def scenario(self) -> str | None:
        with self._lock:
            return self._scenario[0] if self._scenario else None

    def take_scenario(self) -> str | None:
        """The scenario in force for this request (counted), or None: call once per provider request."""
        with self._lock:
            if self._scenario is None:
                return None
            name, left = self._scenario
            if left is not None:
                self._scenario = (name, left - 1) if left > 1 else None
            return name

    # --------------------------------------------------------------------------------------------- faults
    def set_fault(self, fault: Fault | str, count: int | None = None, seconds: float | None = None) -> None:
        """Misbehave for the next ``count`` requests (None: until cleared); ``Fault.NONE`` clears."""
        fault = Fault(fault)
        if count is not None and count < 1:
            raise ValueError("count must be at least 1 (or None for 'until cleared')")
        with self._lock:
            self._fault = FaultState() if fault is Fault.NONE else FaultState(fault, count, seconds)

    @property
    def fault(self) -> FaultState:
        with self._lock:
            return self._fault

    def _take_fault(self) -> FaultState:
        with self._lock:
            current = self._fault
            if current.fault is Fault.NONE:
                return current
            if current.remaining is not None:
                left = current.remaining - 1
                self._fault = FaultState(current.fault, left, current.seconds) if left else FaultState()
            return current

    # --------------------------------------------------------------------------------------- app building
    def make_app(self) -> web.Application:
        """The provider's sub-app: journal and fault middlewares, control routes, provider routes, a 404."""
        app = web.Application(middlewares=[self._journal_middleware, self._fault_middleware, *self.middlewares()])
        app.router.add_get("/_sim/phone", self._control_phone)
        app.router.add_post("/_sim/fault", self._control_fault)
        app.router.add_get("/_sim/journal", self._control_journal)
        app.router.add_post("/_sim/reset", self._control_reset)
        self.add_routes(app)
        self._known_paths = {res.canonical for res in app.router.resources()}
        app.router.add_route("*", "/{tail:.*}", self._no_route)
        return app

    def add_routes(self, app: web.Application) -> None:
        """Hook: add the provider's documented routes to ``app``."""
        raise NotImplementedError

    def middlewares(self) -> list[Any]:
        """Hook: provider middlewares (auth, rate limits), run inside the fault middleware."""
        return []

    def error_body(self, status: int, message: str) -> dict[str, Any]:
        """Hook: the provider's JSON error shape."""
        return {"error": {"status": status, "message": message}}

    def error_response(self, status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
        return web.json_response(self.error_body(status, message), status=status, headers=headers)

    def rate_limited_response(self, request: web.Request) -> web.StreamResponse:
        """Hook: the provider's own HTTP 429 answer."""
        return self.error_response(429, "Too many requests")

    async def _no_route(self, request: web.Request) -> web.StreamResponse:
        path = self.relative_path(request)
        if path in self._known_paths:
            return self.error_response(405, f"Method {request.method} is not allowed on {path}")
        return self.error_response(404, f"Not found: {request.method} {path}")

    # ---------------------------------------------------------------------------------------- middlewares
    @web.middleware
    async def _journal_middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if self.is_control(request):
            return await handler(request)
        multipart = request.content_type.startswith("multipart/")
        body = "" if multipart else (await request.read()).decode("utf-8", errors="replace")
        status: int | None = None
        try:
            response = await handler(request)
            status = None if isinstance(response, _Dropped) else response.status
            return response
        except web.HTTPException as exc:
            status = exc.status
            raise
        except Exception:
            status = 500  # aiohttp answers an unhandled error with a 500 page
            raise
        finally:
            if multipart:
                body = await _describe_multipart(request)
            entry = JournalEntry(
                request.method,
                self.relative_path(request),
                request.query_string,
                dict(request.headers),
                body,
                self.clock(),
                status,
            )
            with self._lock:
                self._journal.append(entry)

    @web.middleware
    async def _fault_middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if self.is_control(request):
            return await handler(request)
        current = self._take_fault()
        fault = current.fault
        if fault in (Fault.DELAY, Fault.TIMEOUT):
            seconds = current.seconds if current.seconds is not None else DEFAULT_FAULT_SECONDS[fault]
            await asyncio.sleep(seconds)
        elif fault is Fault.HTML500:
            return web.Response(status=500, text=HTML_500, content_type="text/html")
        elif fault is Fault.MALFORMED_JSON:
            return web.Response(status=200, body=TRUNCATED_JSON, content_type="application/json")
        elif fault is Fault.DROP:
            if request.transport is not None:
                request.transport.close()
            return _Dropped(status=500)  # never written: the connection is gone
        elif fault is Fault.RATE_LIMIT:
            return self.rate_limited_response(request)
        return await handler(request)

    # ------------------------------------------------------------------------------------- control routes
    async def _control_phone(self, request: web.Request) -> web.Response:
        return web.json_response({"messages": [m.to_dict() for m in self.phone_messages()]})

    async def _control_journal(self, request: web.Request) -> web.Response:
        return web.json_response({"entries": [e.to_dict() for e in self.journal]})

    async def _control_reset(self, request: web.Request) -> web.Response:
        self.reset()
        return web.json_response({"reset": self.provider_id})

    async def _control_fault(self, request: web.Request) -> web.Response:
        try:
            data = await request.json()
            count = data.get("count")
            seconds = data.get("seconds")
            self.set_fault(
                Fault(data.get("fault", "none")),
                None if count is None else int(count),
                None if seconds is None else float(seconds),
            )
        except (ValueError, TypeError, AttributeError) as exc:
            return web.json_response(
                {"error": f"bad fault request: {exc}", "faults": [f.value for f in Fault]}, status=400
            )
        current = self.fault
        return web.json_response({"fault": current.fault.value, "count": current.remaining, "seconds": current.seconds})


class _Dropped(web.Response):
    """Returned after the connection was closed on purpose; aiohttp's write then fails silently."""


async def _describe_multipart(request: web.Request) -> str:
    """A multipart body as ``name=value`` lines (files as their name and size), for the journal."""
    try:
        form = await request.post()
    except Exception:  # a broken or dropped body is still journalled
        return ""
    lines = []
    for name, value in form.items():
        if isinstance(value, str):
            lines.append(f"{name}={value}")
        elif isinstance(value, (bytes, bytearray)):
            lines.append(f"{name}=<{len(value)} bytes>")
        else:
            lines.append(f"{name}=<file {value.filename!r}>")
    return "\n".join(lines)
