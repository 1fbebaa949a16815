"""Typed, versioned settings in a JSON file under the config dir; UI layout state kept apart; no secrets.

Bump ``SCHEMA_VERSION`` when a stored key changes meaning, and add a migration from the previous version.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.core import paths
from console.core.jsonfile import read_json, write_json

SCHEMA_VERSION = 1
DEFAULT_TIMEOUT_S = 30.0  # one provider request, connect to last byte (the GUI's setting, the CLI's --timeout)
# where the webhook listener listens unless told otherwise (the GUI's first run, `otp-console listen`); when it is
# taken, the next free port is used and said
DEFAULT_LISTENER_PORT = 8765
DEFAULT_IDLE_TIMEOUT_S = 5.0  # the listener closes a connection idle (or a request stalled) this long


@dataclass(slots=True)
class Settings:
    """User settings with their defaults."""

    schema_version: int = SCHEMA_VERSION
    timeout_s: float = DEFAULT_TIMEOUT_S
    ca_bundle: str | None = None
    # the port the listener last bound (a taken one moves to the next free port); 0: any free port
    listener_port: int = DEFAULT_LISTENER_PORT
    listener_public_url: str = ""
    listener_forward_to: str = ""
    # spend guard for real sends from the GUI: it warns (or, with spend_refuse, refuses like the CLI)
    spend_allow: list[str] = field(default_factory=list)
    spend_cooldown_s: float = 60.0
    spend_daily_cap: int = 20
    spend_refuse: bool = False
    # history gets the code of a send masked in its bodies (off: the record is what was sent)
    history_masks_codes: bool = False
    # where the user's scenario files live ("": the config folder's scenarios/, see scenarios_folder())
    scenarios_dir: str = ""


def scenarios_folder(settings: Settings) -> Path:
    """The folder of the user's scenarios: the setting's, else ``<config>/scenarios`` (made on first use)."""
    return Path(settings.scenarios_dir).expanduser() if settings.scenarios_dir else paths.config_dir() / "scenarios"


def settings_path() -> Path:
    return paths.config_dir() / "settings.json"


def ui_state_path() -> Path:
    return paths.config_dir() / "ui_state.json"


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings, keeping defaults for anything missing or malformed (blocking: call off the GUI thread)."""
    data = read_json(path or settings_path())
    names = {f.name for f in dataclasses.fields(Settings)}
    values = {k: v for k, v in data.items() if k in names}
    values["schema_version"] = SCHEMA_VERSION
    try:
        return Settings(**values)
    except TypeError:
        return Settings()


def save_settings(settings: Settings, path: Path | None = None) -> None:
    write_json(path or settings_path(), dataclasses.asdict(settings))


def load_ui_state(path: Path | None = None) -> dict[str, Any]:
    """Window geometry, splitter positions and the like (blocking: call off the GUI thread)."""
    return read_json(path or ui_state_path())


def save_ui_state(state: dict[str, Any], path: Path | None = None) -> None:
    write_json(path or ui_state_path(), state)
