"""The live log pane: a filter bar above a fixed-row-height table that follows the tail."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.core.foreground import FOREGROUND
from console.core.logstore import LogStore
from console.core.models import Exchange
from console.ui import theme
from console.ui.log_filter import LogFilterProxy
from console.ui.log_model import Column, ExchangeRole, LogTableModel, SeqRole, short_provider_name
from console.ui.privacy import personal_input

ROW_HEIGHT = 22
TEXT_FILTER_DELAY_MS = 150
#: Each column's width with room to spare (Time, Status and Latency are measured in the table's font instead).
COLUMN_WIDTHS = {
    Column.TIME: 88,
    Column.PROVIDER: 76,
    Column.OPERATION: 110,
    Column.ENV: 72,
    Column.METHOD: 52,
    Column.STATUS: 48,
    Column.LATENCY: 62,
    Column.OUTCOME: 104,
    Column.CODE: 90,
}
#: The least width of the columns that give way in a narrow pane (their text elides; the tooltip has it all).
#: The Provider column never gets narrower than the longest short name (:meth:`LogView.set_providers`).
SHRINKING_MIN_WIDTHS = {
    Column.PROVIDER: 64,
    Column.OPERATION: 52,
    Column.ENV: 44,
    Column.OUTCOME: 52,
    Column.CODE: 36,
}
#: Text that must always show whole in the columns that keep their width.
_WHOLE_TEXT = {Column.TIME: "00:00:00.000", Column.STATUS: "000", Column.LATENCY: "0000 ms"}
#: The Result column (the last, stretched) keeps at least this much before the others give way.
RESULT_MIN_WIDTH = 110
#: Below this, the table scrolls sideways (the other columns are at their least widths by then).
RESULT_FLOOR_WIDTH = 48
OUTCOME_CHOICES = (("All outcomes", "all"), ("OK", "ok"), ("Errors", "errors"))

AnyIndex = QModelIndex | QPersistentModelIndex
_SELECT_ROW = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows


class LogView(QWidget):
    """Filter bar plus table over a :class:`LogStore`, following new rows while scrolled to the bottom.

    Attributes:
        model: The :class:`LogTableModel` adapting the store.
        proxy: The :class:`LogFilterProxy` the table shows.
        table: The table view.
        provider_combo: Provider filter ("All providers" first).
        outcome_combo: Outcome filter (All / OK / Errors).
        search: Free-text filter, applied shortly after typing stops or at once on Enter.
        count_label: "N rows", or "M of N rows" while a filter hides rows.

    Signals:
        exchange_selected(object): The selected :class:`Exchange`, or None when the selection is cleared.
    """

    exchange_selected = Signal(object)

    def __init__(self, store: LogStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = LogTableModel(store, self)
        # Connected before the proxy exists, so it runs before the proxy and the table react to a trim.
        self.model.rowsAboutToBeRemoved.connect(self._on_model_rows_about_to_be_removed)
        self.proxy = LogFilterProxy(self.model, self)
        self._follow_tail = True
        self._last_selected: Exchange | None = None
        self._fitting = False  # the view itself is setting column widths
        self._user_sized = False  # the user dragged a column: the view stops fitting them

        self.provider_combo = QComboBox()
        self.provider_combo.addItem("All providers", None)
        theme.compact_combo(self.provider_combo, 8)  # long provider names elide, they do not widen the bar
        self.outcome_combo = QComboBox()
        for label, group in OUTCOME_CHOICES:
            self.outcome_combo.addItem(label, group)
        theme.compact_combo(self.outcome_combo, 8)
        self.search = personal_input(QLineEdit())  # it often holds a number: dots when screen-sharing
        self.search.setPlaceholderText("Filter log (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.count_label = QLabel()
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        # Room for the usual counts without jitter; a longer "M of N rows" takes what the search field gives up.
        self.count_label.setMinimumWidth(self.count_label.fontMetrics().horizontalAdvance("0,000 rows"))
        self._text_timer = QTimer(self)
        self._text_timer.setSingleShot(True)
        self._text_timer.setInterval(TEXT_FILTER_DELAY_MS)

        bar = self._bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.provider_combo)
        bar.addWidget(self.outcome_combo)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.count_label)

        self.table = _LogTable(self._fit_columns)
        self._setup_table()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

        self.provider_combo.currentIndexChanged.connect(self._on_provider_combo_changed)
        self.outcome_combo.currentIndexChanged.connect(self._on_outcome_combo_changed)
        self.search.textChanged.connect(self._on_search_text_changed)
        self.search.returnPressed.connect(self._apply_text_filter)
        self._text_timer.timeout.connect(self._apply_text_filter)
        self.proxy.rowsAboutToBeInserted.connect(self._on_proxy_rows_about_to_be_inserted)
        self.proxy.rowsInserted.connect(self._on_proxy_rows_inserted)
        self.proxy.rowsAboutToBeRemoved.connect(self._on_proxy_rows_about_to_be_removed)
        for signal in (self.proxy.rowsRemoved, self.proxy.layoutChanged, self.proxy.modelReset):
            signal.connect(self._update_count)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self._update_count()

    def _setup_table(self) -> None:
        table = self.table
        table.setModel(self.proxy)
        table.setWordWrap(False)
        table.setShowGrid(False)
        table.setAlternatingRowColors(True)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        vertical = table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(ROW_HEIGHT)
        vertical.setMinimumSectionSize(ROW_HEIGHT)
        vertical.hide()
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        # Qt never stretches the last section below the size it had when stretching began: make that small.
        header.resizeSection(Column.RESULT, RESULT_FLOOR_WIDTH)
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        table.setColumnHidden(Column.METHOD, True)  # the detail pane shows it; the Result column needs the room
        self._natural = {c: int(w) for c, w in COLUMN_WIDTHS.items()}
        self._least = {c: int(w) for c, w in SHRINKING_MIN_WIDTHS.items()}
        for column, text in _WHOLE_TEXT.items():  # the cell's text and the header's, whole, with the margins
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            cell, heading = table.fontMetrics().horizontalAdvance(text), header.fontMetrics().horizontalAdvance(title)
            self._natural[column] = max(cell, heading) + 14
        self._fit_columns()
        header.sectionResized.connect(self._on_section_resized)

    def _fit_columns(self) -> None:
        """Column widths for the table's width: natural ones with room, else the elidable columns give way.

        Time, Status and Latency always show whole; Provider, Operation, Env, Outcome and Code shrink in
        proportion down to their least widths so that the Result column keeps its least width.
        Once the user drags a column, the widths are theirs.
        """
        if self._user_sized:
            return
        table = self.table
        shown = [c for c in self._natural if not table.isColumnHidden(c)]
        widths = {c: self._natural[c] for c in shown}
        room = table.viewport_width - RESULT_MIN_WIDTH
        shrinking = [c for c in shown if c in self._least]
        if sum(widths.values()) > room and shrinking:
            budget = room - sum(w for c, w in widths.items() if c not in self._least)
            giving = set(shrinking)
            while giving:  # shrink in proportion; a column at its least width leaves the rest to the others
                share = (budget - sum(self._least[c] for c in shrinking if c not in giving)) / sum(
                    self._natural[c] for c in giving
                )
                floored = {c for c in giving if self._natural[c] * share < self._least[c]}
                for c in floored or giving:
                    widths[c] = self._least[c] if floored else int(self._natural[c] * share)
                giving = giving - floored if floored else set()
        header = table.horizontalHeader()
        self._fitting = True
        try:
            for column, width in widths.items():
                if header.sectionSize(column) != width:
                    header.resizeSection(column, width)
        finally:
            self._fitting = False

    @Slot(int, int, int)
    def _on_section_resized(self, column: int, _old: int, _new: int) -> None:
        if not self._fitting and column != Column.RESULT and self.table.isVisible():
            self._user_sized = True

    # -- public API ----------------------------------------------------------------------------

    def set_providers(self, providers: list[tuple[str, str]]) -> None:
        """Fill the provider filter with ``(id, label)`` pairs, keeping the current choice if still listed."""
        current = self.provider_combo.currentData()
        self.provider_combo.blockSignals(True)
        try:
            self.provider_combo.clear()
            self.provider_combo.addItem("All providers", None)
            for provider_id, label in providers:
                self.provider_combo.addItem(short_provider_name(provider_id, label), provider_id)
                index = self.provider_combo.count() - 1
                self.provider_combo.setItemData(index, label, Qt.ItemDataRole.ToolTipRole)
            index = self.provider_combo.findData(current) if current is not None else 0
            self.provider_combo.setCurrentIndex(max(index, 0))
        finally:
            self.provider_combo.blockSignals(False)
        self.model.set_provider_labels(dict(providers))
        names = [short_provider_name(pid, label) for pid, label in providers]
        longest = max((self.table.fontMetrics().horizontalAdvance(name) for name in names), default=0) + 14
        self._least[Column.PROVIDER] = max(SHRINKING_MIN_WIDTHS[Column.PROVIDER], min(longest, 120))
        self._natural[Column.PROVIDER] = max(COLUMN_WIDTHS[Column.PROVIDER], self._least[Column.PROVIDER])
        self._fit_columns()
        self._on_provider_combo_changed()

    def add_to_bar(self, widget: QWidget) -> None:
        """Put ``widget`` at the right end of the filter bar (e.g. the latency chart's button)."""
        self._bar.addWidget(widget)

    @Slot()
    def focus_filter(self) -> None:
        """Put the keyboard in the search field with its text selected (bound to Ctrl+F)."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def select_exchange(self, exchange_id: str) -> bool:
        """Select and reveal the row of this exchange; False if it is not shown (gone or filtered out)."""
        self.model.flush_now()
        row = self.model.row_of_id(exchange_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.table.selectionModel().setCurrentIndex(index, _SELECT_ROW)
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    def selected_exchange(self) -> Exchange | None:
        """The exchange in the selected row, if any."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        exchange = rows[0].data(ExchangeRole)
        return exchange if isinstance(exchange, Exchange) else None

    def is_at_bottom(self) -> bool:
        """Whether the table shows its last row (so new rows will be followed)."""
        bar = self.table.verticalScrollBar()
        return bar.value() >= bar.maximum() - 2

    # -- filters -------------------------------------------------------------------------------

    @Slot()
    def _on_provider_combo_changed(self) -> None:
        self._refilter(lambda: self.proxy.set_provider(self.provider_combo.currentData()))

    @Slot()
    def _on_outcome_combo_changed(self) -> None:
        self._refilter(lambda: self.proxy.set_outcome_group(self.outcome_combo.currentData() or "all"))

    @Slot(str)
    def _on_search_text_changed(self, _text: str) -> None:
        self._text_timer.start()

    @Slot()
    def _apply_text_filter(self) -> None:
        self._text_timer.stop()
        self._refilter(lambda: self.proxy.set_text(self.search.text()))

    def _refilter(self, change: Callable[[], None]) -> None:
        """Apply a filter change (a proxy reset), then restore the selection and the scroll position."""
        selected = self.selected_exchange()
        at_bottom = self.is_at_bottom()
        top = self.table.rowAt(0)
        anchor = self.proxy.index(top, 0).data(SeqRole) if top >= 0 and not at_bottom else None
        change()
        self.table.doItemsLayout()  # else scrollTo() clamps to the scroll range from before the reset
        index = self._proxy_index_at_or_after(selected.seq) if selected is not None else QModelIndex()
        if selected is not None and index.isValid() and index.data(SeqRole) == selected.seq:
            self.table.selectionModel().setCurrentIndex(index, _SELECT_ROW)
            self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        elif at_bottom:
            self.table.scrollToBottom()
        elif anchor is not None and (index := self._proxy_index_at_or_after(anchor)).isValid():
            self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtTop)
        self._emit_selection()
        self._update_count()

    def _proxy_index_at_or_after(self, seq: int) -> QModelIndex:
        """First shown row whose seq is ``>= seq`` (binary search: the proxy keeps the store's order)."""
        low, high = 0, self.proxy.rowCount()
        while low < high:
            mid = (low + high) // 2
            if self.proxy.index(mid, 0).data(SeqRole) < seq:
                low = mid + 1
            else:
                high = mid
        return self.proxy.index(low, 0) if low < self.proxy.rowCount() else QModelIndex()

    # -- tail following and a steady viewport ---------------------------------------------------

    @Slot(QModelIndex, int, int)
    def _on_proxy_rows_about_to_be_inserted(self, _parent: AnyIndex, _first: int, _last: int) -> None:
        self._follow_tail = self.is_at_bottom()

    @Slot(QModelIndex, int, int)
    def _on_proxy_rows_inserted(self, _parent: AnyIndex, _first: int, _last: int) -> None:
        if self._follow_tail:
            self.table.scrollToBottom()
        self._update_count()

    @Slot(QModelIndex, int, int)
    def _on_proxy_rows_about_to_be_removed(self, _parent: AnyIndex, first: int, last: int) -> None:
        """Rows were trimmed above the viewport: scroll up as much, so the rows on screen stay put."""
        if self.is_at_bottom():
            return
        top = self.table.rowAt(0)
        if top < 0 or first > top:
            return
        bar = self.table.verticalScrollBar()
        height = self.table.verticalHeader().defaultSectionSize()
        if last < top:
            bar.setValue(max(0, bar.value() - (last - first + 1) * height))
        else:
            bar.setValue(first * height)

    # -- selection and counts ------------------------------------------------------------------

    @Slot(QModelIndex, int, int)
    def _on_model_rows_about_to_be_removed(self, _parent: AnyIndex, first: int, last: int) -> None:
        """The selected exchange is trimmed: clear the selection (else Qt selects a neighbour)."""
        selected = self.selected_exchange()
        if selected is not None and first <= selected.seq - self.model.first_seq <= last:
            self.table.selectionModel().clear()

    @Slot(QItemSelection, QItemSelection)
    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._emit_selection()

    def _emit_selection(self) -> None:
        """Emit ``exchange_selected`` when the selected exchange differs from the last one emitted."""
        exchange = self.selected_exchange()
        if exchange is not self._last_selected:
            self._last_selected = exchange
            self.exchange_selected.emit(exchange)

    @Slot()
    def _update_count(self) -> None:
        total = self.model.rowCount()
        noun = "row" if total == 1 else "rows"
        if self.proxy.is_filtering():
            self.count_label.setText(f"{self.proxy.rowCount():,} of {total:,} {noun}")
        else:
            self.count_label.setText(f"{total:,} {noun}")


class _LogTable(QTableView):
    """The log's table: while it paints, background threads pause (see :mod:`console.core.foreground`).

    ``on_resize`` is called whenever the viewport changes size (the scroll area's :meth:`resizeEvent` receives
    the viewport's resize events, only those), so the columns are fitted without asking for ``viewport()``:
    the first call returning a bare ``QWidget*`` makes PySide create every QtWidgets class it had left for
    later, ~10 ms of start-up.
    """

    def __init__(self, on_resize: Callable[[], None]) -> None:
        super().__init__()
        self._on_resize = on_resize
        self.viewport_width = self.contentsRect().width()  # until Qt lays the viewport out

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.viewport_width = event.size().width()
        self._on_resize()

    def paintEvent(self, event: QPaintEvent) -> None:
        with FOREGROUND.working():
            super().paintEvent(event)
