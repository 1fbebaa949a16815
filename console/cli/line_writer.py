"""JSON lines written by a thread of their own: a server's request path makes its line and queues it.

Measured under external load (``bench/listener.py``): encoding and flushing each line on the listener's thread cost
it a fifth of its throughput, and so did a writer thread that encoded the lines itself (every line handed the
interpreter lock back and forth). Here the caller encodes (a few microseconds, no lock contention), and the writer
wakes, waits :data:`BATCH_WAIT_S` for others, and writes them all at once: in order, flushed after every batch,
and :meth:`close` waits for every line queued.
"""

from __future__ import annotations

import json
import queue
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TextIO

import orjson

_DONE = object()
_OPTIONS = orjson.OPT_NON_STR_KEYS
BATCH_WAIT_S = 0.01  # a line waits at most this long for others to share its write


class LineWriter:
    """Writes JSON lines on ``stream`` in order, from a thread of its own (the caller only encodes them)."""

    def __init__(self, line_of: Callable[..., dict[str, Any]], stream: TextIO | None = None) -> None:
        self.line_of = line_of
        self.stream = stream if stream is not None else sys.stdout
        self.closed_by_reader = False  # the stream refused a write: later lines are dropped, not a traceback
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="json lines", daemon=True)
        self._thread.start()

    def put(self, *args: Any) -> None:
        """Make the line of ``line_of(*args)`` here and queue it (the writing happens on the writer's thread)."""
        self._queue.put(self._line(args))

    def close(self, timeout: float = 10.0) -> None:
        """Write every line queued so far, then stop."""
        self._queue.put(_DONE)
        self._thread.join(timeout)

    def _run(self) -> None:
        get, get_now = self._queue.get, self._queue.get_nowait
        while True:
            batch = [get()]  # wait for one line, then take every line already queued: one write for them all
            time.sleep(BATCH_WAIT_S)  # under load, let a batch gather instead of taking the lock line by line
            try:
                while True:
                    batch.append(get_now())
            except queue.Empty:
                pass
            done = batch[-1] is _DONE
            if done:
                batch.pop()
            if not self.closed_by_reader:
                try:
                    self.stream.write("".join(batch))
                    self.stream.flush()
                except (OSError, ValueError):  # the reader went away (a closed pipe): nobody left to tell
                    self.closed_by_reader = True
            if done:
                return

    def _line(self, item: tuple[Any, ...]) -> str:
        try:
            line = self.line_of(*item)
            try:
                return orjson.dumps(line, default=str, option=_OPTIONS).decode() + "\n"
            except orjson.JSONEncodeError:  # text that is not valid Unicode (a lone surrogate): escaped, as json does
                return json.dumps(line, default=str) + "\n"
        except Exception as exc:  # a line that cannot be made is said, never a silent gap
            return json.dumps({"event": "error", "message": f"could not write a line: {exc!r}"}) + "\n"
