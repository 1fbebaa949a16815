"""Benchmark of the live log pane: 100k rows appended in bursts into a shown LogView.

Run from the repository root: ``python bench/log_pane.py`` (offscreen unless QT_QPA_PLATFORM is set).
A background thread appends bursts to a ``LogStore`` holding ``--rows`` (100k) while the Qt event loop runs,
so the model's flush timer, the proxy and the table's painting all take part. Measured: end-to-end rows/s
(first append to the last row present in the model), the worst lateness of a 5 ms GUI timer (event-loop
stall), the model's flush times and peak RSS. A second phase appends a fifth as many again (20,000) so the
front gets trimmed. The last line is the summary: ``rows=100000 rows_per_s=… max_stall_ms=… peak_mb=…``.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication

from console.core.logstore import LogStore
from console.core.models import Exchange, Outcome
from console.ui.log_view import LogView

PROVIDERS = ("ssms", "ycloud", "zadarma", "vbee", "hamkaran")
HEADERS_OUT = (("Content-Type", "application/json"), ("Authorization", "Bearer ***"))
HEADERS_IN = (("Content-Type", "application/json"), ("Server", "nginx"))


def make_exchange(n: int, rng: random.Random) -> Exchange:
    """A realistic exchange: unique ids, bodies and phone numbers; shared provider strings."""
    provider = PROVIDERS[n % len(PROVIDERS)]
    roll = rng.random()
    outcome = Outcome.OK if roll < 0.85 else Outcome.PROVIDER_ERROR if roll < 0.95 else Outcome.TRANSPORT_ERROR
    phone = f"+98912{rng.randrange(10**7):07d}"
    ok = outcome is Outcome.OK
    return Exchange(
        id=f"x-{n:010x}",
        seq=0,
        started_at=time.time(),
        provider=provider,
        operation="send",
        channel="sms",
        env="sandbox",
        method="POST",
        url=f"https://api.{provider}.example/v1/verify",
        request_headers=HEADERS_OUT,
        request_body=f'{{"to": "{phone}", "template": "otp", "code": "{n % 1000000:06d}"}}',
        outcome=outcome,
        status=None if outcome is Outcome.TRANSPORT_ERROR else 200 if ok else 422,
        response_headers=() if outcome is Outcome.TRANSPORT_ERROR else HEADERS_IN,
        response_body="" if outcome is Outcome.TRANSPORT_ERROR else f'{{"status": "queued", "id": "m{n}"}}',
        latency_ms=rng.uniform(40, 900),
        error_code=None if ok else ("INVALID_NUMBER" if outcome is Outcome.PROVIDER_ERROR else "TIMEOUT"),
        meaning="" if ok else "The provider rejected the destination",
        message="queued" if ok else "",
        request_id=f"req-{n}",
        verification_id=f"v-{n:010x}",
    )


@dataclass
class GcMeter:
    """Durations of the garbage collector's passes (a full pass walks every row of the store)."""

    pauses: list[tuple[int, float]] = field(default_factory=list)
    _started: float = 0.0

    def __post_init__(self) -> None:
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses.append((info["generation"], time.perf_counter() - self._started))

    def worst_ms(self, generation: int) -> float:
        return max((d for g, d in self.pauses if g == generation), default=0.0) * 1000


@dataclass
class StallMeter:
    """A 5 ms precise timer that records how late it fires (the GUI event loop's stalls)."""

    interval_s: float = 0.005
    worst_s: float = 0.0
    lates: list[float] = field(default_factory=list)
    _last: float = 0.0

    def reset(self) -> None:
        """Forget what was measured so far (call when a phase starts)."""
        self.worst_s = 0.0
        self.lates.clear()
        self._last = time.perf_counter()

    def start(self) -> QTimer:
        timer = QTimer()
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.setInterval(int(self.interval_s * 1000))
        timer.timeout.connect(self._tick)
        self._last = time.perf_counter()
        timer.start()
        return timer

    def _tick(self) -> None:
        now = time.perf_counter()
        late = max(0.0, now - self._last - self.interval_s)
        self._last = now
        self.lates.append(late)
        self.worst_s = max(self.worst_s, late)


def current_mb() -> float:
    """Resident set size now (Linux), in MB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def run_phase(
    app: QApplication, view: LogView, store: LogStore, rows: int, burst: int, pause_s: float, producer: str
) -> float:
    """Append ``rows`` in bursts (from a thread or a GUI timer); returns seconds until all are shown."""
    target = store.next_seq + rows
    first = store.next_seq
    rng = random.Random(first)
    started = time.perf_counter()

    starts = iter(range(first, target, burst))

    def append_burst() -> bool:
        start = next(starts, None)
        if start is None:
            return False
        store.extend([make_exchange(n, rng) for n in range(start, min(start + burst, target))])
        return True

    def produce() -> None:
        while append_burst():
            time.sleep(pause_s)

    def on_tick() -> None:
        if not append_burst():
            tick.stop()

    loop = QEventLoop()
    done: list[float] = []

    def check() -> None:
        if view.model.next_seq >= target and not done:
            done.append(time.perf_counter())
            loop.quit()

    poll = QTimer()
    poll.timeout.connect(check)
    poll.start(1)
    tick = QTimer()
    tick.timeout.connect(on_tick)
    thread = threading.Thread(target=produce, daemon=True)
    if producer == "thread":
        thread.start()
    else:
        tick.start(int(pause_s * 1000))
    loop.exec()
    poll.stop()
    if producer == "thread":
        thread.join()
    app.processEvents()
    return done[0] - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--burst", type=int, default=500)
    parser.add_argument("--pause-ms", type=float, default=5.0, help="pause between bursts")
    parser.add_argument(
        "--producer",
        choices=("timer", "thread"),
        default="timer",
        help="append on the GUI thread from a timer (as qasync does) or from a background thread",
    )
    args = parser.parse_args()

    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    store = LogStore(capacity=args.rows)  # full after phase 1: phase 2 trims
    view = LogView(store)
    view.set_providers([(p, p.title()) for p in PROVIDERS])
    view.resize(1400, 800)
    view.show()
    app.processEvents()

    flushes: list[float] = []
    timed_flush = view.model.flush_now

    def flush_with_timing() -> None:
        t0 = time.perf_counter()
        timed_flush()
        flushes.append(time.perf_counter() - t0)

    view.model._feed.ready.disconnect()  # bench only: time each flush the model's feed asks for
    view.model._feed.ready.connect(flush_with_timing)

    gc_meter = GcMeter()
    meter = StallMeter()
    stall_timer = meter.start()
    base_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    meter.reset()
    elapsed = run_phase(app, view, store, args.rows, args.burst, args.pause_ms / 1000, args.producer)
    rows_per_s = args.rows / elapsed
    stall_ms = meter.worst_s * 1000
    p99_ms = statistics.quantiles(meter.lates, n=100)[98] * 1000
    main_flushes = list(flushes)
    assert view.model.rowCount() == min(args.rows, store.capacity)
    print(f"phase 1: {args.rows:,} rows in {elapsed:.2f} s = {rows_per_s:,.0f} rows/s end to end")
    print(f"  RSS now {current_mb():.0f} MB, peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(f"  GUI stall: max {stall_ms:.1f} ms, p99 {p99_ms:.1f} ms over {len(meter.lates):,} ticks")
    print(
        f"  flushes: {len(main_flushes)}, mean {statistics.fmean(main_flushes) * 1000:.2f} ms, "
        f"max {max(main_flushes) * 1000:.2f} ms"
    )

    flushes.clear()
    meter.reset()
    trim_rows = max(1, args.rows // 5)
    trim_elapsed = run_phase(app, view, store, trim_rows, args.burst, args.pause_ms / 1000, args.producer)
    assert view.model.rowCount() == store.capacity == len(store)
    assert view.model.first_seq == store.first_seq
    assert view.is_at_bottom()
    print(f"phase 2 (trimming): {trim_rows:,} rows in {trim_elapsed:.2f} s = {trim_rows / trim_elapsed:,.0f} rows/s")
    print(
        f"  GUI stall: max {meter.worst_s * 1000:.1f} ms; flushes: {len(flushes)}, "
        f"max {max(flushes) * 1000:.2f} ms; first seq shown {view.model.first_seq:,}"
    )
    stall_ms = max(stall_ms, meter.worst_s * 1000)
    print(f"  RSS now {current_mb():.0f} MB, peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")

    t0 = time.perf_counter()
    view.proxy.set_outcome_group("errors")
    t1 = time.perf_counter()
    view.proxy.set_text("invalid")
    t2 = time.perf_counter()
    view.proxy.set_outcome_group("all")
    view.proxy.set_text("")
    t3 = time.perf_counter()
    print(
        f"filters over {view.model.rowCount():,} rows: errors {1000 * (t1 - t0):.0f} ms, "
        f"+text {1000 * (t2 - t1):.0f} ms, clear {1000 * (t3 - t2):.0f} ms (not in max_stall)"
    )
    stall_timer.stop()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    full = sum(1 for g, _ in gc_meter.pauses if g == 2)
    print(f"gc: {full} full passes, longest {gc_meter.worst_ms(2):.1f} ms; gen1 longest {gc_meter.worst_ms(1):.1f} ms")
    print(f"memory: peak RSS {peak_mb:.0f} MB (before rows {base_mb:.0f} MB)")
    print(f"rows={args.rows} rows_per_s={rows_per_s:.0f} max_stall_ms={stall_ms:.1f} peak_mb={peak_mb:.0f}")


if __name__ == "__main__":
    main()
