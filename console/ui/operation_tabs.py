"""A form's operations: one tab each; a send with channels gets a channel combo over one page of fields per channel."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.core.models import Exchange
from console.providers.spec import FieldRole, OperationKind, ProviderSpec
from console.ui import theme
from console.ui.field_widgets import FieldWidget


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
            label.setToolTip(f"{fld.name}: {fld.help}" if fld.help else fld.name)
            layout.addRow(label, widget.widget)
        if not self.fields:
            layout.addRow(QLabel("No fields: this call takes only the credentials."))


class OperationTabs(QTabWidget):
    """One tab per operation of a provider, each with its page of fields and its help.

    Switching channels carries the values typed into fields the two channels share (the destination, say);
    a value the user did not type (a field's default) is not carried, so the request is what the CLI sends.

    Attributes:
        pages: the pages by (operation id, channel id); the channel id is "" for operations without channels.
        channel_combo: the send tab's channels (data: the channel id); only for providers with channels.
        channel_help: the chosen channel's help, under the combo.
        channel_stack: the send tab's pages, one per channel, following the combo.

    Signals:
        channel_changed(): another channel's page is shown (its help and carried values already in place).
    """

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
        for op in spec.operations:
            container = QWidget()
            box = QVBoxLayout(container)
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
            self.addTab(container, op.label)
        if spec.channels:
            self._on_channel_changed()

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
        self.setCurrentIndex(self.spec.operation_ids().index(op_id))

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

    def _on_channel_changed(self) -> None:
        previous = self._shown_page
        index = self.channel_combo.currentIndex()
        self.channel_stack.setCurrentIndex(index)
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


def _carries(old: FieldWidget, new: FieldWidget) -> bool:
    """Whether a value typed on the previous channel's page goes on with the user to the same field here."""
    value = old.get()
    typed = bool(value) and value != old.spec.default
    return typed and old.spec.kind is new.spec.kind and not new.get()
