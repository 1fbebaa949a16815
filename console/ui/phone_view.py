"""The simulators' virtual phone: what a user would have received, newest first."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

ICONS = {"sms": "[SMS]", "voice": "[VOICE]", "call": "[CALL]", "email": "[E-MAIL]", "whatsapp": "[WHATSAPP]"}


class PhoneView(QWidget):
    """Lists PhoneMessages; "Use code" hands the selected message's code to the form.

    Signals:
        code_chosen(str, str): provider id and code of the selected message.
    """

    code_chosen = Signal(str, str)

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
        layout.addWidget(self.use_code)

    def add_message(self, message: Any) -> None:
        """Show a PhoneMessage at the top."""
        when = dt.datetime.fromtimestamp(message.at).strftime("%H:%M:%S")
        icon = ICONS.get(message.kind, f"[{message.kind.upper()}]")
        code = f"   code {message.code}" if message.code else ""
        text = f"{when} {icon} {message.provider} → {message.to}{code}\n{message.title}\n{message.text}"
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, (message.provider, message.code or ""))
        item.setToolTip(message.text)
        self.list.insertItem(0, item)
        self.list.setCurrentRow(0)

    def _update_button(self) -> None:
        item = self.list.currentItem()
        self.use_code.setEnabled(bool(item and item.data(Qt.ItemDataRole.UserRole)[1]))

    def _on_use_code(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            provider, code = item.data(Qt.ItemDataRole.UserRole)
            if code:
                self.code_chosen.emit(provider, code)
