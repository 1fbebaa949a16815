"""A QA engineer runs a scenario file from the Scenarios pane on the running console and reads its checklist."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from console.scenarios.recording import record_scenario, save_scenario
from console.scenarios.results import ScenarioResult
from console.scenarios.rig import Rig
from console.ui.app import ConsoleApp
from console.ui.scenarios_pane import ScenariosPane
from tests.helpers.qtasync import run, until

FLOW = """\
[[scenario]]
name = "YCloud: delivered, then verified"
provider = "ycloud"

  [[scenario.step]]
  send = { to = "+447911123456" }
  expect = { ok = true, state = "pending" }

  [[scenario.step]]
  phone = "deliver"
  expect = { callback = "delivered", signature = "valid" }

  [[scenario.step]]
  check = { code = "{phone.code}" }
  expect = { state = "verified" }
"""

WRONG = """\
[[scenario]]
name = "YCloud: a wrong code expected to verify"
provider = "ycloud"

  [[scenario.step]]
  send = { to = "+447911123456" }

  [[scenario.step]]
  check = { code = "000000" }
  expect = { state = "verified" }
"""


def _pane(qtbot: QtBot, console: ConsoleApp, folder: Path, qloop: asyncio.AbstractEventLoop) -> ScenariosPane:
    pane = ScenariosPane(folder)
    run(qloop, pane.load())  # the files are read off the GUI thread
    qtbot.addWidget(pane)
    pane.resize(1000, 700)
    pane.show()
    assert console.service is not None
    pane.set_rig_factory(lambda: Rig(console.service, console.host, console.listener, console.store))  # type: ignore[arg-type]
    return pane


def _select(pane: ScenariosPane, name: str) -> None:
    tree = pane.scenario_list
    for top in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(top)
        assert item is not None
        for index in range(item.childCount()):
            child = item.child(index)
            if child is not None and child.text(0) == name:
                tree.setCurrentItem(child)
                return
    raise AssertionError(f"{name!r} is not listed")


def _steps(tree: QTreeWidget) -> list[QTreeWidgetItem]:
    top = tree.topLevelItem(tree.topLevelItemCount() - 1)
    return [top.child(i) for i in range(top.childCount())] if top is not None else []  # type: ignore[misc]


def _click(tree: QTreeWidget, item: QTreeWidgetItem) -> None:
    rect = tree.visualItemRect(item)
    QTest.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())


def test_a_user_scenario_runs_step_by_step_and_a_step_leads_to_its_exchange(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop, qtbot: QtBot, tmp_path: Path
) -> None:
    (tmp_path / "ycloud.toml").write_text(FLOW, encoding="utf-8")
    pane = _pane(qtbot, console, tmp_path, qloop)
    _select(pane, "YCloud: delivered, then verified")
    finished: list[object] = []
    pane.run_finished.connect(finished.append)
    QTest.mouseClick(pane.run_button, Qt.MouseButton.LeftButton)
    assert pane.running
    assert not pane.run_button.isEnabled()
    assert pane.stop_button.isEnabled()
    run(qloop, until(lambda: bool(finished), timeout=20))
    rows = _steps(pane.checklist)
    assert [row.text(0) for row in rows] == ["✓", "✓", "✓"]
    assert rows[0].text(1) == "step 1: send to +447911123456"
    assert rows[1].text(2) == "callback = delivered, signature = valid"
    assert rows[2].text(3) == "state = verified"
    top = pane.checklist.topLevelItem(0)
    assert top is not None
    assert top.text(0) == "✓"
    assert "3 passed" in top.text(2)
    assert "1 of 1 scenario(s) passed" in pane.status.text()
    assert pane.run_button.isEnabled()
    assert not pane.stop_button.isEnabled()
    (results,) = finished
    assert [r.status for r in results] == ["passed"]  # type: ignore[attr-defined]

    chosen: list[str] = []
    verifications: list[str] = []
    pane.exchange_chosen.connect(chosen.append)
    pane.verification_chosen.connect(verifications.append)
    _click(pane.checklist, rows[0])
    assert chosen, "clicking a step names its exchange"
    stored = {row.id: row for row in console.store.snapshot()}
    assert chosen[-1] in stored
    assert stored[chosen[-1]].operation == "send"
    assert verifications
    assert stored[chosen[-1]].verification_id == verifications[-1]
    _click(pane.checklist, rows[1])  # a phone step leads to the callback it waited for
    assert stored[chosen[-1]].operation == "webhook"
    assert "delivered" in stored[chosen[-1]].summary
    assert "expected callback = delivered" in pane.detail.text()


def test_an_unmet_expectation_shows_what_was_expected_and_what_happened(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop, qtbot: QtBot, tmp_path: Path
) -> None:
    (tmp_path / "wrong.toml").write_text(WRONG, encoding="utf-8")
    pane = _pane(qtbot, console, tmp_path, qloop)
    _select(pane, "YCloud: a wrong code expected to verify")
    QTest.mouseClick(pane.run_button, Qt.MouseButton.LeftButton)
    run(qloop, until(lambda: len(_steps(pane.checklist)) == 2 and not pane.running, timeout=20))
    send, check = _steps(pane.checklist)
    assert send.text(0) == "✓"
    assert check.text(0) == "✗"
    assert check.text(2) == "state = verified"
    assert check.text(3) == "state = pending"
    _click(pane.checklist, check)
    assert "expected state = verified" in pane.detail.text()
    assert "actual state = pending" in pane.detail.text()
    assert "state: expected 'verified', got 'pending'" in pane.detail.text()
    assert "0 of 1 scenario(s) passed" in pane.status.text()


def test_an_invalid_file_is_one_red_row_with_where_and_why(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop, qtbot: QtBot, tmp_path: Path
) -> None:
    (tmp_path / "good.toml").write_text(FLOW, encoding="utf-8")
    (tmp_path / "typo.toml").write_text(FLOW.replace("phone = ", "phnoe = "), encoding="utf-8")
    pane = _pane(qtbot, console, tmp_path, qloop)
    texts = [pane.scenario_list.topLevelItem(i).text(0) for i in range(pane.scenario_list.topLevelItemCount())]  # type: ignore[union-attr]
    assert "good.toml" in texts
    (error,) = [t for t in texts if t.startswith("✗")]
    assert f"{tmp_path / 'typo.toml'}:10:3: step 2: unknown key 'phnoe'" in error
    assert "did you mean 'phone'" in error

    good = pane.scenario_list.topLevelItem(texts.index("good.toml"))
    pane.scenario_list.setCurrentItem(good)  # a file: all of its scenarios
    QTest.mouseClick(pane.run_button, Qt.MouseButton.LeftButton)
    run(qloop, until(lambda: len(_steps(pane.checklist)) == 3 and not pane.running, timeout=20))
    assert [row.text(0) for row in _steps(pane.checklist)] == ["✓", "✓", "✓"]


def test_stop_ends_the_run_between_steps(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop, qtbot: QtBot, tmp_path: Path
) -> None:
    slow = FLOW.replace('phone = "deliver"', "wait = 30").replace(
        'expect = { callback = "delivered", signature = "valid" }', ""
    )
    (tmp_path / "slow.toml").write_text(slow, encoding="utf-8")
    pane = _pane(qtbot, console, tmp_path, qloop)
    _select(pane, "YCloud: delivered, then verified")
    finished: list[object] = []
    pane.run_finished.connect(finished.append)
    QTest.mouseClick(pane.run_button, Qt.MouseButton.LeftButton)
    run(qloop, until(lambda: len(_steps(pane.checklist)) == 1))
    QTest.mouseClick(pane.stop_button, Qt.MouseButton.LeftButton)
    run(qloop, until(lambda: bool(finished)))
    assert pane.status.text() == "Stopped."
    top = pane.checklist.topLevelItem(0)
    assert top is not None
    assert top.text(2) == "stopped"
    assert pane.run_button.isEnabled()


def test_clicking_in_the_empty_checklist_emits_nothing(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop, qtbot: QtBot, tmp_path: Path
) -> None:
    pane = _pane(qtbot, console, tmp_path, qloop)
    chosen: list[str] = []
    pane.exchange_chosen.connect(chosen.append)
    QTest.mouseClick(pane.checklist.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(5, 5))
    assert chosen == []


def test_run_all_runs_every_listed_scenario(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the built-in library passes in its own test (tests/end2end/scenarios); here two files of the user's
    monkeypatch.setattr("console.scenarios.library.builtin_folder", lambda: tmp_path / "no built-ins")
    (tmp_path / "ycloud.toml").write_text(FLOW, encoding="utf-8")
    (tmp_path / "again.toml").write_text(FLOW.replace('name = "', 'name = "Again: '), encoding="utf-8")
    pane = _pane(qtbot, console, tmp_path, qloop)
    finished: list[list[ScenarioResult]] = []
    pane.run_finished.connect(finished.append)
    QTest.mouseClick(pane.run_all_button, Qt.MouseButton.LeftButton)
    run(qloop, until(lambda: bool(finished), timeout=20))
    (results,) = finished
    assert len(results) == len(pane._scenarios) == pane.checklist.topLevelItemCount() == 2
    tops = [pane.checklist.topLevelItem(i) for i in range(pane.checklist.topLevelItemCount())]
    failed = [(r.scenario.name, [s.message for s in r.steps if not s.passed]) for r in results if not r.passed]
    assert not failed
    assert all(top is not None and top.text(0) == "✓" for top in tops)


def test_a_recorded_verification_runs_again_from_the_pane(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop, qtbot: QtBot, tmp_path: Path
) -> None:
    (tmp_path / "ycloud.toml").write_text(FLOW.replace('phone = "deliver"', 'phone = "read"'), encoding="utf-8")
    pane = _pane(qtbot, console, tmp_path, qloop)
    finished: list[list[ScenarioResult]] = []
    pane.run_finished.connect(finished.append)
    _select(pane, "YCloud: delivered, then verified")
    QTest.mouseClick(pane.run_button, Qt.MouseButton.LeftButton)
    run(qloop, until(lambda: bool(finished), timeout=20))
    verification_id = finished[0][0].steps[0].verification
    assert console.service is not None
    assert verification_id is not None
    verification = console.service.book.peek(verification_id)
    assert verification is not None
    rows = [row for row in console.store.snapshot() if row.verification_id == verification_id]
    saved = save_scenario(record_scenario(verification, rows), tmp_path, "recorded")
    run(qloop, pane.load())
    _select(pane, "Recorded: ycloud whatsapp (verified)")
    QTest.mouseClick(pane.run_button, Qt.MouseButton.LeftButton)
    run(qloop, until(lambda: len(finished) == 2, timeout=20))
    (again,) = finished[1]
    assert again.scenario.path == saved
    assert [(s.step.action, s.status) for s in again.steps] == [
        ("send", "passed"),
        ("phone", "passed"),
        ("check", "passed"),
    ]
    assert again.steps[1].step.argument == "read"
