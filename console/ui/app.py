"""The GUI's composition root: builds the core (off the GUI thread), the window, and shuts them down."""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.core.logstore import LogStore
from console.ui import excepthook
from console.ui.bridge import CoreBridge
from console.ui.callback_actions import CallbackActions
from console.ui.excepthook import spawn
from console.ui.main_window import MainWindow
from console.ui.startup import make_qapp

if TYPE_CHECKING:
    import httpx
    from PySide6.QtWidgets import QDialog

    from console.core.history import History
    from console.core.http import HttpSettings
    from console.core.settings import Settings
    from console.core.verifications import VerificationBook
    from console.listener.server import WebhookListener
    from console.providers.provider import Provider
    from console.service.console_service import ConsoleService
    from console.simulators.host import SimulatorHost
    from console.ui.profiles_ui import ProfileController
    from console.ui.scenario_controls import ScenarioControls

_HEAVY = (
    "httpx",
    "aiohttp.web",
    "console.service.console_service",
    "console.core.history",
    "console.providers",
    "console.simulators.host",
    "console.listener.server",
    "console.ui.provider_form",
)
HISTORY_ROWS_AT_START = 500


def _warm_imports() -> None:
    """Import the heavy modules on a worker thread so the window is up before they load."""
    for name in _HEAVY:
        importlib.import_module(name)


def _credential_hints(providers: Mapping[str, Provider]) -> dict[str, dict[str, str]]:
    """Per provider, where each credential would come from (reads .env: call off the GUI thread)."""
    from console.core.dotenv_file import read_dotenv

    dotenv = read_dotenv(Path.cwd() / ".env")
    hints: dict[str, dict[str, str]] = {}
    for pid, provider in providers.items():
        hints[pid] = {}
        for fld in provider.spec.credentials:
            var = fld.env_name(pid)
            source = f"${var}" if os.environ.get(var) else ".env" if dotenv.get(var) else ""
            hints[pid][fld.name] = f"from {source}" if source else f"not set: type it, or set ${var} / .env"
    return hints


class ConsoleApp:
    """Owns the core objects for one GUI session; the window exists from the start, the core after start()."""

    def __init__(self, window: MainWindow | None = None) -> None:
        self.window = window if window is not None else MainWindow(LogStore(), CoreBridge())
        self.bridge = self.window.bridge
        self.store = self.window.store
        self.history: History | None = None
        self.host: SimulatorHost | None = None
        self.client: httpx.AsyncClient | None = None
        self.service: ConsoleService | None = None
        self.listener: WebhookListener | None = None
        self.callbacks: CallbackActions | None = None
        self.settings: Settings | None = None
        self.profiles: ProfileController | None = None
        self.providers: dict[str, Provider] = {}
        self.http_settings: HttpSettings | None = None
        self._closed = asyncio.Event()
        self._hooks: tuple[Any, asyncio.AbstractEventLoop, Any] | None = None
        self._state_restored = False
        self.scenarios: ScenarioControls | None = None  # the Scenarios pane, once the core has started
        self.window.closing.connect(self._closed.set)

    async def start(self) -> None:
        """Load settings, history and the simulators without blocking the GUI thread, then add the forms."""
        loop = asyncio.get_running_loop()
        self._hooks = (sys.excepthook, loop, _exception_handler(loop))  # given back by stop()
        excepthook.install(self.store, self.bridge, loop)
        from console.core.settings import load_settings, load_ui_state

        settings, ui_state = await asyncio.gather(asyncio.to_thread(load_settings), asyncio.to_thread(load_ui_state))
        self.window.restore_ui_state(ui_state)
        self._state_restored = True  # from now on, the state stop() saves is the user's, not a blank window's
        await asyncio.to_thread(_warm_imports)
        from console.core import paths
        from console.core.http import HttpSettings, make_client
        from console.core.verifications import VerificationBook
        from console.providers import all_providers
        from console.service.console_service import ConsoleService
        from console.service.credentials import for_forms
        from console.service.history_upgrade import open_history
        from console.simulators.host import SimulatorHost
        from console.ui.provider_form import ProviderForm

        self.providers = await asyncio.to_thread(all_providers)  # imports every provider module: off-thread
        hints = await asyncio.to_thread(_credential_hints, self.providers)

        self.history = await self._open_history(open_history, paths.history_path())
        book = VerificationBook(self.history)
        if self.history is not None:
            self.store.extend(await asyncio.to_thread(self.history.recent_exchanges, HISTORY_ROWS_AT_START))
        host = SimulatorHost()
        host.on_phone_message(self.bridge.publish_phone)
        try:
            await asyncio.to_thread(host.start)
            self.host = host
            sim_text = f"Simulators running on {host.url}"
        except Exception as exc:  # the app stays usable against live APIs
            sim_text = f"Simulators failed to start: {exc}"
            self.window.show_banner(sim_text)
        self.http_settings = HttpSettings(timeout_s=settings.timeout_s, ca_bundle=settings.ca_bundle)
        self.client = make_client(self.http_settings)
        self.service = ConsoleService(
            self.client,
            self.store,
            self.history,
            self.host.base_url if self.host else None,
            providers=self.providers,
            dotenv_path=Path.cwd() / ".env",
            settings=self.http_settings,
            book=book,
            mask_codes_in_history=settings.history_masks_codes,
            missing_words=for_forms,  # the form's field labels, not the CLI's flags
        )
        self.service.on_verification(self.bridge.publish_verification)
        self.settings = settings
        self.listener = await asyncio.to_thread(self._make_listener, book, settings.listener_port)
        self.listener.public_url = settings.listener_public_url
        self.listener.forward_to = settings.listener_forward_to or None
        self._wire_listener()
        panel = self.window.listener_panel
        panel.set_port(settings.listener_port)  # remembered, not chosen this run: a taken one moves on
        panel.public.setText(settings.listener_public_url)
        panel.forward.setText(settings.listener_forward_to)
        await self.start_listener("127.0.0.1", settings.listener_port, explicit=False)
        forms = {
            pid: ProviderForm(p.spec, hints.get(pid, {}), self.host.base_url(pid) if self.host else "")
            for pid, p in self.providers.items()
        }
        if self.host is not None:
            host = self.host
            for pid, form in forms.items():
                if pid in host.provider_ids():
                    form.set_scenarios(host.simulator(pid).scenarios)
                    form.scenario_chosen.connect(
                        lambda case, sticky, p=pid: host.set_scenario(
                            p, None if case == "none" else case, count=None if sticky else 1
                        )
                    )
        if self.history is not None:
            size = await asyncio.to_thread(self.history.size_bytes)
            where = f"history {paths.history_path()} ({size / 1_048_576:.1f} MB)"
        else:
            where = "history is not being written"
        self.window.attach(self.service, forms, f"{sim_text} · {where}")
        from console.core.settings import scenarios_folder
        from console.ui.scenario_controls import ScenarioControls

        self.scenarios = ScenarioControls(self, scenarios_folder(settings))
        self._offer_urls()
        from console.service.spend_guard import SpendGuard
        from console.ui.profiles_ui import ProfileController

        self.window.set_spend_guard(
            SpendGuard(tuple(settings.spend_allow), settings.spend_cooldown_s, settings.spend_daily_cap),
            settings.spend_refuse,
        )
        self.window.spend_changed.connect(
            lambda rules, refuse: self.remember(
                spend_allow=list(rules.allow),
                spend_cooldown_s=rules.cooldown_s,
                spend_daily_cap=rules.daily_cap,
                spend_refuse=refuse,
            )
        )
        self.window.history_masking_action.setChecked(settings.history_masks_codes)
        self.window.history_masking_changed.connect(lambda on: self.remember(history_masks_codes=on))
        self.profiles = ProfileController(self.window, self.providers)
        self.profiles.message.connect(lambda text: self.window.statusBar().showMessage(text, 10000))
        self.profiles.values_changed.connect(lambda values: spawn(self._use_profile_secrets(values)))
        self.window.profiles = self.profiles
        await self.profiles.load(forms)
        self.service.profiles = self.profiles.book
        if self.host:
            for message in await asyncio.to_thread(self.host.phone_messages):
                self.window.phone.add_message(message)
        if ui_state.get("provider") in forms:
            self.window.select_provider(ui_state["provider"])

    async def _open_history(
        self, opener: Callable[[Path, Mapping[str, Provider]], History], path: Path
    ) -> History | None:
        """History, or None when it cannot be opened: the app runs on, saying history is not being written.

        A damaged file set aside is said once in the banner; a write that fails later keeps the banner up until
        history works again.
        """
        from console.core.history_file import HistoryError

        try:
            history = await asyncio.to_thread(opener, path, self.providers)
        except HistoryError as exc:
            self.bridge.publish_history_problem(f"History is not being written: {exc}")
            return None
        history.on_problem(self.bridge.publish_history_problem)
        for notice in history.notices:
            self.window.show_banner(notice, in_log=False)
        return history

    # ------------------------------------------------------------------------------------------ listener
    def _make_listener(self, book: VerificationBook, port: int) -> WebhookListener:
        """The listener over this session's log, history and verifications (reads env and .env: off-thread)."""
        from console.listener.handling import CallbackHandler
        from console.listener.secrets import resolve_webhook_secrets
        from console.listener.server import WebhookListener

        rules = {pid: p.webhook for pid, p in self.providers.items() if p.webhook is not None}
        secrets = resolve_webhook_secrets(rules, dotenv_path=Path.cwd() / ".env")
        handler = CallbackHandler(rules, secrets, book)
        return WebhookListener(handler, self.history, self.store, port=port, http_settings=self.http_settings)

    async def _use_profile_secrets(self, values: list[Any]) -> None:
        """The listener verifies signatures with the saved profiles' secrets too (reads .env: off-thread)."""
        from console.listener.secrets import resolve_webhook_secrets

        if self.listener is None:
            return
        handler = self.listener.handler
        secrets = await asyncio.to_thread(
            resolve_webhook_secrets, handler.rules, dotenv_path=Path.cwd() / ".env", saved=values
        )
        handler.set_secrets(secrets)

    def _wire_listener(self) -> None:
        listener, panel = self.listener, self.window.listener_panel
        assert listener is not None
        panel.route.addItems(list(listener.handler.rules))
        panel.set_heartbeat_source(lambda: _pulse(listener))
        panel.start_requested.connect(
            lambda host, port: spawn(self.start_listener(host, port, explicit=panel.port_chosen))
        )
        panel.stop_requested.connect(lambda: spawn(self.stop_listener()))
        panel.forward_changed.connect(self._set_forward)
        panel.public_url_changed.connect(self._set_public_url)
        panel.reply_changed.connect(self._set_reply)
        panel.callback_fault_changed.connect(self._set_callback_fault)
        panel.setting_changed.connect(listener.handler.set_setting)
        for pid, rule in listener.handler.rules.items():
            if not rule.documented:
                panel.add_match_setting(pid, rule.match_params)
        self.callbacks = CallbackActions(self.window, lambda: self.host, lambda: self.listener)

    async def start_listener(self, host: str, port: int, *, explicit: bool = True) -> None:
        """Start (or restart on another address) the listener and point the simulators' callbacks at it.

        ``explicit``: the user chose ``port``: bind exactly it or say why not. Otherwise (the default or the
        remembered port) a taken port moves to the next free one and the strip says why. The port bound is
        remembered for the next run either way.
        """
        listener = self.listener
        if listener is None:
            return
        from console.core.serverthread import ServerError

        panel = self.window.listener_panel
        await asyncio.to_thread(listener.stop)
        listener.server.host, listener.server.requested_port = host, port
        try:
            choice = await asyncio.to_thread(lambda: listener.start(explicit=explicit))
        except ServerError as exc:
            panel.set_running(None, error=str(exc))
            self._offer_urls()
            if self.host is not None:
                self.host.set_callback_url(None)
            return
        panel.set_port(choice.port, chosen=explicit and port != 0)
        panel.set_running(listener.url, listener.exposed, note=choice.reason)
        self._offer_urls()
        if self.settings is not None and choice.port != self.settings.listener_port:
            self.remember(listener_port=choice.port)
        if self.host is not None:
            self.host.set_callback_url(listener.hooks_base())

    def _offer_urls(self) -> None:
        """Show the URLs to paste (while the listener runs), and put them into the forms' "register" operations."""
        if self.listener is None:
            return
        urls = self.listener.paste_urls() if self.listener.running else {}
        self.window.listener_panel.set_paste_urls(urls)
        for pid, form in self.window.forms.items():
            if pid in urls:
                form.offer_url(urls[pid])

    async def stop_listener(self) -> None:
        """Stop the listener: the strip says so, its URLs to paste go, the simulators stop calling back."""
        if self.listener is not None:
            await asyncio.to_thread(self.listener.stop)
        self.window.listener_panel.set_running(None)
        self._offer_urls()
        if self.host is not None:
            self.host.set_callback_url(None)

    @property
    def replay_dialog(self) -> QDialog | None:
        """The last replay question asked (tests drive it)."""
        return self.callbacks.replay_dialog if self.callbacks is not None else None

    def _set_forward(self, url: str) -> None:
        if self.listener is not None:
            self.listener.forward_to = url or None
        self.remember(listener_forward_to=url)

    def _set_public_url(self, url: str) -> None:
        if self.listener is not None:
            self.listener.public_url = url
            self._offer_urls()
        self.remember(listener_public_url=url)

    def remember(self, **changes: Any) -> None:
        """Change settings and save them off the GUI thread."""
        from console.core.settings import save_settings

        if self.settings is None:
            return
        self.settings = dataclasses.replace(self.settings, **changes)
        spawn(asyncio.to_thread(save_settings, self.settings))

    def _set_reply(self, route: str, status: int, delay: float, body: str) -> None:
        from console.listener.handling import RouteReply

        if self.listener is not None:
            default = status == 200 and delay == 0 and not body
            self.listener.handler.set_reply(route, None if default else RouteReply(status, delay, body))

    def _set_callback_fault(self, fault: str) -> None:
        if self.host is not None:
            for pid in self.host.provider_ids():
                self.host.set_callback_fault(pid, fault)

    async def stop(self) -> None:
        """Save the window state and close the client, the simulators and history (all off the GUI thread).

        Then the excepthook and the loop's exception handler start() installed are given back: what fails after
        this (the window and its bridge may be gone) is reported the ordinary way, never into a deleted bridge.
        """
        from console.core.settings import save_ui_state

        try:
            await excepthook.finish_tasks()  # a send or a refresh still running ends before what it uses closes
            if self._state_restored:  # a start that failed before restoring it must not overwrite it
                await asyncio.to_thread(save_ui_state, self.window.ui_state())
            if self.listener is not None:
                await asyncio.to_thread(self.listener.stop)
            if self.client is not None:
                await self.client.aclose()
            if self.host is not None:
                await asyncio.to_thread(self.host.stop)
            if self.history is not None:
                await asyncio.to_thread(self.history.close)
        finally:
            self._give_back_hooks()

    def _give_back_hooks(self) -> None:
        if self._hooks is None:
            return
        hook, loop, handler = self._hooks
        self._hooks = None
        sys.excepthook = hook
        if not loop.is_closed():
            loop.set_exception_handler(handler)

    def request_close(self) -> None:
        """Close the window as the user would (Ctrl+C, SIGTERM, Qt quitting): the shutdown then runs as usual."""
        if self.window.isVisible():
            self.window.close()  # emits closing
        self._closed.set()

    async def run_until_closed(self, started: Callable[[], None] | None = None) -> None:
        """Start, call ``started``, run until the window closes (or :meth:`request_close`), then shut down.

        The shutdown runs however this ends (start failing included), so the window state is saved and every
        server stopped before the loop ends.
        """
        try:
            await self.start()
            if started is not None:
                started()
            await self._closed.wait()
        finally:
            await self.stop()


def run_coroutine(coro: Any) -> Any:
    """Run ``coro`` on a qasync loop over the QApplication (used by the self-test)."""
    import qasync

    app = make_qapp()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        return loop.run_until_complete(coro)


def _exception_handler(loop: asyncio.AbstractEventLoop) -> Any:
    """The loop's exception handler (qasync keeps its own: its get_exception_handler always answers None)."""
    return loop.get_exception_handler() or getattr(loop, "_QEventLoop__exception_handler", None)


def _pulse(listener: WebhookListener) -> tuple[int, float | None]:
    beat = listener.heartbeat()
    return beat.requests, beat.last_at
