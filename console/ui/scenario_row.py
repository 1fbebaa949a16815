"""The simulator's error cases (bad key, no balance…): for the next request only, or until turned off."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from console.ui import theme

NONE = "none"
ONCE, STICKY = "once", "sticky"


class ScenarioRow(QWidget):
    """The "Simulate an error:" combo of the simulator's cases; shown only in the simulator environment.

    A case applies to the next request only (then the row goes back to normal), or, with "until I turn it off",
    to every request until "Simulator answers normally" is chosen; meanwhile an amber badge says which case the
    simulator is answering with.

    Attributes:
        combo: "Simulator answers normally" (data "none"), then the simulator's cases (data: the case's id).
        duration: "next request only" (data "once") or "until I turn it off" (data "sticky").
        badge: "SIMULATING: <case>" in amber while a case stays on; hidden otherwise.

    Signals:
        chosen(str, bool): the case the simulator should answer with ("none": normally) and whether it stays on
            until turned off (False: the next request only). Emitted when the case changes, and when the duration
            changes while a case is chosen.
    """

    chosen = Signal(str, bool)

    def __init__(self) -> None:
        super().__init__()
        self.combo = theme.compact_combo(QComboBox())
        self.combo.setObjectName("scenario")
        self.combo.setToolTip("The simulator answers with this error case: once, or until you turn it off")
        self.combo.addItem("Simulator answers normally", NONE)
        self.duration = QComboBox()
        self.duration.setObjectName("scenario_duration")
        self.duration.addItem("next request only", ONCE)
        self.duration.addItem("until I turn it off", STICKY)
        self.duration.setToolTip("Until you turn it off: every request gets this error until you pick 'normally'")
        self.badge = QLabel()
        self.badge.setObjectName("scenario_badge")
        self.badge.hide()
        self.combo.currentIndexChanged.connect(self._on_case_changed)
        self.duration.currentIndexChanged.connect(self._on_duration_changed)
        rows = QVBoxLayout(self)  # two short lines rather than one wide row: the form's width is the log's loss
        rows.setContentsMargins(0, 0, 0, 0)
        first, second = QHBoxLayout(), QHBoxLayout()
        first.addWidget(QLabel("Simulate an error:"))
        first.addWidget(self.combo, 1)
        second.addWidget(self.duration)
        second.addWidget(self.badge)
        second.addStretch(1)
        rows.addLayout(first)
        rows.addLayout(second)
        self.hide()

    @property
    def case(self) -> str:
        """The case chosen ("none": the simulator answers normally)."""
        return str(self.combo.currentData())

    @property
    def sticky(self) -> bool:
        """Whether the case stays on until turned off (else it applies to the next request only)."""
        return bool(self.duration.currentData() == STICKY)

    def add_scenarios(self, scenarios: Mapping[str, str]) -> None:
        """Offer the simulator's cases, by id and label."""
        for value, label in scenarios.items():
            self.combo.addItem(label, value)

    def used(self) -> None:
        """The simulator answered a request: a case for the next request only is spent (a sticky one stays)."""
        if not self.sticky:
            self.reset()

    def reset(self) -> None:
        """Back to a normal answer, without announcing it (the simulator has used the case already)."""
        self.combo.blockSignals(True)
        self.combo.setCurrentIndex(0)
        self.combo.blockSignals(False)
        self._show_badge()

    def show_for(self, env: str) -> None:
        """Shown in the simulator environment, once the simulator has cases to offer."""
        self.setVisible(env == "simulator" and self.combo.count() > 1)

    def _on_case_changed(self) -> None:
        self._show_badge()
        self.chosen.emit(self.case, self.sticky)

    def _on_duration_changed(self) -> None:
        self._show_badge()
        if self.case != NONE:  # the case in force now lasts differently: say it again
            self.chosen.emit(self.case, self.sticky)

    def _show_badge(self) -> None:
        on = self.sticky and self.case != NONE
        if on:
            theme.set_badge(self.badge, f"SIMULATING: {self.case}", theme.CUSTOM_AMBER)
            self.badge.setToolTip(f"Every request to this simulator is answered with '{self.combo.currentText()}'")
        self.badge.setVisible(on)
