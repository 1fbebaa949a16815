"""ScenariosPane without a running console: the list, the folder, the prompts, screen-sharing, a console starting."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtWidgets import QInputDialog, QMessageBox, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from console.scenarios.library import builtin, scenarios_of
from console.scenarios.model import Step
from console.scenarios.results import StepResult
from console.ui.privacy import PRIVACY
from console.ui.scenarios_pane import STARTING, ScenariosPane
from tests.helpers.qtasync import run, until

FLOW = """\
[[scenario]]
name = "Send to +447911123456"
provider = "ycloud"

  [[scenario.step]]
  send = { to = "+447911123456" }
  expect = { ok = true }
"""


@pytest.fixture
def pane(qtbot: QtBot, tmp_path: Path, qloop: asyncio.AbstractEventLoop) -> Iterator[ScenariosPane]:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "flow.toml").write_text(FLOW, encoding="utf-8")
    widget = ScenariosPane(folder)
    qtbot.addWidget(widget)
    assert widget.scenario_list.topLevelItemCount() == 0  # nothing read on the GUI thread: load() reads off it
    run(qloop, widget.load())
    yield widget
    PRIVACY.enabled = False


def _tops(pane: ScenariosPane) -> list[QTreeWidgetItem]:
    tree = pane.scenario_list
    return [item for i in range(tree.topLevelItemCount()) if (item := tree.topLevelItem(i)) is not None]


def test_built_in_and_own_files_are_listed_by_file(pane: ScenariosPane) -> None:
    names = [top.text(0) for top in _tops(pane)]
    assert "flow.toml" in names
    assert sum(name.endswith("(built in)") for name in names) == len(builtin())
    own = _tops(pane)[names.index("flow.toml")]
    assert own.childCount() == 1
    child = own.child(0)
    assert child is not None
    assert [child.text(0), child.text(1), child.text(2)] == ["Send to +447911123456", "ycloud", "1"]
    pane.scenario_list.setCurrentItem(child)
    assert [s.name for s in pane.selected_scenarios()] == ["Send to +447911123456"]
    pane.scenario_list.setCurrentItem(_tops(pane)[0])  # a file: every scenario in it
    assert len(pane.selected_scenarios()) == len(builtin()[0].scenarios)
    assert str(pane.user_folder) in pane.folder_label.text()


def test_an_invalid_file_is_a_red_row_and_the_rest_still_loads(
    pane: ScenariosPane, qloop: asyncio.AbstractEventLoop
) -> None:
    (pane.user_folder / "broken.toml").write_text("[[scenario]\nname = 1", encoding="utf-8")
    (pane.user_folder / "unreadable.toml").write_bytes(b"\xff\xfe not text")
    run(qloop, pane.load())
    errors = [top for top in _tops(pane) if top.text(0).startswith("✗")]
    assert len(errors) == 2
    assert f"{pane.user_folder / 'broken.toml'}:1:" in errors[0].text(0)
    assert "not valid TOML" in errors[0].text(0)
    assert "cannot be read" in errors[1].text(0)
    assert errors[0].foreground(0).color().name() == "#e0403f"  # theme.ERROR_RED
    assert "flow.toml" in [top.text(0) for top in _tops(pane)]
    pane.scenario_list.setCurrentItem(errors[0])
    assert pane.selected_scenarios() == []


def test_an_empty_folder_says_so_and_another_can_be_chosen(
    pane: ScenariosPane, tmp_path: Path, qloop: asyncio.AbstractEventLoop
) -> None:
    changed: list[str] = []
    pane.folder_changed.connect(changed.append)
    other = tmp_path / "other"
    pane.set_folder(other)
    assert changed == [str(other)]
    run(qloop, until(lambda: any("No scenario files" in top.text(0) for top in _tops(pane))))
    assert any("No scenario files" in top.text(0) for top in _tops(pane))
    pane.choose_folder()
    assert pane.folder_dialog is not None
    assert pane.folder_dialog.isVisible()
    pane.folder_dialog.fileSelected.emit(str(tmp_path / "mine"))
    assert changed[-1] == str(tmp_path / "mine")
    run(qloop, until(lambda: "flow.toml" in [top.text(0) for top in _tops(pane)]))
    assert "flow.toml" in [top.text(0) for top in _tops(pane)]
    pane.folder_dialog.reject()


def test_a_run_before_the_console_has_started_says_so(pane: ScenariosPane) -> None:
    pane.run_all()
    assert pane.status.text() == STARTING  # no rig factory yet
    pane.set_rig_factory(lambda: None)
    pane.run_all()
    assert pane.status.text() == STARTING
    assert not pane.running
    assert pane.run_button.isEnabled()
    pane.run_selected()
    assert "Pick a scenario" in pane.status.text()


def test_live_scenarios_are_not_run_unless_confirmed(pane: ScenariosPane, qloop: asyncio.AbstractEventLoop) -> None:
    import dataclasses

    from console.scenarios.live import targets

    live = dataclasses.replace(scenarios_of(builtin())[0], env="live")
    finished: list[Any] = []
    pane.run_finished.connect(finished.append)
    pane.set_rig_factory(lambda: SimpleNamespace(env="simulator"))  # type: ignore[arg-type, return-value]
    pane.start([live])  # no allow-list: refused before any question
    run(qloop, until(lambda: bool(finished)))
    assert finished == [[]]
    assert pane.prompt is None
    assert "allow-list" in pane.status.text()
    numbers = tuple(n for step in live.steps for n in targets(step))
    pane.allow_list = lambda: numbers
    finished.clear()
    pane.start([live])
    run(qloop, until(lambda: isinstance(pane.prompt, QMessageBox)))
    assert isinstance(pane.prompt, QMessageBox)
    assert pane.prompt.isVisible()  # opened with open(): the loop went on while it waited
    pane.prompt.button(QMessageBox.StandardButton.No).click()
    run(qloop, until(lambda: bool(finished)))
    assert finished == [[]]
    assert "not confirmed" in pane.status.text()
    assert pane.checklist.topLevelItemCount() == 0


def _step() -> Step:
    return Step(2, "phone", "press_1", "zadarma")


def test_the_person_at_the_phone_is_asked_without_blocking(
    pane: ScenariosPane, qloop: asyncio.AbstractEventLoop
) -> None:
    async def answer() -> str | None:
        asking = asyncio.ensure_future(pane._ask("press 1 on the call now", _step()))
        await until(lambda: isinstance(pane.prompt, QInputDialog))
        assert isinstance(pane.prompt, QInputDialog)
        assert "Press 1 on the call now" in pane.prompt.labelText()
        pane.prompt.setTextValue(" 482913 ")
        pane.prompt.accept()
        return await asking

    assert run(qloop, answer()) == "482913"
    assert pane.prompt is None

    async def stopped() -> str | None:
        asking = asyncio.ensure_future(pane._ask("press 1 on the call now", _step()))
        await until(lambda: pane.prompt is not None)
        pane.stop()  # Stop closes the question: the step is skipped
        return await asking

    assert run(qloop, stopped()) is None


def test_screen_sharing_masks_numbers_and_codes_in_the_checklist(pane: ScenariosPane) -> None:
    step = Step(1, "send", {"to": "+447911123456"}, "ycloud", {"destination": "+447911123456"})
    top = pane._add_run(scenarios_of(builtin())[0])
    result = StepResult(step, "failed", step.expect, {"destination": "+447911999999"}, "x-1", 1.0, "no", "v-1")
    pane._add_step(top, result)
    row = top.child(0)
    assert row is not None
    assert row.text(2) == "destination = +447911123456"
    PRIVACY.enabled = True
    pane.refresh_privacy()
    assert "447911123456" not in row.text(1) + row.text(2)
    assert "447911999999" not in row.text(3)
    assert "••" in row.text(3)
    pane.checklist.setCurrentItem(row)
    assert "447911" not in pane.detail.text()
    PRIVACY.enabled = False
    pane.refresh_privacy()
    assert row.text(3) == "destination = +447911999999"


def test_the_live_switch_sends_simulator_scenarios_live_only_to_allowed_numbers(
    pane: ScenariosPane, qloop: asyncio.AbstractEventLoop
) -> None:
    finished: list[Any] = []
    pane.run_finished.connect(finished.append)
    pane.set_rig_factory(lambda: SimpleNamespace(env="simulator"))  # type: ignore[arg-type, return-value]
    simulated = scenarios_of(builtin())[0]
    assert simulated.env == "simulator"
    pane.live.setChecked(True)
    pane.start([simulated])
    run(qloop, until(lambda: bool(finished)))
    assert finished == [[]]  # nothing ran: no allowed numbers
    assert "(live)" in pane.status.text()
    assert "allow-list" in pane.status.text()
