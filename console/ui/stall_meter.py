"""The GUI thread's longest stall, for benchmarks: a 10 ms timer notes the longest gap between its ticks.

Started by ``run_gui`` when ``OTP_CONSOLE_REPORT_STALLS=1``; it prints ``max_stall_ms <ms>`` on stdout when the
console closes (``bench/listener.py`` loads the GUI's listener from outside and reads it).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer

STALLS_ENV = "OTP_CONSOLE_REPORT_STALLS"
TICK_MS = 10


class StallMeter(QObject):
    """The longest time the GUI thread went without running a 10 ms timer (less the tick itself)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.max_ms = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def reset(self) -> None:
        self.max_ms, self._last = 0.0, time.perf_counter()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.max_ms = max(self.max_ms, (now - self._last) * 1000 - TICK_MS)
        self._last = now
