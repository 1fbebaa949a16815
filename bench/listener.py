"""Listener benchmark, measured from outside: every server in its own process, the load from other processes.

``.venv/bin/python bench/listener.py [--rounds 5] [--seconds 5] [--connections 32] [--load auto|wrk|python]``

Servers, loaded in turn within each round (rounds interleaved, medians and spreads reported):

* ``listen``: ``otp-console listen --port 0`` (signature check, correlation, commit before answering, one JSON
  line per request on its stdout, here /dev/null);
* ``gui``: the console itself, offscreen, its log live (``OTP_CONSOLE_REPORT_STALLS=1`` makes it report the GUI
  thread's longest stall once it has started);
* ``floor``: ``bench/floors/floor_server.py --db``: aiohttp committing each request to SQLite (WAL,
  synchronous=NORMAL) before answering — the same work, nothing else;
* ``bare``: the same server storing nothing;
* ``floor_uv``: the floor on uvloop's event loop, which the console's listener uses where uvloop is installed:
  how much of ``listen``'s figure is the event loop rather than the listener's own work.

The load comes from another process: signed Zadarma NOTIFY_END callbacks, each with a unique ``?n=`` number,
over ``--connections`` keep-alive connections. With wrk installed (``--load auto``, the default, or ``--load
wrk``) it is ``wrk -t1`` running ``bench/floors/load.lua``; otherwise ``bench/floors/load.py``, ``--processes``
Python processes. After each round, the console's history is read back for ``lost``: with the Python load, every
number answered 2xx must be there; wrk cannot say which numbers it got answers for, so at least as many of
the numbers it sent must be stored as it got 2xx answers (a row answered 2xx but not stored shows unless a
request still in flight when the load stopped was stored in its place).

Each server's CPU time per request (user + system, read from /proc) is reported beside its rate: on a shared
machine it moves less than the rate does.

Summary: ``listener_ratio=… gui_ratio=… stored_ratio=… lost=… max_stall_ms=… cpu_ratio=… uv_floor_ratio=… load=…``
— ``listen`` against the floor (target ≥ 0.8), the GUI's listener against ``listen`` (target ≥ 0.8), ``listen``
against bare aiohttp, the rows lost (target 0), the GUI's longest stall under load, the floor's CPU time per
request over ``listen``'s (the same comparison by CPU, steadier on a shared machine), ``listen`` against the
floor on uvloop, and which load generator ran.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass
class Load:
    """One load run: requests sent, answered 2xx, seconds, and what the lost-row check needs."""

    sent: int
    ok: int
    seconds: float
    numbers: set[int] | None  # the numbers answered 2xx (the Python load), or None (wrk: counts only)
    first: int

    def lost(self, stored: set[int]) -> int:
        """Rows answered 2xx that history does not hold (wrk: by count over the numbers it sent)."""
        if self.numbers is not None:
            return len(self.numbers - stored)
        sent = {n for n in stored if self.first < n <= self.first + self.sent}
        return max(0, self.ok - len(sent))


def load(url: str, args: argparse.Namespace, first: int, out: Path) -> Load:
    """Run the load process (wrk or the Python one) against ``url``."""
    if args.load == "wrk":
        return load_wrk(url, args, first)
    cmd = [
        sys.executable, str(FLOORS / "load.py"), url, "--seconds", str(args.seconds),
        "--connections", str(args.connections), "--processes", str(args.processes), "--first", str(first),
        "--out", str(out),
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=args.seconds + 120, check=True)
    figures = json.loads(done.stdout.splitlines()[-1])
    numbers = {int(n) for n in out.read_text().split()} if out.stat().st_size else set()
    return Load(figures["sent"], figures["ok"], figures["seconds"], numbers, first)


def load_wrk(url: str, args: argparse.Namespace, first: int) -> Load:
    """wrk, one thread, ``--connections`` connections, the Lua script numbering each request from ``first + 1``."""
    sys.path.insert(0, str(FLOORS))
    from load import payload  # the Python load's body and signature: the same callback either way

    body, headers = payload()
    cmd = [
        "wrk", "-t1", f"-c{args.connections}", f"-d{args.seconds:g}s", "-s", str(FLOORS / "load.lua"), url,
        "--", str(first), body.decode(), headers["Signature"],
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=args.seconds + 120, check=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return Load(figures["sent"], figures["ok"], figures["seconds"], None, first)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stored_numbers(history: Path) -> set[int]:
    """Every callback number history holds (the rows' URLs carry them)."""
    if not history.exists():
        return set()
    with sqlite3.connect(f"file:{history}?mode=ro", uri=True) as connection:
        rows = connection.execute("SELECT data FROM exchanges WHERE operation = 'webhook'").fetchall()
    return {int(found.group(1)) for (data,) in rows if (found := NUMBER.search(data))}


def floor_ready(line: str) -> str | None:
    """The URL in a floor server's ``ready <url>`` line."""
    return line.split()[1] if line.startswith("ready ") else None


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
    parser.add_argument("--seconds", type=float, default=5.0, help="load per server and round")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--processes", type=int, default=2, help="Python load processes")
    parser.add_argument(
        "--load", choices=("auto", "wrk", "python"), default="auto", help="the load generator (auto: wrk if installed)"
    )
    args = parser.parse_args()
    if args.load == "auto":
        args.load = "wrk" if shutil.which("wrk") else "python"
    print(f"load: {args.load}, {args.connections} connections, {args.seconds:g} s per server and round")
    py = sys.executable
    rates: dict[str, list[float]] = {"listen": [], "gui": [], "floor": [], "bare": [], "floor_uv": []}
    cpu: dict[str, list[float]] = {name: [] for name in rates}
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
                floor_ready,
            ),
            "bare": Server(
                "bare", [py, str(FLOORS / "floor_server.py")], base,
                floor_ready,
            ),
            "floor_uv": Server(
                "floor_uv", [py, str(FLOORS / "floor_server.py"), "--db", str(tmpdir / "floor-uv.sqlite3"), "--uvloop"],
                base, floor_ready,
            ),
        }  # fmt: skip
        first = 0
        for round_no in range(1, args.rounds + 1):
            for name, server in servers.items():
                server.start(reads_stderr=name == "listen")
                assert server.proc is not None
                cpu_before = cpu_seconds(server.proc.pid)
                run = load(f"{server.url}/hooks/zadarma", args, first, tmpdir / "ok.txt")
                cpu[name].append((cpu_seconds(server.proc.pid) - cpu_before) / max(run.ok, 1) * 1e6)
                server.stop()
                first += run.sent + 10**8
                sent, ok = run.sent, run.ok
                rates[name].append(ok / run.seconds)
                note = f", {cpu[name][-1]:.0f} µs CPU per request"
                if name in homes:
                    missing = run.lost(stored_numbers(history_of(homes[name])))
                    lost += missing
                    note += f", {missing} lost"
                if server.stall_ms is not None:
                    stalls.append(server.stall_ms)
                    note += f", longest GUI stall {server.stall_ms:.0f} ms"
                print(f"round {round_no} {name:6}: {ok:6} answered 2xx of {sent:6} = {rates[name][-1]:8,.0f}/s{note}")
    medians = {name: statistics.median(values) for name, values in rates.items()}
    for name, values in rates.items():
        spent = statistics.median(cpu[name])
        print(
            f"{name:6} median {medians[name]:8,.0f}/s (spread {min(values):,.0f}–{max(values):,.0f}), "
            f"{spent:.0f} µs CPU per request"
        )
    per_round = {  # each ratio within its own round, for its spread (the servers of a round ran minutes apart)
        "listener_ratio": [a / b for a, b in zip(rates["listen"], rates["floor"], strict=True)],
        "gui_ratio": [a / b for a, b in zip(rates["gui"], rates["listen"], strict=True)],
        "stored_ratio": [a / b for a, b in zip(rates["listen"], rates["bare"], strict=True)],
        "uv_floor_ratio": [a / b for a, b in zip(rates["listen"], rates["floor_uv"], strict=True)],
    }
    for name, values in per_round.items():
        print(f"{name} per round: median {statistics.median(values):.2f}, spread {min(values):.2f}–{max(values):.2f}")
    listener_ratio = medians["listen"] / medians["floor"]
    gui_ratio = medians["gui"] / medians["listen"]
    stored_ratio = medians["listen"] / medians["bare"]
    max_stall = max(stalls, default=0.0)
    cpu_ratio = statistics.median(cpu["floor"]) / statistics.median(cpu["listen"])
    uv_floor_ratio = medians["listen"] / medians["floor_uv"]
    verdict = "met" if listener_ratio >= TARGET else "MISSED"
    print(f"listen vs the same-work floor: {listener_ratio:.2f} (target ≥ {TARGET}: {verdict})")
    gui_verdict = "met" if gui_ratio >= TARGET else "MISSED"
    print(f"the GUI's listener vs listen: {gui_ratio:.2f} (target ≥ {TARGET}: {gui_verdict})")
    print(f"lost rows: {lost} (target 0)")
    print(
        f"listener_ratio={listener_ratio:.2f} gui_ratio={gui_ratio:.2f} stored_ratio={stored_ratio:.2f} "
        f"lost={lost} max_stall_ms={max_stall:.0f} cpu_ratio={cpu_ratio:.2f} uv_floor_ratio={uv_floor_ratio:.2f} "
        f"load={args.load}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
