"""The menu bar: each action calls what it names; the checkable ones toggle their setting."""

from __future__ import annotations

from PySide6.QtWidgets import QMenuBar
from pytestqt.qtbot import QtBot

from console.ui.menus import build_menus


class _Target:
    def __init__(self) -> None:
        self.calls: list[object] = []

    def open_history(self) -> None:
        self.calls.append("history")

    def lock_secrets(self) -> None:
        self.calls.append("lock")

    def quit_console(self) -> None:
        self.calls.append("quit")

    def clear_log(self) -> None:
        self.calls.append("clear log")

    def show_latency_chart(self, on: bool) -> None:
        self.calls.append(("latency chart", on))

    def set_privacy(self, on: bool) -> None:
        self.calls.append(("privacy", on))

    def open_debugger(self) -> None:
        self.calls.append("debugger")

    def open_spend_guard(self) -> None:
        self.calls.append("spend guard")

    def set_history_masking(self, on: bool) -> None:
        self.calls.append(("history masking", on))


def test_every_action_calls_its_target(qtbot: QtBot) -> None:
    bar = QMenuBar()
    qtbot.addWidget(bar)
    target = _Target()
    exports: list[str] = []
    actions = build_menus(bar, target, exports.append)
    checkable = (actions.mask, actions.history_masking, actions.latency_chart)
    menus = {a.text(): a.menu() for a in bar.actions()}
    assert list(menus) == ["&File", "&View", "&Tools"]
    by_text = {a.text(): a for menu in menus.values() for a in menu.actions() if a.text()}  # type: ignore[attr-defined]
    for action in by_text.values():
        if action not in checkable:
            action.trigger()
    actions.mask.trigger()
    actions.mask.trigger()
    actions.history_masking.trigger()
    actions.latency_chart.trigger()
    assert target.calls == [
        "history",
        "lock",
        "quit",
        "clear log",
        "debugger",
        "spend guard",
        ("privacy", True),
        ("privacy", False),
        ("history masking", True),
        ("latency chart", True),
    ]
    assert all(action.isCheckable() for action in checkable)
    assert exports == ["har", "jsonl", "evidence"]
    assert by_text["Search history…"].shortcut().toString() == "Ctrl+H"
    assert actions.mask.shortcut().toString() == "Ctrl+Shift+M"
    assert actions.clear_log.shortcut().toString() == "Ctrl+L"
    assert by_text["Quit"].shortcut().toString() == "Ctrl+Q"
