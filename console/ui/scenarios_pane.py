"""The Scenarios pane: the built-in and the user's scenario files, run on the running console with a live checklist."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.ui import theme
from console.ui.excepthook import spawn
from console.ui.privacy import PRIVACY, show_text
from console.ui.scenario_widgets import (
    RAW,
    make_button,
    make_label,
    make_row,
    make_tree,
    note,
    pairs,
    set_cell,
    step_argument,
)

if TYPE_CHECKING:
    from console.scenarios.model import Scenario, ScenarioFile, Step
    from console.scenarios.results import ScenarioResult, StepResult
    from console.scenarios.rig import Rig

MARKS = {"passed": "✓", "failed": "✗", "error": "!", "skipped": "–"}
COLOURS = {"passed": theme.SIM_GREEN, "failed": theme.ERROR_RED, "error": theme.CUSTOM_AMBER, "skipped": theme.MUTED}
_ROLE = Qt.ItemDataRole.UserRole
EXCHANGE, VERIFICATION, SCENARIOS, MESSAGE = _ROLE, _ROLE + 2, _ROLE + 3, _ROLE + 4
"""Item data: a step's exchange, each column's unmasked text, its verification, the scenarios a row runs, why."""
STARTING = "The console is still starting: run the scenario again in a moment."
PICK = "Pick a scenario, or a file to run all of it."


class ScenariosPane(QWidget):
    """Lists scenario files and runs them, step by step, on the console's own service, simulators and listener.

    Attributes:
        scenario_list: files (top rows; an invalid one red, with its path:line:column) and their scenarios.
        checklist: one top row per scenario run, one child per step as it ends (✓ ✗ ! –, expected, actual).
        prompt: the open question (live: to the person at the phone; before a live run: whether to run), if any.

    Signals:
        exchange_chosen(str): a step was clicked: the id of the row it made (or the callback it waited for).
        verification_chosen(str): a step was clicked: its verification's id.
        folder_changed(str): the user picked another folder for their scenarios.
        run_finished(object): a run ended (or was stopped): the list of ScenarioResult.
    """

    exchange_chosen = Signal(str)
    verification_chosen = Signal(str)
    folder_changed = Signal(str)
    run_finished = Signal(object)

    def __init__(self, user_folder: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.user_folder = user_folder  # None until the app has read the settings (off the GUI thread)
        self._rig_factory: Callable[[], Rig | None] | None = None
        self.allow_list: Callable[[], tuple[str, ...]] = tuple  # the spend guard's test numbers (live runs)
        self._task: asyncio.Task[None] | None = None
        self._scenarios: list[Scenario] = []
        self.prompt: QDialog | None = None
        self.folder_dialog: QFileDialog | None = None
        self._alive = True  # False once Qt destroyed the widgets: a run still ending then leaves them alone
        self.destroyed.connect(lambda *_: self._abandon())
        self.folder_label = theme.muted(make_label("scenario_folder"))
        self.open_button = make_button("Open folder…", "scenario_open_folder", self.choose_folder)
        self.reload_button = make_button("Reload", "scenario_reload", self.reload)
        self.scenario_list = make_tree("scenario_list", ["Scenario", "Provider", "Steps"])
        self.run_button = make_button("Run", "scenario_run", self.run_selected)
        self.run_all_button = make_button("Run all", "scenario_run_all", self.run_all)
        self.stop_button = make_button("Stop", "scenario_stop", self.stop)
        self.stop_button.setEnabled(False)
        self.status = make_label("scenario_status", PICK)
        self.checklist = make_tree("scenario_checklist", ["", "Step", "Expected", "Actual"])
        names = self.scenario_list.header()  # the scenario's name takes the room; provider and steps fit theirs
        names.setStretchLastSection(False)
        names.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            names.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.checklist.setColumnWidth(0, 40)
        self.checklist.setColumnWidth(1, 240)
        self.detail = make_label("scenario_detail")
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addLayout(make_row(self.folder_label, self.open_button, self.reload_button))
        layout.addWidget(self.scenario_list, 2)
        self.live = QCheckBox("Live")
        self.live.setObjectName("scenario_live")
        self.live.setToolTip(
            "Run on the real providers (env live) instead of the simulators: only to the spend guard's allowed "
            "numbers, after a confirmation; steps that need the person at the phone ask you"
        )
        layout.addLayout(make_row(self.run_button, self.run_all_button, self.stop_button, self.live, self.status))
        layout.addWidget(self.checklist, 3)
        layout.addWidget(self.detail)
        self.scenario_list.itemDoubleClicked.connect(lambda *_: self.run_selected())
        self.checklist.itemClicked.connect(self._on_step_clicked)
        self.checklist.currentItemChanged.connect(lambda item, _old: self._show_detail(item))
        self._loading: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------------------------------- the list
    def set_rig_factory(self, factory: Callable[[], Rig | None]) -> None:
        """What runs use: called as each run starts (None back: the console is still starting)."""
        self._rig_factory = factory

    def reload(self) -> None:
        """Read the built-in files and the user's folder again, off the GUI thread (see :meth:`load`)."""
        self._loading = spawn(self.load())

    async def load(self) -> None:
        """Read every file on a worker thread, then list them (an invalid file is a red row, never an error)."""
        folder = self.user_folder
        files = await asyncio.to_thread(_read_files, folder)
        if not self._alive or folder != self.user_folder:
            return  # gone, or another folder was chosen meanwhile (its own load lists it)
        self.scenario_list.clear()
        self._scenarios = []
        show_text(self.folder_label, f"Your scenarios: {folder}" if folder else "Your scenarios: (loading…)")
        for path, builtin, found in files:
            self._add_file(path, builtin, found)
        if folder is not None and not any(not builtin for _, builtin, _ in files):
            note(self.scenario_list, f"No scenario files (*.toml) in {folder} yet", theme.MUTED)
        self.scenario_list.expandAll()

    def set_folder(self, folder: Path, announce: bool = True) -> None:
        """Use ``folder`` for the user's scenarios from now on (listed soon; ``folder_changed`` says it)."""
        self.user_folder = Path(folder)
        self.reload()
        if announce:
            self.folder_changed.emit(str(self.user_folder))

    def choose_folder(self) -> None:
        """Pick another folder with a (non-modal) file dialog."""
        dialog = QFileDialog(self, "Folder of your scenario files", str(self.user_folder or ""))
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.fileSelected.connect(lambda chosen: self.set_folder(Path(chosen)))
        dialog.finished.connect(dialog.deleteLater)
        self.folder_dialog = dialog
        dialog.open()

    def selected_scenarios(self) -> list[Scenario]:
        """The selected scenario, or every scenario of the selected file."""
        item = self.scenario_list.currentItem()
        indices = item.data(0, SCENARIOS) if item is not None else None
        return [self._scenarios[i] for i in indices] if indices else []

    def _add_file(self, path: Path, builtin: bool, found: ScenarioFile | str) -> None:
        if isinstance(found, str):  # why it could not be read: path:line:column and what is valid
            note(self.scenario_list, f"✗ {found}", theme.ERROR_RED)
            return
        first = len(self._scenarios)
        self._scenarios += found.scenarios
        top = QTreeWidgetItem(self.scenario_list)
        set_cell(top, 0, f"{path.name} (built in)" if builtin else path.name)
        top.setToolTip(0, str(path))
        top.setData(0, SCENARIOS, list(range(first, len(self._scenarios))))
        for index, scenario in enumerate(found.scenarios, start=first):
            row = QTreeWidgetItem(top, ["", scenario.provider, str(len(scenario.steps))])
            set_cell(row, 0, scenario.name + ("" if scenario.env == "simulator" else f" ({scenario.env})"))
            row.setToolTip(0, PRIVACY.mask(scenario.description or scenario.name))
            row.setData(0, SCENARIOS, [index])

    # ------------------------------------------------------------------------------------------- running
    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def run_selected(self) -> None:
        scenarios = self.selected_scenarios()
        if not scenarios:
            self.status.setText(PICK)
        self.start(scenarios)

    def run_all(self) -> None:
        self.start(list(self._scenarios))

    def start(self, scenarios: list[Scenario]) -> None:
        """Run ``scenarios`` one after another on the console's loop (the GUI never waits; Stop cancels)."""
        if self.running or not scenarios:
            return
        if self.live.isChecked():  # the GUI's Live: every simulator scenario goes to the real providers
            scenarios = [dataclasses.replace(s, env="live") if s.env == "simulator" else s for s in scenarios]
        rig = self._rig_factory() if self._rig_factory is not None else None
        if rig is None:
            self.status.setText(STARTING)
            return
        self._set_running(True)
        self._task = spawn(self._run(rig, scenarios))

    def stop(self) -> None:
        """Cancel the run (the step under way ends; the runner clears the simulators' faults)."""
        if self.running and self._task is not None:
            self._task.cancel()
        if self.prompt is not None:
            self.prompt.reject()

    async def _run(self, rig: Rig, scenarios: list[Scenario]) -> None:
        from console.scenarios.runner import ScenarioRunner

        results: list[ScenarioResult] = []
        top: QTreeWidgetItem | None = None
        try:
            from console.scenarios.live import live_refusal

            refusal = live_refusal(scenarios, self.allow_list())
            if refusal:
                self.status.setText(PRIVACY.mask(f"Not run: {refusal}."))
                return
            if any(s.env != "simulator" for s in scenarios) and not await self._confirm_live(scenarios):
                self.status.setText("Not run: sending outside the simulator was not confirmed.")
                return
            for number, scenario in enumerate(scenarios, start=1):
                self.status.setText(PRIVACY.mask(f"Running {scenario.name} ({number} of {len(scenarios)})…"))
                top = self._add_run(scenario)
                runner = ScenarioRunner(self._rig_for(rig, scenario), ask_user=self._ask)
                try:
                    result = await runner.run(scenario, functools.partial(self._add_step, top))
                except Exception as exc:  # a run that breaks is shown; the next one still runs
                    self._end_run(top, "error", f"could not run: {type(exc).__name__}: {exc}")
                    continue
                results.append(result)
                counts = ", ".join(f"{n} {k}" for k in MARKS if (n := sum(s.status == k for s in result.steps)))
                self._end_run(top, result.status, f"{counts} · {result.elapsed_ms / 1000:.1f} s")
                top = None
            self.status.setText(f"{sum(r.passed for r in results)} of {len(scenarios)} scenario(s) passed.")
        except asyncio.CancelledError:
            if self._alive and top is not None:
                self._end_run(top, "skipped", "stopped")
            if self._alive:
                self.status.setText("Stopped.")
            raise
        finally:
            if self._alive:
                self._set_running(False)
                self.run_finished.emit(results)

    def _abandon(self) -> None:
        self._alive = False
        if self._task is not None:
            self._task.cancel()

    @staticmethod
    def _rig_for(rig: Rig, scenario: Scenario) -> Rig:
        """The rig in the scenario's environment (outside the simulator, the person at the phone is asked)."""
        if scenario.env == rig.env:
            return rig
        return dataclasses.replace(rig, env=scenario.env, host=rig.host if scenario.env == "simulator" else None)

    async def _confirm_live(self, scenarios: list[Scenario]) -> bool:
        names = ", ".join(f"{s.name} ({s.env})" for s in scenarios if s.env != "simulator")
        text = f"{names}: real messages, billed, reaching real people. Run outside the simulator?"
        box = QMessageBox(QMessageBox.Icon.Warning, "Run outside the simulator?", PRIVACY.mask(text), parent=self)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        await self._answer(box)
        return box.standardButton(box.clickedButton()) == QMessageBox.StandardButton.Yes

    async def _ask(self, prompt: str, step: Step) -> str | None:
        """Live: ask the person at the phone to act and type what they received; None when they cancel."""
        dialog = QInputDialog(self)
        dialog.setWindowTitle(f"Scenario {step.title}")
        dialog.setLabelText(f"{prompt[:1].upper()}{prompt[1:]}; then type the code you received (or press OK).")
        dialog.setTextEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit if PRIVACY.enabled else QLineEdit.EchoMode.Normal)
        accepted = await self._answer(dialog) == QDialog.DialogCode.Accepted.value
        return dialog.textValue().strip() if accepted else None  # deleted later, on the loop: still readable

    async def _answer(self, dialog: QDialog) -> int:
        """Open ``dialog`` without blocking (``open``) and wait, on the loop, for how it was closed."""
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        dialog.finished.connect(lambda code: None if future.done() else future.set_result(int(code)))
        self.prompt = dialog
        dialog.open()
        try:
            return await future
        finally:
            self.prompt = None
            dialog.close()  # when stopped while open (closing an answered dialog does nothing)
            dialog.deleteLater()

    def _set_running(self, running: bool) -> None:
        for button in (self.run_button, self.run_all_button, self.reload_button, self.open_button):
            button.setEnabled(not running)
        self.stop_button.setEnabled(running)

    # ------------------------------------------------------------------------------------------- checklist
    def _add_run(self, scenario: Scenario) -> QTreeWidgetItem:
        top = QTreeWidgetItem(self.checklist, ["…"])
        set_cell(top, 1, scenario.name)
        set_cell(top, 2, "running")
        self.checklist.scrollToItem(top)
        return top

    @staticmethod
    def _end_run(top: QTreeWidgetItem, status: str, summary: str) -> None:
        top.setText(0, MARKS.get(status, "!"))
        top.setForeground(0, QBrush(QColor(COLOURS.get(status, theme.MUTED))))
        set_cell(top, 2, summary)

    def _add_step(self, top: QTreeWidgetItem, result: StepResult) -> None:
        if not self._alive:
            return
        row = QTreeWidgetItem(top, [MARKS.get(result.status, "!")])
        row.setForeground(0, QBrush(QColor(COLOURS.get(result.status, theme.MUTED))))
        top.setExpanded(True)
        set_cell(row, 1, f"{result.step.title} {step_argument(result.step)}".rstrip())
        keys = [k for k in result.expected if k != "within_s"]
        set_cell(row, 2, pairs((k, result.expected[k]) for k in keys))
        actual = pairs((k, result.actual.get(k)) for k in keys) if result.actual else ""
        set_cell(row, 3, actual if result.status in ("passed", "failed") else result.message)
        row.setData(0, EXCHANGE, result.exchange or "")
        row.setData(0, VERIFICATION, result.verification or "")
        row.setData(0, MESSAGE, result.message)
        for column in range(4):
            row.setToolTip(column, PRIVACY.mask(result.message or result.status))
        self.checklist.scrollToItem(row)

    def _on_step_clicked(self, item: QTreeWidgetItem | None, _column: int = 0) -> None:
        self._show_detail(item)
        if item is not None and (exchange := item.data(0, EXCHANGE)):
            self.exchange_chosen.emit(str(exchange))
        if item is not None and (verification := item.data(0, VERIFICATION)):
            self.verification_chosen.emit(str(verification))

    def _show_detail(self, item: QTreeWidgetItem | None) -> None:
        """Under the checklist, the chosen step's expected and actual values in full, and why it failed."""
        if item is None or item.parent() is None:
            show_text(self.detail, "")
            return
        lines = [f"expected {item.data(2, RAW) or '(nothing)'}", f"actual {item.data(3, RAW) or '(nothing)'}"]
        show_text(self.detail, "\n".join([*lines, item.data(0, MESSAGE) or ""]).strip())

    def refresh_privacy(self) -> None:
        """Redraw every text after screen-sharing mode changed (numbers and codes masked or shown)."""
        for tree in (self.scenario_list, self.checklist):
            pending = [tree.invisibleRootItem()]
            while pending:
                item = pending.pop()
                for column in range(tree.columnCount()):
                    if isinstance(raw := item.data(column, RAW), str):
                        item.setText(column, PRIVACY.mask(raw))
                pending += [child for i in range(item.childCount()) if (child := item.child(i)) is not None]
        show_text(self.folder_label, f"Your scenarios: {self.user_folder or '(loading…)'}")
        self._show_detail(self.checklist.currentItem())


def _read_files(user_folder: Path | None) -> list[tuple[Path, bool, ScenarioFile | str]]:
    """Every built-in file and every file of ``user_folder``, read and checked (on a worker thread)."""
    from console.scenarios.library import builtin_folder, scenario_files
    from console.scenarios.parsing import load_file

    found: list[tuple[Path, bool, ScenarioFile | str]] = []
    folders = [(builtin_folder(), True)] + ([(user_folder, False)] if user_folder is not None else [])
    for folder, builtin in folders:
        for path in scenario_files(folder):
            try:
                found.append((path, builtin, load_file(path)))
            except Exception as exc:  # ScenarioFileError says path:line:column; anything else is shown the same way
                found.append((path, builtin, str(exc)))
    return found
