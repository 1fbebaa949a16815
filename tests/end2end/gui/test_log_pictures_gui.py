"""The log's pictures and controls in the running console: Clear log, the latency chart beside it, the rate strip."""

from __future__ import annotations

import asyncio
import sys

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QToolButton

from console.core.models import Outcome
from console.ui.app import ConsoleApp
from console.ui.provider_form import ProviderForm
from tests.end2end.gui.test_zadarma_gui import _press
from tests.helpers.qtasync import run, until


def _balance_form(console: ConsoleApp) -> ProviderForm:
    console.window.select_provider("zadarma")
    form = console.window.current_form()
    assert form is not None
    form.select_operation("balance")
    return form


def test_clear_log_empties_the_pane_and_history_keeps_every_row(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop
) -> None:
    window = console.window
    form = _balance_form(console)
    for _ in range(2):
        assert run(qloop, _press(console, form)).exchange.outcome is Outcome.OK
    run(qloop, until(lambda: window.log.model.rowCount() == 2))
    window.log.table.selectRow(0)
    assert window.detail.exchange is not None
    assert console.service is not None
    assert console.service.history is not None
    stored = console.service.history.count_exchanges(provider="zadarma")

    window.menu.clear_log.trigger()
    assert window.log.model.rowCount() == 0
    assert window.log.count_label.text().startswith("0 rows")
    assert window.detail.exchange is None  # the row it showed is gone from the pane
    assert "history keeps every row" in window.statusBar().currentMessage()
    assert console.service.history.count_exchanges(provider="zadarma") == stored  # history kept them all

    again = run(qloop, _press(console, form))  # the log goes on from here
    run(qloop, until(lambda: window.log.model.rowCount() == 1))
    assert window.log.model.exchange_at(0).id == again.exchange.id


def test_the_latency_chart_opens_beside_the_log_and_a_point_selects_its_row(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop
) -> None:
    window = console.window
    window.resize(1600, 900)  # the test screen is small; the window-fit tests cover real screen sizes
    window.splitter.setSizes([200, 500, 900])
    chart = window.latency
    form = _balance_form(console)
    sent = run(qloop, _press(console, form))
    assert not chart.is_built
    assert not chart.on_screen()
    button = window.log.findChild(QToolButton, "latency_chart_button")
    assert button is not None
    assert button.isVisible()
    assert not button.isChecked()

    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.menu.latency_chart.isChecked()
    assert window.log_pane.chart_open()
    run(qloop, until(lambda: chart.is_built))
    assert "pyqtgraph" in sys.modules
    assert chart.series_names() == ["zadarma"]
    log, plot = window.log.geometry(), chart.geometry()
    assert plot.left() >= log.right()
    assert plot.width() >= 200

    window.log.table.clearSelection()
    chart.point_chosen.emit(sent.exchange.id)  # what a click on the point emits
    assert window.detail.exchange is not None
    assert window.detail.exchange.id == sent.exchange.id

    window.menu.clear_log.trigger()  # the chart shows what the log holds
    assert chart.plot is not None
    assert all(not s.rows for s in chart.plot.series.values())

    window.menu.latency_chart.trigger()
    assert not window.log_pane.chart_open()
    assert not button.isChecked()


def test_the_listener_strip_draws_its_request_rate(console: ConsoleApp, qloop: asyncio.AbstractEventLoop) -> None:
    panel = console.window.listener_panel
    assert panel.rate.isVisible()
    strip = panel.rate.geometry()
    assert strip.right() <= panel.width()
    assert strip.height() > 10
    run(qloop, until(lambda: len(panel.rate.samples) >= 1, timeout=4))  # once a second from the heartbeat
