"""The log's filter model: one call per painted cell, every role as ``data()`` says, rows kept across trims."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, QModelRoleData, QModelRoleDataSpan, Qt
from PySide6.QtWidgets import QTableView

from console.core.logstore import LogStore
from console.core.models import Outcome
from console.ui.log_filter import LogFilterProxy
from console.ui.log_model import LogTableModel, SeqRole
from tests.unit.ui.test_log_model import make_exchange

ROLES = [int(r) for r in Qt.ItemDataRole if r < Qt.ItemDataRole.UserRole] + [SeqRole, SeqRole - 1]


@pytest.fixture
def store() -> LogStore:
    return LogStore(capacity=50)


@pytest.fixture
def model(qapp: Any, store: LogStore) -> LogTableModel:
    return LogTableModel(store)


@pytest.fixture
def proxy(model: LogTableModel, qtmodeltester: Any) -> LogFilterProxy:
    proxy = LogFilterProxy(model)
    qtmodeltester.check(proxy)  # and it keeps checking every change that follows
    return proxy


def fill(store: LogStore, model: LogTableModel, count: int, every_error: int = 2) -> None:
    outcomes = [Outcome.PROVIDER_ERROR if i % every_error else Outcome.OK for i in range(count)]
    store.extend([make_exchange("zadarma" if i % 3 else "ssms", outcome) for i, outcome in enumerate(outcomes)])
    model.flush_now()


def shown_seqs(proxy: LogFilterProxy) -> list[int]:
    return [proxy.index(row, 0).data(SeqRole) for row in range(proxy.rowCount())]


@pytest.mark.parametrize("group", ["all", "errors"])
def test_every_role_of_multi_data_is_what_data_says(
    store: LogStore, model: LogTableModel, proxy: LogFilterProxy, group: str
) -> None:
    fill(store, model, 12)
    proxy.set_outcome_group(group)
    assert proxy.rowCount() == (12 if group == "all" else 6)
    reused = {role: QModelRoleData(role) for role in ROLES}  # as Qt's delegate does: the same, cell after cell
    for row in range(proxy.rowCount()):
        for column in range(proxy.columnCount()):
            index = proxy.index(row, column)
            for role, role_data in reused.items():
                proxy.multiData(index, QModelRoleDataSpan(role_data))
                assert role_data.data() == proxy.data(index, role), (row, column, role)
    assert proxy.index(0, 0).data() == model.index(proxy.mapToSource(proxy.index(0, 0)).row(), 0).data()
    display = reused[int(Qt.ItemDataRole.DisplayRole)]
    assert display.data() is not None
    proxy.multiData(model.index(99, 0), QModelRoleDataSpan(display))  # no such row: what the last cell left goes
    assert display.data() is None


def test_a_painted_log_asks_python_once_per_cell_not_once_per_role(
    store: LogStore, model: LogTableModel, proxy: LogFilterProxy, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: Counter[str] = Counter()
    for name in ("data", "multiData"):
        original = getattr(LogFilterProxy, name)

        def counted(self: LogFilterProxy, *args: Any, _original: Any = original, _name: str = name) -> Any:
            calls[_name] += 1
            return _original(self, *args)

        monkeypatch.setattr(LogFilterProxy, name, counted)
    fill(store, model, 40)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(proxy)
    view.resize(900, 400)
    view.show()
    qtbot.waitExposed(view)
    calls.clear()
    view.grab()
    area = view.viewport().rect()
    cells = sum(1 for r in range(40) for c in range(10) if view.visualRect(proxy.index(r, c)).intersects(area))
    assert 0 < cells <= calls["multiData"] <= 2 * cells  # the cells painted, one call each
    assert calls["data"] == 0  # never one call per role


def test_the_log_table_paints_as_foreground_work(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """While the log paints, background threads (the listener) pause: they would hold up every cell's call."""
    from console.core import foreground
    from console.ui.log_view import LogView

    store = LogStore()
    view = LogView(store)
    qtbot.addWidget(view)
    store.extend([make_exchange() for _ in range(30)])
    view.model.flush_now()
    busy_during_paint: list[bool] = []
    original = LogFilterProxy.multiData

    def noting(self: LogFilterProxy, *args: Any) -> Any:
        busy_during_paint.append(bool(foreground.FOREGROUND._busy))
        return original(self, *args)

    monkeypatch.setattr(LogFilterProxy, "multiData", noting)
    view.resize(900, 400)
    view.show()
    qtbot.waitExposed(view)
    view.table.viewport().grab()
    assert busy_during_paint
    assert all(busy_during_paint)
    assert not foreground.FOREGROUND._busy  # and the pause ends with the paint


@pytest.mark.parametrize("group", ["all", "errors"])
def test_rows_trimmed_from_the_front_leave_the_rest_mapped(
    store: LogStore, model: LogTableModel, proxy: LogFilterProxy, group: str
) -> None:
    proxy.set_outcome_group(group)
    for _ in range(9):  # 90 rows through a store of 50: every flush trims the front
        fill(store, model, 10)
    expected = [e.seq for e in store.snapshot() if group == "all" or not e.ok]
    assert shown_seqs(proxy) == expected
    for row in range(proxy.rowCount()):
        source = proxy.mapToSource(proxy.index(row, 3))
        assert source.column() == 3
        assert model.exchange_at(source.row()).seq == expected[row]
        assert proxy.mapFromSource(source).row() == row


def test_a_cleared_log_and_a_gap_start_the_rows_over(
    store: LogStore, model: LogTableModel, proxy: LogFilterProxy
) -> None:
    fill(store, model, 10)
    store.clear()
    model.flush_now()
    assert proxy.rowCount() == 0
    fill(store, model, 3)
    assert shown_seqs(proxy) == [e.seq for e in store.snapshot()]
    store.extend([make_exchange() for _ in range(120)])  # more than the store keeps: the model sees a gap
    model.flush_now()
    assert shown_seqs(proxy) == [e.seq for e in store.snapshot()]
    assert not proxy.mapToSource(QModelIndex()).isValid()
    assert proxy.seq_at(proxy.rowCount()) is None
