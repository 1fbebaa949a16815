"""What the GUI does with callbacks and the virtual phone: its user acts (the simulator calls back), replays, clears."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from console.ui.excepthook import spawn

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog

    from console.core.models import Exchange, Verification
    from console.listener.server import WebhookListener
    from console.simulators._records import Delivery
    from console.simulators.host import SimulatorHost
    from console.ui.main_window import MainWindow


RECALLED_VERIFICATIONS = 200
"""How many of history's newest verifications the phone learns at start (to tie the messages kept from before)."""


class CallbackActions:
    """The virtual phone's actions, its clearing, and the replay of captured callbacks, shown in the window.

    The phone learns every verification change (to close the actions of a message whose verification ended) and,
    at start, history's newest verifications (for the messages kept from earlier runs).

    Attributes:
        replay_dialog: the last replay question asked (tests drive it), or None.
    """

    def __init__(
        self,
        window: MainWindow,
        host: Callable[[], SimulatorHost | None],
        listener: Callable[[], WebhookListener | None],
    ) -> None:
        """``host`` and ``listener`` give the running simulators and listener (None when there are none)."""
        self.window = window
        self.host = host
        self.listener = listener
        self.replay_dialog: QDialog | None = None
        window.phone.action_requested.connect(lambda p, m, a: spawn(self.phone_action(p, m, a)))
        window.phone.clear_requested.connect(lambda: spawn(self.clear_phone()))
        window.bridge.verification_changed.connect(window.phone.verification_changed)
        window.detail.replay_requested.connect(self.ask_replay)
        running = host()
        if running is not None:  # a clear by any process (``otp-console phone --clear``) empties the list too
            running.on_phone_cleared(window.phone.phone_cleared.emit)
        spawn(self.recall_verifications())

    async def phone_action(self, provider: str, message_id: str, action: str) -> list[Delivery]:
        """The simulated user acts on a message; the simulator sends the provider's callbacks to the listener."""
        from console.simulators._records import SimulatorError

        phone, host = self.window.phone, self.host()
        if host is None:
            phone.show_delivery("The simulators are not running.", ok=False, message_id=message_id)
            return []
        try:
            deliveries = await asyncio.wrap_future(host.phone_action(provider, message_id, action))
        except SimulatorError as exc:
            phone.show_delivery(str(exc), ok=False, message_id=message_id)
            return []
        ok = all(d.status is not None and d.status < 300 for d in deliveries)
        text = "; ".join(f"{d.label} → {d.status or d.error}" for d in deliveries) or "No callback for this action."
        phone.show_delivery(text, ok, message_id=message_id)
        return deliveries

    async def clear_phone(self) -> dict[str, int]:
        """Empty every simulator's phone (their state files, off the GUI thread), then the phone's list."""
        from console.core import paths
        from console.simulators.host import clear_phone_messages

        host = self.host()
        if host is not None:
            removed = await asyncio.to_thread(host.clear_phone)
        else:
            removed = await asyncio.to_thread(clear_phone_messages, paths.simulator_dir())
        self.window.phone.clear_messages()
        self.window.statusBar().showMessage(f"Virtual phone cleared ({sum(removed.values())} messages)", 10000)
        return removed

    async def recall_verifications(self) -> list[Verification]:
        """Tell the phone history's newest verifications (read off the GUI thread), for the messages kept."""
        listener = self.listener()
        book = listener.handler.book if listener is not None else None
        history = book.history if book is not None else None
        if history is None:
            return []
        recent = await asyncio.to_thread(history.recent_verifications, RECALLED_VERIFICATIONS)
        self.window.phone.know_verifications(recent)
        return recent

    def ask_replay(self, exchange: Exchange) -> None:
        """Ask where to replay a captured callback (and whether to edit or re-sign it), then replay it."""
        from console.ui.replay_dialog import ReplayDialog

        listener = self.listener()
        rule = listener.handler.rules.get(exchange.provider) if listener else None
        dialog = ReplayDialog(exchange, bool(rule and rule.secrets), self.window)
        dialog.finished.connect(
            lambda code: spawn(self.replay(exchange, *dialog.choice())) if code == dialog.DialogCode.Accepted else None
        )
        dialog.open()
        self.replay_dialog = dialog

    async def replay(
        self, exchange: Exchange, target: str | None = None, body: bytes | None = None, resign: bool = False
    ) -> Exchange | None:
        """Send a captured callback again (off the GUI thread) and select the replay's row."""
        listener = self.listener()
        if listener is None or not listener.running:
            self.window.statusBar().showMessage("Start the listener to replay callbacks.", 10000)
            return None
        result = await asyncio.wrap_future(listener.replay(exchange, target, body, resign))
        self.window.statusBar().showMessage(f"Replay of {exchange.id}: {result.summary}", 15000)
        self.window.log.select_exchange(result.id)
        return result
