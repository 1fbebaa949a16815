"""Foreground work first: while the GUI paints, threads doing background work pause between their units of it.

Python runs one thread at a time. A busy background thread (the webhook listener under load) holds the interpreter
lock nearly always, and every call from Qt's thread into Python (a table's cell, an index) must wait for it: a
repaint of the log that takes 10 ms alone took 120 ms under load (bench/listener.py, the GUI's longest stall). So
the GUI says when it paints (:meth:`Foreground.working`), and background threads call :meth:`Foreground.pause`
between requests: they wait, bounded, until the painting is done. Nothing here knows what the GUI is.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

PAUSE_LIMIT_S = 0.05  # a background thread never waits longer than this for one piece of foreground work


class Foreground:
    """Counts the foreground work under way; background threads pause while there is any."""

    def __init__(self) -> None:
        self._busy = 0
        self._lock = threading.Lock()
        self._idle = threading.Event()
        self._idle.set()

    @contextmanager
    def working(self) -> Iterator[None]:
        """Mark foreground work (nested or from several places: it ends when the last one ends)."""
        with self._lock:
            self._busy += 1
            self._idle.clear()
        try:
            yield
        finally:
            with self._lock:
                self._busy -= 1
                if not self._busy:
                    self._idle.set()

    def pause(self, limit: float = PAUSE_LIMIT_S) -> None:
        """Wait (at most ``limit`` seconds) while foreground work is under way; return at once otherwise."""
        if self._busy:
            self._idle.wait(limit)


FOREGROUND = Foreground()
