"""A verification's timeline: swim lanes over the step list (request, answer, callbacks, checks, the gaps)."""

from __future__ import annotations

import datetime as dt
import time
from collections import deque

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.core.logstore import LogStore
from console.core.models import Exchange, Verification
from console.ui import theme
from console.ui.lane_chart import PhoneMessageLike, gap_text, step_name
from console.ui.privacy import PRIVACY
from console.ui.swimlanes import HEIGHT as LANES_HEIGHT
from console.ui.swimlanes import SwimlaneView

__all__ = ["COLUMNS", "PHONE_MEMORY", "TimelineView", "gap_text", "step_name"]

COLUMNS = ("Time", "Gap", "Step", "What happened", "Signature")
PHONE_MEMORY = 500  # the virtual phone's newest messages, kept for the phone lane


def ended_text(v: Verification) -> str:
    """When a final verification ended and how long after its start ("Verified at 12:00:01.012, 1.0 s after…").

    The end is the moment it became final (a later check does not move it).
    """
    end = v.end_time if v.end_time is not None else v.updated_at
    took = max(0.0, end - v.created_at)
    when = dt.datetime.fromtimestamp(end).strftime("%H:%M:%S.%f")[:-3]
    return f"{v.state.value.capitalize()} at {when}, {took:.1f} s after the start."


class TimelineView(QWidget):
    """Shows one verification as swim lanes over a list of its steps; counts down while it is pending.

    Attributes:
        lanes: the picture: console, provider, phone and listener lanes (:class:`SwimlaneView`).
        tree: the same steps as rows, with the full text.

    Signals:
        exchange_chosen(str): the user picked a step (a row or a mark); the log selects that exchange.
        expired(str): a pending verification's window just closed (the app marks it expired).
        save_requested(object): "Save as scenario…": the verification shown, to be written as a scenario.
    """

    exchange_chosen = Signal(str)
    expired = Signal(str)
    save_requested = Signal(object)

    def __init__(self, store: LogStore) -> None:
        super().__init__()
        self.store = store
        self.verification: Verification | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.headline = QLabel("Select a row that belongs to a verification to see its timeline.")
        self.headline.setObjectName("timeline_headline")
        self.headline.setWordWrap(True)
        self.countdown = QLabel("")
        self.countdown.setObjectName("timeline_countdown")
        self.save_button = QPushButton("Save as scenario…")
        self.save_button.setObjectName("timeline_save_scenario")
        self.save_button.setToolTip(
            "Write this verification as a scenario that replays it, with what happened expected"
        )
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(lambda: self.save_requested.emit(self.verification))
        top = QHBoxLayout()
        top.addWidget(self.headline, 1)
        top.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        layout.addWidget(self.countdown)
        self.tree = QTreeWidget()
        self.tree.setObjectName("timeline_steps")
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        for column, width in enumerate((95, 75, 170, 330)):
            self.tree.setColumnWidth(column, width)
        self.tree.itemClicked.connect(self._on_clicked)
        self.lanes = SwimlaneView()
        self.lanes.exchange_chosen.connect(self.exchange_chosen)
        scroll = QScrollArea()
        scroll.setObjectName("timeline_lanes_scroll")
        scroll.setWidget(self.lanes)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumHeight(LANES_HEIGHT // 2)
        scroll.setMaximumHeight(LANES_HEIGHT + scroll.horizontalScrollBar().sizeHint().height() + 2)
        self.lanes_scroll = scroll
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.addWidget(scroll)
        self.split.addWidget(self.tree)
        self.split.setStretchFactor(1, 1)
        self.split.setSizes([scroll.maximumHeight(), 200])
        layout.addWidget(self.split, 1)
        self._phone: deque[PhoneMessageLike] = deque(maxlen=PHONE_MEMORY)
        self._found: list[Exchange] = []
        self._lanes_of: str | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(500)
        self._timer.timeout.connect(self._tick)
        self._missing: list[str] = []

    def show_verification(self, verification: Verification | None) -> None:
        """Show ``verification`` (a snapshot); None clears the view."""
        self.verification = verification
        self.save_button.setEnabled(verification is not None)
        self.tree.clear()
        self._found = []
        if verification is None:
            self.lanes.show_verification(None)
            self.headline.setText("Select a row that belongs to a verification to see its timeline.")
            self.countdown.setText("")
            self._timer.stop()
            return
        colour = theme.STATE_COLOURS.get(verification.state.value, theme.MUTED)
        v = verification
        request_id = f" · request_id {v.request_id}" if v.request_id else ""
        state = theme.coloured_html(v.state.value.upper(), colour, bold=True)
        headline = f"<b>{v.id}</b> · {v.provider} {v.channel} → {v.destination} · {state}{request_id}"
        self.headline.setText(PRIVACY.mask(headline))
        previous: float | None = None
        self._missing = []
        for xid in verification.exchange_ids:
            ex = self.store.find(xid)
            if ex is not None:
                self._found.append(ex)
            if ex is None:  # still on its way to the log, or from an earlier run
                self._missing.append(xid)
                item = QTreeWidgetItem(["", "", "", f"{xid} (not in the log: see history)", ""])
                self.tree.addTopLevelItem(item)
                continue
            gap = "start" if previous is None else gap_text(max(0.0, ex.started_at - previous))
            previous = ex.started_at
            when = dt.datetime.fromtimestamp(ex.started_at).strftime("%H:%M:%S.%f")[:-3]
            status = f"HTTP {ex.status} · " if ex.status is not None else ""
            outcome = "" if ex.ok else ex.outcome.value.replace("_", " ").capitalize() + ": "
            what = PRIVACY.mask(f"{status}{outcome}{ex.summary}")
            signature = ex.signature + (f" ({ex.signature_scheme})" if ex.signature_scheme else "")
            item = QTreeWidgetItem([when, gap, step_name(ex), what, signature])
            item.setData(0, Qt.ItemDataRole.UserRole, ex.id)
            item.setToolTip(3, what)
            if not ex.ok:
                item.setForeground(3, QBrush(QColor(theme.ERROR_RED)))
            self.tree.addTopLevelItem(item)
        self._show_lanes()
        self._tick()
        if verification.is_final() and not self._missing:
            self._timer.stop()
        else:
            self._timer.start()

    def add_phone_message(self, message: PhoneMessageLike) -> None:
        """Remember a message the virtual phone received (the phone lane shows those to the destination)."""
        self._phone.append(message)
        v = self.verification
        if v is not None and message.provider == v.provider:
            self._show_lanes()

    def _show_lanes(self) -> None:
        """Draw the lanes; a new verification, or a new step of this one, scrolls them to the newest."""
        before = (self.lanes.chart.marks[-1].at if self.lanes.chart.marks else None, self._lanes_of)
        self.lanes.show_verification(self.verification, self._found, self._phone)
        self._lanes_of = self.verification.id if self.verification is not None else None
        after = (self.lanes.chart.marks[-1].at if self.lanes.chart.marks else None, self._lanes_of)
        if after != before:
            QTimer.singleShot(0, self, self._scroll_lanes_to_end)

    def _scroll_lanes_to_end(self) -> None:
        bar = self.lanes_scroll.horizontalScrollBar()
        bar.setValue(bar.maximum())

    def steps(self) -> list[str]:
        """The step column, top to bottom (tests read it)."""
        items = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [item.text(2) for item in items if item is not None]

    def _tick(self) -> None:
        v = self.verification
        if v is not None and self._missing and any(self.store.find(xid) for xid in self._missing):
            self.show_verification(v)  # a row it was waiting for reached the log
            return
        if v is None or v.expires_at is None:
            self.countdown.setText("")
            return
        if v.is_final():
            self.countdown.setText(ended_text(v))
            if not self._missing:
                self._timer.stop()
            return
        left = v.expires_at - time.time()
        if left <= 0:
            self.countdown.setText("The window has closed: expired.")
            self._timer.stop()
            self.expired.emit(v.id)
            return
        minutes, seconds = divmod(int(left), 60)
        self.countdown.setText(
            theme.coloured_html(f"Pending: {minutes:d}:{seconds:02d} left", theme.PROMPT_BORDER) + " "
            f"(until {dt.datetime.fromtimestamp(v.expires_at).strftime('%H:%M:%S')})"
        )

    def _on_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        xid = item.data(0, Qt.ItemDataRole.UserRole)
        if xid:
            self.lanes.select(str(xid))
            self.exchange_chosen.emit(str(xid))
