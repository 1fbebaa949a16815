"""The latency chart's pyqtgraph plot (imported by :mod:`console.ui.latency_chart` only when first shown)."""

from __future__ import annotations

import atexit
import datetime as dt
import weakref
from collections.abc import Callable, Sequence

import numpy as np
import pyqtgraph as pg  # type: ignore[import-untyped]  # no type information shipped
import shiboken6
from PySide6.QtCore import QObject, QPointF, Signal
from PySide6.QtGui import QAction, QColor, QResizeEvent
from PySide6.QtWidgets import QToolTip

from console.core.models import Exchange
from console.ui import theme

MAX_POINTS = 50_000  # per provider: older points leave the chart (the log's store holds 100,000 rows)
SYMBOLS_UP_TO = 5_000  # points per series drawn with a symbol; more are a line only
HOVER_PX = 10  # how near (in pixels) the pointer must be to a point to show it


def hover_text(exchange: Exchange) -> str:
    """The request behind a point: provider, operation, status, latency and time."""
    operation = f"{exchange.operation} · {exchange.channel}" if exchange.channel else exchange.operation
    status = f"HTTP {exchange.status}" if exchange.status is not None else "no HTTP status"
    outcome = "OK" if exchange.ok else exchange.outcome.value.replace("_", " ")
    when = dt.datetime.fromtimestamp(exchange.started_at).strftime("%H:%M:%S.%f")[:-3]
    latency = f"{exchange.latency_ms:.0f} ms" if exchange.latency_ms is not None else "—"
    return f"{exchange.provider} · {operation}\n{status} · {outcome}\n{latency} at {when}\n{exchange.id}"


class _Series:
    """One provider's points: times, latencies and the rows they came from, oldest first, bounded."""

    __slots__ = ("item", "name", "rows", "xs", "ys")

    def __init__(self, name: str, item: pg.PlotDataItem) -> None:
        self.name = name
        self.item = item
        self.xs = np.empty(0, dtype=float)
        self.ys = np.empty(0, dtype=float)
        self.rows: list[Exchange] = []

    def extend(self, rows: Sequence[Exchange]) -> None:
        xs = np.fromiter((r.started_at for r in rows), dtype=float, count=len(rows))
        ys = np.fromiter((r.latency_ms or 0.0 for r in rows), dtype=float, count=len(rows))
        self.xs = np.concatenate((self.xs, xs))[-MAX_POINTS:]
        self.ys = np.concatenate((self.ys, ys))[-MAX_POINTS:]
        self.rows = (self.rows + list(rows))[-MAX_POINTS:]

    def clear(self) -> None:
        self.xs, self.ys, self.rows = self.xs[:0], self.ys[:0], []

    def redraw(self) -> None:
        symbol = "o" if len(self.rows) <= SYMBOLS_UP_TO else None
        self.item.setData(self.xs, self.ys, symbol=symbol)


class LatencyPlot(pg.PlotWidget):  # type: ignore[misc]  # pyqtgraph is untyped
    """A time axis, a latency axis in ms, a legend and one line with points per provider.

    Signals:
        point_clicked(str): the exchange id of the point clicked.
    """

    point_clicked = Signal(str)

    def __init__(self, scheme: theme.Scheme, save_action: Callable[[QObject], QAction]) -> None:
        self.scheme = scheme
        super().__init__(axisItems={"bottom": pg.DateAxisItem(orientation="bottom")}, background=scheme.base)
        self.setObjectName("latency_plot")
        item = self.getPlotItem()
        item.setLabel("left", "latency (ms)")
        item.setLabel("bottom", "time")
        item.showGrid(x=True, y=True, alpha=0.25)
        item.setClipToView(True)
        item.setDownsampling(auto=True, mode="peak")
        self.legend = item.addLegend(offset=(8, 8))
        # The plot options' transforms that would move points away from their rows (an FFT of latencies means
        # nothing, and hover reads the rows): off. Log scales stay.
        for name in ("fftCheck", "derivativeCheck", "phasemapCheck", "subtractMeanCheck"):
            check = getattr(item.ctrl, name, None)
            if check is not None:
                check.setEnabled(False)
        # Right-click: the plot's own menu, with our PNG export in place of pyqtgraph's export dialog (which
        # would pull in its SVG, printing and Matplotlib exporters).
        scene = self.scene()
        scene.contextMenu = [save_action(scene)]
        scene.sigMouseMoved.connect(self._on_mouse_moved)
        scene.sigMouseClicked.connect(self._on_mouse_clicked)
        self.marker = pg.ScatterPlotItem(size=13, pxMode=True)  # rings the hovered point
        self.marker.setZValue(10)
        item.vb.addItem(self.marker, ignoreBounds=True)  # not a series: no legend entry, no plot transforms
        self.series: dict[str, _Series] = {}
        self.hover_text = ""
        self.use_scheme(scheme)
        atexit.register(_close_at_exit, weakref.ref(self))

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Pyqtgraph resizes its plot item here; once closed (or its item deleted) there is nothing to resize."""
        central = getattr(self, "centralWidget", None)
        if self.closed or central is None or not shiboken6.isValid(central):
            return
        super().resizeEvent(event)

    def close_before_exit(self) -> None:
        """Let go of the scene before Qt tears the window down (pyqtgraph crashes when Qt deletes it first)."""
        if shiboken6.isValid(self) and not self.closed:
            self.close()

    # ------------------------------------------------------------------------------------------- data
    def series_names(self) -> list[str]:
        return list(self.series)

    def add_rows(self, rows: Sequence[Exchange]) -> None:
        """Append rows (oldest first) to their providers' series and redraw those series."""
        grouped: dict[str, list[Exchange]] = {}
        for row in rows:
            grouped.setdefault(row.provider, []).append(row)
        for name, group in grouped.items():
            series = self.series.get(name) or self._new_series(name)
            series.extend(group)
            series.redraw()

    def replace_rows(self, rows: Sequence[Exchange]) -> None:
        """Show exactly these rows (the store read again)."""
        for series in self.series.values():
            series.clear()
        self.add_rows(rows)
        for series in self.series.values():
            if not series.rows:
                series.redraw()

    def _new_series(self, name: str) -> _Series:
        colour = self.scheme.series_colour(len(self.series))
        item = self.getPlotItem().plot(
            [], [], name=name, pen=pg.mkPen(colour, width=1.3), symbol="o", symbolSize=5,
            symbolBrush=pg.mkBrush(colour), symbolPen=pg.mkPen(colour), antialias=True,
        )  # fmt: skip
        series = self.series[name] = _Series(name, item)
        return series

    # ------------------------------------------------------------------------------------------- hover
    def nearest(self, scene_pos: QPointF) -> tuple[_Series, int, QPointF] | None:
        """The point within ``HOVER_PX`` pixels of ``scene_pos``: its series, index and place in view coordinates."""
        box = self.getPlotItem().vb
        if not box.sceneBoundingRect().contains(scene_pos):
            return None
        view = box.mapSceneToView(scene_pos)
        width, height = box.viewPixelSize()
        if not width or not height:
            return None
        log_x = self.getPlotItem().getAxis("bottom").logMode
        log_y = self.getPlotItem().getAxis("left").logMode
        best: tuple[float, _Series, int, QPointF] | None = None
        for series in self.series.values():
            if not series.rows or not series.item.isVisible():
                continue
            xs = np.log10(np.maximum(series.xs, 1e-9)) if log_x else series.xs
            ys = np.log10(np.maximum(series.ys, 1e-9)) if log_y else series.ys
            distance = ((xs - view.x()) / width) ** 2 + ((ys - view.y()) / height) ** 2
            index = int(np.argmin(distance))
            if distance[index] <= HOVER_PX**2 and (best is None or distance[index] < best[0]):
                best = (float(distance[index]), series, index, QPointF(float(xs[index]), float(ys[index])))
        return None if best is None else best[1:]

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        found = self.nearest(scene_pos)
        if found is None:
            if self.hover_text:
                self.hover_text = ""
                self.marker.setData([], [])
                QToolTip.hideText()
            return
        series, index, where_in_view = found
        self.hover_text = hover_text(series.rows[index])
        colour = QColor(self.scheme.text)
        self.marker.setData(
            [where_in_view.x()], [where_in_view.y()], pen=pg.mkPen(colour, width=2), brush=pg.mkBrush(None)
        )
        where = self.mapToGlobal(self.mapFromScene(scene_pos))
        QToolTip.showText(where, self.hover_text, self)

    def _on_mouse_clicked(self, event: object) -> None:
        button = getattr(event, "button", lambda: None)()
        if button != pg.QtCore.Qt.MouseButton.LeftButton:
            return
        found = self.nearest(event.scenePos())  # type: ignore[attr-defined]
        if found is not None:
            self.point_clicked.emit(found[0].rows[found[1]].id)

    # ------------------------------------------------------------------------------------------- colours
    def use_scheme(self, scheme: theme.Scheme) -> None:
        """Recolour the background, axes, legend and series for ``scheme``."""
        self.scheme = scheme
        self.setBackground(scheme.base)
        item = self.getPlotItem()
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen(scheme.muted_text))
            axis.setTextPen(pg.mkPen(scheme.text))
        item.setTitle("Latency by provider", color=scheme.text)
        self.legend.setLabelTextColor(scheme.text)
        self.legend.setBrush(pg.mkBrush(QColor(scheme.base)))
        self.legend.setPen(pg.mkPen(scheme.grid))
        for index, series in enumerate(self.series.values()):
            colour = scheme.series_colour(index)
            series.item.setPen(pg.mkPen(colour, width=1.3))
            series.item.setSymbolBrush(pg.mkBrush(colour))
            series.item.setSymbolPen(pg.mkPen(colour))
        for sample, label in self.legend.items:  # the legend's text items keep their old colour otherwise
            label.setText(label.text, color=scheme.text)
            del sample


def _close_at_exit(reference: weakref.ref[LatencyPlot]) -> None:
    plot = reference()
    if plot is not None:
        plot.close_before_exit()
