"""The operation tabs: a tab per operation, channel pages that carry shared values, pages filled from outside."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from console.core.models import Exchange, Outcome
from console.providers.spec import Channel, FieldKind, FieldRole, FieldSpec, Operation, OperationKind, ProviderSpec
from console.ui.operation_tabs import OperationTabs

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


def test_one_tab_per_operation_and_a_page_per_channel(tabs: tuple[OperationTabs, list[str]]) -> None:
    widget, _ = tabs

    assert [widget.tabText(i) for i in range(widget.count())] == ["Send", "Check", "Callback URL", "Balance"]
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
