"""Ctrl+C, SIGTERM and Qt's loop ending close the GUI as closing its window does: state saved, quick, no traceback."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

from console.core import paths
from console.core.settings import Settings, save_settings
from console.ui.app import ConsoleApp
from tests.helpers.qtasync import run

EXIT_WITHIN_S = 2.0
START_WITHIN_S = 60.0

# Qt's own loop ends (QApplication.quit, as a desktop session ending does) once the console is up
QUIT_SCRIPT = """
import sys
from PySide6.QtCore import QTimer
from console.ui import app as app_module
from console.ui.startup import make_qapp, run_gui

qapp = make_qapp()
original = app_module.ConsoleApp.run_until_closed

async def run_until_closed(self, started=None):
    def then_quit():
        if started is not None:
            started()
        QTimer.singleShot(50, qapp.quit)
    await original(self, then_quit)

app_module.ConsoleApp.run_until_closed = run_until_closed
sys.exit(run_gui())
"""


class Gui:
    """``python -m console`` (or a script) in a subprocess, its output read as it comes."""

    def __init__(self, *args: str) -> None:
        save_settings(Settings(listener_port=0))  # this test's OTP_CONSOLE_HOME; any free port, not 8765
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", OTP_CONSOLE_REPORT_STARTED="1")
        self.proc = subprocess.Popen(
            [sys.executable, *(args or ("-m", "console"))],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.err: list[str] = []
        self._readers = [
            threading.Thread(target=self._read, args=(self.proc.stdout, self.lines.put), daemon=True),
            threading.Thread(target=self._read, args=(self.proc.stderr, self.err.append), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(stream: IO[str] | None, put: Any) -> None:
        assert stream is not None
        for line in stream:
            put(line)

    def started(self) -> str:
        """The listener's URL, once the console is up (its "started" line)."""
        deadline = time.monotonic() + START_WITHIN_S
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            if line.startswith("started "):
                return line.split()[1]
        raise AssertionError(f"the GUI did not start; stderr:\n{self.stderr()}")

    def wait(self, timeout: float) -> float:
        """Seconds until the process exited (it is killed after ``timeout``)."""
        began = time.monotonic()
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"still running after {timeout} s; stderr:\n{self.stderr()}") from None
        took = time.monotonic() - began
        self._close()
        return took

    def _close(self) -> None:
        for reader in self._readers:
            reader.join(5)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()

    def stderr(self) -> str:
        return "".join(self.err)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._close()


@pytest.fixture
def gui() -> Any:
    started: list[Gui] = []

    def launch(*args: str) -> Gui:
        started.append(Gui(*args))
        return started[-1]

    yield launch
    for each in started:
        each.kill()


def assert_closed_cleanly(app: Gui, url: str) -> None:
    assert app.proc.returncode == 0, app.stderr()
    assert "Traceback" not in app.stderr()
    assert "Unhandled error" not in app.stderr()
    assert "Task was destroyed" not in app.stderr()
    state = json.loads((paths.config_dir() / "ui_state.json").read_text())  # the window's layout was saved
    assert "geometry" in state
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{url}/?zd_echo=gone", timeout=2)  # the listener stopped with it


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_stop_signal_closes_the_window_as_closing_it_does(gui: Any, signum: signal.Signals) -> None:
    app = gui()
    url = app.started()
    assert httpx.get(f"{url}/?zd_echo=up", timeout=5).text == "up"
    assert not (paths.config_dir() / "ui_state.json").exists()  # written by the shutdown, not before
    app.proc.send_signal(signum)
    took = app.wait(timeout=30)
    assert took < EXIT_WITHIN_S, f"took {took:.2f} s"
    assert_closed_cleanly(app, url)


def test_a_stop_signal_while_idle_for_a_while_is_still_prompt(gui: Any) -> None:
    """Qt idles in C++; the signal still wakes it (a wake-up fd), no user input or timer needed."""
    app = gui()
    url = app.started()
    time.sleep(1.5)
    app.proc.send_signal(signal.SIGINT)
    took = app.wait(timeout=30)
    assert took < EXIT_WITHIN_S, f"took {took:.2f} s"
    assert_closed_cleanly(app, url)


def test_qt_ending_its_loop_first_still_shuts_down_cleanly(gui: Any, tmp_path: Path) -> None:
    script = tmp_path / "quit_after_start.py"
    script.write_text(QUIT_SCRIPT)
    app = gui(str(script))
    url = app.started()
    app.wait(timeout=30)
    assert_closed_cleanly(app, url)


def test_stop_gives_the_hooks_back(qtbot: Any, qloop: Any) -> None:
    """After stop, errors go where they went before start, never into the closed window's bridge."""
    save_settings(Settings(listener_port=0))
    seen: list[str] = []
    qloop.set_exception_handler(lambda _loop, context: seen.append(context["message"]))
    hook = sys.excepthook
    app = ConsoleApp()
    app.window.show()
    run(qloop, app.start())
    try:
        assert sys.excepthook is not hook
    finally:
        run(qloop, app.stop())
        app.window.close()
    assert sys.excepthook is hook
    qloop.call_exception_handler({"message": "after the stop"})
    assert seen == ["after the stop"]
