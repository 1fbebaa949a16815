"""Settings on disk: defaults for what is missing, and a damaged file kept aside rather than lost."""

from __future__ import annotations

from pathlib import Path

from console.core.settings import Settings, load_settings, save_settings


def test_damaged_settings_are_kept_aside_before_defaults_replace_them(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"timeout_s": 5,')  # cut off mid-write by someone else's editor
    assert load_settings(path) == Settings()
    save_settings(Settings(timeout_s=7), path)
    assert (tmp_path / "settings.json.damaged").read_text() == '{"timeout_s": 5,'
    assert load_settings(path).timeout_s == 7
