"""The log's filter: the rows of a :class:`LogTableModel` that match a provider, an outcome group and a text.

A table model of its own rather than a ``QSortFilterProxyModel``: Qt's proxy turns each role of each painted
cell into three calls into Python (index, row and column counts, data), and every call from Qt's thread into
Python waits for the interpreter lock. With the listener's thread busy, a repaint of the log made ~4,400 such
calls and stalled the window for 200 ms. Here a painted cell costs one call (:meth:`multiData`) plus Qt's
index check.

Rows are kept by sequence number, so rows trimmed from the front of the source never shift the mapping: with no
filter, the shown rows are one contiguous run of sequence numbers; with one, the list of those that match.
"""

from __future__ import annotations

import bisect
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QModelRoleDataSpan, QObject, QPersistentModelIndex, Qt

from console.core.models import Exchange, Outcome
from console.ui.log_model import HEADERS, LogTableModel

AnyIndex = QModelIndex | QPersistentModelIndex
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_COLUMNS = len(HEADERS)
_ROOT = QModelIndex()
_INDEXES_KEPT = 4096  # a screenful of cells many times over; a row's index stays right whatever it shows


class LogFilterProxy(QAbstractTableModel):
    """Filters a :class:`LogTableModel` by provider, outcome group and free text, keeping the store's order.

    Attributes:
        provider: Provider id shown, or None for all.
        outcome_group: ``"all"``, ``"ok"`` or ``"errors"`` (anything not OK).
        text: Case-insensitive substring searched in the request's identifying fields.
    """

    OUTCOME_GROUPS = ("all", "ok", "errors")

    def __init__(self, source: LogTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self.provider: str | None = None
        self.outcome_group = "all"
        self.text = ""
        self._needle = ""
        self._active = False
        self._first = source.first_seq  # not filtering: the rows shown are seqs first … first + count - 1
        self._count = source.rowCount()
        self._seqs: list[int] = []  # filtering: the seqs shown, ascending
        self._indexes: dict[int, QModelIndex] = {}  # by row * columns + column
        source.rowsAboutToBeRemoved.connect(self._on_source_trimming)
        source.rowsInserted.connect(self._on_source_inserted)
        source.modelReset.connect(self._reset)
        source.dataChanged.connect(self._on_source_data_changed)

    # -- the Qt model -------------------------------------------------------------------------------------
    def sourceModel(self) -> LogTableModel:
        return self._source

    def index(self, row: int, column: int, parent: AnyIndex = _ROOT) -> QModelIndex:
        """Qt's index check asks Python for both counts; here it is one call, and the index made once is reused."""
        if not (0 <= column < _COLUMNS and 0 <= row < self.rowCount()) or parent.isValid():
            return QModelIndex()
        key = row * _COLUMNS + column
        made = self._indexes.get(key)
        if made is None:
            made = self._indexes[key] = self.createIndex(row, column)
            if len(self._indexes) > _INDEXES_KEPT:
                del self._indexes[next(iter(self._indexes))]
        return made

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid():
            return 0
        return len(self._seqs) if self._active else self._count

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        exchange = self._exchange(index.row())
        return None if exchange is None else self._source.value(exchange, index.column(), role)

    def multiData(self, index: AnyIndex, roles: QModelRoleDataSpan) -> None:  # type: ignore[override]
        self._source.fill(self._exchange(index.row()), index.column(), roles)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        return self._source.headerData(section, orientation, role)

    # -- mapping ------------------------------------------------------------------------------------------
    def seq_at(self, row: int) -> int | None:
        """The sequence number shown in ``row``, or None when out of range."""
        if self._active:
            return self._seqs[row] if 0 <= row < len(self._seqs) else None
        return self._first + row if 0 <= row < self._count else None

    def row_of_seq(self, seq: int) -> int | None:
        """The row showing ``seq``, or None when it is not shown."""
        if self._active:
            row = bisect.bisect_left(self._seqs, seq)
            return row if row < len(self._seqs) and self._seqs[row] == seq else None
        row = seq - self._first
        return row if 0 <= row < self._count else None

    def mapToSource(self, index: AnyIndex) -> QModelIndex:
        seq = self.seq_at(index.row()) if index.isValid() else None
        row = None if seq is None else self._source.row_of_seq(seq)
        return QModelIndex() if row is None else self._source.index(row, index.column())

    def mapFromSource(self, index: AnyIndex) -> QModelIndex:
        if not index.isValid():
            return QModelIndex()
        row = self.row_of_seq(self._source.first_seq + index.row())
        return QModelIndex() if row is None else self.index(row, index.column())

    def _exchange(self, row: int) -> Exchange | None:
        seq = self.seq_at(row)
        source_row = None if seq is None else self._source.row_of_seq(seq)
        return None if source_row is None else self._source.exchange_at(source_row)

    # -- criteria -----------------------------------------------------------------------------------------
    def is_filtering(self) -> bool:
        """Whether any criterion hides rows."""
        return self.provider is not None or self.outcome_group != "all" or bool(self._needle)

    def set_provider(self, provider: str | None) -> None:
        """Show only this provider's exchanges (None: all providers)."""
        if provider != self.provider:
            self._refilter(provider, self.outcome_group, self.text)

    def set_outcome_group(self, group: str) -> None:
        """Show ``"all"``, only ``"ok"`` or only ``"errors"`` (raises ValueError otherwise)."""
        if group not in self.OUTCOME_GROUPS:
            raise ValueError(f"unknown outcome group {group!r}")
        if group != self.outcome_group:
            self._refilter(self.provider, group, self.text)

    def set_text(self, text: str) -> None:
        """Show only exchanges whose searchable fields contain ``text`` (case-insensitive)."""
        if text != self.text:
            self._refilter(self.provider, self.outcome_group, text)

    def accepts(self, exchange: Exchange) -> bool:
        """Whether ``exchange`` passes the current criteria."""
        if self.provider is not None and exchange.provider != self.provider:
            return False
        if self.outcome_group == "ok" and exchange.outcome is not Outcome.OK:
            return False
        if self.outcome_group == "errors" and exchange.outcome is Outcome.OK:
            return False
        return not self._needle or self._needle in haystack(exchange)

    def _refilter(self, provider: str | None, group: str, text: str) -> None:
        """Apply new criteria with a reset of this model (views restore selection and scroll)."""
        self.beginResetModel()
        self.provider, self.outcome_group, self.text = provider, group, text
        self._needle = text.strip().casefold()
        self._active = self.is_filtering()
        self._rebuild()
        self.endResetModel()

    def _rebuild(self) -> None:
        source = self._source
        self._first, self._count = source.first_seq, source.rowCount()
        rows = (source.exchange_at(row) for row in range(self._count))
        self._seqs = [e.seq for e in rows if self.accepts(e)] if self._active else []

    # -- following the source -----------------------------------------------------------------------------
    def _on_source_trimming(self, _parent: AnyIndex, first: int, last: int) -> None:
        """Rows leave the source (its front, trimmed): they leave here first, so the rows kept stay mapped."""
        start = self._source.first_seq + first
        end = self._source.first_seq + last + 1  # seqs start … end - 1 go
        if self._active:
            low, high = bisect.bisect_left(self._seqs, start), bisect.bisect_left(self._seqs, end)
            if low < high:
                self.beginRemoveRows(QModelIndex(), low, high - 1)
                del self._seqs[low:high]
                self.endRemoveRows()
            return
        low, high = max(start, self._first) - self._first, min(end, self._first + self._count) - self._first
        if low < high:
            if low != 0:  # the source only ever trims its front; anything else: start over
                self._reset()
                return
            self.beginRemoveRows(QModelIndex(), 0, high - 1)
            self._first += high
            self._count -= high
            self.endRemoveRows()

    def _on_source_inserted(self, _parent: AnyIndex, first: int, last: int) -> None:
        source = self._source
        if self._active:
            added = [e.seq for e in (source.exchange_at(r) for r in range(first, last + 1)) if self.accepts(e)]
            if added:
                shown = len(self._seqs)
                self.beginInsertRows(QModelIndex(), shown, shown + len(added) - 1)
                self._seqs.extend(added)
                self.endInsertRows()
            return
        start = source.first_seq + first
        if self._count == 0:
            self._first = start
        if start != self._first + self._count:  # not right after the rows shown (a gap): start over
            self._reset()
            return
        self.beginInsertRows(QModelIndex(), self._count, self._count + last - first)
        self._count += last - first + 1
        self.endInsertRows()

    def _reset(self) -> None:
        self.beginResetModel()
        self._rebuild()
        self.endResetModel()

    def _on_source_data_changed(self, top_left: AnyIndex, bottom_right: AnyIndex, roles: list[int]) -> None:
        shown = self.rowCount()
        if shown:
            self.dataChanged.emit(self.index(0, top_left.column()), self.index(shown - 1, bottom_right.column()), roles)


def haystack(exchange: Exchange) -> str:
    """The casefolded text the free-text filter searches."""
    e = exchange
    status = "" if e.status is None else str(e.status)
    fields = (e.provider, e.operation, e.channel, e.url, status, e.error_code, e.meaning, e.message)
    return "\x1f".join(f or "" for f in (*fields, e.request_id, e.verification_id)).casefold()
