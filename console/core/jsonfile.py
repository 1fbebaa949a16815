"""JSON files written atomically (a temporary file in the same folder, then a rename) and read forgivingly."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any


def write_text_atomically(path: Path, text: str, mode: int | None = None) -> None:
    """Replace ``path`` with ``text`` in one rename, so a reader sees the old file or the new, never half.

    ``mode`` (e.g. ``0o600`` for secrets) is set on the new file before it takes the name.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_json(path: Path, data: dict[str, Any], *, indent: int = 2, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` atomically, keys sorted."""
    write_text_atomically(path, json.dumps(data, indent=indent, sort_keys=True, ensure_ascii=False), mode)


def read_json(path: Path, problems: list[str] | None = None) -> dict[str, Any]:
    """A JSON object from ``path``, or ``{}``.

    A file that is not JSON, or JSON that is not an object, is copied aside (``.damaged``) first, so writing over
    it loses nothing; what happened is appended to ``problems`` when given.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        if problems is not None:
            problems.append(f"{path} cannot be read ({exc}).")
        return {}
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        data = None
        why = "is not valid JSON"
    else:
        why = f"holds JSON that is not an object ({type(data).__name__})"
    if isinstance(data, dict):
        return data
    kept = path.with_name(path.name + ".damaged")
    if not kept.exists():
        shutil.copyfile(path, kept)
    if problems is not None:
        problems.append(f"{path} {why}: it is kept as {kept}, and is written anew when it changes.")
    return {}
