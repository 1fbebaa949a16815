"""What the console writes is owner-only: folders 0700, files 0600; what an earlier version left open is tightened."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from console.core import paths
from console.core.history import History
from console.core.settings import Settings, save_settings

pytestmark = pytest.mark.skipif(os.name != "posix", reason="permission bits are POSIX")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_history_settings_and_folders_are_owner_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(paths, "_tightened", set())
    history = History(paths.history_path())
    try:
        history.flush()
    finally:
        history.close()
    save_settings(Settings())
    data, config = paths.data_dir(), paths.config_dir()
    assert _mode(paths.history_path()) == 0o600
    assert _mode(config / "settings.json") == 0o600
    assert _mode(config) == 0o700
    assert _mode(paths.simulator_dir()) == 0o700
    assert data == tmp_path / "home"


def test_an_earlier_versions_open_files_are_tightened_at_start(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    os.chmod(home / "config", 0o755)
    for name in ("history.sqlite3", "profiles-notes.txt"):
        (home / name).write_text("x")
        os.chmod(home / name, 0o644)
    (home / "config" / "settings.json").write_text("{}")
    os.chmod(home / "config" / "settings.json", 0o644)
    monkeypatch.setattr(paths, "_tightened", set())
    paths.data_dir()
    paths.config_dir()
    assert _mode(home / "history.sqlite3") == 0o600
    assert _mode(home / "config") == 0o700
    assert _mode(home / "config" / "settings.json") == 0o600
    assert _mode(home / "profiles-notes.txt") == 0o644  # not the console's: a folder the user named is theirs
