"""Listener benchmark, measured from outside: every server in its own process, the load from other processes.

``.venv/bin/python bench/listener.py [--rounds 5] [--seconds 3] [--connections 32] [--processes 2]``

Servers, loaded in turn within each round (rounds interleaved, medians and spreads reported):

* ``listen``: ``otp-console listen --port 0`` (signature check, correlation, commit before answering, one JSON
  line per request on its stdout, here /dev/null);
* ``gui``: the console itself, offscreen, its log live (``OTP_CONSOLE_REPORT_STALLS=1`` makes it report the GUI
  thread's longest stall once it has started);
* ``floor``: ``bench/floors/floor_server.py --db``: aiohttp committing each request to SQLite (WAL,
  synchronous=NORMAL) before answering — the same work, nothing else;
* ``bare``: the same server storing nothing.

The load is ``bench/floors/load.py``: signed Zadarma NOTIFY_END callbacks, each with a unique number, from
``--processes`` processes sharing ``--connections`` keep-alive connections. After each round, the console's
history is read back: every number answered 2xx must be there (``lost``).

Summary: ``listener_ratio=… gui_ratio=… stored_ratio=… lost=… max_stall_ms=…`` — ``listen`` against the floor
(target ≥ 0.8), the GUI's listener against ``listen`` (target ≥ 0.8), ``listen`` against bare aiohttp, the rows
lost (target 0) and the GUI's longest stall under load.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOORS = ROOT / "bench" / "floors"
TARGET = 0.8
NUMBER = re.compile(r"[?&]n=(\d+)")


class Server:
    """One server process: started, its URL read from its output, loaded, stopped."""

    def __init__(self, name: str, cmd: list[str], env: dict[str, str], ready: Callable[[str], str | None]) -> None:
        self.name, self.cmd, self.env, self.ready = name, cmd, env, ready
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""
        self.stall_ms: float | None = None

    def start(self, reads_stderr: bool) -> None:
        self.proc = subprocess.Popen(
            self.cmd,
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL if reads_stderr else subprocess.PIPE,
            stderr=subprocess.PIPE if reads_stderr else subprocess.DEVNULL,
            text=True,
        )
        stream = self.proc.stderr if reads_stderr else self.proc.stdout
        assert stream is not None
        deadline = time.monotonic() + 60
        for line in stream:
            url = self.ready(line)
            if url:
                self.url = url
                return
            if time.monotonic() > deadline:
                break
        raise SystemExit(f"{self.name} did not say where it listens")

    def stop(self) -> None:
        proc = self.proc
        assert proc is not None
        proc.send_signal(signal.SIGTERM)
        if proc.stdout is not None:
            for line in proc.stdout:  # the GUI says its longest stall as it closes
                if line.startswith("max_stall_ms "):
                    self.stall_ms = float(line.split()[1])
        proc.wait(timeout=60)


def load(url: str, args: argparse.Namespace, first: int, out: Path) -> tuple[int, int, float, set[int]]:
    """Run the load process against ``url``; (sent, answered 2xx, seconds, the numbers answered 2xx)."""
    cmd = [
        sys.executable, str(FLOORS / "load.py"), url, "--seconds", str(args.seconds),
        "--connections", str(args.connections), "--processes", str(args.processes), "--first", str(first),
        "--out", str(out),
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=args.seconds + 120, check=True)
    figures = json.loads(done.stdout.splitlines()[-1])
    numbers = {int(n) for n in out.read_text().split()} if out.stat().st_size else set()
    return figures["sent"], figures["ok"], figures["seconds"], numbers


def stored_numbers(history: Path) -> set[int]:
    """Every callback number history holds (the rows' URLs carry them)."""
    if not history.exists():
        return set()
    with sqlite3.connect(f"file:{history}?mode=ro", uri=True) as connection:
        rows = connection.execute("SELECT data FROM exchanges WHERE operation = 'webhook'").fetchall()
    return {int(found.group(1)) for (data,) in rows if (found := NUMBER.search(data))}


def history_of(home: Path) -> Path:
    """The console's history file for this OTP_CONSOLE_HOME (as the console computes it)."""
    before = os.environ.get("OTP_CONSOLE_HOME")
    os.environ["OTP_CONSOLE_HOME"] = str(home)
    try:
        sys.path.insert(0, str(ROOT))
        from console.core import paths

        return paths.history_path()
    finally:
        if before is None:
            os.environ.pop("OTP_CONSOLE_HOME", None)
        else:
            os.environ["OTP_CONSOLE_HOME"] = before


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds, servers interleaved (default: %(default)s)")
    parser.add_argument("--seconds", type=float, default=3.0, help="load per server and round")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--processes", type=int, default=2, help="load processes")
    args = parser.parse_args()
    py = sys.executable
    rates: dict[str, list[float]] = {"listen": [], "gui": [], "floor": [], "bare": []}
    lost = 0
    stalls: list[float] = []
    with tempfile.TemporaryDirectory(prefix="otp-console-bench-listener-") as tmp:
        tmpdir = Path(tmp)
        homes = {"listen": tmpdir / "listen-home", "gui": tmpdir / "gui-home"}
        base = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
        servers = {
            "listen": Server(
                "listen", [py, "-m", "console", "listen", "--port", "0"],
                base | {"OTP_CONSOLE_HOME": str(homes["listen"])},
                lambda line: line.split()[2] if line.startswith("listening on ") else None,
            ),
            "gui": Server(
                "gui", [py, "-m", "console"],
                base | {"OTP_CONSOLE_HOME": str(homes["gui"]), "OTP_CONSOLE_REPORT_STARTED": "1",
                        "OTP_CONSOLE_REPORT_STALLS": "1"},
                lambda line: line.split()[1] if line.startswith("started ") else None,
            ),
            "floor": Server(
                "floor", [py, str(FLOORS / "floor_server.py"), "--db", str(tmpdir / "floor.sqlite3")], base,
                lambda line: line.split()[1] if line.startswith("ready ") else None,
            ),
            "bare": Server(
                "bare", [py, str(FLOORS / "floor_server.py")], base,
                lambda line: line.split()[1] if line.startswith("ready ") else None,
            ),
        }  # fmt: skip
        first = 0
        for round_no in range(1, args.rounds + 1):
            for name, server in servers.items():
                server.start(reads_stderr=name == "listen")
                sent, ok, seconds, numbers = load(f"{server.url}/hooks/zadarma", args, first, tmpdir / "ok.txt")
                server.stop()
                first += sent + 10**8
                rates[name].append(ok / seconds)
                note = ""
                if name in homes:
                    missing = numbers - stored_numbers(history_of(homes[name]))
                    lost += len(missing)
                    note = f", {len(missing)} lost"
                if server.stall_ms is not None:
                    stalls.append(server.stall_ms)
                    note += f", longest GUI stall {server.stall_ms:.0f} ms"
                print(f"round {round_no} {name:6}: {ok:6} answered 2xx of {sent:6} = {rates[name][-1]:8,.0f}/s{note}")
    medians = {name: statistics.median(values) for name, values in rates.items()}
    for name, values in rates.items():
        print(f"{name:6} median {medians[name]:8,.0f}/s (spread {min(values):,.0f}–{max(values):,.0f})")
    listener_ratio = medians["listen"] / medians["floor"]
    gui_ratio = medians["gui"] / medians["listen"]
    stored_ratio = medians["listen"] / medians["bare"]
    max_stall = max(stalls, default=0.0)
    verdict = "met" if listener_ratio >= TARGET else "MISSED"
    print(f"listen vs the same-work floor: {listener_ratio:.2f} (target ≥ {TARGET}: {verdict})")
    gui_verdict = "met" if gui_ratio >= TARGET else "MISSED"
    print(f"the GUI's listener vs listen: {gui_ratio:.2f} (target ≥ {TARGET}: {gui_verdict})")
    print(f"lost rows: {lost} (target 0)")
    print(
        f"listener_ratio={listener_ratio:.2f} gui_ratio={gui_ratio:.2f} stored_ratio={stored_ratio:.2f} "
        f"lost={lost} max_stall_ms={max_stall:.0f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
