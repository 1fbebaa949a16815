"""The simulators' virtual phone: what a user would have received, newest first."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from console.ui import theme
from console.ui.privacy import PRIVACY

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


class PhoneView(QWidget):
    """Lists PhoneMessages; "Use code" hands the selected message's code to the form; calls can be answered.

    Signals:
        code_chosen(str, str): provider id and code of the selected message.
        action_requested(str, str, str): provider id, message id and action (press_1, dial…): the simulator
            then sends the provider's callbacks to the listener.
    """

    code_chosen = Signal(str, str)
    action_requested = Signal(str, str, str)

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        title = QLabel("<b>Virtual phone</b> (simulator)")
        layout.addWidget(title)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setObjectName("phone_list")
        layout.addWidget(self.list, 1)
        self.use_code = QPushButton("Use code in Check")
        self.use_code.setEnabled(False)
        self.use_code.clicked.connect(self._on_use_code)
        self.list.currentItemChanged.connect(lambda *_: self._update_button())
        self.list.itemDoubleClicked.connect(lambda *_: self._on_use_code())
        self.action_row = QHBoxLayout()
        self.action_row.setSpacing(4)
        layout.addLayout(self.action_row)
        self.delivery = QLabel("")
        self.delivery.setObjectName("phone_delivery")
        self.delivery.setWordWrap(True)
        layout.addWidget(self.delivery)
        layout.addWidget(self.use_code)
        self._buttons: dict[str, QPushButton] = {}

    def add_message(self, message: Any) -> None:
        """Show a PhoneMessage at the top."""
        when = dt.datetime.fromtimestamp(message.at).strftime("%H:%M:%S")
        icon = ICONS.get(message.kind, f"[{message.kind.upper()}]")
        code = f"   code {message.code}" if message.code else ""
        text = f"{when} {icon} {message.provider} → {message.to}{code}\n{message.title}\n{message.text}"
        item = QListWidgetItem(PRIVACY.mask(text))
        item.setData(Qt.ItemDataRole.UserRole + 2, text)
        item.setData(Qt.ItemDataRole.UserRole, (message.provider, message.code or ""))
        item.setData(Qt.ItemDataRole.UserRole + 1, (message.id, tuple(message.actions)))
        item.setToolTip(message.text)
        self.list.insertItem(0, item)
        self.list.setCurrentRow(0)

    def _update_button(self) -> None:
        item = cast("QListWidgetItem | None", self.list.currentItem())  # None when the list is empty
        self.use_code.setEnabled(bool(item and item.data(Qt.ItemDataRole.UserRole)[1]))
        for button in self._buttons.values():
            self.action_row.removeWidget(button)
            button.deleteLater()
        self._buttons = {}
        if item is None:
            return
        provider = item.data(Qt.ItemDataRole.UserRole)[0]
        message_id, actions = item.data(Qt.ItemDataRole.UserRole + 1)
        for action in actions:
            button = QPushButton(ACTION_LABELS.get(action, action.replace("_", " ")))
            button.setObjectName(f"phone_action_{action}")
            button.setToolTip(f"The simulated user does this; {provider}'s simulator sends its callbacks")
            button.clicked.connect(
                lambda _=False, a=action, m=message_id, p=provider: self.action_requested.emit(p, m, a)
            )
            self.action_row.addWidget(button)
            self._buttons[action] = button

    def refresh_privacy(self) -> None:
        """Redraw the messages after screen-sharing mode changed."""
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item is not None:
                item.setText(PRIVACY.mask(str(item.data(Qt.ItemDataRole.UserRole + 2))))

    def action_button(self, action: str) -> QPushButton | None:
        """The button of an action of the selected message (tests press it)."""
        return self._buttons.get(action)

    def show_delivery(self, text: str, ok: bool) -> None:
        """Say what happened to the callbacks an action sent."""
        colour = theme.LISTENING_GREEN if ok else theme.ERROR_RED
        self.delivery.setText(theme.coloured_html(text, colour))

    def _on_use_code(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            provider, code = item.data(Qt.ItemDataRole.UserRole)
            if code:
                self.code_chosen.emit(provider, code)
