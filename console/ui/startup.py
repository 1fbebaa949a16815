"""Start the GUI: the QApplication and the main window first, shown at once; then the async stack and the core.

Nothing here imports asyncio, qasync or the core's network code: the window is on screen before they load
(``bench/startup.py`` measures exactly this path).
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QEventLoop
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from console import APP_NAME
from console.core.logstore import LogStore
from console.core.paths import resource_path
from console.ui.bridge import CoreBridge
from console.ui.main_window import MainWindow

SHOW_WAIT_S = 1.0


def make_qapp() -> QApplication:
    """The process's QApplication, created once, with the app's name and icon."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("otp-console")
    icon = resource_path("icon.png")
    if icon.is_file():  # absent from a plain (non-editable) wheel install: Qt's default icon then
        app.setWindowIcon(QIcon(str(icon)))
    return app


def show_now(app: QApplication, window: MainWindow) -> None:
    """Show ``window`` and let Qt paint it before anything else loads (bounded: a hidden desktop never blocks)."""
    window.show()
    deadline = time.monotonic() + SHOW_WAIT_S
    while time.monotonic() < deadline:
        handle = window.windowHandle()
        if handle is not None and handle.isExposed():
            break
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    app.processEvents()


def run_gui(started: float | None = None) -> int:
    """Open the console on its simulators and run until the window closes."""
    started = started if started is not None else time.perf_counter()
    app = make_qapp()
    window = MainWindow(LogStore(), CoreBridge(), panes_now=False)
    show_now(app, window)
    bench = bool(os.environ.get("OTP_CONSOLE_EXIT_AFTER_SHOWN"))
    if bench:  # start-up benchmark hook: the first frame, then the complete window
        print(f"shown {(time.perf_counter() - started) * 1000:.1f}", flush=True)
    window.build_panes()
    app.processEvents()
    if bench:
        print(f"ready {(time.perf_counter() - started) * 1000:.1f}", flush=True)
        return 0

    import asyncio

    import qasync

    from console.ui.app import ConsoleApp

    # Closing the window ends run_until_closed, which still awaits the shutdown; Qt must not quit under it.
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    console = ConsoleApp(window)
    with loop:
        loop.run_until_complete(console.run_until_closed())
    return 0
