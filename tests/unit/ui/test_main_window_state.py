"""The main window's saved state: restored when it fits a screen, ignored (the window fits itself) otherwise."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QRect
from pytestqt.qtbot import QtBot

from console.core.logstore import LogStore
from console.ui.bridge import CoreBridge
from console.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot) -> MainWindow:
    window = MainWindow(LogStore(), CoreBridge())
    qtbot.addWidget(window)
    return window


def _state_of(window: MainWindow, rect: QRect) -> dict[str, Any]:
    before = window.geometry()
    window.setGeometry(rect)
    state = window.ui_state()
    window.setGeometry(before)
    return state


def test_the_state_records_the_window_rectangle(window: MainWindow) -> None:
    frame = window.frameGeometry()
    assert window.ui_state()["window_rect"] == [frame.x(), frame.y(), frame.width(), frame.height()]


@pytest.mark.parametrize(
    "broken",
    [["a", 0, 10, 10], [0, 0, 10], "0,0,10,10", None, [0, 0, 5000, 4000]],
    ids=["not-numbers", "three-numbers", "text", "null", "larger-than-any-screen"],
)
def test_a_saved_rectangle_that_is_malformed_or_too_large_is_not_used(window: MainWindow, broken: Any) -> None:
    state = _state_of(window, QRect(0, 0, 5000, 4000)) | {"window_rect": broken}
    fitted = window.geometry()

    window.restore_ui_state(state)

    assert window.geometry() == fitted  # the window sized itself to the screen again
    assert window.width() < 5000


def test_a_geometry_that_is_not_a_geometry_is_not_used(window: MainWindow) -> None:
    fitted = window.geometry()
    window.restore_ui_state({"geometry": "not hex at all", "splitter": "00"})
    assert window.geometry() == fitted
