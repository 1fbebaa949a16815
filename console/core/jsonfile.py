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


def read_json(path: Path) -> dict[str, Any]:
    """A JSON object from ``path``, or ``{}``.

    A file that is not JSON is copied aside (``.damaged``) first, so writing defaults over it loses nothing.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError:
        return {}
    except ValueError:
        kept = path.with_name(path.name + ".damaged")
        if not kept.exists():
            shutil.copyfile(path, kept)
        return {}
    return data if isinstance(data, dict) else {}
