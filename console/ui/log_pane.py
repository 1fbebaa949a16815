"""The log column: the listener's strip over the live log, with the latency chart beside the log."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QToolButton, QVBoxLayout, QWidget

from console.core.logstore import LogStore
from console.ui.latency_chart import LatencyChart, beside
from console.ui.listener_panel import ListenerPanel
from console.ui.log_view import LogView

CHART_MIN_WIDTH = 260  # the chart's width when opened from the menu or its button, at least
CHART_SHARE = 0.38  # of the column's width


class LogPane(QWidget):
    """The listener panel, then the log and the latency chart side by side (the chart starts closed).

    Attributes:
        listener_panel: the listener's state, URL, rate sparkline and settings.
        log: the live log.
        latency: the latency chart (pyqtgraph loads the first time it is opened).
        split: the splitter between the log and the chart (saved with the window's state).
        chart_action: View > Latency chart (checkable; also the button on the log's bar): checked while open.
    """

    def __init__(self, store: LogStore, chart_action: QAction) -> None:
        super().__init__()
        self.chart_action = chart_action
        self.listener_panel = ListenerPanel()
        self.log = LogView(store)
        self.latency = LatencyChart(store)
        self.latency.point_chosen.connect(self.log.select_exchange)
        self.split = beside(self.log, self.latency)
        self.split.splitterMoved.connect(lambda *_: self._sync_action())
        button = QToolButton()
        button.setObjectName("latency_chart_button")
        button.setDefaultAction(chart_action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.log.add_to_bar(button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.listener_panel)
        column.addWidget(self.split, 1)

    def chart_open(self) -> bool:
        return self.split.sizes()[1] > 0

    def show_chart(self, on: bool) -> None:
        """Open the chart beside the log, or close it (the log takes the room back)."""
        sizes = self.split.sizes()
        total = sum(sizes)
        if on and sizes[1] == 0:
            chart = max(CHART_MIN_WIDTH, round(total * CHART_SHARE))
            self.split.setSizes([max(0, total - chart), chart])
        elif not on and sizes[1] > 0:
            self.split.setSizes([total, 0])
        self._sync_action()

    def restored(self) -> None:
        """The splitter's sizes came back from the saved state: the action says whether the chart is open."""
        self._sync_action()

    def _sync_action(self) -> None:
        is_open = self.chart_open()
        if self.chart_action.isChecked() != is_open:
            self.chart_action.setChecked(is_open)
