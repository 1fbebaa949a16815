"""LatencyChart: pyqtgraph only once shown, one series per provider, hover text, batches, PNG, both schemes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from console.core.logstore import LogStore
from console.core.models import Exchange, Outcome
from console.ui import theme
from console.ui.latency_chart import LatencyChart, is_provider_call
from tests.helpers.exchanges import exchange

ROOT = Path(__file__).resolve().parents[3]
T0 = 1_764_000_000.0


def _ex(xid: str, at: float, provider: str, latency: float | None, **changes: Any) -> Exchange:
    values = {"id": xid, "started_at": at, "provider": provider, "channel": "sms", "latency_ms": latency}
    return exchange(**(values | changes))


def _rows() -> list[Exchange]:
    rows = [_ex(f"x-{i}", T0 + i * 10, ("zadarma", "ssms", "ycloud")[i % 3], 100.0 + i * 7) for i in range(30)]
    rows.append(_ex("x-hook", T0 + 5, "zadarma", 0.4, operation="webhook"))  # a callback's handling time
    rows.append(_ex("x-refused", T0 + 6, "vbee", None, outcome=Outcome.REFUSED, status=None))  # never sent
    return rows


def _run(script: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": str(ROOT)},
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.fixture
def make_chart(qtbot: QtBot) -> Callable[[LogStore], LatencyChart]:
    def make(store: LogStore) -> LatencyChart:
        chart = LatencyChart(store)
        qtbot.addWidget(chart)
        chart.resize(700, 360)
        chart.show()
        qtbot.waitUntil(lambda: chart.is_built, timeout=10_000)
        qtbot.waitUntil(lambda: _range_shows_every_point(chart), timeout=5000)  # auto-range runs on a paint
        return chart

    return make


def test_pyqtgraph_is_imported_only_when_the_chart_is_first_shown() -> None:
    out = _run(
        """
        import sys, time
        from PySide6.QtWidgets import QApplication, QLabel
        app = QApplication([])
        from console.core.logstore import LogStore
        from console.ui.latency_chart import LatencyChart, beside
        store = LogStore()
        chart = LatencyChart(store)
        chart.resize(600, 300)
        log = QLabel("log")
        pane = beside(log, chart)  # the chart starts closed: no width
        pane.resize(900, 400)
        pane.show()
        for _ in range(20):
            app.processEvents()
        print("closed", "pyqtgraph" in sys.modules, "numpy" in sys.modules, chart.is_built)
        pane.setSizes([500, 400])  # the user opens it
        deadline = time.monotonic() + 20
        while not chart.is_built and time.monotonic() < deadline:
            app.processEvents()
        print("opened", "pyqtgraph" in sys.modules, chart.is_built)
        """
    )
    assert "closed False False False" in out
    assert "opened True True" in out


def test_the_window_module_path_does_not_import_pyqtgraph() -> None:
    out = _run(
        """
        import sys
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        import console.ui.latency_chart, console.ui.sparkline, console.ui.swimlanes, console.ui.timeline_view
        print(sorted(m for m in ("pyqtgraph", "numpy") if m in sys.modules))
        """
    )
    assert out.strip() == "[]"


def test_the_chart_builds_where_qt_opengl_is_left_out() -> None:
    """The slimmed PyInstaller bundle has no PySide6.QtOpenGL: a stand-in lets pyqtgraph import."""
    out = _run(
        """
        import sys
        sys.modules["PySide6.QtOpenGL"] = None  # as if it were not installed
        sys.modules["PySide6.QtOpenGLWidgets"] = None
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from console.core.logstore import LogStore
        from console.core.models import Exchange, Outcome
        from console.ui.latency_chart import LatencyChart
        store = LogStore()
        store.append(Exchange(id="x-1", seq=0, started_at=1.7e9, provider="ssms", operation="send", env="s",
                              method="POST", url="u", request_headers=(), request_body="", outcome=Outcome.OK,
                              status=200, latency_ms=120.0))
        chart = LatencyChart(store)
        chart.resize(500, 300)
        chart.show()
        plot = chart.build_now()
        app.processEvents()
        image = chart.grab().toImage()
        print("built", chart.series_names(), image.width(), sys.modules["PySide6.QtOpenGL"].__doc__[:10])
        """
    )
    assert "built ['ssms'] 500 Stand-in: " in out


def test_one_series_per_provider_of_the_requests_with_a_latency(
    make_chart: Callable[[LogStore], LatencyChart],
) -> None:
    store = LogStore()
    store.extend(_rows())
    chart = make_chart(store)
    plot = chart.plot
    assert plot is not None
    assert chart.series_names() == ["zadarma", "ssms", "ycloud"]  # no callback, no refused request
    zadarma = plot.series["zadarma"]
    assert list(zadarma.ys) == [100.0 + i * 7 for i in range(0, 30, 3)]
    assert list(zadarma.xs) == [T0 + i * 10 for i in range(0, 30, 3)]
    assert [r.id for r in zadarma.rows][:2] == ["x-0", "x-3"]
    colours = {name: s.item.opts["pen"].color().name() for name, s in plot.series.items()}
    assert len(set(colours.values())) == 3
    assert not is_provider_call(_rows()[-2])


def test_hovering_a_point_shows_its_request(make_chart: Callable[[LogStore], LatencyChart], qtbot: QtBot) -> None:
    store = LogStore()
    store.extend(_rows())
    chart = make_chart(store)
    plot = chart.plot
    assert plot is not None
    series = plot.series["ssms"]
    index = 2  # x-7: ssms, 149 ms
    scene = plot.getPlotItem().vb.mapViewToScene(QPointF(series.xs[index], series.ys[index]))
    qtbot.mouseMove(plot.viewport(), plot.mapFromScene(scene))  # a real move over the point
    qtbot.waitUntil(lambda: plot.hover_text != "", timeout=2000)
    assert plot.hover_text.splitlines() == [
        "ssms · send · sms",
        "HTTP 200 · OK",
        f"149 ms at {_clock(T0 + 70)}",
        "x-7",
    ]
    (_x0, _x1), (y0, y1) = plot.getPlotItem().vb.viewRange()
    far = plot.getPlotItem().vb.mapViewToScene(QPointF(T0 + 75, y0 + (y1 - y0) * 0.95))  # no point near
    # offscreen, a second synthetic move is not delivered while the tooltip shows: the scene's own signal
    plot.scene().sigMouseMoved.emit(far)
    assert plot.hover_text == ""
    assert not plot.marker.data.size  # the ring around the hovered point is gone
    with qtbot.waitSignal(chart.point_chosen, timeout=2000) as chosen:
        event = SimpleNamespace(button=lambda: _left(), scenePos=lambda: scene)
        plot.scene().sigMouseClicked.emit(event)
    assert chosen.args == ["x-7"]


def test_hover_follows_a_log_scale_and_the_ffts_are_off(
    make_chart: Callable[[LogStore], LatencyChart], qtbot: QtBot
) -> None:
    store = LogStore()
    store.extend(_rows())
    chart = make_chart(store)
    plot = chart.plot
    assert plot is not None
    item = plot.getPlotItem()
    assert not item.ctrl.fftCheck.isEnabled()  # an FFT of latencies means nothing, and hover reads the rows
    item.setLogMode(False, True)
    item.vb.autoRange()
    series = plot.series["ycloud"]
    view = QPointF(series.xs[1], float(np.log10(series.ys[1])))
    qtbot.mouseMove(plot.viewport(), plot.mapFromScene(item.vb.mapViewToScene(view)))
    qtbot.waitUntil(lambda: plot.hover_text.endswith("x-5"), timeout=2000)
    assert plot.marker.data["x"][0] == series.xs[1]
    assert plot.marker.data["y"][0] == pytest.approx(np.log10(series.ys[1]))


def test_new_rows_arrive_in_batches_from_any_thread(
    make_chart: Callable[[LogStore], LatencyChart], qtbot: QtBot
) -> None:
    store = LogStore()
    chart = make_chart(store)
    plot = chart.plot
    assert plot is not None
    calls: list[int] = []
    original = plot.add_rows

    def counting(rows: list[Exchange]) -> None:
        calls.append(len(rows))
        original(rows)

    plot.add_rows = counting

    def burst() -> None:
        for i in range(200):
            store.append(_ex(f"y-{i}", T0 + i, "vbee" if i % 2 else "ssms", 50.0 + i))

    worker = threading.Thread(target=burst)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: sum(calls) == 200, timeout=5000)
    assert len(calls) <= 3  # batched: not one redraw per row
    assert chart.series_names() == ["ssms", "vbee"]
    assert len(plot.series["vbee"].rows) == 100


def test_off_screen_it_drops_rows_then_reads_the_store_again(
    make_chart: Callable[[LogStore], LatencyChart], qtbot: QtBot
) -> None:
    store = LogStore()
    store.extend(_rows()[:3])
    chart = make_chart(store)
    chart.hide()
    store.append(_ex("late", T0 + 500, "hamkaran", 80.0))
    chart.flush_now()
    assert chart.series_names() == ["zadarma", "ssms", "ycloud"]
    chart.show()
    qtbot.waitUntil(lambda: "hamkaran" in chart.series_names(), timeout=5000)
    assert sum(len(s.rows) for s in chart.plot.series.values()) == 4  # type: ignore[union-attr]


def test_the_chart_saves_as_a_png_of_its_size(make_chart: Callable[[LogStore], LatencyChart], tmp_path: Path) -> None:
    store = LogStore()
    store.extend(_rows())
    chart = make_chart(store)
    path = tmp_path / "latency.png"
    chart.save_png(str(path)).result(timeout=10)
    image = QImage(str(path))
    assert path.read_bytes()[:4] == b"\x89PNG"
    assert (image.width(), image.height()) == (chart.width(), chart.height())
    scene = chart.plot.scene()  # type: ignore[union-attr]
    assert [a.text() for a in scene.contextMenu] == ["Save as PNG…"]  # in place of pyqtgraph's export dialog


@pytest.mark.parametrize("scheme", [theme.LIGHT, theme.DARK], ids=["light", "dark"])
def test_both_schemes(make_chart: Callable[[LogStore], LatencyChart], qtbot: QtBot, scheme: theme.Scheme) -> None:
    store = LogStore()
    store.extend(_rows())
    chart = make_chart(store)
    chart.setPalette(theme.palette_for(scheme))
    plot = chart.plot
    assert plot is not None
    assert plot.scheme is scheme
    image = chart.grab().toImage()
    assert image.pixelColor(chart.width() - 3, chart.height() // 2) == QColor(scheme.base)
    assert plot.getPlotItem().getAxis("left").textPen().color() == QColor(scheme.text)
    assert [s.item.opts["pen"].color().name() for s in plot.series.values()] == list(scheme.series[:3])


def _range_shows_every_point(chart: LatencyChart) -> bool:
    plot = chart.plot
    if plot is None:
        return False
    (x0, x1), (y0, y1) = plot.getPlotItem().vb.viewRange()
    return all(x0 <= x <= x1 and y0 <= y <= y1 for s in plot.series.values() for x, y in zip(s.xs, s.ys, strict=True))


def _clock(at: float) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(at).strftime("%H:%M:%S.%f")[:-3]


def _left() -> Any:
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
