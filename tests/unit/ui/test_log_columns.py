"""The log's columns: short provider names, the whole text of every cell on hover, widths that fit the pane."""

from __future__ import annotations

import time
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from console.core.logstore import LogStore
from console.core.models import Exchange, Outcome
from console.ui.log_model import Column, short_provider_name
from console.ui.log_view import RESULT_MIN_WIDTH, SHRINKING_MIN_WIDTHS, LogView

TOOLTIP = Qt.ItemDataRole.ToolTipRole
LABELS = [
    ("hamkaran", "Hamkaran (voice OTP)"),
    ("meta", "Meta WhatsApp Cloud API"),
    ("ssms", "ssms.su"),
    ("vbee", "Vbee AICall (voice OTP)"),
    ("ycloud", "YCloud WhatsApp"),
    ("zadarma", "Zadarma"),
]


def _exchange(provider: str = "ycloud", **overrides: Any) -> Exchange:
    values: dict[str, Any] = {
        "id": "x-1",
        "seq": 0,
        "started_at": 1_700_000_000.5,
        "provider": provider,
        "operation": "send",
        "env": "simulator",
        "method": "POST",
        "url": f"https://api.{provider}.example/v2/send",
        "request_headers": (),
        "request_body": "{}",
        "outcome": Outcome.PROVIDER_ERROR,
        "channel": "whatsapp",
        "status": 400,
        "latency_ms": 12.0,
        "error_code": "131026",
        "message": "Message undeliverable: the number is not on WhatsApp, or has not accepted the terms",
        "meaning": "Message undeliverable",
        "hint": "Send by SMS instead",
    }
    return Exchange(**(values | overrides))


@pytest.fixture
def view(qtbot: QtBot) -> tuple[LogView, LogStore]:
    store = LogStore(capacity=100)
    view = LogView(store)
    qtbot.addWidget(view)
    view.set_providers(LABELS)
    return view, store


@pytest.mark.parametrize(
    ("provider_id", "label", "short"),
    [*((pid, label, label.split()[0]) for pid, label in LABELS), ("demo", "", "demo"), ("demo", "(beta)", "beta")],
)
def test_short_provider_names(provider_id: str, label: str, short: str) -> None:
    assert short_provider_name(provider_id, label) == short


def test_the_log_names_providers_short_with_the_whole_name_on_hover(view: tuple[LogView, LogStore]) -> None:
    log, store = view
    store.append(_exchange("ycloud"))
    store.append(_exchange("meta"))
    log.model.flush_now()

    def cell(row: int, column: Column, role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole) -> Any:
        return log.proxy.index(row, column).data(role)

    assert [cell(0, Column.PROVIDER), cell(1, Column.PROVIDER)] == ["YCloud", "Meta"]
    assert cell(0, Column.PROVIDER, TOOLTIP) == "YCloud WhatsApp (ycloud)"
    assert cell(1, Column.PROVIDER, TOOLTIP) == "Meta WhatsApp Cloud API (meta)"
    assert log.provider_combo.itemText(log.provider_combo.findData("ycloud")) == "YCloud"
    assert log.provider_combo.itemData(log.provider_combo.findData("ycloud"), TOOLTIP) == "YCloud WhatsApp"


def test_every_cell_has_its_whole_text_on_hover(view: tuple[LogView, LogStore]) -> None:
    log, store = view
    ex = _exchange()
    store.append(ex)
    log.model.flush_now()
    row = [log.proxy.index(0, c) for c in range(log.proxy.columnCount())]

    for column in (Column.OPERATION, Column.ENV, Column.STATUS, Column.LATENCY, Column.OUTCOME, Column.CODE):
        assert row[column].data(TOOLTIP) == row[column].data(), column.name
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ex.started_at))
    assert row[Column.TIME].data(TOOLTIP) == f"{when}.500"
    assert row[Column.RESULT].data(TOOLTIP) == f"{ex.summary}\nSend by SMS instead"
    assert row[Column.OPERATION].data(TOOLTIP) == "send · whatsapp"


@pytest.mark.parametrize("width", [560, 640, 900])
def test_columns_fit_the_pane(view: tuple[LogView, LogStore], qtbot: QtBot, width: int) -> None:
    log, store = view
    store.append(_exchange())
    log.model.flush_now()
    log.resize(width, 300)
    log.show()
    qtbot.waitExposed(log)
    header, table = log.table.horizontalHeader(), log.table
    shown = [c for c in Column if not table.isColumnHidden(c)]

    right = max(header.sectionPosition(c) + header.sectionSize(c) for c in shown)
    assert right <= table.viewport().width()  # no column beyond the pane: nothing to scroll to sideways
    assert table.horizontalScrollBar().maximum() == 0
    assert header.sectionSize(Column.RESULT) >= min(RESULT_MIN_WIDTH, table.viewport().width() // 8)
    for column in (Column.TIME, Column.STATUS, Column.LATENCY):  # always whole
        text = str(log.proxy.index(0, column).data())
        assert header.sectionSize(column) > table.fontMetrics().horizontalAdvance(text), column.name
    for column, least in SHRINKING_MIN_WIDTHS.items():
        assert header.sectionSize(column) >= least, column.name
    for _, label in LABELS:  # a short name is never cut: "Hamkaran", not "Hamka…"
        name = label.split()[0]
        assert header.sectionSize(Column.PROVIDER) > table.fontMetrics().horizontalAdvance(name) + 8, name


def test_a_column_the_user_sized_stays(view: tuple[LogView, LogStore], qtbot: QtBot) -> None:
    log, _ = view
    log.resize(900, 300)
    log.show()
    qtbot.waitExposed(log)
    header = log.table.horizontalHeader()
    header.resizeSection(Column.OPERATION, 200)  # as a drag of the header does

    log.resize(600, 300)
    qtbot.waitUntil(lambda: log.table.viewport().width() < 600)

    assert header.sectionSize(Column.OPERATION) == 200


def test_columns_refit_when_the_scroll_bar_takes_room(view: tuple[LogView, LogStore], qtbot: QtBot) -> None:
    """The fit follows the viewport, not the frame: rows enough for a scroll bar narrow it, the columns follow."""
    log, store = view
    log.resize(700, 200)  # narrow enough that the columns give way, not to their least
    log.show()
    qtbot.waitExposed(log)
    table, header = log.table, log.table.horizontalHeader()
    assert not table.verticalScrollBar().isVisible()
    wide = table.viewport().width()

    store.extend([_exchange(id=f"x-{n}") for n in range(60)])
    log.model.flush_now()
    qtbot.waitUntil(lambda: table.verticalScrollBar().isVisible())
    qtbot.waitUntil(lambda: table.viewport().width() < wide)

    assert table.viewport_width == table.viewport().width()  # what the fit measures
    shown = [c for c in Column if not table.isColumnHidden(c)]
    right = max(header.sectionPosition(c) + header.sectionSize(c) for c in shown)
    assert right <= table.viewport().width()
    assert table.horizontalScrollBar().maximum() == 0
    assert header.sectionSize(Column.RESULT) >= RESULT_MIN_WIDTH  # the others gave way for the bar's width
