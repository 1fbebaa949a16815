"""The real start-up path: run_gui shows the window first, then the core; closing it shuts everything down."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from console.core import paths
from console.core.settings import Settings, save_settings
from console.ui.main_window import MainWindow
from console.ui.startup import run_gui


def test_run_gui_starts_the_simulators_and_saves_state_on_close(qapp: QApplication) -> None:
    save_settings(Settings(listener_port=0))  # any free port, not the users' default
    seen: dict[str, object] = {}

    def close_when_attached() -> None:
        windows = [w for w in qapp.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if windows and windows[0].forms:
            window = windows[0]
            seen["providers"] = sorted(window.forms)
            seen["log"] = type(window.log).__name__  # the panes were built after the first frame
            seen["status"] = window.sim_status.text()
            window.close()
        else:
            QTimer.singleShot(20, close_when_attached)

    QTimer.singleShot(20, close_when_attached)
    try:
        assert run_gui() == 0
    finally:
        qapp.setQuitOnLastWindowClosed(True)
    assert seen["log"] == "LogView"
    assert "zadarma" in seen["providers"]  # type: ignore[operator]
    assert str(seen["status"]).startswith("Simulators running on http://127.0.0.1:")
    state = json.loads((paths.config_dir() / "ui_state.json").read_text())
    assert state["provider"] in seen["providers"]  # type: ignore[operator]
    assert "geometry" in state


def test_exit_after_shown_reports_first_frame_then_ready(tmp_path: Path) -> None:
    env = dict(os.environ, OTP_CONSOLE_EXIT_AFTER_SHOWN="1", OTP_CONSOLE_HOME=str(tmp_path))
    env["QT_QPA_PLATFORM"] = "offscreen"
    out = subprocess.run(
        [sys.executable, "-m", "console"], env=env, capture_output=True, text=True, timeout=60, check=True
    ).stdout.split()
    assert [out[0], out[2]] == ["shown", "ready"]
    assert 0 < float(out[1]) <= float(out[3])


def test_the_complete_window_waits_for_nothing_it_does_not_show(tmp_path: Path) -> None:
    """Start-up's budget: the timeline tab (built when first needed) and the network stack load after the window."""
    script = (
        "import sys\n"
        "from console.__main__ import main\n"
        "main([])\n"
        "later = ('console.ui.timeline_view', 'console.ui.swimlanes', 'console.ui.lane_chart', 'httpx', 'aiohttp')\n"
        "print('loaded', *sorted(name for name in later if name in sys.modules))\n"
    )
    env = dict(
        os.environ, OTP_CONSOLE_EXIT_AFTER_SHOWN="1", OTP_CONSOLE_HOME=str(tmp_path), QT_QPA_PLATFORM="offscreen"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60, check=True
    ).stdout.splitlines()
    assert [line.split()[0] for line in out[:2]] == ["shown", "ready"]  # the window was complete
    assert out[-1] == "loaded"
