"""Qt table model over the core ``LogStore`` (batched appends, cheap ``data()``, one call per cell)."""

from __future__ import annotations

import enum
import gc
import itertools
import time
from collections.abc import Iterable
from typing import Any, cast

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    Qt,
    Slot,
)
from PySide6.QtGui import QBrush, QColor, QFont

from console.core.foreground import FOREGROUND
from console.core.logstore import LogStore
from console.core.models import Exchange, Outcome
from console.ui.privacy import PRIVACY
from console.ui.store_feed import StoreFeed
from console.ui.theme import OUTCOME_COLOURS

AnyIndex = QModelIndex | QPersistentModelIndex

ExchangeRole = int(Qt.ItemDataRole.UserRole) + 1
SeqRole = int(Qt.ItemDataRole.UserRole) + 2

FLUSH_INTERVAL_MS = 50
# A flush of this many rows or more means a flood (a listener under load): the next one waits longer. Nobody reads
# hundreds of rows a second, and each flush repaints the log, which costs the GUI thread ~10 ms and, under load,
# pauses the listener meanwhile (console/core/foreground.py): bench/listener.py measured the GUI's listener at
# ~4.0k callbacks/s flushing every 250 ms, ~4.8k every 500 ms.
BUSY_ROWS = 100
BUSY_FLUSH_INTERVAL_MS = 500
_ROW_CACHE_SIZE = 512
# Rows are long-lived and acyclic: after this many, move every tracked object out of the collector's sight
# (gc.freeze). A full collection then walks only what came since, instead of 100,000 rows (60 ms on the GUI
# thread, seen in bench/log_pane.py); rows dropped later are still freed at once by reference counting.
FREEZE_EVERY_ROWS = 5_000
_DASH = "—"


HEADERS = ("Time", "Provider", "Operation", "Env", "Method", "Status", "Latency", "Outcome", "Code", "Result")
#: Columns of the log table, in display order.
Column = enum.IntEnum("Column", "TIME PROVIDER OPERATION ENV METHOD STATUS LATENCY OUTCOME CODE RESULT", start=0)

OUTCOME_COLORS = {o: OUTCOME_COLOURS[o.value] for o in Outcome}
OUTCOME_LABELS = {o: o.value.replace("_", " ").capitalize() for o in Outcome} | {Outcome.OK: "OK"}  # "Wrong code"…

# Columns painted in the outcome colour (the rest keep the palette's text colour): errors stand out,
# OK rows only colour their Outcome cell.
_ERROR_COLUMNS = frozenset(int(c) for c in (Column.STATUS, Column.OUTCOME, Column.CODE, Column.RESULT))
_COLOURED = {o: _ERROR_COLUMNS for o in Outcome} | {
    Outcome.OK: frozenset({int(Column.OUTCOME)}),
    Outcome.REFUSED: frozenset({int(Column.OUTCOME), int(Column.RESULT)}),
}
_RIGHT_ALIGNED = frozenset(int(c) for c in (Column.STATUS, Column.LATENCY))
_OUTCOME_COLUMN = int(Column.OUTCOME)
_RESULT_COLUMN = int(Column.RESULT)
_PROVIDER_COLUMN = int(Column.PROVIDER)
_TIME_COLUMN = int(Column.TIME)

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGN_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_SERVED_ROLES = frozenset({_DISPLAY, _FOREGROUND, _FONT, _ALIGN, _TOOLTIP, ExchangeRole, SeqRole})


def format_row(exchange: Exchange, provider_label: str | None = None) -> tuple[str, ...]:
    """The display strings of one exchange, one per :class:`Column`."""
    op = f"{exchange.operation} · {exchange.channel}" if exchange.channel else exchange.operation
    latency = _DASH if exchange.latency_ms is None else f"{exchange.latency_ms:.0f} ms"
    millis = int((exchange.started_at % 1.0) * 1000)
    return (
        f"{time.strftime('%H:%M:%S', time.localtime(exchange.started_at))}.{millis:03d}",
        provider_label or exchange.provider,
        op,
        exchange.env,
        exchange.method,
        _DASH if exchange.status is None else str(exchange.status),
        latency,
        OUTCOME_LABELS.get(exchange.outcome, exchange.outcome.value),
        exchange.error_code or "",
        exchange.summary,
    )


def result_tooltip(exchange: Exchange) -> str | None:
    """The Result column's tooltip: the whole summary (the cell may be elided), then meaning and hint."""
    summary = exchange.summary
    extra = [p for p in (exchange.meaning or exchange.message, exchange.hint) if p and p not in summary]
    return "\n".join(dict.fromkeys([summary, *extra] if summary else extra)) or None


def short_provider_name(provider_id: str, label: str | None) -> str:
    """The name a narrow column shows: the label's first word ("YCloud" of "YCloud WhatsApp"), else the id."""
    words = (label or "").split()
    return (words[0].strip("()[]{},;:") if words else "") or provider_id


class LogTableModel(QAbstractTableModel):
    """Adapts a :class:`LogStore` to a table, one row per exchange, oldest first.

    Store listeners may run on any thread: they only queue the batch under a lock and wake the model,
    which flushes on its own (GUI) thread at most every ``FLUSH_INTERVAL_MS``: one ``beginRemoveRows``
    for what fell off the front of the bounded store, then one ``beginInsertRows`` for the batch. Row
    ``r`` always shows sequence number ``first_seq + r``; rows are contiguous in ``seq``.

    Attributes:
        store: The adapted store.
        capacity: Most rows shown at once (the store's capacity).
    """

    def __init__(self, store: LogStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.capacity = store.capacity
        self._rows: list[Exchange] = []  # row r is self._rows[r]
        self._next_seq = store.next_seq
        self._since_freeze = 0
        self._cache: dict[int, tuple[str, ...]] = {}
        self._provider_labels: dict[str, str] = {}  # short names, for the Provider column
        self._provider_full: dict[str, str] = {}  # whole labels, for its tooltip
        self._feed = StoreFeed(store, FLUSH_INTERVAL_MS, self)  # batches from any thread, on this one
        self._feed.ready.connect(self.flush_now)
        self._feed.cleared.connect(self._on_store_cleared)
        self._brushes = {o: QBrush(QColor(c)) for o, c in OUTCOME_COLORS.items()}
        bold = QFont()
        bold.setBold(True)
        self._outcome_font = {o: (None if o in (Outcome.OK, Outcome.REFUSED) else bold) for o in Outcome}
        existing = store.snapshot()
        if existing:
            self._rows = existing
            self._next_seq = existing[-1].seq + 1

    @Slot()
    def _on_store_cleared(self) -> None:
        """The store was emptied (Clear log): show no rows; new ones follow from the store's next sequence number."""
        self.beginResetModel()
        self._rows = self.store.snapshot()  # rows added since the clear, if any
        self._cache.clear()
        self._next_seq = self._rows[-1].seq + 1 if self._rows else self.store.next_seq
        self.endResetModel()

    def detach(self) -> None:
        """Stop listening to the store (rows already shown stay)."""
        self._feed.stop()

    @Slot()
    def flush_now(self) -> None:
        """Apply every queued batch now: one removal from the front, then one insertion at the end."""
        with FOREGROUND.working():  # the views' updates call back into Python: background threads wait meanwhile
            self._flush()

    def _flush(self) -> None:
        entries = self._collect(self._feed.take())
        self._feed.timer.setInterval(BUSY_FLUSH_INTERVAL_MS if len(entries) >= BUSY_ROWS else FLUSH_INTERVAL_MS)
        if not entries:
            return
        shown = len(self._rows)
        # After a gap (the store dropped rows we never showed) nothing shown stays adjacent: drop it all.
        gap = entries[0].seq != self._next_seq
        drop = shown if gap else max(0, shown + len(entries) - self.capacity)
        if len(entries) > self.capacity:
            entries = entries[-self.capacity :]
        if drop:
            self.beginRemoveRows(QModelIndex(), 0, drop - 1)
            del self._rows[:drop]  # a memmove of at most `capacity` pointers; frees the dropped rows now
            self.endRemoveRows()
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(entries) - 1)
        self._rows.extend(entries)
        self._next_seq = entries[-1].seq + 1
        self.endInsertRows()
        self._since_freeze += len(entries)
        if self._since_freeze >= FREEZE_EVERY_ROWS:
            self._since_freeze = 0
            gc.collect(1)  # young cycles that are already garbage die now rather than being frozen
            gc.freeze()

    def _collect(self, batches: list[list[Exchange]]) -> list[Exchange]:
        """New entries, contiguous in ``seq``; gaps left by out-of-order listeners are read from the store."""
        entries = [e for batch in batches for e in batch if e.seq >= self._next_seq]
        if not entries:
            return entries
        start = max(self._next_seq, self.store.first_seq)
        if entries[0].seq != start or any(b.seq - a.seq != 1 for a, b in itertools.pairwise(entries)):
            by_seq = {e.seq: e for e in entries}
            filled = [by_seq.get(s) or self.store.by_seq(s) for s in range(start, max(by_seq) + 1)]
            # None: the store dropped it meanwhile; keep the contiguous run after the last one.
            cut = max((i for i, e in enumerate(filled) if e is None), default=-1)
            entries = [e for e in filled[cut + 1 :] if e is not None]
        return entries

    @property
    def first_seq(self) -> int:
        """Sequence number shown in row 0 (``next_seq`` when empty)."""
        return self._next_seq - len(self._rows)

    @property
    def next_seq(self) -> int:
        """Sequence number the next inserted row will have."""
        return self._next_seq

    def exchange_at(self, row: int) -> Exchange:
        """The exchange shown in ``row`` (raises IndexError when out of range)."""
        if row < 0:
            raise IndexError(row)
        return self._rows[row]

    def row_of_seq(self, seq: int) -> int | None:
        """Row showing ``seq``, or None if it is not shown."""
        row = seq - self.first_seq
        return row if 0 <= row < len(self._rows) else None

    def row_of_id(self, exchange_id: str) -> int | None:
        """Row showing the exchange with this id (searched from the newest), or None."""
        rows = self._rows
        for row in range(len(rows) - 1, -1, -1):
            if rows[row].id == exchange_id:
                return row
        return None

    def refresh_privacy(self) -> None:
        """Redraw the results after screen-sharing mode changed."""
        self._cache.clear()
        if self._rows:
            column = int(Column.RESULT)
            self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column))

    def set_provider_labels(self, labels: dict[str, str]) -> None:
        """Name providers by these labels' short forms in the Provider column (the whole label in its tooltip)."""
        self._provider_full = dict(labels)
        self._provider_labels = {pid: short_provider_name(pid, label) for pid, label in labels.items()}
        self._cache.clear()
        if self._rows:
            column = int(Column.PROVIDER)
            self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column))

    def formatted(self, exchange: Exchange) -> tuple[str, ...]:
        """Display strings of ``exchange``, cached by seq for the rows being painted."""
        cache = self._cache
        row = cache.get(exchange.seq)
        if row is None:
            label = self._provider_labels.get(exchange.provider)
            row = format_row(exchange, label)
            if PRIVACY.enabled:
                row = (*row[:-1], PRIVACY.mask(row[-1]))
            cache[exchange.seq] = row
            if len(cache) > _ROW_CACHE_SIZE:
                del cache[next(iter(cache))]
        return row

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        if role not in _SERVED_ROLES:  # the delegate asks for 7 roles per cell; answer the rest fast
            return None
        row = index.row()
        if row < 0 or row >= len(self._rows):
            return None
        return self.value(self._rows[row], index.column(), role)

    def multiData(self, index: AnyIndex, roles: QModelRoleDataSpan) -> None:  # type: ignore[override]
        """Every role of a cell in one call (Qt's delegates ask for seven at once): see :meth:`value`."""
        row = index.row()
        self.fill(self._rows[row] if 0 <= row < len(self._rows) else None, index.column(), roles)

    def fill(self, exchange: Exchange | None, column: int, roles: QModelRoleDataSpan) -> None:
        """Set each of ``roles`` for ``exchange``'s cell in ``column``; cleared where it has nothing (None: all).

        One call from Qt per cell instead of one per role: each call from Qt's thread into Python waits for the
        interpreter lock, which a busy listener thread holds (seven calls per cell made the log's repaint under
        load take 200 ms; see bench/listener.py's GUI stall).
        """
        for role_data in cast("Iterable[QModelRoleData]", roles):  # iterable, though the stubs do not say so
            role = role_data.role()
            value = self.value(exchange, column, role) if exchange is not None and role in _SERVED_ROLES else None
            if value is None:
                role_data.clearData()  # Qt's delegate reuses its role data from cell to cell: no value is a value
            else:
                role_data.setData(value)

    def value(self, exchange: Exchange, column: int, role: int) -> Any:
        """What ``exchange``'s cell in ``column`` shows for ``role`` (None: nothing)."""
        if role == _DISPLAY:
            return self.formatted(exchange)[column] if 0 <= column < len(HEADERS) else None
        if role == _FOREGROUND:
            return self._brushes[exchange.outcome] if column in _COLOURED[exchange.outcome] else None
        if role == _FONT:
            return self._outcome_font.get(exchange.outcome) if column == _OUTCOME_COLUMN else None
        if role == _ALIGN:
            return _ALIGN_RIGHT if column in _RIGHT_ALIGNED else None
        if role == _TOOLTIP:
            return self._tooltip(exchange, column)
        if role == ExchangeRole:
            return exchange
        if role == SeqRole:
            return exchange.seq
        return None

    def _tooltip(self, exchange: Exchange, column: int) -> str | None:
        """The whole text of a cell the column may elide (asked for on hover only)."""
        if column == _RESULT_COLUMN:
            return PRIVACY.mask(result_tooltip(exchange) or "") or None
        if column == _PROVIDER_COLUMN:
            label = self._provider_full.get(exchange.provider)
            return f"{label} ({exchange.provider})" if label and label != exchange.provider else exchange.provider
        if column == _TIME_COLUMN:
            millis = int((exchange.started_at % 1.0) * 1000)
            return f"{time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(exchange.started_at))}.{millis:03d}"
        if 0 <= column < len(HEADERS):
            return self.formatted(exchange)[column] or None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if role == _DISPLAY and orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None
