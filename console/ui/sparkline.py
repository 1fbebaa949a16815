"""A small fixed-size sparkline: the listener's requests per second over the last minute, drawn with QPainter."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QContextMenuEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QMenu, QSizePolicy, QWidget

from console.ui import theme
from console.ui.png_export import PngSaver

if TYPE_CHECKING:
    from concurrent.futures import Future

SAMPLES = 60  # one a second: the last minute
WIDTH, HEIGHT = 116, 22
TEXT_WIDTH = 44  # the current rate, right of the line
PAD = 2
MIN_SCALE = 1.0  # the top of the picture is at least 1 request/s: a trickle does not look like a flood


def scale_points(
    samples: Sequence[float], width: float, height: float, capacity: int = SAMPLES, floor: float = MIN_SCALE
) -> tuple[float, list[tuple[float, float]]]:
    """The top of the scale and each sample's point in a ``width`` x ``height`` box (y grows downwards).

    The newest sample is at the right edge, one step per sample, ``capacity`` samples across; 0 is at the
    bottom (less ``PAD``), the largest sample (or ``floor``, whichever is more) at the top.
    """
    top = max([floor, *samples])
    step = (width - 2 * PAD) / max(1, capacity - 1)
    right = width - PAD
    span = height - 2 * PAD
    count = len(samples)
    points = [
        (right - (count - 1 - i) * step, height - PAD - (max(0.0, value) / top) * span)
        for i, value in enumerate(samples)
    ]
    return top, points


def rate_text(rate: float) -> str:
    """``12/s``, ``0.5/s``, ``1.2k/s``."""
    if rate >= 1000:
        return f"{rate / 1000:.1f}k/s"
    if rate >= 10 or rate == int(rate):
        return f"{rate:.0f}/s"
    return f"{rate:.1f}/s"


class Sparkline(QWidget):
    """The last ``SAMPLES`` rates (requests per second) as a line, the newest on the right, and the current rate.

    Feed it rates with :meth:`add_sample`, running totals with :meth:`add_total` (it works out the rate), or
    let it read a heartbeat source once a second with :meth:`follow`. Right-click: "Save as PNG…".

    Attributes:
        samples: the rates shown, oldest first.

    Signals:
        png_saved(str, str): a PNG was written (path, "") or could not be (path, why).
    """

    png_saved = Signal(str, str)

    def __init__(self, parent: QWidget | None = None, capacity: int = SAMPLES) -> None:
        super().__init__(parent)
        self.setObjectName("listener_rate")
        self.setFixedSize(WIDTH, HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.capacity = capacity
        self.samples: deque[float] = deque(maxlen=capacity)
        self._last_total: tuple[int, float] | None = None
        self._source: Callable[[], tuple[int, float | None]] | None = None
        self._timer: QTimer | None = None
        self._saver = PngSaver(self, "listener-rate.png")
        self._saver.saved.connect(self.png_saved)
        self._update_tooltip()

    def add_sample(self, rate: float) -> None:
        """Append one rate (requests per second); the oldest falls off after ``capacity``."""
        self.samples.append(max(0.0, float(rate)))
        self._update_tooltip()
        self.update()

    def add_total(self, total: int, at: float | None = None) -> None:
        """A running count of requests at time ``at`` (monotonic seconds): appends the rate since the last one.

        A count lower than the last (the listener restarted) counts from zero.
        """
        now = time.monotonic() if at is None else at
        if self._last_total is not None:
            before, then = self._last_total
            elapsed = now - then
            if elapsed <= 0:
                return
            added = total - before if total >= before else total
            self.add_sample(added / elapsed)
        self._last_total = (total, now)

    def follow(self, source: Callable[[], tuple[int, float | None]], interval_ms: int = 1000) -> None:
        """Read ``source()`` -> (requests so far, last received at) every ``interval_ms`` (the listener's heartbeat)."""
        self._source = source
        if self._timer is None:
            self._timer = QTimer(self)
            self._timer.timeout.connect(self._poll)
        self._timer.setInterval(interval_ms)
        self._timer.start()
        self._poll()

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()

    def scale(self) -> float:
        """The rate at the top of the picture."""
        return scale_points(list(self.samples), self._graph_width(), HEIGHT, self.capacity)[0]

    def points(self) -> list[tuple[float, float]]:
        """Where each sample is drawn, oldest first."""
        return scale_points(list(self.samples), self._graph_width(), HEIGHT, self.capacity)[1]

    def current_text(self) -> str:
        return rate_text(self.samples[-1]) if self.samples else "—/s"

    def save_png(self, path: str) -> Future[str]:
        """Write the sparkline, at its size, to ``path`` (off the GUI thread); the future holds the path."""
        return self._saver.save(path)

    def sizeHint(self) -> QSize:
        return QSize(WIDTH, HEIGHT)

    # ------------------------------------------------------------------------------------------- internals
    def _graph_width(self) -> int:
        return self.width() - TEXT_WIDTH

    def _poll(self) -> None:
        if self._source is not None:
            total, _last = self._source()
            self.add_total(total)

    def _update_tooltip(self) -> None:
        peak = max(self.samples, default=0.0)
        self.setToolTip(
            f"Listener requests per second over the last {self.capacity} s: "
            f"now {self.current_text()}, peak {rate_text(peak)}"
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        scheme = theme.scheme_for(self.palette())
        p = QPainter(self)
        try:
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            graph = QRectF(0, 0, self._graph_width(), HEIGHT)
            p.fillRect(graph, QColor(scheme.base))
            p.setPen(QPen(QColor(scheme.grid), 1))
            p.drawLine(QPointF(0, HEIGHT - PAD + 0.5), QPointF(graph.width(), HEIGHT - PAD + 0.5))
            points = self.points()
            if points:
                line = QPainterPath(QPointF(*points[0]))
                for x, y in points[1:]:
                    line.lineTo(x, y)
                area = QPainterPath(line)
                area.lineTo(points[-1][0], HEIGHT - PAD)
                area.lineTo(points[0][0], HEIGHT - PAD)
                area.closeSubpath()
                fill = QColor(scheme.accent)
                fill.setAlpha(60)
                p.fillPath(area, fill)
                p.setPen(QPen(QColor(scheme.accent), 1.5))
                p.drawPath(line)
                p.setBrush(QColor(scheme.accent))
                p.drawEllipse(QPointF(*points[-1]), 2, 2)
            p.setPen(self.palette().color(self.foregroundRole()))
            text = QRectF(graph.width() + 4, 0, TEXT_WIDTH - 4, HEIGHT)
            p.drawText(text, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, self.current_text())
        finally:
            p.end()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = QMenu(self)
        menu.addAction(self._saver.action(menu))
        menu.popup(event.globalPos())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.update()
        super().changeEvent(event)
