"""ProviderSimulator: one provider's fake API as an aiohttp sub-app, composed of state, phone, journal and faults."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar

import httpx
from aiohttp import web
from aiohttp.typedefs import Middleware

from console.providers import get_provider
from console.providers.spec import ProviderSpec
from console.providers.webhook import Outgoing, WebhookRule
from console.simulators import _callbacks
from console.simulators._control import CONTROL_PREFIX, ControlRoutes
from console.simulators._faults import FaultSwitch, ScenarioSwitch, fault_middleware
from console.simulators._journal import RequestJournal, journal_middleware
from console.simulators._phone import PHONE_KEY, ClearedCallback, PhoneInbox, cleared_at
from console.simulators._records import (
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


class ProviderSimulator:
    """Base of the simulators: a sub-app with control routes, a fault middleware, journal and state.

    Subclasses set ``provider_id`` and implement :meth:`add_routes`; they may add :meth:`middlewares`, change
    :meth:`error_body` and :meth:`rate_limited_response`, and keep their own keys in :meth:`state`.

    Attributes:
        provider_id: the provider this simulates (also its mount point and state file name).
        clock: returns the current epoch time; tests replace it to expire codes without sleeping.
        mount_prefix: where the host mounted the sub-app (``/<provider_id>``), stripped from journal paths.
        callback_url: where this simulator sends its callbacks (the listener's ``/hooks/<provider>``), or None.
        http_client: the client callbacks are sent with, set by the host while it serves (on its loop).
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
        self._journal = RequestJournal(self.journal_size)
        self._fault_switch = FaultSwitch()
        self._scenario_switch = ScenarioSwitch()
        # the lambda reads ``self.clock`` at each call: tests replace it on a running simulator
        self._inbox = PhoneInbox(self.provider_id, self._store, self.state, lambda: self.clock())
        self._known_paths: set[str] = set()
        self.callback_url: str | None = None
        self.http_client: httpx.AsyncClient | None = None
        self.callback_fault = CallbackFault.NONE

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
            self._inbox.announce_new(data.get(PHONE_KEY, []), cleared_at(data))

    def reset(self) -> None:
        """Forget everything: state file, journal, fault in force."""
        with self.state() as data:
            data.clear()
        self._journal.clear()
        self._fault_switch.set(Fault.NONE)
        self._scenario_switch.set(None)
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
        return self._inbox.add(channel=channel, to=to, kind=kind, title=title, text=text, code=code, extra=extra)

    def phone_messages(self) -> list[PhoneMessage]:
        """Everything on the virtual phone, oldest first (including messages other processes added)."""
        return self._inbox.messages()

    def on_phone_message(self, callback: PhoneCallback) -> Callable[[], None]:
        """Call ``callback(message)`` on the simulator's thread for every new message; returns an unsubscriber."""
        return self._inbox.subscribe(callback)

    def clear_phone(self) -> int:
        """Empty the virtual phone in the state file (every process sharing it sees it); returns how many went."""
        return self._inbox.clear()

    def on_phone_cleared(self, callback: ClearedCallback) -> Callable[[], None]:
        """Call ``callback(provider_id, cleared_at)`` after each clear of the phone, here or by another process."""
        return self._inbox.subscribe_cleared(callback)

    def poll_external(self) -> None:
        """Announce messages another process wrote to the shared state file (cheap when nothing changed)."""
        if self._inbox.changed_elsewhere():
            with self.state():
                pass

    def find_message(self, message_id: str) -> PhoneMessage:
        return self._inbox.find(message_id)

    # ------------------------------------------------------------------------------------------ callbacks
    def phone_action(self, message: PhoneMessage, action: str) -> list[Outgoing]:
        """Hook: the user did ``action`` (one of ``message.actions``); return the callbacks the provider sends."""
        raise SimulatorError(f"The {self.provider_id} simulator has no phone action {action!r}")

    def signing_secret(self, wrong: bool = False) -> str:
        """The secret this simulator signs callbacks with (the rule's first secret, simulator value)."""
        return _callbacks.signing_secret(self.webhook, wrong)

    def prepare(self, outgoing: list[Outgoing]) -> list[Outgoing]:
        """Sign the callbacks and apply the callback fault in force (twice, out of order, bad signature)."""
        fault = self.callback_fault
        secret = self.signing_secret(wrong=fault is CallbackFault.BAD_SIGNATURE)
        return _callbacks.prepare(outgoing, self.webhook, secret, fault, self.clock())

    async def deliver(self, outgoing: list[Outgoing]) -> list[Delivery]:
        """Send the callbacks to ``callback_url`` one after the other; every attempt ends as a Delivery."""
        url, client = self.callback_url, self.http_client
        batch = self.prepare(outgoing)
        late = self.late_seconds if self.callback_fault is CallbackFault.LATE else None
        return await _callbacks.deliver(batch, url, client, late_seconds=late, clock=self.clock)

    # -------------------------------------------------------------------------------------------- journal
    @property
    def journal(self) -> list[JournalEntry]:
        """A snapshot of the requests received (control routes excluded), oldest first."""
        return self._journal.entries()

    def relative_path(self, request: web.Request) -> str:
        """The request path without the host's mount prefix (``/v1/verify/``, not ``/zadarma/v1/verify/``)."""
        path = request.path
        if self.mount_prefix and path.startswith(self.mount_prefix):
            path = path[len(self.mount_prefix) :] or "/"
        return path

    def is_control(self, request: web.Request) -> bool:
        return self.relative_path(request).startswith(CONTROL_PREFIX)

    # ---------------------------------------------------------------------------------- faults, scenarios
    def set_scenario(self, scenario: str | None, count: int | None = 1) -> None:
        """Answer the next ``count`` requests (None: until cleared) with an error case from :attr:`scenarios`."""
        if scenario is None or scenario == "none":
            self._scenario_switch.set(None)
            return
        if scenario not in self.scenarios:
            raise SimulatorError(
                f"The {self.provider_id} simulator has no scenario {scenario!r}; it has {', '.join(self.scenarios)}"
            )
        self._scenario_switch.set(scenario, count)

    @property
    def scenario(self) -> str | None:
        return self._scenario_switch.current

    def take_scenario(self) -> str | None:
        """The scenario in force for this request (counted), or None: call once per provider request."""
        return self._scenario_switch.take()

    def set_fault(self, fault: Fault | str, count: int | None = None, seconds: float | None = None) -> None:
        """Misbehave for the next ``count`` requests (None: until cleared); ``Fault.NONE`` clears."""
        self._fault_switch.set(fault, count, seconds)

    @property
    def fault(self) -> FaultState:
        return self._fault_switch.current

    # --------------------------------------------------------------------------------------- app building
    def make_app(self) -> web.Application:
        """The provider's sub-app: journal and fault middlewares, control routes, provider routes, a 404."""
        first: list[Middleware] = [journal_middleware(self._journal, self), fault_middleware(self._fault_switch, self)]
        app = web.Application(middlewares=[*first, *self.middlewares()])
        ControlRoutes(self).add_to(app)
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
