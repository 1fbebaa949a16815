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


PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
# the console's own files, tightened where an earlier version left them readable by others
OWN_FILES = ("history.sqlite3", "secrets.enc", "settings.json", "ui_state.json", "profiles.json")
_tightened: set[Path] = set()


def private_dir(path: Path, *, own: bool = True) -> Path:
    """Create ``path`` owner-only (0700 on POSIX) and tighten what an earlier version made more open.

    Once per process: the folder itself when it is the console's own (``own``: not a folder the user named in
    OTP_CONSOLE_HOME that existed before), and the console's files directly in it (0600).
    """
    existed = path.is_dir()
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    if os.name != "posix" or path in _tightened:
        return path
    _tightened.add(path)
    try:
        if own or not existed:
            os.chmod(path, PRIVATE_DIR)
        for child in path.iterdir():
            if child.is_file() and not child.is_symlink() and (own or child.name.startswith(OWN_FILES)):
                os.chmod(child, PRIVATE_FILE)
    except OSError:  # not ours to change (a shared folder): leave it as it is
        pass
    return path


def data_dir() -> Path:
    """Folder for history and simulator state (created on first use, owner-only)."""
    home = _home_override()
    if home:
        return private_dir(home, own=False)
    return private_dir(Path(_platformdirs().user_data_dir(APP_ID, appauthor=False)))


def config_dir() -> Path:
    """Folder for settings and UI state (created on first use, owner-only)."""
    home = _home_override()
    base = home / "config" if home else Path(_platformdirs().user_config_dir(APP_ID, appauthor=False))
    return private_dir(base)


def simulator_dir() -> Path:
    """Folder where the simulators keep their state between one-shot commands."""
    return private_dir(data_dir() / "simulator")


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
