"""Where the window goes on a screen, and how the panes share its width (pure geometry, no window shown)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect

from console.ui.screen_fit import (
    LEFT_MAX,
    LEFT_MIN,
    MIDDLE_MAX,
    MIDDLE_MIN,
    RIGHT_PREFERRED,
    fits,
    pane_sizes,
    window_rect,
)

SCREENS = [QRect(0, 0, 1280, 720), QRect(0, 0, 1366, 768), QRect(0, 27, 1920, 1053), QRect(1920, 0, 2560, 1440)]


@pytest.mark.parametrize("available", SCREENS, ids=lambda r: f"{r.width()}x{r.height()}")
def test_the_window_lies_inside_the_available_area(available: QRect) -> None:
    rect = window_rect(available)
    assert fits(rect, available)
    assert abs(rect.center().x() - available.center().x()) <= 1
    assert abs(rect.center().y() - available.center().y()) <= 1


def test_a_small_screen_gets_all_of_its_area_a_large_one_a_centred_window() -> None:
    small = QRect(0, 0, 1366, 768)
    assert window_rect(small) == small
    large = QRect(0, 27, 1920, 1053)
    rect = window_rect(large)
    assert (rect.width(), rect.height()) == (1728, 948)
    assert fits(rect, large)
    assert rect != large


def test_fits() -> None:
    screen = QRect(0, 0, 1366, 768)
    assert fits(QRect(0, 0, 1366, 768), screen)
    assert not fits(QRect(0, 0, 1600, 940), screen)  # the old fixed size
    assert not fits(QRect(-2, -2, 1370, 772), screen)  # a frame around a screen-sized window
    assert not fits(QRect(), screen)


@pytest.mark.parametrize("total", [1200, 1268, 1354, 1600, 1716, 2400])
@pytest.mark.parametrize("middle_min", [0, 531])
def test_pane_sizes(total: int, middle_min: int) -> None:
    left, middle, right = pane_sizes(total, middle_min)
    assert left + middle + right == total
    assert LEFT_MIN <= left <= LEFT_MAX
    assert max(MIDDLE_MIN, middle_min) <= middle <= max(MIDDLE_MAX, middle_min)
    if left > LEFT_MIN:  # the left pane keeps its share only while the log has the width it wants
        assert right >= RIGHT_PREFERRED
