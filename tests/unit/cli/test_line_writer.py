"""The JSON lines writer: every line, in order, written off the caller's thread; a line that cannot be made is said."""

from __future__ import annotations

import io
import json
import threading
import time
from typing import Any

from console.cli.line_writer import LineWriter


class ThreadNoting(io.StringIO):
    """A stream that notes which threads write to it."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: set[str] = set()

    def write(self, text: str) -> int:
        self.threads.add(threading.current_thread().name)
        return super().write(text)


def test_lines_come_out_in_order_from_their_own_thread_and_close_drains_them() -> None:
    stream = ThreadNoting()

    def line_of(n: int, extra: str = "") -> dict[str, Any]:
        return {"n": n, "extra": extra, "text": "ünïcode"}

    writer = LineWriter(line_of, stream)
    for n in range(500):
        writer.put(n, "x" if n % 2 else "")
    writer.close()
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["n"] for line in lines] == list(range(500))
    assert lines[1]["extra"] == "x"
    assert "ünïcode" in stream.getvalue()  # as the CLI's other lines: UTF-8, not \\u escapes
    assert stream.threads == {"json lines"}  # the caller never waits on the stream


def test_a_line_waits_at_most_the_batch_wait_before_it_is_written() -> None:
    stream = ThreadNoting()
    writer = LineWriter(lambda n: {"n": n}, stream)
    writer.put(1)
    deadline = time.monotonic() + 2
    while not stream.getvalue() and time.monotonic() < deadline:
        time.sleep(0.005)
    assert json.loads(stream.getvalue()) == {"n": 1}  # written (and flushed) without waiting for close
    writer.close()


def test_a_line_that_cannot_be_made_is_an_error_line_not_a_gap() -> None:
    stream = io.StringIO()

    def line_of(n: int) -> dict[str, Any]:
        if n == 1:
            raise ValueError("broken row")
        return {"n": n}

    writer = LineWriter(line_of, stream)
    for n in range(3):
        writer.put(n)
    writer.close()
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert lines[0] == {"n": 0}
    assert lines[1]["event"] == "error"
    assert "broken row" in lines[1]["message"]
    assert lines[2] == {"n": 2}


def test_a_line_with_text_that_is_not_valid_unicode_is_written_escaped() -> None:
    stream = io.StringIO()
    writer = LineWriter(lambda text: {"text": text}, stream)
    writer.put("header \udc80 byte")
    writer.close()
    assert json.loads(stream.getvalue()) == {"text": "header \udc80 byte"}
    assert stream.getvalue().isascii()


class ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError("the reader went away")


def test_a_reader_that_went_away_ends_the_writing_not_the_writer() -> None:
    stream = ClosedPipe()
    writer = LineWriter(lambda n: {"n": n}, stream)
    writer.put(1)
    writer.put(2)
    writer.close()
    assert writer.closed_by_reader
    assert not writer._thread.is_alive()  # it drained and stopped on close, no traceback on the way
