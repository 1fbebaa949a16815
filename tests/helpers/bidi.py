"""Reading text the way the screen draws it: the order of its digits after Qt's bidi layout."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QTextLayout, QTextOption


def visual_digits(
    text: str, start: int = 0, end: int | None = None, direction: Qt.LayoutDirection = Qt.LayoutDirection.LeftToRight
) -> str:
    """The digits of ``text[start:end]`` in the order Qt draws them: line by line, left to right.

    ``text`` is laid out as a list item shows it (its newlines as line separators, in one paragraph of
    ``direction``); each digit's place is the x of its glyph.
    """
    layout = QTextLayout(text.replace("\n", "\u2028"), QFont())
    option = QTextOption()
    option.setTextDirection(direction)
    layout.setTextOption(option)
    layout.beginLayout()
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(1_000_000)
    layout.endLayout()
    drawn: list[tuple[int, float, str]] = []
    for i in range(start, len(text) if end is None else end):
        if text[i].isdigit():
            line = layout.lineForTextPosition(i)
            x = min(p.x() for run in line.glyphRuns(i, 1) for p in run.positions())
            drawn.append((line.lineNumber(), x, text[i]))
    return "".join(ch for *_, ch in sorted(drawn))
