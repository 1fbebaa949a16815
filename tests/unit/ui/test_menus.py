"""The menu bar: each action calls what it names; the mask action is checkable and toggles privacy."""

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
    mask, codes = build_menus(bar, target, exports.append)
    menus = {a.text(): a.menu() for a in bar.actions()}
    assert list(menus) == ["&File", "&View", "&Tools"]
    actions = {a.text(): a for menu in menus.values() for a in menu.actions() if a.text()}  # type: ignore[attr-defined]
    for text in actions:
        if actions[text] not in (mask, codes):
            actions[text].trigger()
    mask.trigger()
    mask.trigger()
    codes.trigger()
    assert target.calls == [
        "history",
        "lock",
        "debugger",
        "spend guard",
        ("privacy", True),
        ("privacy", False),
        ("history masking", True),
    ]
    assert codes.isCheckable()
    assert exports == ["har", "jsonl", "evidence"]
    assert actions["Search history…"].shortcut().toString() == "Ctrl+H"
    assert mask.isCheckable()
    assert mask.shortcut().toString() == "Ctrl+Shift+M"
