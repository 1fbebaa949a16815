"""PySide6 6.12.0 on Python 3.11 aborts after ~5,200 void-returning Qt calls: this must never come back."""

from __future__ import annotations

import sys

from PySide6 import __version__ as pyside_version
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot


def test_twenty_thousand_settext_calls_survive(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    for i in range(20_000):
        label.setText(str(i))
    assert label.text() == "19999"


def test_pin_matches_python_version() -> None:
    major_minor = tuple(int(p) for p in pyside_version.split(".")[:2])
    if sys.version_info < (3, 12):
        assert major_minor < (6, 12), f"PySide6 {pyside_version} crashes on Python 3.11; pin <6.12"
    assert major_minor >= (6, 11)
