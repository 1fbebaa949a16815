"""LogView: filter bar, tail following, selection."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView

from console.core.logstore import LogStore
from console.core.models import Exchange, Outcome
from console.ui.log_model import Column
from console.ui.log_view import ROW_HEIGHT, LogView

_ids = itertools.count(1)


def make_exchange(provider: str = "ssms", outcome: Outcome = Outcome.OK, **overrides: Any) -> Exchange:
    """A minimal Exchange; ``overrides`` replace any field."""
    n = next(_ids)
    values: dict[str, Any] = {
        "id": f"v-{n:06d}",
        "seq": 0,
        "started_at": 1_700_000_000.0 + n,
        "provider": provider,
        "operation": "send",
        "env": "sandbox",
        "method": "POST",
        "url": f"https://api.{provider}.example/v1/send",
        "request_headers": (),
        "request_body": "{}",
        "outcome": outcome,
        "channel": "sms",
        "status": 200 if outcome is Outcome.OK else 422,
    }
    return Exchange(**(values | overrides))


MakeView = Callable[..., tuple[LogView, LogStore]]


@pytest.fixture
def make_view(qtbot: Any) -> MakeView:
    def make(capacity: int = 1000) -> tuple[LogView, LogStore]:
        store = LogStore(capacity=capacity)
        view = LogView(store)
        qtbot.addWidget(view)
        view.resize(900, 300)
        view.show()
        qtbot.waitExposed(view)
        return view, store

    return make


def fill(view: LogView, store: LogStore, rows: int, **kwargs: Any) -> list[Exchange]:
    stored = store.extend([make_exchange(**kwargs) for _ in range(rows)])
    view.model.flush_now()
    return stored


def top_seq(view: LogView) -> int:
    return view.model.exchange_at(view.proxy.mapToSource(view.proxy.index(view.table.rowAt(0), 0)).row()).seq


def test_table_setup(make_view: MakeView) -> None:
    view, _ = make_view()
    vertical = view.table.verticalHeader()
    assert vertical.sectionResizeMode(0) == QHeaderView.ResizeMode.Fixed
    assert vertical.defaultSectionSize() == ROW_HEIGHT
    assert not view.table.wordWrap()
    assert view.table.horizontalHeader().stretchLastSection()
    assert view.search.placeholderText() == "Filter log (Ctrl+F)"
    assert view.count_label.text() == "0 rows"


def test_follows_tail_when_at_bottom(qtbot: Any, make_view: MakeView) -> None:
    view, store = make_view()
    fill(view, store, 200)
    bar = view.table.verticalScrollBar()
    assert bar.maximum() > 0
    assert view.is_at_bottom()
    store.extend([make_exchange() for _ in range(50)])
    qtbot.waitUntil(lambda: view.model.rowCount() == 250)
    assert view.is_at_bottom()
    assert view.table.rowAt(view.table.viewport().height() - 2) == 249


def test_stays_put_when_scrolled_up(make_view: MakeView) -> None:
    view, store = make_view()
    fill(view, store, 200)
    view.table.verticalScrollBar().setValue(0)
    fill(view, store, 50)
    assert view.table.verticalScrollBar().value() == 0
    assert top_seq(view) == 1
    assert not view.is_at_bottom()


def test_viewport_keeps_its_rows_while_the_front_is_trimmed(make_view: MakeView) -> None:
    view, store = make_view(capacity=100)
    fill(view, store, 100)
    view.table.verticalScrollBar().setValue(40 * ROW_HEIGHT)
    before = top_seq(view)
    fill(view, store, 10)
    assert view.model.first_seq == 11
    assert top_seq(view) == before
    fill(view, store, 60)  # trims past the rows on screen: stop at the oldest row left
    assert view.table.verticalScrollBar().value() == 0


def test_count_label(make_view: MakeView) -> None:
    view, store = make_view()
    fill(view, store, 1)
    assert view.count_label.text() == "1 row"
    fill(view, store, 1200 - 1, outcome=Outcome.OK)
    assert view.count_label.text() == "1,000 rows"
    fill(view, store, 3, outcome=Outcome.PROVIDER_ERROR)
    view.outcome_combo.setCurrentIndex(view.outcome_combo.findData("errors"))
    assert view.proxy.outcome_group == "errors"
    assert view.count_label.text() == "3 of 1,000 rows"


def test_provider_combo(make_view: MakeView) -> None:
    view, store = make_view()
    fill(view, store, 3, provider="ssms")
    fill(view, store, 2, provider="vbee")
    view.set_providers([("ssms", "sSMS"), ("vbee", "Vbee")])
    view.provider_combo.setCurrentIndex(view.provider_combo.findData("vbee"))
    assert view.proxy.provider == "vbee"
    assert view.proxy.rowCount() == 2
    view.set_providers([("ycloud", "YCloud"), ("vbee", "Vbee")])  # keeps the current choice
    assert view.provider_combo.currentData() == "vbee"
    view.set_providers([("ycloud", "YCloud")])  # gone: back to all
    assert view.provider_combo.currentIndex() == 0
    assert view.proxy.rowCount() == 5


def test_search_field_filters_after_typing(qtbot: Any, make_view: MakeView) -> None:
    view, store = make_view()
    fill(view, store, 3)
    target = fill(view, store, 1, error_code="QUOTA_EXCEEDED", outcome=Outcome.PROVIDER_ERROR)[0]
    qtbot.keyClicks(view.search, "quota")
    qtbot.waitUntil(lambda: view.proxy.rowCount() == 1)
    assert view.proxy.index(0, 0).data(Qt.ItemDataRole.DisplayRole) is not None
    assert view.model.exchange_at(view.proxy.mapToSource(view.proxy.index(0, 0)).row()) == target


def test_focus_filter(qtbot: Any, make_view: MakeView) -> None:
    view, _ = make_view()
    view.search.setText("abc")
    view.activateWindow()
    view.focus_filter()
    qtbot.waitUntil(view.search.hasFocus)
    assert view.search.selectedText() == "abc"


def test_select_exchange_emits_it(qtbot: Any, make_view: MakeView) -> None:
    view, store = make_view()
    rows = fill(view, store, 300)
    target = rows[20]
    with qtbot.waitSignal(view.exchange_selected, check_params_cb=lambda ex: ex == target):
        assert view.select_exchange(target.id)
    assert view.selected_exchange() == target
    assert not view.is_at_bottom()  # revealed the row, so the tail is no longer followed
    assert not view.select_exchange("missing")


def test_select_filtered_out_exchange_fails(make_view: MakeView) -> None:
    view, store = make_view()
    ok = fill(view, store, 1)[0]
    view.proxy.set_outcome_group("errors")
    assert not view.select_exchange(ok.id)


def test_clicking_a_row_emits_its_exchange(qtbot: Any, make_view: MakeView) -> None:
    view, store = make_view()
    rows = fill(view, store, 5)
    view.table.scrollToTop()
    rect = view.table.visualRect(view.proxy.index(2, 1))
    with qtbot.waitSignal(view.exchange_selected, check_params_cb=lambda ex: ex == rows[2]):
        qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(view.exchange_selected, check_params_cb=lambda ex: ex is None):
        view.table.clearSelection()


def test_filter_change_keeps_selection_in_view(qtbot: Any, make_view: MakeView) -> None:
    view, store = make_view()
    rows = [
        *fill(view, store, 100),
        *fill(view, store, 100, outcome=Outcome.PROVIDER_ERROR),
        *fill(view, store, 100),
    ]
    target = rows[150]
    assert view.select_exchange(target.id)
    with qtbot.assertNotEmitted(view.exchange_selected):  # still the same exchange
        view.outcome_combo.setCurrentIndex(view.outcome_combo.findData("errors"))
    assert view.proxy.rowCount() == 100
    assert view.selected_exchange() == target
    visible = view.table.rowAt(0), view.table.rowAt(view.table.viewport().height() - 1)
    assert visible[0] <= view.table.currentIndex().row() <= visible[1]
    with qtbot.waitSignal(view.exchange_selected, check_params_cb=lambda ex: ex is None):
        view.outcome_combo.setCurrentIndex(view.outcome_combo.findData("ok"))


def test_filter_change_keeps_tail_or_position(make_view: MakeView) -> None:
    view, store = make_view()
    fill(view, store, 300, provider="ssms")
    fill(view, store, 300, provider="vbee")
    view.set_providers([("ssms", "sSMS"), ("vbee", "Vbee")])
    view.provider_combo.setCurrentIndex(view.provider_combo.findData("vbee"))
    assert view.is_at_bottom()
    view.table.verticalScrollBar().setValue(50 * ROW_HEIGHT)
    before = top_seq(view)
    view.provider_combo.setCurrentIndex(0)
    assert top_seq(view) == before


def test_selection_trimmed_off_the_front_emits_none(qtbot: Any, make_view: MakeView) -> None:
    view, store = make_view(capacity=50)
    rows = fill(view, store, 50)
    assert view.select_exchange(rows[0].id)
    with qtbot.waitSignal(view.exchange_selected, check_params_cb=lambda ex: ex is None):
        fill(view, store, 5)
    assert view.selected_exchange() is None


def test_provider_labels_are_shown(make_view: MakeView) -> None:
    view, store = make_view()
    fill(view, store, 2, provider="ycloud")
    view.set_providers([("ycloud", "YCloud")])
    assert view.proxy.index(0, Column.PROVIDER).data() == "YCloud"
    view.search.setText("ycloud")  # the filter still matches the provider id
    view.search.returnPressed.emit()
    assert view.proxy.rowCount() == 2
