"""Listener benchmark: callbacks per second accepted and stored, against bare aiohttp servers, with the GUI live.

Run with the project's interpreter: ``.venv/bin/python bench/listener.py [--seconds 5] [--connections 32]``.
Three servers are loaded in turn by the same aiohttp client (its own thread and loop) with signed Zadarma
NOTIFY_END callbacks, each carrying a unique number:

* the console's listener (its own thread; signature check, correlation, a commit to history before each
  answer, every row into the GUI's log model);
* a bare aiohttp server that inserts and commits each request into SQLite (WAL) before answering;
* a bare aiohttp server that stores nothing.

Meanwhile a 10 ms QTimer on the GUI thread (offscreen) measures the longest stall. Afterwards history is read
back: every number answered 2xx must be there (``lost`` counts those that are not). The three servers run in
interleaved rounds (``--rounds``) and the ratios are of the median rates, so one noisy round cannot decide.
Summary: ``listener_ratio=… stored_ratio=… lost=… max_stall_ms=…`` (targets: listener_ratio ≥ 0.8 against the
SQLite server, max_stall_ms ≤ 50, lost=0; stored_ratio is against the server that stores nothing).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp
from aiohttp import web
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from console.core.history import History
from console.core.logstore import LogStore
from console.core.serverthread import ServerThread
from console.core.verifications import VerificationBook
from console.listener.handling import CallbackHandler
from console.listener.secrets import resolve_webhook_secrets
from console.listener.server import WebhookListener
from console.providers import webhook_rules
from console.providers.zadarma.signing import webhook_signatures
from console.ui.log_model import LogTableModel

SECRET = "sim_zadarma_secret"
FIELDS = {"event": "NOTIFY_END", "caller_id": "442037691881", "called_did": "48575555555"}
FIELDS["call_start"] = "2024-05-01 12:00:00"


def payload() -> tuple[bytes, dict[str, str]]:
    body = "&".join(f"{k}={v.replace(' ', '+')}" for k, v in FIELDS.items()).encode()
    signature = webhook_signatures(SECRET, "NOTIFY_END", FIELDS)["zadarma-hex-b64"]
    return body, {"Content-Type": "application/x-www-form-urlencoded", "Signature": signature}


async def load(url: str, seconds: float, connections: int, first: int) -> tuple[int, list[int]]:
    """POST for ``seconds`` over ``connections``; return (requests sent, numbers answered 2xx)."""
    body, headers = payload()
    ok: list[int] = []
    sent = 0
    counter = iter(range(first, first + 10**9))
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            nonlocal sent
            while time.perf_counter() < deadline:
                n = next(counter)
                sent += 1
                try:
                    async with session.post(f"{url}?n={n}", data=body, headers=headers) as response:
                        await response.read()
                        if 200 <= response.status < 300:
                            ok.append(n)
                except aiohttp.ClientError:
                    pass

        await asyncio.gather(*(worker() for _ in range(connections)))
    return sent, ok


def run_load(url: str, seconds: float, connections: int, first: int) -> tuple[int, list[int], float]:
    """The load from a thread of its own (so the GUI thread only does GUI work); returns elapsed seconds too."""
    result: dict[str, object] = {}

    def main() -> None:
        started = time.perf_counter()
        result["sent"], result["ok"] = asyncio.run(load(url, seconds, connections, first))
        result["elapsed"] = time.perf_counter() - started

    thread = threading.Thread(target=main, name="load")
    thread.start()
    loop = QEventLoop()  # the GUI thread runs its event loop meanwhile, as in the app
    watch = QTimer()
    watch.setInterval(50)
    watch.timeout.connect(lambda: None if thread.is_alive() else loop.quit())
    watch.start()
    loop.exec()
    watch.stop()
    thread.join()
    return int(result["sent"]), list(result["ok"]), float(result["elapsed"])  # type: ignore[arg-type, call-overload]


def bare_app(db: Path | None) -> web.Application:
    """A minimal aiohttp server; with ``db``, each request is inserted and committed before the answer."""
    conn = None
    if db is not None:
        conn = sqlite3.connect(db, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("CREATE TABLE IF NOT EXISTS hooks (n TEXT, headers TEXT, body BLOB)")

    async def handle(request: web.Request) -> web.Response:
        body = await request.read()
        if conn is not None:
            with conn:
                conn.execute(
                    "INSERT INTO hooks VALUES (?,?,?)",
                    (request.query.get("n"), json.dumps(dict(request.headers)), body),
                )
        return web.Response(text="")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


class StallMeter:
    """A 10 ms timer on the GUI thread; the longest lateness is the longest stall."""

    def __init__(self) -> None:
        self.max_ms = 0.0
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.max_ms = max(self.max_ms, (now - self._last) * 1000 - 10)
        self._last = now

    def start(self) -> None:
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="load per server and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, servers interleaved; medians reported")
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    rates: dict[str, list[float]] = {"listener": [], "sqlite": [], "nothing": []}
    lost = 0
    stalls: list[float] = []
    with tempfile.TemporaryDirectory(prefix="otp-console-bench-") as tmp:
        home = Path(tmp)
        history = History(home / "history.sqlite3")
        store = LogStore()
        model = LogTableModel(store)  # the GUI's log pane model: rows arrive in batches on the GUI thread
        rules = webhook_rules()
        handler = CallbackHandler(rules, resolve_webhook_secrets(rules, environ={}), VerificationBook(history))
        listener = WebhookListener(handler, history, store)
        bare = {
            name: ServerThread(f"bare {name}", lambda db=db: bare_app(db))  # type: ignore[misc]
            for name, db in (("sqlite", home / "bare.sqlite3"), ("nothing", None))
        }
        first = 0
        for round_no in range(1, args.rounds + 1):
            listener.start()
            meter = StallMeter()
            meter.start()
            sent, ok, elapsed = run_load(f"{listener.url}/hooks/zadarma", args.seconds, args.connections, first)
            meter.stop()
            listener.stop()
            stalls.append(meter.max_ms)
            history.flush()
            stored = {
                int(ex.url.rsplit("n=", 1)[1])
                for ex in history.recent_exchanges(10**9, "zadarma", "webhook")
                if "n=" in ex.url
            }
            lost += len(set(ok) - stored)
            first += sent
            rates["listener"].append(len(ok) / elapsed)
            print(
                f"round {round_no} listener: {len(ok)} answered 2xx = {rates['listener'][-1]:,.0f}/s, "
                f"history holds {len(stored)}, model shows {model.rowCount()}, GUI stall {meter.max_ms:.1f} ms"
            )
            for name, server in bare.items():
                server.start()
                _, ok_b, elapsed_b = run_load(f"{server.url}/hooks/zadarma", args.seconds, args.connections, 0)
                server.stop()
                rates[name].append(len(ok_b) / elapsed_b)
                print(f"round {round_no} bare aiohttp storing {name}: {rates[name][-1]:,.0f}/s")
        history.close()
    medians = {name: statistics.median(values) for name, values in rates.items()}
    listener_ratio = medians["listener"] / medians["sqlite"]
    stored_ratio = medians["listener"] / medians["nothing"]
    max_stall = max(stalls)
    print(
        f"medians over {args.rounds} rounds of {args.seconds:.0f} s, {args.connections} connections: "
        + ", ".join(f"{name} {value:,.0f}/s" for name, value in medians.items())
    )
    print(
        f"targets: listener_ratio >= 0.8 ({'met' if listener_ratio >= 0.8 else 'MISSED'}), max_stall_ms <= 50 "
        f"({'met' if max_stall <= 50 else 'MISSED'}), lost = 0 ({'met' if lost == 0 else 'MISSED'})"
    )
    summary = f"listener_ratio={listener_ratio:.2f} stored_ratio={stored_ratio:.2f} lost={lost}"
    print(f"{summary} max_stall_ms={max_stall:.1f}")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
