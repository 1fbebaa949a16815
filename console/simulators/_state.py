"""Simulator state on disk: one JSON file per provider, shared between processes under a file lock."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from console.core.jsonfile import write_text_atomically

log = logging.getLogger(__name__)

if sys.platform == "win32":  # no fcntl: no cross-process lock, one process at a time is assumed

    @contextlib.contextmanager
    def file_lock(path: Path) -> Iterator[None]:
        """No-op stand-in for the ``flock`` below."""
        yield

else:
    import fcntl

    @contextlib.contextmanager
    def file_lock(path: Path) -> Iterator[None]:
        """Hold an exclusive ``flock`` on ``path`` (released when the block ends)."""
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)  # owner-only, as everything the console writes
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


def dump(data: dict[str, Any]) -> str:
    """The canonical text of a state (stable, so an unchanged state is not rewritten)."""
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False)


def parse(text: str, path: Path) -> dict[str, Any]:
    """Decode a state file's text; an empty, damaged or non-object file counts as an empty state."""
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        log.warning("Simulator state %s is not valid JSON; starting from an empty state", path)
        return {}
    return data if isinstance(data, dict) else {}


class StateFile:
    """``<dir>/<name>.json`` guarded by ``<dir>/<name>.lock``; :meth:`open` is re-entrant per thread.

    Attributes:
        path: the JSON file.
        lock_path: the file ``flock`` is taken on.
        last_signature: :meth:`signature` as of the end of the last :meth:`open` (taken under the lock).
    """

    def __init__(self, state_dir: Path, name: str) -> None:
        state_dir.mkdir(parents=True, exist_ok=True)
        self.path = state_dir / f"{name}.json"
        self.lock_path = state_dir / f"{name}.lock"
        self._rlock = threading.RLock()
        self._current: dict[str, Any] | None = None
        self._owner: int | None = None
        self.last_signature: tuple[int, int, int] | None = None

    def _read_text(self) -> str:
        try:
            return self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return ""

    @contextlib.contextmanager
    def open(self) -> Iterator[dict[str, Any]]:
        """Lock, load, yield the state for reading or changing, then write it back if it changed.

        Nested use on the same thread yields the same dict and writes once, at the outermost exit. If the
        body raises, nothing is written.
        """
        with self._rlock:
            if self._current is not None:
                yield self._current
                return
            with file_lock(self.lock_path):
                before = self._read_text()
                data = parse(before, self.path)
                self._current, self._owner = data, threading.get_ident()
                try:
                    yield data
                finally:
                    self._current, self._owner = None, None
                after = dump(data)
                if after != (before or dump({})):
                    write_text_atomically(self.path, after)
                self.last_signature = self.signature()

    def is_open(self) -> bool:
        """True inside :meth:`open` on the calling thread."""
        return self._current is not None and self._owner == threading.get_ident()

    def read(self) -> dict[str, Any]:
        """A consistent snapshot of the state (taken under the lock)."""
        with self.open() as data:
            return json.loads(dump(data))  # type: ignore[no-any-return]

    def signature(self) -> tuple[int, int, int] | None:
        """(inode, size, mtime_ns) of the file, to notice cheaply that another process changed it."""
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)
