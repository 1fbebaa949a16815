"""The operations: a picker button per operation, channel pages that carry shared values, pages filled from outside."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from console.core.models import Exchange, Outcome
from console.providers import all_providers
from console.providers.spec import Channel, FieldKind, FieldRole, FieldSpec, Operation, OperationKind, ProviderSpec
from console.ui.operation_tabs import PAGE_AREA_MIN_HEIGHT, OperationTabs
from console.ui.provider_form import ProviderForm
from console.ui.screen_fit import MIDDLE_MIN

TO = FieldSpec("to", "Destination", FieldKind.PHONE, required=True, role=FieldRole.DESTINATION)
SOUND = FieldSpec("sound", "Sound", choices_from="sounds")
SPEC = ProviderSpec(
    "demo",
    "Demo",
    "A provider for tests",
    "https://docs.example",
    credentials=(),
    operations=(
        Operation("send", "Send", OperationKind.SEND, help="Sends a code"),
        Operation(
            "check",
            "Check",
            OperationKind.CHECK,
            fields=(
                FieldSpec("request_id", "Request", role=FieldRole.REQUEST_ID),
                FieldSpec("code", "Code", role=FieldRole.CODE),
            ),
        ),
        Operation(
            "hook", "Callback URL", OperationKind.SETUP, fields=(FieldSpec("url", "URL", role=FieldRole.CALLBACK_URL),)
        ),
        Operation("balance", "Balance", OperationKind.BALANCE),
    ),
    channels=(
        Channel("sms", "SMS", (TO, FieldSpec("text", "Text")), help="A text message"),
        Channel("voice", "Voice call", (TO, SOUND), help="A call that reads the code"),
    ),
)


@pytest.fixture
def tabs(qtbot: QtBot) -> tuple[OperationTabs, list[str]]:
    loads: list[str] = []
    widget = OperationTabs(SPEC, loads.append)
    qtbot.addWidget(widget)
    return widget, loads


def test_one_button_per_operation_and_a_page_per_channel(tabs: tuple[OperationTabs, list[str]]) -> None:
    widget, _ = tabs

    assert widget.labels() == ["Send", "Check", "Callback URL", "Balance"]
    assert [b.text() for b in widget.picker.buttons] == widget.labels()
    assert [b.isChecked() for b in widget.picker.buttons] == [True, False, False, False]
    assert set(widget.pages) == {("send", "sms"), ("send", "voice"), ("check", ""), ("hook", ""), ("balance", "")}
    assert (widget.operation_id, widget.channel_id) == ("send", "sms")
    assert list(widget.current_page().fields) == ["to", "text"]
    assert widget.channel_help.text() == "A text message"


def test_switching_channel_carries_the_shared_values(tabs: tuple[OperationTabs, list[str]], qtbot: QtBot) -> None:
    widget, _ = tabs
    widget.current_page().fields["to"].set("+447911123456")

    with qtbot.waitSignal(widget.channel_changed, timeout=0):
        widget.select_channel("voice")

    assert widget.channel_id == "voice"
    assert widget.current_page().fields["to"].get() == "+447911123456"
    assert widget.channel_help.text() == "A call that reads the code"


def test_other_operations_have_no_channel(tabs: tuple[OperationTabs, list[str]]) -> None:
    widget, _ = tabs
    widget.select_operation("balance")

    assert (widget.operation_id, widget.channel_id) == ("balance", "")
    assert widget.current_page().fields == {}


def test_a_load_button_asks_for_its_lookup(tabs: tuple[OperationTabs, list[str]], qtbot: QtBot) -> None:
    widget, loads = tabs
    sound = widget.pages[("send", "voice")].fields["sound"]

    qtbot.mouseClick(sound.load_button, Qt.MouseButton.LeftButton)

    assert loads == ["sounds"]
    widget.set_choices("sounds", [("1", "Welcome"), ("2", "Goodbye")])
    assert sound.combo is not None
    assert sound.combo.count() == 2


def test_prefill_check_and_offer_url_fill_their_operations(tabs: tuple[OperationTabs, list[str]]) -> None:
    widget, _ = tabs

    widget.prefill_check("req-1", "123456")
    widget.offer_url("https://hooks.example/demo")

    check = widget.pages[("check", "")].fields
    assert (check["request_id"].get(), check["code"].get()) == ("req-1", "123456")
    assert widget.pages[("hook", "")].fields["url"].get() == "https://hooks.example/demo"


def test_restore_shows_a_past_request_without_masked_values(tabs: tuple[OperationTabs, list[str]]) -> None:
    widget, _ = tabs
    exchange = Exchange(
        "x-1",
        0,
        0.0,
        "demo",
        "send",
        "simulator",
        "POST",
        "http://h/x",
        (),
        "",
        Outcome.OK,
        channel="voice",
        fields=(("to", "+447911123456"), ("sound", "••••")),
    )

    widget.restore(exchange)

    assert (widget.operation_id, widget.channel_id) == ("send", "voice")
    assert widget.current_page().fields["to"].get() == "+447911123456"
    assert widget.current_page().fields["sound"].get() == ""


def test_a_picker_button_shows_its_operation_and_says_so(tabs: tuple[OperationTabs, list[str]], qtbot: QtBot) -> None:
    widget, _ = tabs
    button = widget.findChild(QPushButton, "operation_hook")
    assert button is not None

    with qtbot.waitSignal(widget.currentChanged, timeout=0, check_params_cb=lambda index: index == 2):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    assert (widget.operation_id, widget.currentIndex()) == ("hook", 2)
    assert list(widget.current_page().fields) == ["url"]
    assert [b.isChecked() for b in widget.picker.buttons] == [False, False, True, False]
    with qtbot.assertNotEmitted(widget.currentChanged):
        widget.select_operation("hook")  # already shown: no second announcement


def test_the_picker_wraps_instead_of_widening(tabs: tuple[OperationTabs, list[str]]) -> None:
    widget, _ = tabs
    widest = max(b.sizeHint().width() for b in widget.picker.buttons)
    one_row = widget.picker.heightForWidth(10_000)

    assert widget.picker.minimumSizeHint().width() == widest
    assert widget.picker.heightForWidth(widest) > one_row  # one button a row: taller, never wider


def test_the_pages_scroll_inside_a_short_form(tabs: tuple[OperationTabs, list[str]]) -> None:
    widget, _ = tabs

    assert widget.page_area.sizeHint().height() == PAGE_AREA_MIN_HEIGHT
    assert widget.page_area.minimumHeight() == PAGE_AREA_MIN_HEIGHT


def _label_text(text: str) -> str:
    return text.replace("&&", "&")


@pytest.mark.parametrize("provider_id", sorted(all_providers()))
def test_every_operation_of_every_provider_shows_in_full(qtbot: QtBot, provider_id: str) -> None:
    spec = all_providers()[provider_id].spec
    form = ProviderForm(spec, {}, f"http://127.0.0.1:1/{provider_id}")
    host = QWidget()
    QVBoxLayout(host).addWidget(form)
    qtbot.addWidget(host)
    host.resize(MIDDLE_MIN, 900)  # the narrowest the window makes its middle pane
    host.show()
    qtbot.waitExposed(host)

    picker = form.tabs.picker
    assert [_label_text(b.text()) for b in picker.buttons] == [op.label for op in spec.operations]
    for op, button in zip(spec.operations, picker.buttons, strict=True):
        assert button.isVisible(), op.id
        assert button.visibleRegion().boundingRect() == button.rect(), f"{op.id} is cut off"
        assert button.width() >= button.fontMetrics().horizontalAdvance(op.label), f"{op.label!r} does not fit"
        assert picker.rect().contains(button.geometry()), op.id
    for op in spec.operations:
        form.select_operation(op.id)
        assert form.operation_id == op.id
        assert picker.buttons[spec.operation_ids().index(op.id)].isChecked()


def test_the_chosen_operation_stands_out_in_the_schemes_selection_colours(
    tabs: tuple[OperationTabs, list[str]],
) -> None:
    widget, _ = tabs
    palette = widget.picker.palette()
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#123456"))
    widget.picker.setPalette(palette)  # as a switch to the dark scheme does

    chosen, other = widget.picker.buttons[0], widget.picker.buttons[1]
    assert chosen.palette().color(QPalette.ColorRole.Button) == QColor("#123456")
    assert other.palette().color(QPalette.ColorRole.Button) != QColor("#123456")
    widget.select_operation("check")
    assert other.palette().color(QPalette.ColorRole.Button) == QColor("#123456")
    assert chosen.palette().color(QPalette.ColorRole.Button) == widget.picker.palette().color(QPalette.ColorRole.Button)
