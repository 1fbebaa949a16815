"""The simulators' virtual phone: what a user would have received, newest first."""

from __future__ import annotations

import datetime as dt
import html
import re
import time
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from console.ui import theme
from console.ui.flow_layout import FlowLayout
from console.ui.privacy import PRIVACY

if TYPE_CHECKING:
    from collections.abc import Iterable

    from console.core.models import Verification
    from console.simulators._records import PhoneMessage

ACTION_LABELS = {
    "press_1": "Press 1",
    "press_2": "Press 2",
    "hang_up": "Hang up",
    "no_answer": "Don't answer",
    "dial": "Dial it",
    "dial_other": "Dial from another number",
    "deliver": "Delivered",
    "read": "Read",
    "fail": "Fail",
    "answer": "Answer",
    "reject": "Reject",
}
ICONS = {"sms": "[SMS]", "voice": "[VOICE]", "call": "[CALL]", "email": "[E-MAIL]", "whatsapp": "[WHATSAPP]"}
KEPT_VERIFICATIONS = 1000

LRI, PDI = "\u2066", "\u2069"  # LEFT-TO-RIGHT ISOLATE … POP DIRECTIONAL ISOLATE
_RTL_CLASSES = frozenset({"R", "AL"})
# digits, with one separator between groups: a code spelt out ("3 6 1 9 5"), a number, a time, an amount
_DIGIT_RUN = re.compile(r"\+?\d+(?:[ \u00a0:.,/-]\d+)*")


def isolate_digit_runs(text: str) -> str:
    """``text`` for the screen: in text with right-to-left letters, every run of digits in an LTR isolate.

    In a right-to-left context the Unicode bidi algorithm turns digits into Arabic numbers and lays a spelt-out
    code ("3 6 1 9 5") out right to left, so a reader sees "5 9 1 6 3". Wrapped in LRI … PDI the run keeps its
    order whatever surrounds it. Text without right-to-left letters is returned as it is.
    """
    if not any(unicodedata.bidirectional(ch) in _RTL_CLASSES for ch in text):
        return text
    return _DIGIT_RUN.sub(lambda m: f"{LRI}{m.group(0)}{PDI}", text)


def message_text(message: PhoneMessage) -> str:
    """The three lines a message shows (when, who, code; its title; its text), as the provider sent them."""
    when = dt.datetime.fromtimestamp(message.at).strftime("%H:%M:%S")
    icon = ICONS.get(message.kind, f"[{message.kind.upper()}]")
    code = f"   code {message.code}" if message.code else ""
    return f"{when} {icon} {message.provider} → {message.to}{code}\n{message.title}\n{message.text}"


def shown(text: str) -> str:
    """What the screen shows of a message's text: masked in screen-sharing mode, digit runs isolated."""
    return isolate_digit_runs(PRIVACY.mask(text))


def has_ended(verification: Verification, now: float | None = None) -> bool:
    """Verified, failed or expired (by its state, or because its window has passed)."""
    now = time.time() if now is None else now
    return verification.is_final() or (verification.expires_at is not None and now >= verification.expires_at)


@dataclass(slots=True)
class _Entry:
    """One message on the phone, with what happened to it: its callbacks' result and its verification."""

    message: PhoneMessage
    item: QListWidgetItem
    delivery: tuple[str, bool] | None = None
    verification: Verification | None = None


class PhoneView(QWidget):
    """Lists PhoneMessages; "Use code" hands the selected message's code to the form; calls can be answered.

    Each message keeps its own callback result (shown while it is selected) and is tied to the verification it
    belongs to (``console.simulators._ties``); once that verification has ended, the message's actions are off.

    Attributes:
        list: the messages, newest first.
        delivery: the result of the selected message's last action (its callbacks and the listener's answers).
        verification: the verification the selected message belongs to, and where it stands.
        clear: "Clear phone": empties every simulator's phone (their state files) and this list.

    Signals:
        code_chosen(str, str): provider id and code of the selected message.
        action_requested(str, str, str): provider id, message id and action (press_1, dial…): the simulator
            then sends the provider's callbacks to the listener.
        clear_requested(): "Clear phone" was pressed (the simulators' phones should be emptied).
        phone_cleared(str, float): a provider's phone was cleared at that time (by any process; safe to emit from
            any thread): its messages up to then leave the list.
    """

    code_chosen = Signal(str, str)
    action_requested = Signal(str, str, str)
    clear_requested = Signal()
    phone_cleared = Signal(str, float)

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        top = FlowLayout()  # wraps in a narrow pane instead of widening it
        top.addWidget(QLabel("<b>Virtual phone</b> (simulator)"))
        self.clear = QPushButton("Clear phone")
        self.clear.setObjectName("phone_clear")
        self.clear.setToolTip("Delete every message on the simulators' phone (for every process using them)")
        self.clear.clicked.connect(self.clear_requested)
        top.addWidget(self.clear)
        layout.addLayout(top)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setObjectName("phone_list")
        layout.addWidget(self.list, 1)
        self.use_code = QPushButton("Use code in Check")
        self.use_code.setEnabled(False)
        self.use_code.clicked.connect(self._on_use_code)
        self.list.currentItemChanged.connect(lambda *_: self._show_selected())
        self.list.itemDoubleClicked.connect(lambda *_: self._on_use_code())
        self.action_row = FlowLayout(spacing=4)  # the actions wrap onto more rows in a narrow pane
        layout.addLayout(self.action_row)
        self.verification = theme.muted(QLabel(""))
        self.verification.setObjectName("phone_verification")
        self.verification.setWordWrap(True)
        layout.addWidget(self.verification)
        self.delivery = QLabel("")
        self.delivery.setObjectName("phone_delivery")
        self.delivery.setWordWrap(True)
        layout.addWidget(self.delivery)
        layout.addWidget(self.use_code)
        self._buttons: dict[str, QPushButton] = {}
        self._entries: dict[str, _Entry] = {}
        self._verifications: dict[str, Verification] = {}
        self.phone_cleared.connect(self._on_phone_cleared)

    # ------------------------------------------------------------------------------------------ messages
    def add_message(self, message: PhoneMessage) -> None:
        """Show a PhoneMessage at the top (and select it); one already shown is not added twice."""
        if message.id in self._entries:
            return
        text = message_text(message)
        item = QListWidgetItem(shown(text))
        item.setData(Qt.ItemDataRole.UserRole + 2, text)
        item.setData(Qt.ItemDataRole.UserRole, (message.provider, message.code or ""))
        item.setData(Qt.ItemDataRole.UserRole + 1, (message.id, tuple(message.actions)))
        item.setToolTip(shown(message.text))
        entry = _Entry(message, item)
        entry.verification = _tie(message, self._verifications.values())
        self._entries[message.id] = entry
        self.list.insertItem(0, item)
        self.list.setCurrentRow(0)

    def message_ids(self) -> list[str]:
        """The ids of the messages shown, newest first."""
        return [self._id_of(self.list.item(row)) for row in range(self.list.count())]

    def select_message(self, message_id: str) -> None:
        """Select a message by id (tests, and whoever wants to show one)."""
        entry = self._entries.get(message_id)
        if entry is not None:
            self.list.setCurrentItem(entry.item)

    def selected_id(self) -> str | None:
        """The selected message's id, or None when the list is empty."""
        item = cast("QListWidgetItem | None", self.list.currentItem())  # None when the list is empty
        return self._id_of(item) if item is not None else None

    def clear_messages(self, provider: str | None = None, up_to: float | None = None) -> None:
        """Remove the messages of ``provider`` (None: of every provider) received up to ``up_to`` (None: all)."""
        gone = [
            entry
            for entry in self._entries.values()
            if (provider is None or entry.message.provider == provider) and (up_to is None or entry.message.at <= up_to)
        ]
        if not gone:
            return
        self.list.blockSignals(True)
        for entry in gone:
            del self._entries[entry.message.id]
            self.list.takeItem(self.list.row(entry.item))
        self.list.blockSignals(False)
        if self.list.count() and self.list.currentItem() is None:
            self.list.setCurrentRow(0)
        self._show_selected()

    @Slot(str, float)
    def _on_phone_cleared(self, provider: str, cleared_at: float) -> None:
        self.clear_messages(provider, cleared_at)

    def refresh_privacy(self) -> None:
        """Redraw the messages after screen-sharing mode changed."""
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item is not None:
                item.setText(shown(str(item.data(Qt.ItemDataRole.UserRole + 2))))
                entry = self._entries.get(self._id_of(item))
                if entry is not None:
                    item.setToolTip(shown(entry.message.text))
        self._show_selected()

    # ------------------------------------------------------------------------------------- verifications
    @Slot(object)
    def verification_changed(self, verification: Verification) -> None:
        """A verification was created or changed: re-tie its provider's messages, refresh the selected one."""
        self.know_verifications([verification])

    def know_verifications(self, verifications: Iterable[Verification]) -> None:
        """Learn verifications (a change, or those in history at start), newer snapshots replacing older ones."""
        providers: set[str] = set()
        for verification in verifications:
            known = self._verifications.get(verification.id)
            newer = verification.is_final() or verification.updated_at >= known.updated_at if known else True
            if known is None or (not known.is_final() and newer):  # an ended one stays ended
                self._verifications[verification.id] = verification
            providers.add(verification.provider)
        while len(self._verifications) > KEPT_VERIFICATIONS:
            oldest = min(self._verifications.values(), key=lambda v: v.created_at)
            del self._verifications[oldest.id]
        if not providers:
            return
        for provider in providers:
            theirs = [v for v in self._verifications.values() if v.provider == provider]
            for entry in self._entries.values():
                if entry.message.provider == provider:
                    entry.verification = _tie(entry.message, theirs)
        self._show_selected()

    def verification_of(self, message_id: str) -> Verification | None:
        """The verification a shown message is tied to, or None."""
        entry = self._entries.get(message_id)
        return entry.verification if entry is not None else None

    # -------------------------------------------------------------------------------------------- actions
    def action_button(self, action: str) -> QPushButton | None:
        """The button of an action of the selected message (tests press it)."""
        return self._buttons.get(action)

    def show_delivery(self, text: str, ok: bool, message_id: str | None = None) -> None:
        """Say what happened to the callbacks an action on ``message_id`` sent (None: the selected message).

        The result stays with its message: shown now if that message is selected, else when it is selected.
        """
        selected = self.selected_id()
        entry = self._entries.get(message_id or selected or "")
        if entry is None:
            if message_id is None:  # nothing to keep it with: just say it
                self._show_delivery(text, ok)
            return  # a message cleared meanwhile: its result goes with it
        entry.delivery = (text, ok)
        if entry.message.id == selected:
            self._show_delivery(text, ok)

    def delivery_of(self, message_id: str) -> tuple[str, bool] | None:
        """The last action result of a shown message (its text and whether every callback was accepted)."""
        entry = self._entries.get(message_id)
        return entry.delivery if entry is not None else None

    def _show_delivery(self, text: str, ok: bool) -> None:
        colour = theme.LISTENING_GREEN if ok else theme.ERROR_RED
        self.delivery.setText(theme.coloured_html(html.escape(PRIVACY.mask(text)), colour) if text else "")

    def _show_selected(self) -> None:
        """The selected message's buttons (off once its verification ended), its tie and its last result."""
        item = cast("QListWidgetItem | None", self.list.currentItem())  # None when the list is empty
        self.use_code.setEnabled(bool(item and item.data(Qt.ItemDataRole.UserRole)[1]))
        for button in self._buttons.values():
            self.action_row.removeWidget(button)
            button.deleteLater()
        self._buttons = {}
        entry = self._entries.get(self._id_of(item)) if item is not None else None
        if entry is None:
            self.verification.setText("")
            self._show_delivery("", True)
            return
        message, verification = entry.message, entry.verification
        ended = verification is not None and has_ended(verification)
        for action in message.actions:
            button = QPushButton(ACTION_LABELS.get(action, action.replace("_", " ")))
            button.setObjectName(f"phone_action_{action}")
            button.clicked.connect(
                lambda _=False, a=action, m=message.id, p=message.provider: self.action_requested.emit(p, m, a)
            )
            if ended:
                assert verification is not None
                button.setEnabled(False)
                button.setToolTip(f"Verification {verification.id} has ended ({_state_of(verification)})")
            else:
                button.setToolTip(f"The simulated user does this; {message.provider}'s simulator sends its callbacks")
            self.action_row.addWidget(button)
            self._buttons[action] = button
        self.verification.setText(PRIVACY.mask(_tie_text(verification)))
        self._show_delivery(*(entry.delivery or ("", True)))

    def _on_use_code(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            provider, code = item.data(Qt.ItemDataRole.UserRole)
            if code:
                self.code_chosen.emit(provider, code)

    @staticmethod
    def _id_of(item: QListWidgetItem | None) -> str:
        return str(item.data(Qt.ItemDataRole.UserRole + 1)[0]) if item is not None else ""


def _state_of(verification: Verification) -> str:
    """The state in words; a pending one whose window has passed is "expired"."""
    if not verification.is_final() and has_ended(verification):
        return "expired"
    return verification.state.value


def _tie_text(verification: Verification | None) -> str:
    if verification is None:
        return "No verification of this console matches this message"
    if has_ended(verification):
        return f"Verification {verification.id}: {_state_of(verification)}; its actions are closed"
    return f"Verification {verification.id}: {verification.state.value}"


def _tie(message: PhoneMessage, verifications: Iterable[Verification]) -> Verification | None:
    """The verification ``message`` belongs to (the simulators' rule, imported with the first message)."""
    from console.simulators._ties import verification_of

    return verification_of(message, verifications)
