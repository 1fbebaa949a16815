"""History's file on disk: opened privately, a damaged one set aside (never deleted), failures in plain words."""

from __future__ import annotations

import datetime as dt
import errno
import os
import sqlite3
from pathlib import Path

from console.core.errors import ConsoleError

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
_SUFFIXES = ("", "-wal", "-shm", "-journal")
_DAMAGE = ("file is not a database", "malformed", "disk image", "file is encrypted", "unsupported file format")


class HistoryError(ConsoleError):
    """History cannot be opened, read or written; the message names the file and what to do about it."""


def is_damage(exc: BaseException) -> bool:
    """Whether SQLite says the file itself is damaged (as opposed to locked, read-only or full)."""
    text = str(exc).lower()
    return isinstance(exc, sqlite3.DatabaseError) and any(marker in text for marker in _DAMAGE)


def set_aside(path: Path) -> Path:
    """Rename a damaged database and its -wal/-shm files to ``<name>.damaged-<timestamp>``; return the new name."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while kept.exists():
        n += 1
        kept = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    for suffix in _SUFFIXES:
        source = path.with_name(path.name + suffix)
        if source.exists():
            os.replace(source, kept.with_name(kept.name + suffix))
    return kept


def make_private(path: Path) -> None:
    """Owner-only permissions for the database and its companion files (POSIX; elsewhere nothing)."""
    if os.name != "posix":
        return
    for suffix in _SUFFIXES:
        target = path.with_name(path.name + suffix)
        if target.is_file():
            os.chmod(target, PRIVATE_FILE)


def explain(exc: BaseException, path: Path) -> str:
    """One line naming the file, what is wrong with it and what to do."""
    text = str(exc)
    code = exc.errno if isinstance(exc, OSError) else None
    if path.is_dir():
        return f"History cannot be opened: {path} is a directory. Move it away (history is a file there)."
    if code in (errno.ENOSPC, errno.EFBIG) or "disk is full" in text:
        return f"History cannot be written: the disk holding {path} is full. Free some space, then retry."
    if "disk i/o error" in text.lower():
        return (
            f"History cannot be written: writing {path} failed (disk I/O error: a full disk, a file-size limit or a "
            "failing drive). Free some space or check the disk, then retry."
        )
    if code in (errno.EACCES, errno.EPERM, errno.EROFS) or "readonly" in text or "read-only" in text:
        return (
            f"History cannot be written: {path} (or its folder) is read-only. Make it writable, or set "
            "OTP_CONSOLE_HOME to a writable folder."
        )
    if "unable to open" in text:
        return f"History cannot be opened at {path}: {text}. Check the folder exists and is writable."
    if is_damage(exc):
        return f"History at {path} is damaged ({text})."
    return f"History at {path} failed: {type(exc).__name__}: {text}"


def integrity(path: Path) -> list[str]:
    """SQLite's integrity check of the file: ``["ok"]`` when sound, else the problems it lists.

    Raises:
        HistoryError: the file cannot be opened or read at all.
    """
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            return [str(row[0]) for row in conn.execute("PRAGMA integrity_check")]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        if is_damage(exc):
            return [str(exc)]
        raise HistoryError(explain(exc, path)) from exc
