"""Tools > Spend guard: the allow-list of test numbers, the per-number cooldown, the daily cap, warn or refuse."""

from __future__ import annotations

import re

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from console.service.spend_guard import SpendGuard
from console.ui import theme


class SpendDialog(QDialog):
    """Edits the GUI's spend guard; :meth:`rules` and :attr:`refuse` give the result after Accept."""

    def __init__(self, guard: SpendGuard, refuse: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Spend guard for real sends")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Checked before every send outside the simulator. The console shows the numbers and asks before a "
            "send that breaks a rule; tick “Refuse” to stop such sends outright, as the command line does."
        )
        intro.setWordWrap(True)
        theme.muted(intro)
        layout.addWidget(intro)
        form = QFormLayout()
        self.allow = QPlainTextEdit("\n".join(guard.allow))
        self.allow.setPlaceholderText("+48575555555\n+79670000000\n(empty: any number)")
        self.allow.setFixedHeight(90)
        self.cooldown = QDoubleSpinBox(minimum=0, maximum=86_400, decimals=0, value=guard.cooldown_s, suffix=" s")
        self.cooldown.setSpecialValueText("off")
        self.cap = QSpinBox(minimum=0, maximum=100_000, value=guard.daily_cap, suffix=" sends")
        self.cap.setSpecialValueText("off")
        self.refuse_box = QCheckBox("Refuse instead of asking")
        self.refuse_box.setChecked(refuse)
        form.addRow("Allow-list of test numbers", self.allow)
        form.addRow("Cooldown per number", self.cooldown)
        form.addRow("Daily cap per provider", self.cap)
        form.addRow("", self.refuse_box)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def rules(self) -> SpendGuard:
        numbers = tuple(n for n in re.split(r"[\s,;]+", self.allow.toPlainText()) if n)
        return SpendGuard(numbers, float(self.cooldown.value()), self.cap.value())

    @property
    def refuse(self) -> bool:
        return self.refuse_box.isChecked()
