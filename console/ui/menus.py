"""The main window's menu bar: File (history, secrets, exports, quit), View (log, chart, mask) and Tools."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenuBar


class MenuTarget(Protocol):
    """What the menus' actions call (the main window)."""

    def open_history(self) -> None: ...

    def lock_secrets(self) -> None: ...

    def quit_console(self) -> None: ...

    def clear_log(self) -> None: ...

    def show_latency_chart(self, on: bool) -> None: ...

    def set_privacy(self, on: bool) -> None: ...

    def set_history_masking(self, on: bool) -> None: ...

    def open_debugger(self) -> None: ...

    def open_spend_guard(self) -> None: ...


@dataclass(frozen=True, slots=True)
class MenuActions:
    """The actions the window keeps: the checkable ones (their state is set from settings and from buttons).

    Attributes:
        mask: View > Mask numbers and codes (screen sharing).
        history_masking: File > Keep codes out of history.
        latency_chart: View > Latency chart (beside the log).
        clear_log: View > Clear log (history keeps every row).
    """

    mask: QAction
    history_masking: QAction
    latency_chart: QAction
    clear_log: QAction


def build_menus(bar: QMenuBar, target: MenuTarget, export: Callable[[str], None]) -> MenuActions:
    """Fill ``bar``; ``export`` is called with "har", "jsonl" or "evidence"."""
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
    menu.addSeparator()
    quit_action = menu.addAction("Quit", target.quit_console)
    quit_action.setShortcut(QKeySequence("Ctrl+Q"))
    view = bar.addMenu("&View")
    clear = view.addAction("Clear log", target.clear_log)
    clear.setShortcut(QKeySequence("Ctrl+L"))
    clear.setToolTip("Empty the log pane; history keeps every row (File > Search history)")
    chart = view.addAction("Latency chart")
    chart.setIconText("Chart")  # its button on the log's bar, where room is short
    chart.setCheckable(True)
    chart.setShortcut(QKeySequence("Ctrl+Shift+L"))
    chart.setToolTip("Latency over time, one series per provider, beside the log")
    chart.toggled.connect(target.show_latency_chart)
    view.addSeparator()
    mask = view.addAction("Mask numbers and codes (screen sharing)")
    mask.setCheckable(True)
    mask.setShortcut(QKeySequence("Ctrl+Shift+M"))
    mask.toggled.connect(target.set_privacy)
    tools = bar.addMenu("&Tools")
    tools.addAction("Debug signatures and tokens…", target.open_debugger)
    tools.addAction("Spend guard for real sends…", target.open_spend_guard)
    return MenuActions(mask, codes, chart, clear)
