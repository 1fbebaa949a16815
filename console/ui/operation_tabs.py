"""A form's operations: a picker showing every one, over the chosen one's fields (a send: a page per channel)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from PySide6.QtCore import QEvent, QSize, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from console.core.models import Exchange
from console.providers.spec import FieldRole, Operation, OperationKind, ProviderSpec
from console.ui import theme
from console.ui.field_widgets import FieldWidget
from console.ui.flow_layout import FlowLayout
from console.ui.privacy import show_tooltip

PAGE_AREA_MIN_HEIGHT = 96
"""The page area's least height (about three rows of fields); below it the fields scroll in place."""


class OperationPage(QWidget):
    """The fields of one operation (and channel), in a form layout.

    Attributes:
        fields: the field widgets by field name, in the spec's order.
    """

    def __init__(self, spec: ProviderSpec, op_id: str, channel: str | None, on_load: Callable[[str], None]) -> None:
        super().__init__()
        self.fields: dict[str, FieldWidget] = {}
        layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for fld in spec.fields_for(op_id, channel):
            widget = FieldWidget(fld, on_load=on_load)
            self.fields[fld.name] = widget
            label = QLabel(f"{fld.label}{' *' if fld.required else ''}")
            show_tooltip(label, f"{fld.name}: {fld.help}" if fld.help else fld.name)
            layout.addRow(label, widget.widget)
        if not self.fields:
            layout.addRow(QLabel("No fields: this call takes only the credentials."))


class PageArea(QScrollArea):
    """Scrolls the chosen operation's page: it takes the height the form can spare, and asks for little.

    Its size hint is its minimum height, so a form in a short window keeps its action row on screen and only
    these fields scroll; with room to spare (it expands) every field shows.
    """

    def __init__(self, pages: QWidget) -> None:
        super().__init__()
        self.setObjectName("operation_page_area")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.setWidget(pages)
        self.setMinimumHeight(PAGE_AREA_MIN_HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width(), PAGE_AREA_MIN_HEIGHT)


class OperationPicker(QWidget):
    """Every operation as a checkable button, wrapping onto more rows rather than hiding one behind arrows.

    Attributes:
        buttons: one per operation, in the spec's order (object name ``operation_<id>``).

    Signals:
        chosen(int): the user (or :meth:`set_current_index`) chose the operation at this index.
    """

    chosen = Signal(int)

    def __init__(self, operations: list[tuple[str, str]]) -> None:
        """``operations``: (id, label) pairs, in order."""
        super().__init__()
        self.setObjectName("operation_picker")
        self.buttons: list[QPushButton] = []
        self._labels = [label for _, label in operations]
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        flow = FlowLayout(self)
        for index, (op_id, label) in enumerate(operations):
            button = QPushButton(label.replace("&", "&&"))
            button.setObjectName(f"operation_{op_id}")
            button.setCheckable(True)
            button.setToolTip(label)
            button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            self._group.addButton(button, index)
            flow.addWidget(button)
            self.buttons.append(button)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self._group.idToggled.connect(self._on_toggled)
        if self.buttons:
            self.buttons[0].setChecked(True)

    def current_index(self) -> int:
        return max(self._group.checkedId(), 0)

    def set_current_index(self, index: int) -> None:
        if 0 <= index < len(self.buttons):
            self.buttons[index].setChecked(True)

    def labels(self) -> list[str]:
        """The operations' labels as shown (in full)."""
        return list(self._labels)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.buttons:  # the colour scheme changed: follow it
            self._mark(self.buttons[self.current_index()], True)

    def _on_toggled(self, index: int, checked: bool) -> None:
        self._mark(self.buttons[index], checked)
        if checked:
            self.chosen.emit(index)

    def _mark(self, button: QPushButton, chosen: bool) -> None:
        """The chosen operation's button in the selection colours of the palette in use (light or dark)."""
        if not chosen:
            button.setPalette(QPalette())  # back to the window's palette
            return
        own = self.palette()
        palette = QPalette(own)
        palette.setColor(QPalette.ColorRole.Button, own.color(QPalette.ColorRole.Highlight))
        palette.setColor(QPalette.ColorRole.ButtonText, own.color(QPalette.ColorRole.HighlightedText))
        button.setPalette(palette)


class OperationTabs(QWidget):
    """The operations of a provider: a picker showing all of them above the chosen one's page of fields and help.

    Switching channels carries the values typed into fields the two channels share (the destination, say);
    a value the user did not type (a field's default) is not carried, so the request is what the CLI sends.

    Attributes:
        picker: the operations' buttons (see :class:`OperationPicker`).
        page_area: scrolls the chosen operation's page when the window is too short for all its fields.
        pages: the pages by (operation id, channel id); the channel id is "" for operations without channels.
        channel_combo: the send operation's channels (data: the channel id); only for providers with channels.
        channel_help: the chosen channel's help, under the combo.
        channel_stack: the send operation's pages, one per channel, following the combo.

    Signals:
        currentChanged(int): another operation is shown (its index in the spec's operations).
        channel_changed(): another channel's page is shown (its help and carried values already in place).
    """

    currentChanged = Signal(int)  # QTabWidget's name, which the form listens to
    channel_changed = Signal()
    channel_combo: QComboBox
    channel_help: QLabel
    channel_stack: QStackedWidget

    def __init__(self, spec: ProviderSpec, on_load: Callable[[str], None]) -> None:
        """``on_load`` is called with an operation id when a field's Load button asks for its choices."""
        super().__init__()
        self.spec = spec
        self.setObjectName("operation_tabs")
        self.pages: dict[tuple[str, str], OperationPage] = {}
        self._shown_page: OperationPage | None = None
        self.picker = OperationPicker([(op.id, op.label) for op in spec.operations])
        self._stack = QStackedWidget()
        for op in spec.operations:
            self._stack.addWidget(self._operation_widget(op, on_load))
        self.page_area = PageArea(self._stack)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.picker)
        layout.addWidget(self.page_area, 1)
        self.picker.chosen.connect(self._on_operation_chosen)
        _show_only(self._stack, 0)
        if spec.channels:
            self._on_channel_changed()

    def _operation_widget(self, op: Operation, on_load: Callable[[str], None]) -> QWidget:
        """One operation's page (a channel combo over one page per channel, for a send) and its help."""
        spec = self.spec
        container = QWidget()
        box = QVBoxLayout(container)
        box.setContentsMargins(0, 4, 0, 0)
        if op.kind is OperationKind.SEND and spec.channels:
            row = QHBoxLayout()
            self.channel_combo = theme.compact_combo(QComboBox())
            self.channel_combo.setObjectName("channel_combo")
            for ch in spec.channels:
                self.channel_combo.addItem(f"{ch.label} ({ch.id})", ch.id)
            row.addWidget(QLabel("Channel"))
            row.addWidget(self.channel_combo, 1)
            box.addLayout(row)
            self.channel_help = theme.muted(QLabel())
            self.channel_help.setWordWrap(True)
            box.addWidget(self.channel_help)
            self.channel_stack = QStackedWidget()
            for ch in spec.channels:
                page = OperationPage(spec, op.id, ch.id, on_load)
                self.pages[(op.id, ch.id)] = page
                self.channel_stack.addWidget(page)
            box.addWidget(self.channel_stack)
            self.channel_combo.currentIndexChanged.connect(self._on_channel_changed)
        else:
            page = OperationPage(spec, op.id, None, on_load)
            self.pages[(op.id, "")] = page
            box.addWidget(page)
        help_label = theme.muted(QLabel(op.help))
        help_label.setWordWrap(True)
        box.addWidget(help_label)
        box.addStretch(1)
        return container

    # ------------------------------------------------------------------------------ QTabWidget-like API
    def count(self) -> int:
        return len(self.spec.operations)

    def currentIndex(self) -> int:
        return self._stack.currentIndex()

    def setCurrentIndex(self, index: int) -> None:
        self.picker.set_current_index(index)

    def labels(self) -> list[str]:
        """Every operation's label, in order, as the picker shows it."""
        return self.picker.labels()

    @property
    def operation_id(self) -> str:
        return self.spec.operations[self.currentIndex()].id

    @property
    def channel_id(self) -> str:
        op = self.spec.operation(self.operation_id)
        if op.kind is OperationKind.SEND and self.spec.channels:
            return str(self.channel_combo.currentData())
        return ""

    def current_page(self) -> OperationPage:
        return self.pages[(self.operation_id, self.channel_id)]

    def select_operation(self, op_id: str) -> None:
        self.picker.set_current_index(self.spec.operation_ids().index(op_id))

    def select_channel(self, channel_id: str) -> None:
        self.channel_combo.setCurrentIndex(self.spec.channel_ids().index(channel_id))

    def fields(self) -> Iterator[FieldWidget]:
        """Every field of every page."""
        for page in self.pages.values():
            yield from page.fields.values()

    def restore(self, exchange: Exchange) -> None:
        """Show a past request's operation and channel with the values it was sent with."""
        self.select_operation(exchange.operation)
        if exchange.channel and exchange.channel in self.spec.channel_ids():
            self.select_channel(exchange.channel)
        fields = self.current_page().fields
        for name, value in exchange.fields:
            if name in fields and "•" not in value:  # masked values (typed codes) are not restored
                fields[name].set(value)

    def offer_url(self, url: str) -> None:
        """Put ``url`` into the setup operations' callback-URL fields."""
        for page in self._pages_of(OperationKind.SETUP):
            for widget in page.fields.values():
                if widget.spec.role is FieldRole.CALLBACK_URL:
                    widget.set(url)

    def set_choices(self, source_op: str, choices: list[tuple[str, str]]) -> None:
        """Fill every field whose choices come from ``source_op``."""
        for widget in self.fields():
            if widget.spec.choices_from == source_op:
                widget.set_choices(choices)

    def prefill_check(self, request_id: str | None, code: str | None = None) -> None:
        """Put a request id and a code into the check operations' fields with those roles."""
        for page in self._pages_of(OperationKind.CHECK):
            for widget in page.fields.values():
                if widget.spec.role is FieldRole.REQUEST_ID and request_id is not None:
                    widget.set(request_id)
                elif widget.spec.role is FieldRole.CODE and code is not None:
                    widget.set(code)

    def _pages_of(self, kind: OperationKind) -> Iterator[OperationPage]:
        """The pages of the operations of one kind (every channel's page of a send)."""
        for (op_id, _), page in self.pages.items():
            if self.spec.operation(op_id).kind is kind:
                yield page

    def _on_operation_chosen(self, index: int) -> None:
        if index != self._stack.currentIndex():
            _show_only(self._stack, index)
            self.currentChanged.emit(index)

    def _on_channel_changed(self) -> None:
        previous = self._shown_page
        index = self.channel_combo.currentIndex()
        _show_only(self.channel_stack, index)
        page = self.channel_stack.currentWidget()
        assert isinstance(page, OperationPage)
        if previous is not None and previous is not page:
            for name, widget in page.fields.items():
                old = previous.fields.get(name)
                if old is not None and _carries(old, widget):
                    widget.set(old.get())
        self._shown_page = page
        self.channel_help.setText(self.spec.channels[index].help)
        self.channel_changed.emit()


def _show_only(stack: QStackedWidget, index: int) -> None:
    """Show the page at ``index``; the stack takes that page's size (the others' size policies say "ignore me")."""
    for i in range(stack.count()):
        widget = stack.widget(i)
        policy = QSizePolicy.Policy.Preferred if i == index else QSizePolicy.Policy.Ignored
        if widget is not None:
            widget.setSizePolicy(policy, policy)
    stack.setCurrentIndex(index)
    stack.updateGeometry()


def _carries(old: FieldWidget, new: FieldWidget) -> bool:
    """Whether a value typed on the previous channel's page goes on with the user to the same field here."""
    value = old.get()
    typed = bool(value) and value != old.spec.default
    return typed and old.spec.kind is new.spec.kind and not new.get()
