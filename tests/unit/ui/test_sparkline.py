"""Sparkline: its scaling, rates from running totals, the ring of the last minute, PNG export, both schemes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from console.ui import theme
from console.ui.sparkline import HEIGHT, PAD, SAMPLES, TEXT_WIDTH, WIDTH, Sparkline, rate_text, scale_points


@pytest.fixture
def make_sparkline(qtbot: QtBot) -> Callable[[], Sparkline]:
    def make() -> Sparkline:
        line = Sparkline()
        qtbot.addWidget(line)
        line.show()
        qtbot.waitExposed(line)
        return line

    return make


def test_the_largest_sample_reaches_the_top_and_zero_the_bottom() -> None:
    top, points = scale_points([0.0, 5.0, 10.0], width=100, height=22, capacity=3)
    assert top == 10.0
    assert points == [(PAD, 22 - PAD), (50.0, 11.0), (100 - PAD, PAD)]


def test_a_trickle_is_drawn_low_not_as_a_flood() -> None:
    top, points = scale_points([0.0, 0.5], width=100, height=22, capacity=2)
    assert top == 1.0  # MIN_SCALE: half a request a second fills half the height
    assert points[1][1] == pytest.approx(11.0)
    assert scale_points([0.0, 0.0], width=100, height=22, capacity=2)[1] == [(PAD, 20.0), (98.0, 20.0)]


def test_the_newest_sample_is_at_the_right_edge() -> None:
    _top, points = scale_points([3.0, 3.0], width=SAMPLES - 1 + 2 * PAD, height=22, capacity=SAMPLES)
    assert [x for x, _y in points] == [SAMPLES - 2 + PAD, SAMPLES - 1 + PAD]  # a pixel a step, ending at the right


def test_rates_from_running_totals(make_sparkline: Callable[[], Sparkline]) -> None:
    line = make_sparkline()
    line.add_total(10, at=100.0)  # the first total only sets the start
    assert list(line.samples) == []
    line.add_total(15, at=101.0)
    line.add_total(25, at=103.0)
    line.add_total(25, at=103.0)  # no time passed: ignored
    line.add_total(3, at=104.0)  # the listener restarted: counted from zero
    assert list(line.samples) == [5.0, 5.0, 3.0]
    assert line.current_text() == "3/s"
    assert "peak 5/s" in line.toolTip()


def test_the_ring_keeps_the_last_minute(make_sparkline: Callable[[], Sparkline]) -> None:
    line = make_sparkline()
    for value in range(70):
        line.add_sample(value)
    assert len(line.samples) == SAMPLES
    assert line.samples[0] == 10
    assert line.scale() == 69
    points = line.points()
    assert points[-1] == (WIDTH - TEXT_WIDTH - PAD, PAD)
    assert (line.width(), line.height()) == (WIDTH, HEIGHT)  # fixed: the strip does not reflow


def test_it_follows_a_heartbeat_source(make_sparkline: Callable[[], Sparkline], qtbot: QtBot) -> None:
    line = make_sparkline()
    count = [0]

    def heartbeat() -> tuple[int, float | None]:
        count[0] += 7
        return count[0], None

    line.follow(heartbeat, interval_ms=20)
    qtbot.waitUntil(lambda: len(line.samples) >= 3, timeout=3000)
    line.stop()
    assert all(rate > 0 for rate in line.samples)


@pytest.mark.parametrize(("rate", "text"), [(0, "0/s"), (0.25, "0.2/s"), (3, "3/s"), (12.4, "12/s"), (1530, "1.5k/s")])
def test_rate_text(rate: float, text: str) -> None:
    assert rate_text(rate) == text


def test_the_sparkline_saves_as_a_png_of_its_size(make_sparkline: Callable[[], Sparkline], tmp_path: Path) -> None:
    line = make_sparkline()
    for value in (1, 4, 2, 8):
        line.add_sample(value)
    path = tmp_path / "rate.png"
    line.save_png(str(path)).result(timeout=10)
    image = QImage(str(path))
    assert path.read_bytes()[:4] == b"\x89PNG"
    assert (image.width(), image.height()) == (WIDTH, HEIGHT)


@pytest.mark.parametrize("scheme", [theme.LIGHT, theme.DARK], ids=["light", "dark"])
def test_both_schemes(make_sparkline: Callable[[], Sparkline], scheme: theme.Scheme) -> None:
    line = make_sparkline()
    line.setPalette(theme.palette_for(scheme))
    for value in (0, 0, 10, 10):
        line.add_sample(value)
    image = line.grab().toImage()
    assert image.pixelColor(3, 3) == QColor(scheme.base)  # the graph's background, top left: no line there
    x, y = line.points()[-2]
    drawn = image.pixelColor(round(x), round(y) + 1)  # on the line (antialiased: within a few steps)
    wanted = QColor(scheme.accent)
    assert (
        max(abs(drawn.red() - wanted.red()), abs(drawn.green() - wanted.green()), abs(drawn.blue() - wanted.blue()))
        < 24
    )
