"""The main window's menu bar: File (history, secrets, exports), View (screen-sharing mask) and Tools."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenuBar


class MenuTarget(Protocol):
    """What the menus' actions call (the main window)."""

    def open_history(self) -> None: ...

    def lock_secrets(self) -> None: ...

    def set_privacy(self, on: bool) -> None: ...

    def set_history_masking(self, on: bool) -> None: ...

    def open_debugger(self) -> None: ...

    def open_spend_guard(self) -> None: ...


def build_menus(bar: QMenuBar, target: MenuTarget, export: Callable[[str], None]) -> tuple[QAction, QAction]:
    """Fill ``bar``; ``export`` is called with "har", "jsonl" or "evidence".

    Returns the checkable actions: the screen-sharing mask, and "keep codes out of history".
    """
    menu = bar.addMenu("&File")
    history = menu.addAction("Search history…", target.open_history)
    history.setShortcut(QKeySequence("Ctrl+H"))
    codes = menu.addAction("Keep codes out of history")
    codes.setCheckable(True)
    codes.setToolTip("History gets each send's code masked in its bodies; the log and the console's checks keep it")
    codes.toggled.connect(target.set_history_masking)
    menu.addAction("Lock secrets", target.lock_secrets)
    menu.addSeparator()
    menu.addAction("Export log as HAR…", lambda: export("har"))
    menu.addAction("Export log as JSON lines…", lambda: export("jsonl"))
    menu.addAction("Export this verification's evidence…", lambda: export("evidence"))
    view = bar.addMenu("&View")
    mask = view.addAction("Mask numbers and codes (screen sharing)")
    mask.setCheckable(True)
    mask.setShortcut(QKeySequence("Ctrl+Shift+M"))
    mask.toggled.connect(target.set_privacy)
    tools = bar.addMenu("&Tools")
    tools.addAction("Debug signatures and tokens…", target.open_debugger)
    tools.addAction("Spend guard for real sends…", target.open_spend_guard)
    return mask, codes
