"""``otp-console listen``'s port: 8765 by default (the next free one when taken, said in a line); --port N exactly.

Other processes run beside these tests: they use ports they pick themselves, except the ones that must check the
default, which hold 8765 themselves (or find it held) and accept the next free port when it is not theirs to take.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from console.core.settings import DEFAULT_LISTENER_PORT
from tests.unit.listener.test_port_choice import free_block, occupy

START_WITHIN_S = 30.0
MOVED = re.compile(r"^8765(-\d+)? (was|were) taken \(by (another program|other programs)\): listening on \d+")


_STARTED: list[subprocess.Popen[str]] = []


@pytest.fixture(autouse=True)
def _no_listener_left() -> Iterator[None]:
    """A test that fails half-way leaves no listener running (nor its pipes open)."""
    yield
    while _STARTED:
        proc = _STARTED.pop()
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


def listen(*args: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "console", "listen", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    _STARTED.append(proc)
    return proc


def until_ready(proc: subprocess.Popen[str]) -> tuple[str, list[str]]:
    """The listener's URL (the first stderr line) and the rest of the banner, up to "ready"."""
    assert proc.stderr is not None
    first = proc.stderr.readline()
    assert first.startswith("listening on http://127.0.0.1:"), first + proc.stderr.read()
    banner = []
    deadline = time.monotonic() + START_WITHIN_S
    while time.monotonic() < deadline and not (line := proc.stderr.readline()).startswith("ready") and line:
        banner.append(line)
    return first.split()[2], banner


def stop(proc: subprocess.Popen[str]) -> tuple[int, list[dict[str, Any]]]:
    """SIGINT, then the exit code and every stdout line."""
    proc.send_signal(signal.SIGINT)
    out, _err = proc.communicate(timeout=15)
    return proc.returncode, [json.loads(line) for line in out.splitlines()]


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def test_without_port_the_listener_takes_8765_or_says_where_it_went() -> None:
    proc = listen()
    url, banner = until_ready(proc)
    assert httpx.get(f"{url}/hooks/zadarma?zd_echo=hi").text == "hi"
    code, lines = stop(proc)
    assert code == 0
    moved = [line for line in lines if line.get("event") == "port_moved"]
    if port_of(url) == DEFAULT_LISTENER_PORT:  # 8765 was free
        assert moved == []
        assert not any(line.startswith("note:") for line in banner)
    else:  # another program (another test run) holds it here
        assert moved[0]["wanted"] == DEFAULT_LISTENER_PORT
        assert moved[0]["port"] == port_of(url)


def test_the_default_port_taken_moves_to_the_next_free_one_with_a_line() -> None:
    try:
        held = occupy(DEFAULT_LISTENER_PORT)
    except OSError:  # another program holds it already: the same situation
        held = None
    try:
        proc = listen()
        url, banner = until_ready(proc)
        assert port_of(url) != DEFAULT_LISTENER_PORT
        assert httpx.get(f"{url}/hooks/zadarma?zd_echo=moved").text == "moved"
        code, lines = stop(proc)
    finally:
        if held is not None:
            held.close()
    assert code == 0
    first = lines[0]  # before any request line
    assert first["event"] == "port_moved"
    assert (first["wanted"], first["port"], first["url"]) == (DEFAULT_LISTENER_PORT, port_of(url), url)
    assert MOVED.match(first["message"]), first["message"]  # 8765 (and maybe the next ones) taken
    assert f"listening on {port_of(url)}" in first["message"]
    assert any(line == f"note: {first['message']}\n" for line in banner)
    assert [line["path"] for line in lines[1:]] == ["/hooks/zadarma"]


def test_an_explicit_port_taken_is_exit_2_and_one_json_line() -> None:
    with occupy() as other:
        taken = other.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "console", "listen", "--port", str(taken)],
            capture_output=True,
            text=True,
            timeout=60,
            env=os.environ.copy(),
        )
    assert result.returncode == 2
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    line = json.loads(lines[0])
    assert line["event"] == "error"
    assert f":{taken}" in line["message"]
    assert "already in use" in line["message"]
    assert "Traceback" not in result.stderr


def test_an_explicit_free_port_is_used_exactly_and_never_a_move() -> None:
    chosen = free_block(1)
    proc = listen("--port", str(chosen))
    url, banner = until_ready(proc)
    assert url == f"http://127.0.0.1:{chosen}"
    code, lines = stop(proc)
    assert (code, lines) == (0, [])
    assert not any(line.startswith("note:") for line in banner)


def test_port_0_is_still_any_free_port() -> None:
    proc = listen("--port", "0")
    url, _banner = until_ready(proc)
    assert port_of(url) > 0
    code, lines = stop(proc)
    assert (code, lines) == (0, [])
