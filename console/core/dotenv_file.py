"""Reading a ``.env`` file: the values it sets, or nothing when there is none."""

from __future__ import annotations

from pathlib import Path

from dotenv import dotenv_values


def read_dotenv(path: Path | None) -> dict[str, str]:
    """Values of a ``.env`` file, or nothing when there is none."""
    if path is None or not path.is_file():
        return {}
    return {k: v for k, v in dotenv_values(path).items() if v is not None}
