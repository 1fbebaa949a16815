"""JSON lines written by a thread of their own: a server's request path only queues its line.

Encoding and writing each line (and flushing after each) on the listener's thread cost it a fifth of its
throughput; here the lines go out in order, flushed whenever the queue runs dry, and :meth:`close` waits for
every one queued.
"""

from __future__ import annotations

import json
import queue
import sys
import threading
from collections.abc import Callable
from typing import Any, TextIO

_DONE = object()


class LineWriter:
    """Turns queued items into JSON lines on ``stream``, in order, off the caller's thread."""

    def __init__(self, line_of: Callable[..., dict[str, Any]], stream: TextIO | None = None) -> None:
        self.line_of = line_of
        self.stream = stream if stream is not None else sys.stdout
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="json lines", daemon=True)
        self._thread.start()

    def put(self, *args: Any) -> None:
        """Queue the arguments of one line (``line_of(*args)`` is called on the writer's thread)."""
        self._queue.put(args)

    def close(self, timeout: float = 10.0) -> None:
        """Write every line queued so far, then stop."""
        self._queue.put(_DONE)
        self._thread.join(timeout)

    def _run(self) -> None:
        write, encode = self.stream.write, json.JSONEncoder(ensure_ascii=False, default=str).encode
        while True:
            item = self._queue.get()
            if item is _DONE:
                self.stream.flush()
                return
            try:
                write(encode(self.line_of(*item)) + "\n")
            except Exception as exc:  # a line that cannot be made is said, never a silent gap
                write(json.dumps({"event": "error", "message": f"could not write a line: {exc!r}"}) + "\n")
            if self._queue.empty():
                self.stream.flush()
