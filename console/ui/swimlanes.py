"""A verification drawn as swim lanes: console, provider, phone and listener, one mark per step, gaps labelled."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QContextMenuEvent,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QMenu, QSizePolicy, QToolTip, QWidget

from console.core.models import Exchange, Verification
from console.ui import theme
from console.ui.lane_chart import LANE_TITLES, LANES, LaneChart, Link, Mark, PhoneMessageLike, clock, lay_out
from console.ui.png_export import PngSaver

if TYPE_CHECKING:
    from concurrent.futures import Future

GUTTER = 92  # lane titles
HEADER = 20  # the first mark's time, the end line's label
LANE_HEIGHT = 36
GAP_ROW = 20  # the gap labels under the lanes
MIN_STEP = 64  # px between two marks' columns
MAX_STEP = 190
END_GAP = 40  # px from the last mark to an end line after it
LABEL_MAX = 170
MARK_RADIUS = 6
HEIGHT = HEADER + LANE_HEIGHT * len(LANES) + GAP_ROW + 4


class SwimlaneView(QWidget):
    """Paints a :class:`LaneChart`; click a mark to select its exchange, right-click to save the picture.

    Its width grows with the number of marks (put it in a scroll area); its height is fixed. Colours come from
    the palette's scheme (:func:`theme.scheme_for`) and change with it.

    Attributes:
        chart: what is drawn now.
        selected: the exchange id whose marks are ringed, or None.

    Signals:
        exchange_chosen(str): the user clicked a mark (or pressed Enter on one); the log selects that exchange.
        png_saved(str, str): a PNG was written (path, "") or could not be (path, why).
    """

    exchange_chosen = Signal(str)
    png_saved = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timeline_lanes")
        self.setMouseTracking(False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(HEIGHT)
        self.chart = LaneChart()
        self.selected: str | None = None
        self._xs: list[float] = []
        self._label_width: list[int] = []
        self._end_x: float | None = None
        self._end_left = False
        self._content_width = GUTTER + 200
        self._saver = PngSaver(self, "timeline.png")
        self._saver.saved.connect(self.png_saved)
        self._fonts()

    # ------------------------------------------------------------------------------------------- data
    def show_verification(
        self,
        verification: Verification | None,
        exchanges: Sequence[Exchange] = (),
        phone_messages: Iterable[PhoneMessageLike] = (),
    ) -> None:
        """Draw ``verification`` from its exchanges (in any order) and the phone's messages; None clears."""
        self.chart = lay_out(verification, exchanges, phone_messages)
        self._saver.suggested = f"timeline-{verification.id}.png" if verification is not None else "timeline.png"
        if self.selected is not None and all(m.exchange_id != self.selected for m in self.chart.marks):
            self.selected = None
        self._measure()
        self.update()

    def marks(self) -> tuple[Mark, ...]:
        return self.chart.marks

    def select(self, exchange_id: str | None) -> None:
        """Ring the marks of this exchange (the step list's selection)."""
        self.selected = exchange_id
        self.update()

    def mark_centre(self, index: int) -> QPoint:
        """Where mark ``index`` is drawn (tests click there)."""
        centre = self._centre(index)
        return QPoint(round(centre.x()), round(centre.y()))

    def mark_at(self, pos: QPoint | QPointF) -> int | None:
        """The index of the mark under ``pos`` (its shape or its label), or None."""
        best: tuple[float, int] | None = None
        for index in range(len(self.chart.marks)):
            centre = self._centre(index)
            dx, dy = abs(pos.x() - centre.x()), pos.y() - centre.y()
            on_mark = dx <= MARK_RADIUS + 4 and abs(dy) <= MARK_RADIUS + 4
            on_label = dx <= self._label_width[index] / 2 + 2 and MARK_RADIUS < dy <= MARK_RADIUS + 16
            if (on_mark or on_label) and (best is None or dx < best[0]):
                best = (dx, index)
        return None if best is None else best[1]

    def save_png(self, path: str) -> Future[str]:
        """Write the picture, at its current size, to ``path`` (off the GUI thread); the future holds the path."""
        return self._saver.save(path)

    def sizeHint(self) -> QSize:
        return QSize(self._content_width, HEIGHT)

    def minimumSizeHint(self) -> QSize:
        return QSize(self._content_width, HEIGHT)

    # ------------------------------------------------------------------------------------------- geometry
    def _fonts(self) -> None:
        self._small = QFont(self.font())
        self._small.setPointSizeF(max(6.5, self.font().pointSizeF() - 1.0))
        self._bold = QFont(self.font())
        self._bold.setBold(True)
        self._metrics = QFontMetrics(self._small)

    def _lane_top(self, lane: str) -> int:
        return HEADER + LANES.index(lane) * LANE_HEIGHT

    def _centre(self, index: int) -> QPointF:
        mark = self.chart.marks[index]
        return QPointF(self._xs[index], self._lane_top(mark.lane) + 12)

    def _measure(self) -> None:
        """Columns: one per mark, wider for long gaps and labels; the end line placed by time between them."""
        marks, fm = self.chart.marks, self._metrics
        widths = [min(LABEL_MAX, fm.horizontalAdvance(m.label) + 4) for m in marks]
        xs: list[float] = []
        x = float(GUTTER + 16)
        for i, mark in enumerate(marks):
            if i:
                previous = marks[i - 1]
                seconds = max(0.0, mark.at - previous.at)
                step = MIN_STEP + 28 * math.log10(1 + seconds * 1000 / 50)
                step = max(step, fm.horizontalAdvance(self.chart.gaps[i - 1]) + 12)
                if previous.lane == mark.lane:
                    step = max(step, (widths[i - 1] + widths[i]) / 2 + 10)
                x += min(MAX_STEP, step)
            else:
                x += widths[0] / 2 if widths else 0
            xs.append(x)
        for i, mark in enumerate(marks):  # a label may not reach its same-lane neighbours' labels
            room = float(LABEL_MAX)
            for j in (i - 1, i + 1):
                if 0 <= j < len(marks) and marks[j].lane == mark.lane:
                    room = min(room, 2 * (abs(xs[j] - xs[i]) - widths[j] / 2) - 8)
            widths[i] = max(24, min(widths[i], int(room)))
        self._xs, self._label_width = xs, widths
        self._end_x = None if self.chart.end_at is None else self._x_of(self.chart.end_at)
        right = (xs[-1] + widths[-1] / 2) if xs else float(GUTTER + 40)
        start = fm.horizontalAdvance(clock(marks[0].at)) if marks else 0
        start_right = (xs[0] - 8 if xs else GUTTER) + start
        self._end_left = False
        if self._end_x is not None:
            # The end's label goes left of its line when the header has room there (the line is usually the
            # last thing on the right, so the label stays in view), else right of it.
            label = QFontMetrics(self._bold).horizontalAdvance(self.chart.end_label)
            self._end_left = self._end_x - 6 - label > start_right + 12
            right = max(right, self._end_x + 8 + (0 if self._end_left else label))
        self._content_width = int(max(right, GUTTER + start + 24) + 16)
        self.setMinimumWidth(self._content_width)
        self.updateGeometry()

    def _x_of(self, at: float) -> float:
        marks, xs = self.chart.marks, self._xs
        if not marks:
            return float(GUTTER + 40)
        if at <= marks[0].at:
            return xs[0]
        for i in range(1, len(marks)):
            if at <= marks[i].at:
                span = marks[i].at - marks[i - 1].at
                share = 0.0 if span <= 0 else (at - marks[i - 1].at) / span
                return xs[i - 1] + share * (xs[i] - xs[i - 1])
        return xs[-1] + (END_GAP if at > marks[-1].at else 0)

    # ------------------------------------------------------------------------------------------- painting
    def paintEvent(self, event: QPaintEvent) -> None:
        scheme = theme.scheme_for(self.palette())
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        try:
            self._paint(painter, scheme)
        finally:
            painter.end()

    def _paint(self, p: QPainter, scheme: theme.Scheme) -> None:
        width = self.width()
        text = QColor(scheme.text)
        muted = QColor(scheme.muted_text)
        p.fillRect(self.rect(), QColor(scheme.base))
        lanes_bottom = HEADER + LANE_HEIGHT * len(LANES)
        for index, lane in enumerate(LANES):  # bands, separators, titles
            top = self._lane_top(lane)
            if index % 2:
                p.fillRect(QRect(0, top, width, LANE_HEIGHT), QColor(scheme.band))
            p.setPen(QPen(QColor(scheme.grid), 1))
            p.drawLine(0, top, width, top)
            p.fillRect(QRect(8, top + LANE_HEIGHT // 2 - 5, 10, 10), QColor(scheme.lanes[lane]))
            p.setPen(text)
            p.setFont(self.font())
            p.drawText(QRect(24, top, GUTTER - 26, LANE_HEIGHT), Qt.AlignmentFlag.AlignVCenter, LANE_TITLES[lane])
        p.setPen(QPen(QColor(scheme.grid), 1))
        p.drawLine(0, lanes_bottom, width, lanes_bottom)
        p.drawLine(GUTTER, HEADER, GUTTER, lanes_bottom)

        marks = self.chart.marks
        p.setFont(self._small)
        if not marks:
            p.setPen(muted)
            p.drawText(
                QRect(GUTTER, HEADER, max(0, width - GUTTER), LANE_HEIGHT * len(LANES)),
                Qt.AlignmentFlag.AlignCenter,
                "Select a row of a verification: its requests, answers, callbacks and checks appear here.",
            )
        else:
            p.setPen(muted)
            p.drawText(QPointF(self._xs[0] - 8, HEADER - 6), clock(marks[0].at))
        self._paint_end(p, scheme, lanes_bottom)
        for link in self.chart.links:
            self._paint_link(p, scheme, link)
        for index, mark in enumerate(marks):
            self._paint_mark(p, scheme, index, mark)
        p.setFont(self._small)
        for index, label in enumerate(self.chart.gaps):  # the gap row under the lanes
            if not label:
                continue
            left, right = self._xs[index] + 3, self._xs[index + 1] - 3
            y = lanes_bottom + 5
            p.setPen(QPen(muted, 1))
            p.drawLine(QPointF(left, y), QPointF(right, y))
            p.drawLine(QPointF(left, y - 3), QPointF(left, y + 3))
            p.drawLine(QPointF(right, y - 3), QPointF(right, y + 3))
            box = QRectF((left + right) / 2 - 60, y + 1, 120, GAP_ROW - 6)
            p.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, label)

    def _paint_end(self, p: QPainter, scheme: theme.Scheme, lanes_bottom: int) -> None:
        if self._end_x is None:
            return
        colour = QColor(scheme.states.get(self.chart.end_state, scheme.muted_text))
        pen = QPen(colour, 2)
        if not self.chart.end_final:
            pen.setStyle(Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.drawLine(QPointF(self._end_x, HEADER - 2), QPointF(self._end_x, lanes_bottom))
        p.setFont(self._bold)
        if self._end_left:
            box = QRectF(0, 0, self._end_x - 6, HEADER - 2)
            p.drawText(box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom, self.chart.end_label)
        else:
            p.drawText(QPointF(self._end_x + 5, HEADER - 6), self.chart.end_label)

    def _paint_link(self, p: QPainter, scheme: theme.Scheme, link: Link) -> None:
        a, b = self._centre(link.start), self._centre(link.end)
        dx, dy = b.x() - a.x(), b.y() - a.y()
        length = (dx * dx + dy * dy) ** 0.5
        if length < 2 * MARK_RADIUS + 4:
            return
        ux, uy = dx / length, dy / length
        start = QPointF(a.x() + ux * (MARK_RADIUS + 2), a.y() + uy * (MARK_RADIUS + 2))
        tip = QPointF(b.x() - ux * (MARK_RADIUS + 2), b.y() - uy * (MARK_RADIUS + 2))
        colour = QColor(scheme.link)
        pen = QPen(colour, 1.3)
        if link.dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.drawLine(start, tip)
        head = QPolygonF(
            [
                tip,
                QPointF(tip.x() - ux * 7 - uy * 3.5, tip.y() - uy * 7 + ux * 3.5),
                QPointF(tip.x() - ux * 7 + uy * 3.5, tip.y() - uy * 7 - ux * 3.5),
            ]
        )
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        p.drawPolygon(head)

    def _paint_mark(self, p: QPainter, scheme: theme.Scheme, index: int, mark: Mark) -> None:
        centre = self._centre(index)
        colour = QColor(scheme.lanes[mark.lane] if mark.ok else scheme.error)
        r = MARK_RADIUS
        if self.selected is not None and mark.exchange_id == self.selected:
            p.setPen(QPen(self.palette().color(self.palette().ColorRole.Highlight), 2.5))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawEllipse(centre, r + 4, r + 4)
        hollow = mark.derived or mark.kind == "refused"
        p.setPen(QPen(colour, 2))
        p.setBrush(QBrush(QColor(scheme.base)) if hollow else QBrush(colour))
        if mark.kind == "answer":
            p.drawPolygon(
                QPolygonF(
                    [
                        QPointF(centre.x(), centre.y() - r - 1),
                        QPointF(centre.x() + r + 1, centre.y()),
                        QPointF(centre.x(), centre.y() + r + 1),
                        QPointF(centre.x() - r - 1, centre.y()),
                    ]
                )
            )
        elif mark.kind == "callback":
            p.drawRect(QRectF(centre.x() - r + 1, centre.y() - r + 1, 2 * r - 2, 2 * r - 2))
        elif mark.kind == "forward":
            p.drawPolygon(
                QPolygonF(
                    [
                        QPointF(centre.x() - r, centre.y() - r),
                        QPointF(centre.x() + r, centre.y()),
                        QPointF(centre.x() - r, centre.y() + r),
                    ]
                )
            )
        else:
            p.drawEllipse(centre, r, r)
            if mark.kind == "check":
                p.setBrush(QBrush(QColor(scheme.base)))
                p.setPen(Qt.PenStyle.NoPen)
                p.drawEllipse(centre, r / 2.5, r / 2.5)
            elif mark.kind == "refused":
                p.drawLine(QPointF(centre.x() - 3, centre.y() - 3), QPointF(centre.x() + 3, centre.y() + 3))
                p.drawLine(QPointF(centre.x() - 3, centre.y() + 3), QPointF(centre.x() + 3, centre.y() - 3))
        width = self._label_width[index]
        label = self._metrics.elidedText(mark.label, Qt.TextElideMode.ElideRight, width)
        used = self._metrics.horizontalAdvance(label) + 4
        box = QRectF(centre.x() - used / 2, centre.y() + r + 1, used, self._metrics.height())
        band = LANES.index(mark.lane) % 2
        p.fillRect(box, QColor(scheme.band if band else scheme.base))  # lines pass under the words, not through
        p.setPen(QColor(scheme.text if mark.ok else scheme.error))
        p.setFont(self._small)
        p.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, label)

    # ------------------------------------------------------------------------------------------- input
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        index = self.mark_at(event.position())
        if index is not None:
            self._choose(index)
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Left and Right move between steps, Enter selects the step's exchange in the log."""
        chosen = [i for i, m in enumerate(self.chart.marks) if m.exchange_id]
        if not chosen:
            super().keyPressEvent(event)
            return
        current = next((i for i in chosen if self.chart.marks[i].exchange_id == self.selected), None)
        key = event.key()
        if key in (Qt.Key.Key_Right, Qt.Key.Key_Left):
            position = -1 if current is None else chosen.index(current)
            position = min(len(chosen) - 1, position + 1) if key == Qt.Key.Key_Right else max(0, position - 1)
            self.select(self.chart.marks[chosen[position]].exchange_id)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and current is not None:
            self._choose(current)
        else:
            super().keyPressEvent(event)

    def _choose(self, index: int) -> None:
        xid = self.chart.marks[index].exchange_id
        if xid:
            self.select(xid)
            self.exchange_chosen.emit(xid)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self.mark_at(event.pos())
            if index is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), self.chart.marks[index].detail, self)
            return True
        return super().event(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = QMenu(self)
        menu.addAction(self._saver.action(menu))
        menu.popup(event.globalPos())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._fonts()
            self._measure()
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.update()
        super().changeEvent(event)
