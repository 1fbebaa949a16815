"""History > Browse: the on-disk history, searchable across restarts, with its size and pruning."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import qasync
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from console.core.history import History
from console.core.models import Exchange
from console.ui.excepthook import spawn
from console.ui.privacy import PRIVACY, personal_input
from console.ui.theme import OUTCOME_COLOURS, compact_combo, muted

ROW_LIMIT = 500
DAY_S = 86_400
HEADERS = ("Time", "Provider", "Operation", "Env", "Status", "Outcome / code", "Request id", "Summary")
_OUTCOME_COLUMN = 5
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
#: Column widths (the Summary column stretches); Time is measured in the table's font so the time always shows.
COLUMN_WIDTHS = (0, 80, 130, 80, 50, 120, 150)

AnyIndex = QModelIndex | QPersistentModelIndex


def _cells(ex: Exchange) -> tuple[str, ...]:
    """The display strings of one exchange, one per column of :data:`HEADERS`."""
    return (
        time.strftime(_TIME_FORMAT, time.localtime(ex.started_at)),
        ex.provider,
        f"{ex.operation} · {ex.channel}" if ex.channel else ex.operation,
        ex.env,
        "" if ex.status is None else str(ex.status),
        ex.error_code or ex.outcome.value,
        ex.request_id or "",
        ex.summary,
    )


@dataclass(frozen=True, slots=True)
class _Snapshot:
    """What one query read from history."""

    exchanges: list[Exchange]  # newest first
    in_scope: int  # exchanges stored for the chosen provider (all if none)
    total: int
    size: int


def _read(history: History, text: str, provider: str | None) -> _Snapshot:
    """Run on a worker thread: the query's rows plus the counts and size shown beside them."""
    rows = history.search(text, ROW_LIMIT, provider) if text else history.recent_exchanges(ROW_LIMIT, provider)
    in_scope = history.count_exchanges(provider)
    total = in_scope if provider is None else history.count_exchanges()
    return _Snapshot(rows[::-1], in_scope, total, history.size_bytes())


class HistoryTableModel(QAbstractTableModel):
    """Adapts the exchanges one history query returned, newest first; each query replaces every row."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Exchange] = []
        self._cells: list[tuple[str, ...]] = []
        self._brushes = {outcome: QBrush(QColor(colour)) for outcome, colour in OUTCOME_COLOURS.items()}

    def set_exchanges(self, exchanges: list[Exchange]) -> None:
        """Show ``exchanges`` (a whole new result set)."""
        self.beginResetModel()
        self._rows = list(exchanges)
        self._cells = [_cells(ex) for ex in self._rows]
        self.endResetModel()

    def exchange_at(self, row: int) -> Exchange | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return PRIVACY.mask(self._cells[row][column])
        if role == Qt.ItemDataRole.ForegroundRole and column == _OUTCOME_COLUMN:
            return self._brushes.get(self._rows[row].outcome.value)
        if role == Qt.ItemDataRole.ToolTipRole:  # the whole text of a cell the column may elide
            return PRIVACY.mask(self._cells[row][column]) or None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None


class HistoryDialog(QDialog):
    """Searches, sizes and prunes the history on disk; every history call runs off the GUI thread.

    Attributes:
        history: The history browsed.
        model: The results of the last query.

    Signals:
        show_requested: ``Exchange`` — the user asked to see this exchange in the detail pane.
        reopen_requested: ``Exchange`` — the user asked to reopen this exchange in its provider's form.
    """

    show_requested = Signal(object)
    reopen_requested = Signal(object)

    def __init__(self, history: History, providers: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history = history
        self._generation = 0  # only the newest query may fill the table
        self._running = 0
        self.setWindowTitle("History")
        screen = (parent.screen() if parent is not None else self.screen()).availableGeometry()
        self.resize(min(1000, round(screen.width() * 0.9)), min(600, round(screen.height() * 0.85)))

        self.search_edit = personal_input(QLineEdit())  # it often holds a number: dots when screen-sharing
        self.search_edit.setPlaceholderText("number, request id, error code, text…")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.returnPressed.connect(self._on_search_triggered)
        self.provider_combo = compact_combo(QComboBox(), 16)
        self.provider_combo.addItem("All providers", None)
        for provider in providers:
            self.provider_combo.addItem(provider, provider)
        self.provider_combo.setToolTip("Filters the results; also the scope of pruning")
        self.search_button = QPushButton("Search")
        self.search_button.clicked.connect(self._on_search_triggered)
        top = QHBoxLayout()
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.provider_combo)
        top.addWidget(self.search_button)

        self.model = HistoryTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        time_width = self.table.fontMetrics().horizontalAdvance("0000-00-00 00:00:00") + 16
        for column, width in enumerate(COLUMN_WIDTHS):
            header.resizeSection(column, width or time_width)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)

        self.result_label = QLabel()
        self.show_button = QPushButton("Show in detail")
        self.show_button.clicked.connect(lambda: self._emit_selected(self.show_requested))
        self.reopen_button = QPushButton("Reopen in form")
        self.reopen_button.clicked.connect(lambda: self._emit_selected(self.reopen_requested))
        actions = QHBoxLayout()
        actions.addWidget(self.result_label, 1)
        actions.addWidget(self.show_button)
        actions.addWidget(self.reopen_button)

        self.info_label = muted(QLabel(f"History: {history.path}"))
        self.info_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.days_spin = QSpinBox()
        self.days_spin.setRange(0, 36_500)
        self.days_spin.setValue(30)
        self.days_spin.setPrefix("older than ")
        self.days_spin.setSuffix(" days")
        self.prune_button = QPushButton("Prune…")
        self.prune_button.setToolTip("Delete the exchanges older than this, of the provider chosen above")
        self.prune_button.clicked.connect(lambda: spawn(self.prune_now()))
        self.prune_label = QLabel()
        bottom = QHBoxLayout()
        bottom.addWidget(self.info_label, 1)
        bottom.addWidget(self.prune_label)
        bottom.addWidget(self.days_spin)
        bottom.addWidget(self.prune_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addLayout(bottom)
        self._update_actions()

    # ------------------------------------------------------------------------------------------ queries
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not event.spontaneous():
            self._on_search_triggered()

    @Slot()
    def _on_search_triggered(self) -> None:
        spawn(self._query(self._begin_query()))  # "Searching…" shows at once, not when the task starts

    async def refresh(self) -> None:
        """Run the current query (search text, or the newest exchanges) and re-read size and count."""
        await self._query(self._begin_query())

    def _begin_query(self) -> int:
        """Mark a query as running; return its generation (only the newest may fill the table)."""
        self._generation += 1
        self._set_running(+1)
        return self._generation

    async def _query(self, generation: int) -> None:
        text = self.search_edit.text().strip()
        provider: str | None = self.provider_combo.currentData()
        try:
            snapshot = await asyncio.to_thread(_read, self.history, text, provider)
        except Exception as exc:  # a damaged or locked database: say so, keep the dialog usable
            if isValid(self):
                self._set_running(-1)
                self.result_label.setText(f"History could not be read: {exc}")
            return
        if isValid(self):
            self._set_running(-1)
        if not isValid(self) or generation != self._generation:
            return  # the dialog is gone, or a newer query owns the table
        self.model.set_exchanges(snapshot.exchanges)
        shown = len(snapshot.exchanges)
        self.result_label.setText(
            PRIVACY.mask(f"{shown} found for '{text}'") if text else f"{shown} shown (of {snapshot.in_scope} stored)"
        )
        self.info_label.setText(
            f"History: {self.history.path} · {snapshot.size / 1_048_576:.2f} MB · {snapshot.total} exchanges"
        )
        self._update_actions()

    def _set_running(self, step: int) -> None:
        self._running += step
        self.search_button.setEnabled(self._running == 0)
        if self._running:
            self.result_label.setText("Searching…")

    # ------------------------------------------------------------------------------------------ pruning
    def confirm_prune(self, text: str) -> bool:
        """Ask before deleting anything (tests replace this)."""
        answer = QMessageBox.question(
            self,
            "Prune history?",
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    async def prune_now(self) -> int:
        """Ask, then delete what the age box and the provider combo name; return the exchanges removed."""
        days = self.days_spin.value()
        provider: str | None = self.provider_combo.currentData()
        scope = provider or "all providers"
        before = time.time() - days * DAY_S
        cutoff = time.strftime(_TIME_FORMAT, time.localtime(before))
        question = (
            f"Delete every exchange older than {days} days (before {cutoff}) of {scope} "
            f"from {self.history.path}?\n\nThis cannot be undone."
        )
        self.prune_button.setEnabled(False)
        try:
            # The modal runs from a plain loop callback, not inside this task's step.
            confirmed: bool = await qasync.asyncWrap(lambda: self.confirm_prune(question))
            if not confirmed:
                self.prune_label.setText("Nothing pruned.")
                return 0
            self.prune_label.setText("Pruning…")
            removed = await asyncio.to_thread(self.history.prune, before, provider)
        finally:
            if isValid(self):
                self.prune_button.setEnabled(True)
        if isValid(self):
            await self.refresh()
            self.prune_label.setText(f"Removed {removed} exchanges older than {days} days ({scope}).")
        return removed

    # ------------------------------------------------------------------------------------------ row actions
    def selected_exchange(self) -> Exchange | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.exchange_at(rows[0].row()) if rows else None

    @Slot()
    def _update_actions(self) -> None:
        selected = self.selected_exchange() is not None
        self.show_button.setEnabled(selected)
        self.reopen_button.setEnabled(selected)

    def _emit_selected(self, signal: Any) -> None:
        exchange = self.selected_exchange()
        if exchange is not None:
            signal.emit(exchange)

    @Slot(QModelIndex)
    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        exchange = self.model.exchange_at(index.row())
        if exchange is not None:
            self.show_requested.emit(exchange)
