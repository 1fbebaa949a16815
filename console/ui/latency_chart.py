"""Latency over time, one series per provider, beside the log; pyqtgraph loads only when the chart is first shown.

``LatencyChart(store)`` costs a label until it is on screen with a size: then (one event-loop turn later, so
the frame that shows it is not held up) it imports :mod:`console.ui.latency_plot`, which imports pyqtgraph and
numpy, reads the store's rows once and follows new ones in batches, like the log's table model.
"""

from __future__ import annotations

import importlib.util
import sys
import types
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QHideEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from console.core.logstore import LogStore
from console.core.models import Exchange
from console.ui import theme
from console.ui.png_export import PngSaver
from console.ui.store_feed import StoreFeed

if TYPE_CHECKING:
    from concurrent.futures import Future

    from console.ui.latency_plot import LatencyPlot

FLUSH_INTERVAL_MS = 250
OPEN_WIDTH = 380  # the chart's width when the user opens it beside the log


def is_provider_call(exchange: Exchange) -> bool:
    """A request the console made and timed (callbacks' and forwards' handling times are not a provider's)."""
    return exchange.latency_ms is not None and exchange.operation not in ("webhook", "forward", "internal")


class LatencyChart(QWidget):
    """Each timed request as a point: x its time, y its latency in ms, one coloured series per provider.

    Hovering a point shows the request (provider, operation, status, latency, time); clicking it emits its
    id; right-click offers "Save as PNG…" with the plot's own menu. Rows reach the chart in batches at most every
    ``FLUSH_INTERVAL_MS``, and only while it is on screen: hidden, it drops them and reads the store again when
    shown (what it shows is always the store's rows).

    Attributes:
        store: where the rows come from.
        include: which rows become points (default :func:`is_provider_call`).
        plot: the pyqtgraph plot once built (None before the chart was first shown).

    Signals:
        built(): the plot exists (pyqtgraph was imported for it).
        point_chosen(str): the user clicked a point: its exchange id (the log selects it).
        png_saved(str, str): a PNG was written (path, "") or could not be (path, why).
    """

    built = Signal()
    point_chosen = Signal(str)
    png_saved = Signal(str, str)

    def __init__(
        self,
        store: LogStore,
        parent: QWidget | None = None,
        include: Callable[[Exchange], bool] = is_provider_call,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("latency_chart")
        self.store = store
        self.include = include
        self.plot: LatencyPlot | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.placeholder = QLabel("Latency by provider: drawn when shown.")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        theme.muted(self.placeholder)
        self._layout.addWidget(self.placeholder)
        self._build_scheduled = False
        self._stale = True  # the plot must read the whole store when next on screen
        self._next_seq = 0
        self._saver = PngSaver(self, "latency.png")
        self._saver.saved.connect(self.png_saved)
        self._feed: StoreFeed | None = None  # made with the plot: nothing to follow before

    # ------------------------------------------------------------------------------------------- API
    @property
    def is_built(self) -> bool:
        return self.plot is not None

    def on_screen(self) -> bool:
        """Shown and given some room (a splitter's collapsed pane is "visible" with no width)."""
        return self.isVisible() and self.width() > 1 and self.height() > 1

    def build_now(self) -> LatencyPlot:
        """Import pyqtgraph and make the plot now (normally the first show does it); returns the plot."""
        if self.plot is None:
            _stand_in_for_qt_opengl()
            from console.ui.latency_plot import LatencyPlot

            self.plot = LatencyPlot(theme.scheme_for(self.palette()), self._saver.action)
            self.plot.point_clicked.connect(self.point_chosen)
            self._layout.replaceWidget(self.placeholder, self.plot)
            self.placeholder.hide()
            self.placeholder.deleteLater()
            self._subscribe()
            self._stale = True
            self.built.emit()
        self._reload_if_stale()
        return self.plot

    def series_names(self) -> list[str]:
        """The providers plotted, in the order their series were made."""
        return [] if self.plot is None else self.plot.series_names()

    def save_png(self, path: str) -> Future[str]:
        """Write the chart, at its current size, to ``path`` (off the GUI thread); the future holds the path."""
        return self._saver.save(path)

    @Slot()
    def flush_now(self) -> None:
        """Add every queued row to its series now (nothing while the chart is off screen)."""
        batches = self._feed.take() if self._feed is not None else []
        if self.plot is None:
            return
        if not self.on_screen():
            self._stale = True  # read again from the store when shown
            return
        if self._reload_if_stale():
            return
        rows = [e for batch in batches for e in batch if e.seq >= self._next_seq]
        if not rows:
            return
        rows.sort(key=lambda e: e.seq)
        self._next_seq = rows[-1].seq + 1
        self.plot.add_rows([e for e in rows if self.include(e)])

    # ------------------------------------------------------------------------------------------- internals
    def _subscribe(self) -> None:
        self._feed = StoreFeed(self.store, FLUSH_INTERVAL_MS, self)  # rows from any thread, in batches, here
        self._feed.ready.connect(self.flush_now)
        self._feed.cleared.connect(self._on_store_cleared)

    @Slot()
    def _on_store_cleared(self) -> None:
        """Clear log: the chart shows what the store holds now (nothing, or what came since)."""
        self._stale = True
        self._reload_if_stale()

    def _reload_if_stale(self) -> bool:
        """Read every row of the store again when rows were missed; returns whether it did."""
        if self.plot is None or not self._stale or not self.on_screen():
            return False
        self._stale = False
        if self._feed is not None:
            self._feed.take()  # the store's rows replace whatever was waiting
        rows = self.store.snapshot()
        self._next_seq = rows[-1].seq + 1 if rows else self.store.next_seq
        self.plot.replace_rows([e for e in rows if self.include(e)])
        return True

    def _maybe_build(self) -> None:
        if not self.on_screen():
            return
        if self.plot is None:
            if not self._build_scheduled:
                self._build_scheduled = True
                QTimer.singleShot(0, self, self._build_when_still_shown)
        else:
            self._reload_if_stale()

    @Slot()
    def _build_when_still_shown(self) -> None:
        self._build_scheduled = False
        if self.on_screen():
            self.build_now()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._maybe_build()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._maybe_build()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        if self.plot is not None:
            self._stale = True

    def changeEvent(self, event: QEvent) -> None:
        if self.plot is not None and event.type() in (
            QEvent.Type.PaletteChange,
            QEvent.Type.ApplicationPaletteChange,
        ):
            self.plot.use_scheme(theme.scheme_for(self.palette()))
        super().changeEvent(event)


def beside(log: QWidget, chart: LatencyChart, open_width: int = 0) -> QSplitter:
    """The log and the chart side by side; the chart starts closed (drag the splitter's handle to open it).

    ``open_width`` > 0 opens it that wide at once. Closed, the chart has no width: pyqtgraph is not imported
    until the user opens it.
    """
    splitter = QSplitter(Qt.Orientation.Horizontal)
    splitter.setObjectName("log_and_latency")
    splitter.addWidget(log)
    splitter.addWidget(chart)
    splitter.setCollapsible(0, False)
    splitter.setCollapsible(1, True)
    splitter.setStretchFactor(0, 1)
    splitter.setStretchFactor(1, 0)
    splitter.setSizes([1000, open_width])
    return splitter


def _stand_in_for_qt_opengl() -> None:
    """Let pyqtgraph import where PySide6's OpenGL modules were left out (the slimmed PyInstaller bundle).

    pyqtgraph imports ``PySide6.QtOpenGL`` and ``QtOpenGLWidgets`` at import time but uses them only for its
    OpenGL drawing paths, which the chart never enables. Where the real modules exist, nothing happens.
    """
    for name in ("PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets"):
        if sys.modules.get(name) is not None or importlib.util.find_spec(name) is not None:
            continue
        module = types.ModuleType(name, "Stand-in: this build leaves Qt's OpenGL out; the chart never uses it.")
        module.QOpenGLWidget = type("QOpenGLWidget", (QWidget,), {})  # type: ignore[attr-defined]  # subclassed

        def missing(attribute: str, _name: str = name) -> object:
            raise AttributeError(f"{_name} is not part of this build ({attribute})")

        module.__getattr__ = missing  # type: ignore[method-assign]
        sys.modules[name] = module
