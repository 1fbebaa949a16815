"""The simulator's error cases (bad key, no balance…): pick one and the simulator answers the next request with it."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from console.ui import theme


class ScenarioRow(QWidget):
    """The "Simulate an error:" combo of the simulator's cases; shown only in the simulator environment.

    Attributes:
        combo: "Simulator answers normally" (data "none"), then the simulator's cases (data: the case's id).

    Signals:
        chosen(str): the case the simulator should answer the next request with ("none": normally).
    """

    chosen = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.combo = theme.compact_combo(QComboBox())
        self.combo.setObjectName("scenario")
        self.combo.setToolTip("The simulator answers the next request with this error case, once")
        self.combo.addItem("Simulator answers normally", "none")
        self.combo.currentIndexChanged.connect(lambda: self.chosen.emit(self.combo.currentData()))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Simulate an error:"))
        row.addWidget(self.combo, 1)
        self.hide()

    def add_scenarios(self, scenarios: Mapping[str, str]) -> None:
        """Offer the simulator's cases, by id and label."""
        for value, label in scenarios.items():
            self.combo.addItem(label, value)

    def reset(self) -> None:
        """Back to a normal answer, without announcing it (the simulator has used the case already)."""
        self.combo.blockSignals(True)
        self.combo.setCurrentIndex(0)
        self.combo.blockSignals(False)

    def show_for(self, env: str) -> None:
        """Shown in the simulator environment, once the simulator has cases to offer."""
        self.setVisible(env == "simulator" and self.combo.count() > 1)
