"""Every text a person could read on screen: each visible widget's text, tooltip and items, and the window titles.

Used by the screen-sharing tests: with the mask on, none of it may hold a full phone number or a code.
"""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
MAX_ROWS = 2_000  # per item view: the rows a test makes, with room to spare


def _model_texts(model: QAbstractItemModel, parent: QModelIndex | None = None) -> Iterator[str]:
    parent = parent or QModelIndex()
    try:
        columns = model.columnCount(parent)
    except TypeError:  # a list model keeps it private: one column
        columns = 1
    tree = not isinstance(model, QAbstractListModel | QAbstractTableModel)  # those keep hasChildren private
    for row in range(min(model.rowCount(parent), MAX_ROWS)):
        for column in range(columns):
            index = model.index(row, column, parent)
            for role in ROLES:
                value = model.data(index, role)
                if isinstance(value, str) and value:
                    yield value
            if tree and column == 0 and model.hasChildren(index):
                yield from _model_texts(model, index)


def widget_texts(widget: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) for everything ``widget`` shows: its text, tooltip, items, placeholder."""
    name = f"{type(widget).__name__}#{widget.objectName() or '?'}"
    if widget.toolTip():
        yield f"{name} tooltip", widget.toolTip()
    if widget.isWindow() and widget.windowTitle():
        yield f"{name} title", widget.windowTitle()
    if isinstance(widget, QLabel | QAbstractButton):
        yield name, widget.text()
    elif isinstance(widget, QLineEdit):
        yield name, widget.displayText()  # dots, when the field is masked
    elif isinstance(widget, QPlainTextEdit | QTextEdit):
        yield name, widget.toPlainText()
    elif isinstance(widget, QComboBox):
        for i in range(widget.count()):
            yield f"{name} item", widget.itemText(i)
    elif isinstance(widget, QTabBar):
        for i in range(widget.count()):
            yield f"{name} tab", widget.tabText(i) + " " + widget.tabToolTip(i)
    if isinstance(widget, QAbstractItemView) and widget.model() is not None:
        for text in _model_texts(widget.model()):
            yield f"{name} item", text
    if isinstance(widget, QMainWindow) and widget.statusBar().currentMessage():
        yield f"{name} status bar", widget.statusBar().currentMessage()


def visible_texts() -> list[tuple[str, str]]:
    """Every text on screen now, over all visible widgets of the application."""
    found: list[tuple[str, str]] = []
    for widget in QApplication.allWidgets():
        if widget.isVisible():
            found.extend(widget_texts(widget))
    return found
