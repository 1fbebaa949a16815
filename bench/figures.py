"""Two more figures, each against its floor in the same run.

* A 2 MB response body selected in the log (offscreen: the log, the detail pane): the GUI thread's longest
  stall while it is shown (target ≤ 100 ms).
* The service's send path (a Zadarma balance call through ConsoleService: credentials, signing, the request,
  the row, history) against a raw signed httpx request to the same simulator, in one process, interleaved
  (target ≤ 1.3×). The simulators run in their own process (``otp-console simulate``), so neither side
  shares the interpreter with the server. History is written by its own thread, in groups: the send path's
  latency does not include the commit (the CLI waits for it, and ``bench/cli.py`` counts it).

Summary: ``detail_stall_ms=… send_ratio=…``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

BODY_BYTES = 2_000_000
STALL_TARGET_MS = 100.0
SEND_TARGET = 1.3


def detail_stall_ms() -> float:
    """Select a row whose response body is 2 MB; the longest GUI-thread stall over the next second."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QSplitter

    from console.core.logstore import LogStore
    from console.core.models import Exchange, Outcome
    from console.ui.detail_view import DetailView
    from console.ui.log_view import LogView
    from console.ui.stall_meter import StallMeter

    app = QApplication.instance() or QApplication(sys.argv[:1])
    store = LogStore()
    body = json.dumps({"items": ["x" * 60 for _ in range(BODY_BYTES // 66)]})
    store.append(
        Exchange(
            id="x-big", seq=0, started_at=time.time(), provider="zadarma", operation="balance", env="simulator",
            method="GET", url="http://127.0.0.1:1/v1/info/balance/", request_headers=(), request_body="",
            outcome=Outcome.OK, status=200, response_body=body, latency_ms=12.0,
        )
    )  # fmt: skip
    log, detail = LogView(store), DetailView()
    log.exchange_selected.connect(detail.show_exchange)
    window = QSplitter()
    window.addWidget(log)
    window.addWidget(detail)
    window.resize(1366, 768)
    window.show()
    log.model.flush_now()
    loop = QEventLoop()
    QTimer.singleShot(300, loop.quit)
    loop.exec()
    meter = StallMeter()
    QTimer.singleShot(50, lambda: log.select_exchange("x-big"))
    QTimer.singleShot(1200, loop.quit)
    loop.exec()
    assert detail.exchange is not None
    assert detail.exchange.id == "x-big"
    del app
    return meter.max_ms


async def send_ratio(base: str, key: str, secret: str, rounds: int) -> tuple[float, float]:
    """Median ms of a balance call through the service, and of the raw signed httpx request."""
    import httpx

    from console.core.history import History
    from console.core.http import HttpSettings, make_client
    from console.core.logstore import LogStore
    from console.providers import all_providers
    from console.service.console_service import ConsoleService
    from console.service.operations import OperationRequest

    home = Path(tempfile.mkdtemp(prefix="otp-console-bench-figures-"))
    history = History(home / "history.sqlite3")
    service_ms: list[float] = []
    raw_ms: list[float] = []
    async with make_client(HttpSettings()) as client, httpx.AsyncClient(timeout=30) as raw:
        service = ConsoleService(client, LogStore(1000), history, providers=all_providers())
        request = OperationRequest(
            "zadarma", "balance", env="custom", base_url=base, credentials={"key": key, "secret": secret}
        )
        path, query = "/v1/info/balance/", "format=json"
        md5 = hashlib.md5(query.encode()).hexdigest()
        digest = hmac.new(secret.encode(), (path + query + md5).encode(), hashlib.sha1).hexdigest()
        headers = {"Authorization": f"{key}:{base64.b64encode(digest.encode()).decode()}"}
        for round_no in range(rounds + 3):  # three warm-up rounds: connections, caches
            started = time.perf_counter()
            result = await service.run(request)
            took = (time.perf_counter() - started) * 1000
            assert result.ok, result.exchange.summary
            assert result.exchange.status == 200  # it went to the simulator and back (not a cached answer)
            started = time.perf_counter()
            answer = await raw.get(f"{base}{path}", params={"format": "json"}, headers=headers)
            answer.json()
            raw_took = (time.perf_counter() - started) * 1000
            assert answer.status_code == 200
            if round_no >= 3:
                service_ms.append(took)
                raw_ms.append(raw_took)
    history.close()
    return statistics.median(service_ms), statistics.median(raw_ms)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # Zadarma's simulator allows 100 calls a minute, as Zadarma does: both sides share it
    parser.add_argument("--rounds", type=int, default=40, help="send rounds (default: %(default)s)")
    args = parser.parse_args()
    stall = detail_stall_ms()
    print(f"2 MB body selected: longest GUI stall {stall:.0f} ms (target ≤ {STALL_TARGET_MS:.0f})")
    with tempfile.TemporaryDirectory(prefix="otp-console-bench-sim-") as home:
        env = dict(os.environ, OTP_CONSOLE_HOME=home)
        sim = subprocess.Popen(
            [sys.executable, "-m", "console", "simulate"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
        )
        assert sim.stdout is not None
        try:
            event = next(e for e in map(json.loads, sim.stdout) if e.get("provider") == "zadarma")
            creds = event["credentials"]
            service_ms, raw_ms = asyncio.run(send_ratio(event["base_url"], creds["key"], creds["secret"], args.rounds))
        finally:
            sim.terminate()
            sim.wait(timeout=10)
    ratio = service_ms / raw_ms
    said = f"balance through the service {service_ms:.1f} ms, raw httpx {raw_ms:.1f} ms"
    print(f"{said}: {ratio:.2f} (target ≤ {SEND_TARGET})")
    print(f"detail_stall_ms={stall:.0f} send_ratio={ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
