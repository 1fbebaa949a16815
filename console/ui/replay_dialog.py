"""Re-send a captured callback: to the listener or another URL, optionally edited and re-signed."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
)

from console.core.models import Exchange
from console.listener.delivery import raw_body


class ReplayDialog(QDialog):
    """Asks where to send the callback again, with what body, and whether to sign it again."""

    def __init__(self, exchange: Exchange, provider_signs: bool, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.exchange = exchange
        self.setWindowTitle(f"Replay {exchange.channel or exchange.method} ({exchange.id})")
        self.resize(640, 420)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.target = QLineEdit()
        self.target.setObjectName("replay_target")
        self.target.setPlaceholderText("empty: this listener, same path (or your backend: http://localhost:3000/hook)")
        form.addRow("Send to", self.target)
        self.body = QPlainTextEdit(raw_body(exchange).decode("utf-8", errors="replace"))
        self.body.setObjectName("replay_body")
        form.addRow("Body", self.body)
        self.resign = QCheckBox(f"Sign it again with {exchange.provider}'s rule (after editing the body)")
        self.resign.setEnabled(provider_signs)
        if not provider_signs:
            self.resign.setToolTip(f"{exchange.provider} does not sign its callbacks")
        form.addRow("", self.resign)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        if ok is not None:
            ok.setText("Send again")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def choice(self) -> tuple[str | None, bytes | None, bool]:
        """(target or None for the listener, the body if edited else None, re-sign)."""
        text = self.body.toPlainText()
        original = raw_body(self.exchange).decode("utf-8", errors="replace")
        body = None if text == original else text.encode("utf-8")
        return self.target.text().strip() or None, body, self.resign.isChecked()
