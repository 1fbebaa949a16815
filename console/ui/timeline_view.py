"""A verification's timeline: the request, its answer, each callback and check, with the gaps between them."""

from __future__ import annotations

import datetime as dt
import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from console.core.logstore import LogStore
from console.core.models import Exchange, Verification
from console.ui import theme
from console.ui.privacy import PRIVACY

COLUMNS = ("Time", "Gap", "Step", "What happened", "Signature")


def step_name(ex: Exchange) -> str:
    """What an exchange is in a verification's life, in a tester's words."""
    if ex.operation == "webhook":
        return f"callback {ex.channel}".strip()
    if ex.operation in ("forward", "replay"):
        return f"{ex.operation}ed" if ex.operation == "forward" else "replayed"
    if ex.checked_by:
        return f"check by the {ex.checked_by}"
    return f"{ex.operation} · {ex.channel}" if ex.channel else ex.operation


def gap_text(seconds: float) -> str:
    if seconds < 1:
        return f"+{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"+{seconds:.1f} s"
    return f"+{seconds / 60:.1f} min"


class TimelineView(QWidget):
    """Shows one verification; counts down while it is pending.

    Signals:
        exchange_chosen(str): the user picked a step; the log selects that exchange.
        expired(str): a pending verification's window just closed (the app marks it expired).
    """

    exchange_chosen = Signal(str)
    expired = Signal(str)

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
        layout.addWidget(self.headline)
        layout.addWidget(self.countdown)
        self.tree = QTreeWidget()
        self.tree.setObjectName("timeline_steps")
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        for column, width in enumerate((95, 75, 170, 330)):
            self.tree.setColumnWidth(column, width)
        self.tree.itemClicked.connect(self._on_clicked)
        layout.addWidget(self.tree, 1)
        self._timer = QTimer(self)
        self._timer.setInterval(500)
        self._timer.timeout.connect(self._tick)
        self._missing: list[str] = []

    def show_verification(self, verification: Verification | None) -> None:
        """Show ``verification`` (a snapshot); None clears the view."""
        self.verification = verification
        self.tree.clear()
        if verification is None:
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
        self._tick()
        if verification.is_final() and not self._missing:
            self._timer.stop()
        else:
            self._timer.start()

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
            took = (v.end_time or v.updated_at) - v.created_at
            self.countdown.setText(f"Ended {v.state.value} after {took:.1f} s.")
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
            self.exchange_chosen.emit(str(xid))
