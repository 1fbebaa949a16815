"""One input widget per field kind, all behind the same get/set interface."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QToolButton,
    QWidget,
)

from console.providers.spec import FieldKind, FieldRole, FieldSpec
from console.ui import theme
from console.ui.privacy import personal_input, show_tooltip

PERSONAL_KINDS = (FieldKind.PHONE, FieldKind.EMAIL, FieldKind.DIGITS)
PERSONAL_ROLES = (FieldRole.DESTINATION, FieldRole.CODE)


def is_personal(spec: FieldSpec) -> bool:
    """A field holding a person's number or address, or a code: masked in screen-sharing mode."""
    return spec.kind in PERSONAL_KINDS or spec.role in PERSONAL_ROLES


class FieldWidget:
    """Wraps the Qt widget for one field so forms read and write every kind the same way."""

    def __init__(self, spec: FieldSpec, on_load: Callable[[str], None] | None = None) -> None:
        self.spec = spec
        self.combo: QComboBox | None = None
        self.line: QLineEdit | None = None
        self.text: QPlainTextEdit | None = None
        self.check: QCheckBox | None = None
        self.widget: QWidget
        tip = spec.help or spec.label
        if spec.kind is FieldKind.CHOICE and spec.choices:
            self.combo = theme.compact_combo(QComboBox())
            for value, label in spec.choices:
                self.combo.addItem(label if label == value or not value else f"{value} — {label}", value)
            self.widget = self.combo
        elif spec.choices_from:
            self.combo = theme.compact_combo(QComboBox())
            self.combo.setEditable(True)
            line_edit = self.combo.lineEdit()
            if line_edit is not None:
                line_edit.setPlaceholderText("type an id or press Load")
            load = QToolButton()
            load.setText("Load")
            load.setToolTip(f"Fetch the values from the provider ({spec.choices_from})")
            source = spec.choices_from
            if on_load is not None:
                load.clicked.connect(lambda: on_load(source))
            self.load_button = load
            box = QWidget()
            row = QHBoxLayout(box)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(self.combo, 1)
            row.addWidget(load)
            self.widget = box
        elif spec.kind is FieldKind.MULTILINE:
            self.text = QPlainTextEdit()
            self.text.setPlaceholderText(spec.placeholder)
            self.text.setFixedHeight(70)
            self.widget = self.text
        elif spec.kind is FieldKind.BOOL:
            self.check = QCheckBox()
            self.check.setChecked(spec.default.lower() in {"1", "true", "yes"})
            self.widget = self.check
        else:
            self.line = QLineEdit(spec.default)
            self.line.setPlaceholderText(spec.placeholder)
            if spec.secret or spec.kind is FieldKind.SECRET:
                self.line.setEchoMode(QLineEdit.EchoMode.Password)
            elif is_personal(spec):
                personal_input(self.line)  # dots in screen-sharing mode, except while it is being edited
            self.widget = self.line
        show_tooltip(self.widget, tip)
        self.widget.setObjectName(f"field_{spec.name}")
        if spec.default:  # what is sent is what is shown: a default is the field's text, not a hidden fallback
            self.set(spec.default)

    def get(self) -> str:
        if self.combo is not None:
            data = self.combo.currentData()
            if self.combo.isEditable():
                text = self.combo.currentText().strip()
                index = self.combo.findText(text)
                return str(self.combo.itemData(index)) if index >= 0 and self.combo.itemData(index) else text
            return "" if data is None else str(data)
        if self.text is not None:
            return self.text.toPlainText()
        if self.check is not None:
            return "true" if self.check.isChecked() else "false"
        assert self.line is not None
        return self.line.text()

    def set(self, value: str) -> None:
        if self.combo is not None:
            index = self.combo.findData(value)
            if index >= 0:
                self.combo.setCurrentIndex(index)
            elif self.combo.isEditable():
                self.combo.setEditText(value)
            elif value:  # a value from history, before its choices were loaded: keep it selectable
                self.combo.addItem(value, value)
                self.combo.setCurrentIndex(self.combo.count() - 1)
        elif self.text is not None:
            self.text.setPlainText(value)
        elif self.check is not None:
            self.check.setChecked(value.lower() in {"1", "true", "yes"})
        elif self.line is not None:
            self.line.setText(value)

    def set_choices(self, choices: list[tuple[str, str]]) -> None:
        """Offer values fetched from the provider (keeps what the user typed)."""
        if self.combo is None:
            return
        current = self.get()
        self.combo.clear()
        for value, label in choices:
            self.combo.addItem(f"{value} — {label}" if label and label != value else value, value)
        if current:
            self.set(current)

    def mark_error(self, on: bool) -> None:
        self.widget.setStyleSheet(theme.FIELD_ERROR_STYLE if on else "")
