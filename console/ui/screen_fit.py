"""Where the main window goes on the screen it opens on, and how its three panes share the width.

The app places the window itself: with no window manager (a bare X server, a kiosk, a CI display) nobody
else will, and a fixed size left the Send button and the status bar off a 1366x768 screen.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize

#: Screens at most this size get the whole available area; larger ones get a centred window.
FULL_SCREEN_UP_TO = QSize(1440, 900)
#: On a larger screen, the window's share of the available width and height (and the most it takes).
SHARE = 0.9
LARGEST = QSize(1800, 1100)

#: The left pane (providers over the virtual phone): its share of the width and its bounds.
LEFT_SHARE, LEFT_MIN, LEFT_MAX = 0.15, 160, 280
#: The middle pane (the provider's form): its share of the width and its bounds.
MIDDLE_SHARE, MIDDLE_MIN, MIDDLE_MAX = 0.36, 450, 620
#: The least width of the right pane (the listener's strip and the log): fixed, so that a long line in it
#: (a port-taken notice, an error) is cut inside the pane rather than widening the window past the screen.
RIGHT_MIN = 480
#: The right pane's width below which the left pane gives up its share (down to LEFT_MIN) to the log.
RIGHT_PREFERRED = 640


def window_rect(available: QRect) -> QRect:
    """The window's geometry on a screen whose available area (without panels and docks) is ``available``.

    A small screen gets all of it; a larger one 90% of it (at most 1800x1100), centred.
    """
    width, height = available.width(), available.height()
    if width > FULL_SCREEN_UP_TO.width():
        width = min(round(width * SHARE), LARGEST.width())
    if height > FULL_SCREEN_UP_TO.height():
        height = min(round(height * SHARE), LARGEST.height())
    rect = QRect(0, 0, width, height)
    rect.moveCenter(available.center())
    return rect


def fits(rect: QRect, available: QRect) -> bool:
    """Whether a window at ``rect`` lies wholly inside ``available`` (and is not degenerate)."""
    return rect.isValid() and available.contains(rect)


def pane_sizes(total: int, middle_min: int = MIDDLE_MIN) -> list[int]:
    """The three panes' widths for a splitter ``total`` pixels wide: the log gets what the others leave.

    ``middle_min``: what the widest form needs (it never scrolls sideways).
    """
    left = _clamp(round(total * LEFT_SHARE), LEFT_MIN, LEFT_MAX)
    middle = _clamp(round(total * MIDDLE_SHARE), max(MIDDLE_MIN, middle_min), max(MIDDLE_MAX, middle_min))
    short = RIGHT_PREFERRED - (total - left - middle)
    if short > 0:  # a small screen: the log's columns before the phone's width
        left = max(LEFT_MIN, left - short)
    return [left, middle, max(total - left - middle, 0)]


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(value, high))
