"""The JSON lines writer: every line, in order, off the caller's thread; a line that cannot be made is said."""

from __future__ import annotations

import io
import json
import threading
from typing import Any

from console.cli.line_writer import LineWriter


def test_lines_come_out_in_order_from_their_own_thread_and_close_drains_them() -> None:
    stream = io.StringIO()
    threads: list[str] = []

    def line_of(n: int, extra: str = "") -> dict[str, Any]:
        threads.append(threading.current_thread().name)
        return {"n": n, "extra": extra, "text": "ünïcode"}

    writer = LineWriter(line_of, stream)
    for n in range(500):
        writer.put(n, "x" if n % 2 else "")
    writer.close()
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["n"] for line in lines] == list(range(500))
    assert lines[1]["extra"] == "x"
    assert "ünïcode" in stream.getvalue()  # as the CLI's other lines: UTF-8, not \\u escapes
    assert set(threads) == {"json lines"}


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
