"""Start the GUI: the QApplication and the main window first, shown at once; then the async stack and the core.

Nothing here imports asyncio, qasync or the core's network code: the window is on screen before they load
(``bench/startup.py`` measures exactly this path).

Ctrl+C (SIGINT) and SIGTERM close the window as closing it does: the window state is saved, the listener and the
simulators stop, history closes, and the process exits 0 without a traceback. So does Qt's own loop ending
(``QApplication.quit``) before the window closed.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEventLoop
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from console import APP_NAME
from console.core.logstore import LogStore
from console.core.paths import resource_path
from console.ui import theme
from console.ui.bridge import CoreBridge
from console.ui.main_window import MainWindow

if TYPE_CHECKING:
    import asyncio

    from console.ui.app import ConsoleApp
    from console.ui.stall_meter import StallMeter

SHOW_WAIT_S = 1.0
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
WAKE_MS = 200  # without a wake-up fd (Windows), how often Python gets control to run a signal's handler
# set to 1: once the console is up, print "started <listener URL>" on stdout (tests and scripts wait for it)
STARTED_ENV = "OTP_CONSOLE_REPORT_STARTED"
# How long a busy thread (the listener under load) may keep the interpreter while the GUI thread waits for it:
# every call from Qt into Python waits this long at worst (Python's default is 5 ms). Measured with
# bench/listener.py: the GUI's listener answered 3.4–3.8k callbacks/s with the default, 3.1–4.4k (median
# 4.2k) with 0.5 ms, its longest stall unchanged.
GUI_SWITCH_INTERVAL_S = 0.0005


def make_qapp() -> QApplication:
    """The process's QApplication, created once, with the app's name and icon."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("otp-console")
    theme.apply_color_scheme(app)  # light or dark as the system says, and again when it changes
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
    """Open the console on its simulators and run until the window closes (or SIGINT/SIGTERM closes it)."""
    with _stop_signals_caught() as asked:
        return _run_gui(started, asked)


@contextmanager
def _stop_signals_caught() -> Iterator[list[int]]:
    """Until the loop runs, SIGINT/SIGTERM are only noted (in the list yielded); the handlers are restored after.

    A signal ignored when the app starts (``nohup``, a background job of a non-interactive shell) stays ignored.
    """
    asked: list[int] = []

    def note(signum: int, _frame: FrameType | None) -> None:
        asked.append(signum)

    previous = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}
    previous = {sig: handler for sig, handler in previous.items() if handler is not signal.SIG_IGN}
    for sig in previous:
        signal.signal(sig, note)
    try:
        yield asked
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _run_gui(started: float | None, asked: list[int]) -> int:
    started = started if started is not None else time.perf_counter()
    sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)
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
    say = _say_started(console) if os.environ.get(STARTED_ENV) == "1" else None
    stalls = _stall_meter()

    def say_started() -> None:  # the console is up: say so, and measure stalls from now on (not start-up's)
        if say is not None:
            say()
        if stalls is not None:
            stalls.reset()

    with loop:
        let_go = _close_on_signals(loop, console)
        if asked:  # a signal came while the window was being shown: the console starts, then closes at once
            console.request_close()
        task = loop.create_task(console.run_until_closed(say_started))
        task.add_done_callback(lambda _task: loop.stop())
        try:
            # run_forever, not run_until_complete: when Qt's loop ends first (QApplication.quit, which also
            # closes the window), the shutdown must go on inside the loop, not in qasync's last processEvents
            while not task.done():
                loop.run_forever()
                if not task.done():
                    console.request_close()
            _finish_leftover_tasks(loop)
        finally:
            let_go()
            if stalls is not None:
                print(f"max_stall_ms {stalls.max_ms:.1f}", flush=True)
        task.result()  # start's own failure, if any, is a real crash: its traceback is shown
    asyncio.set_event_loop(None)
    return 0


def _close_on_signals(loop: asyncio.AbstractEventLoop, console: ConsoleApp) -> Callable[[], None]:
    """SIGINT and SIGTERM close the window, promptly even while Qt idles.

    The loop's own signal handling writes each signal to its self-pipe (``signal.set_wakeup_fd``), which qasync
    watches with a QSocketNotifier: Qt wakes and the close runs on the GUI thread. Where the loop cannot handle
    signals (Windows), a Python handler does it, and a short QTimer gives the interpreter control to run it.

    Returns:
        What undoes it (call it before the loop closes): the signals are then only noted until run_gui returns.
    """
    noted = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}  # _stop_signals_caught's handler
    noted = {sig: handler for sig, handler in noted.items() if handler is not signal.SIG_IGN}
    try:
        for sig in noted:
            loop.add_signal_handler(sig, console.request_close)
    except (NotImplementedError, RuntimeError, ValueError):
        return _close_on_signals_by_timer(loop, console, noted)

    def let_go() -> None:
        for sig, handler in noted.items():
            loop.remove_signal_handler(sig)
            signal.signal(sig, handler)

    return let_go


def _close_on_signals_by_timer(
    loop: asyncio.AbstractEventLoop, console: ConsoleApp, noted: dict[signal.Signals, Any]
) -> Callable[[], None]:
    from PySide6.QtCore import QTimer

    for sig in noted:
        signal.signal(sig, lambda *_: loop.call_soon_threadsafe(console.request_close))
    wake = QTimer()
    wake.timeout.connect(lambda: None)  # Python runs: a pending signal's handler with it
    wake.start(WAKE_MS)

    def let_go() -> None:
        wake.stop()
        for sig, handler in noted.items():
            signal.signal(sig, handler)

    return let_go


def _stall_meter() -> StallMeter | None:
    """With ``OTP_CONSOLE_REPORT_STALLS=1`` (benchmarks), the GUI thread's longest stall is measured."""
    from console.ui.stall_meter import STALLS_ENV, StallMeter

    return StallMeter() if os.environ.get(STALLS_ENV) == "1" else None


def _say_started(console: ConsoleApp) -> Callable[[], None]:
    def say() -> None:
        listener = console.listener
        url = listener.url if listener is not None and listener.running else "-"
        print(f"started {url}", flush=True)

    return say


def _finish_leftover_tasks(loop: asyncio.AbstractEventLoop, timeout_s: float = 2.0) -> None:
    """Cancel tasks still pending once the console has shut down, and let them end, while the loop is open.

    A task left pending is destroyed later, with the Qt objects it refers to already gone, and asyncio would
    then report "Task was destroyed but it is pending" at exit.
    """
    import asyncio

    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.wait(pending, timeout=timeout_s))
    loop.run_until_complete(loop.shutdown_asyncgens())
