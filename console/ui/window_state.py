"""The main window's saved state: geometry, pane sizes and provider, restored only where it fits a screen."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QByteArray, QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow, QSplitter

from console.ui.screen_fit import fits


class Restored(enum.Enum):
    """What :func:`restore` brought back."""

    NOTHING = "nothing"  # first launch: the window keeps the size it fitted itself to
    MUST_FIT = "must fit"  # the saved window would not fit any screen now (or the state is damaged)
    GEOMETRY = "geometry"  # the window's place and size, not the panes'
    PANES = "panes"  # the window and the user's pane sizes


def saved_state(window: QMainWindow, splitters: Mapping[str, QSplitter], provider: str | None) -> dict[str, Any]:
    """What to save: the geometry, the frame's rectangle (checked against the screens next time), each splitter."""
    frame = window.frameGeometry()
    state: dict[str, Any] = {
        "geometry": window.saveGeometry().toHex().toStdString(),
        "window_rect": [frame.x(), frame.y(), frame.width(), frame.height()],
    }
    for name, splitter in splitters.items():
        state[name] = splitter.saveState().toHex().toStdString()
    if provider is not None:
        state["provider"] = provider
    return state


def restore(window: QMainWindow, splitters: Mapping[str, QSplitter], state: Mapping[str, Any]) -> Restored:
    """Bring back the saved geometry and splitters when the window would lie wholly on one of the screens."""
    if "geometry" not in state:
        return Restored.NOTHING
    saved = saved_rect(state.get("window_rect"))
    if "window_rect" in state and (saved is None or not on_a_screen(saved)):
        return Restored.MUST_FIT
    geometry = QByteArray.fromHex(str(state["geometry"]).encode())
    if not window.restoreGeometry(geometry) or not on_a_screen(window.frameGeometry()):
        return Restored.MUST_FIT
    for name, splitter in splitters.items():
        value = state.get(name)
        if isinstance(value, str):
            splitter.restoreState(QByteArray.fromHex(value.encode()))
    return Restored.PANES if isinstance(state.get("splitter"), str) else Restored.GEOMETRY


def saved_rect(value: object) -> QRect | None:
    """The window rectangle saved in the UI state (``[x, y, width, height]``), or None when it is malformed."""
    if not isinstance(value, list) or len(value) != 4:
        return None
    try:
        return QRect(*(int(n) for n in value))
    except (TypeError, ValueError):
        return None


def on_a_screen(rect: QRect) -> bool:
    """Whether ``rect`` lies wholly inside the available area of one of the screens (a second monitor counts)."""
    return any(fits(rect, screen.availableGeometry()) for screen in QGuiApplication.screens())
