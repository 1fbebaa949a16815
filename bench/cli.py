"""CLI start-up against its floors, each call a fresh process, interleaved rounds, medians.

- ``--version`` against ``python -c "import console"`` (target ≤ 1.3×).
- ``--help`` against the same floor (reported; it should be close).
- ``balance zadarma`` against a running ``otp-console simulate`` (started once, in its own process) against a
  script doing the same work the floor way: ``asyncio.run``, an ``httpx.AsyncClient``, the signed request,
  one SQLite insert of the exchange (target ≤ 1.5×).

Every figure is wall time from spawn to exit, measured here (the load is never in the measured process).
Ends with one line: ``cli_ratio=… version_ratio=… help_ratio=…``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VERSION_TARGET = 1.3
SEND_TARGET = 1.5

FLOOR_SEND = r"""
import asyncio, base64, hashlib, hmac, json, sqlite3, sys, time
from urllib.parse import quote_plus
import httpx

base, key, secret, db = sys.argv[1:5]

def php(value):
    return quote_plus(str(value), safe="-_.").replace("~", "%7E")

async def main():
    path = "/v1/info/balance/"
    query = "format=json"
    md5 = hashlib.md5(query.encode()).hexdigest()
    digest = hmac.new(secret.encode(), (path + query + md5).encode(), hashlib.sha1).hexdigest()
    headers = {"Authorization": f"{key}:{base64.b64encode(digest.encode()).decode()}"}
    started = time.time()
    async with httpx.AsyncClient(timeout=30) as client:
        answer = await client.get(f"{base}{path}", params={"format": "json"}, headers=headers)
    data = answer.json()
    row = (started, answer.status_code, answer.text)
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE IF NOT EXISTS exchanges (at REAL, status INT, body TEXT)")
        connection.execute("INSERT INTO exchanges (at, status, body) VALUES (?, ?, ?)", row)
    print(json.dumps({"ok": answer.status_code == 200 and data.get("status") == "success"}))

asyncio.run(main())
"""


def wall(cmd: list[str], env: dict[str, str]) -> float:
    """Seconds from spawn to exit; the command must succeed."""
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])}… exited {done.returncode}: {done.stderr[-1500:]}")
    return elapsed


def start_simulators(env: dict[str, str]) -> tuple[subprocess.Popen[str], str, dict[str, str]]:
    """``otp-console simulate`` in its own process; returns it, Zadarma's base URL and its demo credentials."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "console", "simulate"], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        event = json.loads(line)
        if event.get("event") == "simulator" and event["provider"] == "zadarma":
            return proc, event["base_url"], event["credentials"]
    raise SystemExit("otp-console simulate printed no zadarma line")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds (default: %(default)s)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="otp-console-bench-cli-") as home:
        env = dict(os.environ, OTP_CONSOLE_HOME=home)
        sim, base, creds = start_simulators(env)
        try:
            py = sys.executable
            kinds = {
                "import console": [py, "-c", "import console"],
                "--version": [py, "-m", "console", "--version"],
                "--help": [py, "-m", "console", "--help"],
                "floor balance": [py, "-c", FLOOR_SEND, base, creds["key"], creds["secret"], f"{home}/floor.db"],
                "balance zadarma": [
                    py, "-m", "console", "balance", "zadarma", "--base-url", base,
                    "--key", creds["key"], "--secret", creds["secret"],
                ],
            }  # fmt: skip
            for cmd in kinds.values():  # warm-up: .pyc files, disk cache, the history file's first creation
                wall(cmd, env)
            times: dict[str, list[float]] = {name: [] for name in kinds}
            for _ in range(args.rounds):
                for name, cmd in kinds.items():
                    times[name].append(wall(cmd, env))
        finally:
            sim.terminate()
            sim.wait(timeout=10)
    medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
    for name, values in times.items():
        spread = f"{min(values) * 1000:.0f}–{max(values) * 1000:.0f}"
        print(f"{name:16} median {medians[name]:6.0f} ms  (spread {spread} ms, {len(values)} runs)")
    version_ratio = medians["--version"] / medians["import console"]
    help_ratio = medians["--help"] / medians["import console"]
    cli_ratio = medians["balance zadarma"] / medians["floor balance"]
    print(f"--version vs import console: {version_ratio:.2f} (target ≤ {VERSION_TARGET})")
    print(f"balance vs the floor script: {cli_ratio:.2f} (target ≤ {SEND_TARGET})")
    print(f"cli_ratio={cli_ratio:.2f} version_ratio={version_ratio:.2f} help_ratio={help_ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
