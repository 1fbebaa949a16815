"""One loopback aiohttp server for all simulators, on its own thread and event loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterable
from concurrent.futures import Future
from pathlib import Path
from types import TracebackType

from aiohttp import web

from console.core import paths
from console.core.http import make_client
from console.core.serverthread import ServerError, ServerThread
from console.simulators import all_simulators
from console.simulators._phone import PHONE_KEY, ClearedCallback, clear_stored
from console.simulators._records import (
    CallbackFault,
    Delivery,
    Fault,
    PhoneCallback,
    PhoneMessage,
    SimulatorError,
)
from console.simulators._state import StateFile
from console.simulators.base import ProviderSimulator

log = logging.getLogger(__name__)

POLL_INTERVAL_S = 0.5


def _resolve_ids(providers: Iterable[str] | None) -> list[str]:
    registry = all_simulators()
    ids = list(registry) if providers is None else list(providers)
    unknown = [pid for pid in ids if pid not in registry]
    if unknown:
        raise SimulatorError(f"No simulator for {', '.join(unknown)}; simulators exist for {', '.join(registry)}")
    return ids


def read_phone_messages(state_dir: Path, provider_id: str | None = None) -> list[PhoneMessage]:
    """The virtual phone as stored in ``state_dir``, without starting a server; oldest first."""
    messages: list[PhoneMessage] = []
    for pid in _resolve_ids(None if provider_id is None else [provider_id]):
        if (state_dir / f"{pid}.json").exists():
            data = StateFile(state_dir, pid).read()
            messages.extend(PhoneMessage.from_dict(m) for m in data.get(PHONE_KEY, []))
    return sorted(messages, key=lambda m: m.at)


def clear_phone_messages(
    state_dir: Path, provider_id: str | None = None, clock: Callable[[], float] = time.time
) -> dict[str, int]:
    """Empty the virtual phone stored in ``state_dir`` (one provider's or all), without starting a server.

    Written under the state files' lock, so running simulators (the GUI's too) notice it at their next poll.

    Returns:
        How many messages each provider with a state file had.

    Raises:
        SimulatorError: no simulator for ``provider_id``.
    """
    removed: dict[str, int] = {}
    for pid in _resolve_ids(None if provider_id is None else [provider_id]):
        if (state_dir / f"{pid}.json").exists():
            with StateFile(state_dir, pid).open() as data:
                removed[pid] = clear_stored(data, clock())
    return removed


class SimulatorHost:
    """Serves every chosen simulator at ``/<provider_id>`` on one port, from a background thread.

    Attributes:
        host: the address bound (``127.0.0.1`` unless asked otherwise).
        state_dir: where the simulators keep their shared JSON state.
    """

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, state_dir: Path | None = None, providers: list[str] | None = None
    ) -> None:
        self.host = host
        self.state_dir = state_dir if state_dir is not None else paths.simulator_dir()
        registry = all_simulators()
        self._sims: dict[str, ProviderSimulator] = {
            pid: registry[pid](self.state_dir) for pid in _resolve_ids(providers)
        }
        self._server = ServerThread("simulators", self._make_app, host, port)

    # ------------------------------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        """Bind and serve; returns once the port is bound.

        Raises:
            SimulatorError: the port is taken or the server could not start.
        """
        try:
            self._server.start()
        except ServerError as exc:
            raise SimulatorError(str(exc)) from exc.__cause__

    def stop(self) -> None:
        """Stop serving and join the thread (safe to call twice, or before start)."""
        self._server.stop()

    def __enter__(self) -> SimulatorHost:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server.running

    def _make_app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/", self._index)
        for pid, sim in self._sims.items():
            sim.mount_prefix = f"/{pid}"
            app.add_subapp(sim.mount_prefix, sim.make_app())
        app.cleanup_ctx.append(self._polling)
        app.cleanup_ctx.append(self._http_client)
        return app

    async def _http_client(self, _app: web.Application) -> AsyncIterator[None]:
        """One HTTP client for the simulators' callbacks, made and closed on the server's own loop."""
        client = make_client()
        for sim in self._sims.values():
            sim.http_client = client
        yield
        for sim in self._sims.values():
            sim.http_client = None
        await client.aclose()

    async def _polling(self, _app: web.Application) -> AsyncIterator[None]:
        """Run :meth:`_poll` for as long as the server runs."""
        poller = asyncio.create_task(self._poll())
        yield
        poller.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await poller

    async def _poll(self) -> None:
        """Notice virtual-phone messages written by other processes sharing ``state_dir``."""
        while True:
            await asyncio.sleep(POLL_INTERVAL_S)
            for sim in self._sims.values():
                try:
                    sim.poll_external()
                except Exception:
                    log.exception("Reading the %s simulator state failed", sim.provider_id)

    async def _index(self, request: web.Request) -> web.Response:
        return web.json_response({pid: self.base_url(pid) for pid in self._sims})

    # ---------------------------------------------------------------------------------------------- where
    @property
    def port(self) -> int:
        try:
            return self._server.port
        except ServerError:
            raise SimulatorError("The simulators are not running") from None

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>`` (the loopback address when bound to all interfaces)."""
        self.port  # noqa: B018 - raises SimulatorError when stopped
        return self._server.url

    def base_url(self, provider_id: str) -> str:
        """The URL a client uses in place of the provider's API base, e.g. ``http://127.0.0.1:5/zadarma``."""
        sim = self.simulator(provider_id)
        return f"{self.url}/{provider_id}{sim.spec.simulator_prefix}"

    # -------------------------------------------------------------------------------------------- control
    def provider_ids(self) -> list[str]:
        return list(self._sims)

    def simulator(self, provider_id: str) -> ProviderSimulator:
        try:
            return self._sims[provider_id]
        except KeyError:
            raise KeyError(f"No simulator {provider_id!r} in this host; it has {', '.join(self._sims)}") from None

    def credentials(self, provider_id: str) -> dict[str, str]:
        """The demo credentials the provider's simulator accepts."""
        return self.simulator(provider_id).credentials()

    def set_fault(
        self, provider_id: str, fault: Fault | str, count: int | None = None, seconds: float | None = None
    ) -> None:
        """Make a simulator misbehave for the next ``count`` requests (None: until cleared)."""
        self.simulator(provider_id).set_fault(fault, count, seconds)

    def set_scenario(self, provider_id: str, scenario: str | None, count: int | None = 1) -> None:
        """Answer the simulator's next ``count`` requests with one of its error cases (None clears)."""
        self.simulator(provider_id).set_scenario(scenario, count)

    def set_callback_url(self, hooks_base: str | None) -> None:
        """Send every simulator's callbacks to ``<hooks_base>/<provider>`` (the listener), or nowhere (None)."""
        for pid, sim in self._sims.items():
            sim.callback_url = f"{hooks_base.rstrip('/')}/{pid}" if hooks_base else None

    def set_callback_fault(
        self, provider_id: str, fault: CallbackFault | str, late_seconds: float | None = None
    ) -> None:
        """Misdeliver the simulator's next callbacks (twice, out of order, late, badly signed) until cleared."""
        sim = self.simulator(provider_id)
        sim.callback_fault = CallbackFault(fault)
        if late_seconds is not None:
            sim.late_seconds = late_seconds

    def phone_action(self, provider_id: str, message_id: str, action: str) -> Future[list[Delivery]]:
        """Do ``action`` on a virtual-phone message (press a key, dial…); the future holds the callbacks sent.

        Raises:
            SimulatorError: not running, no such message, or the message has no such action.
        """
        if not self.running:
            raise SimulatorError("The simulators are not running")
        sim = self.simulator(provider_id)
        message = sim.find_message(message_id)
        if action not in message.actions:
            raise SimulatorError(f"Message {message_id} offers {', '.join(message.actions) or 'no actions'}")
        outgoing = sim.phone_action(message, action)
        return self._server.submit(sim.deliver(outgoing))

    def reset(self, provider_id: str | None = None) -> None:
        """Clear the state, journal and faults of one simulator or of all."""
        for sim in self._chosen(provider_id):
            sim.reset()

    def clear_phone(self, provider_id: str | None = None) -> dict[str, int]:
        """Empty the virtual phone of one simulator or of all (the state files: every process sees it).

        Returns:
            How many messages each simulator's phone held.
        """
        return {sim.provider_id: sim.clear_phone() for sim in self._chosen(provider_id)}

    def on_phone_cleared(self, callback: ClearedCallback) -> Callable[[], None]:
        """Call ``callback(provider_id, cleared_at)`` (on the clearing or polling thread) after each clear."""
        unsubscribers = [sim.on_phone_cleared(callback) for sim in self._sims.values()]

        def unsubscribe() -> None:
            for undo in unsubscribers:
                undo()

        return unsubscribe

    def phone_messages(self, provider_id: str | None = None) -> list[PhoneMessage]:
        """The virtual phone of one simulator or of all, oldest first."""
        messages = [m for sim in self._chosen(provider_id) for m in sim.phone_messages()]
        return sorted(messages, key=lambda m: m.at)

    def on_phone_message(self, callback: PhoneCallback) -> Callable[[], None]:
        """Call ``callback(message)`` (on the simulator thread) for each new message; returns an unsubscriber."""
        unsubscribers = [sim.on_phone_message(callback) for sim in self._sims.values()]

        def unsubscribe() -> None:
            for undo in unsubscribers:
                undo()

        return unsubscribe

    def _chosen(self, provider_id: str | None) -> list[ProviderSimulator]:
        return list(self._sims.values()) if provider_id is None else [self.simulator(provider_id)]
