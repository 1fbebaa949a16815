"""Small pieces of the Scenarios pane: masked tree cells, notes, a step's argument, buttons and rows."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTreeWidget, QTreeWidgetItem, QWidget

from console.ui.privacy import PRIVACY

if TYPE_CHECKING:
    from console.scenarios.model import Step

RAW = Qt.ItemDataRole.UserRole + 1
"""Item data: each column's unmasked text (screen-sharing mode shows it masked)."""


def set_cell(item: QTreeWidgetItem, column: int, text: str) -> None:
    """Show ``text`` in a cell, masked in screen-sharing mode (the raw text kept for :meth:`refresh_privacy`)."""
    item.setData(column, RAW, text)
    item.setText(column, PRIVACY.mask(text))


def note(tree: QTreeWidget, text: str, colour: str) -> None:
    """A row spanning the columns in ``colour``: an invalid file's error, or that the folder is empty."""
    item = QTreeWidgetItem(tree)
    set_cell(item, 0, text)
    item.setForeground(0, QBrush(QColor(colour)))
    item.setToolTip(0, PRIVACY.mask(text))
    item.setFirstColumnSpanned(True)


def step_argument(step: Step) -> str:
    """What the step does, briefly: ``to +447911123456``, ``deliver``, ``code {phone.code}``, ``2.0 s``."""
    argument: Any = step.argument
    if isinstance(argument, dict):
        return " ".join(f"{k} {v}" for k, v in argument.items() if k in ("to", "code", "channel"))
    return f"{argument} s" if step.action == "wait" else str(argument)


def pairs(pairs: Iterable[tuple[str, Any]]) -> str:
    """``ok = true, state = verified`` (values as the file says them; – for none)."""
    said = {True: "true", False: "false", None: "–"}
    return ", ".join(f"{k} = {said[v] if v is None or isinstance(v, bool) else v}" for k, v in pairs)


def make_label(name: str, text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


def make_button(text: str, name: str, slot: Callable[[], None]) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.clicked.connect(lambda: slot())
    return button


def make_tree(name: str, headers: list[str]) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setObjectName(name)
    tree.setHeaderLabels(headers)
    tree.setUniformRowHeights(True)
    return tree


def make_row(*widgets: QWidget) -> QHBoxLayout:
    """Widgets side by side; the labels among them take the room left."""
    row = QHBoxLayout()
    for widget in widgets:
        row.addWidget(widget, 1 if isinstance(widget, QLabel) else 0)
    return row
