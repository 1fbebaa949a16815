"""The Scenarios pane in the window: an entry under the providers, runs on the console itself, and "Save as
scenario" on a verification's timeline writes a flow that replays."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from console.scenarios.parsing import load_file
from console.ui.app import ConsoleApp
from console.ui.scenario_controls import PAGE
from tests.end2end.gui.test_zadarma_gui import _press
from tests.helpers.qtasync import run, until


def test_the_scenarios_entry_shows_the_pane_and_a_step_selects_its_row(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop
) -> None:
    window = console.window
    assert console.scenarios is not None
    pane = console.scenarios.pane
    window.show_page(PAGE)
    assert window.form_stack.currentWidget() is pane
    assert window.current_form() is None
    run(qloop, until(lambda: pane.scenario_list.topLevelItemCount() > 0))  # the built-in library, read off-thread
    chosen = next(s for s in pane._scenarios if s.name == "YCloud WhatsApp: delivered, then the code verifies")
    finished: list[object] = []
    pane.run_finished.connect(finished.append)
    pane.start([chosen])
    run(qloop, until(lambda: bool(finished), timeout=20))
    top = pane.checklist.topLevelItem(0)
    assert top is not None
    assert top.text(0) == "✓"
    step = top.child(0)
    assert step is not None
    pane.checklist.setCurrentItem(step)
    pane._on_step_clicked(step)  # what a click does
    selected = window.log.table.selectionModel().selectedRows()
    assert selected, "the step's row is selected in the log"
    assert window.detail.exchange is not None
    assert window.detail.exchange.id == step.data(0, Qt.ItemDataRole.UserRole)
    assert window.lower_tabs.currentWidget() is window.timeline  # and its verification's timeline
    window.select_provider("zadarma")
    assert window.form_stack.currentWidget() is window.forms["zadarma"]


def test_save_as_scenario_writes_a_flow_that_replays(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    window = console.window
    assert console.scenarios is not None
    pane = console.scenarios.pane
    pane.set_folder(tmp_path)
    form = window.forms["ycloud"]
    window.select_provider("ycloud")
    form.select_operation("send")
    form.set_field("to", "+447911123456")
    sent = run(qloop, _press(console, form))
    assert sent.verification is not None
    window.log.select_exchange(sent.exchange.id)
    window.lower_tabs.setCurrentWidget(window.timeline)
    button = window.timeline.save_button
    assert button.isEnabled()
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    run(qloop, until(lambda: "Saved as a scenario" in window.statusBar().currentMessage(), timeout=10))
    (path,) = tmp_path.glob("recorded-*.toml")
    (scenario,) = load_file(path).scenarios
    assert scenario.provider == "ycloud"
    assert scenario.steps[0].action == "send"
    assert scenario.steps[0].argument["to"] == "+447911123456"
    assert window.form_stack.currentWidget() is pane  # shown where it can be run
    finished: list[object] = []
    pane.run_finished.connect(finished.append)
    pane.start([scenario])
    run(qloop, until(lambda: bool(finished), timeout=20))
    top = pane.checklist.topLevelItem(pane.checklist.topLevelItemCount() - 1)
    assert top is not None
    assert top.text(0) == "✓", [top.child(i).text(3) for i in range(top.childCount())]  # type: ignore[union-attr]
