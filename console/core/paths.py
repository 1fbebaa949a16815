"""Where state lives: platformdirs by default, everything under OTP_CONSOLE_HOME when it is set."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from console import APP_ID

HOME_ENV = "OTP_CONSOLE_HOME"


def _home_override() -> Path | None:
    value = os.environ.get(HOME_ENV, "").strip()
    return Path(value).expanduser() if value else None


def _platformdirs() -> Any:
    """The platformdirs module, imported on first use (not at start-up: the window is shown first)."""
    import platformdirs

    return platformdirs


def data_dir() -> Path:
    """Folder for history and simulator state (created on first use)."""
    home = _home_override()
    base = home if home else Path(_platformdirs().user_data_dir(APP_ID, appauthor=False))
    base.mkdir(parents=True, exist_ok=True)
    return base


def config_dir() -> Path:
    """Folder for settings and UI state (created on first use)."""
    home = _home_override()
    base = home / "config" if home else Path(_platformdirs().user_config_dir(APP_ID, appauthor=False))
    base.mkdir(parents=True, exist_ok=True)
    return base


def simulator_dir() -> Path:
    """Folder where the simulators keep their state between one-shot commands."""
    path = data_dir() / "simulator"
    path.mkdir(parents=True, exist_ok=True)
    return path


def history_path() -> Path:
    """The SQLite history database."""
    return data_dir() / "history.sqlite3"


def is_frozen() -> bool:
    """True inside the PyInstaller bundle."""
    return bool(getattr(sys, "frozen", False))


def resource_path(*parts: str) -> Path:
    """Path of a file under ``resources/``, in a checkout or inside the frozen bundle."""
    if is_frozen():
        root = Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
    else:
        root = Path(__file__).resolve().parents[2]
    return root.joinpath("resources", *parts)
