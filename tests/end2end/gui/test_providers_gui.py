"""Every provider through the real widgets: send on the simulator, read the phone, check the code."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from console.core.models import VerificationState
from console.ui.app import ConsoleApp
from tests.end2end.gui.test_zadarma_gui import _press
from tests.helpers.qtasync import run, until

SENDS = {
    "ssms": ("push_msg", {"to": "+79670311122"}),
    "ycloud": (None, {"to": "+447911123456"}),
    "meta": (None, {"to": "+447911123456"}),
    "vbee": (None, {"to": "0912345678"}),
    "hamkaran": (None, {"dest": "09123456789"}),
}


@pytest.mark.parametrize("provider", list(SENDS))
def test_send_then_use_the_code_from_the_phone_then_verified(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop, provider: str
) -> None:
    console.window.select_provider(provider)
    form = console.window.current_form()
    assert form is not None
    form.select_operation("send")
    channel, fields = SENDS[provider]
    if channel:
        form.select_channel(channel)
    for name, value in fields.items():
        form.set_field(name, value)
    sent = run(qloop, _press(console, form))
    assert sent.ok, sent.exchange.summary
    phone = console.window.phone
    run(qloop, until(lambda: phone.list.count() >= 1 and phone.use_code.isEnabled()))
    QTest.mouseClick(phone.use_code, Qt.MouseButton.LeftButton)  # the code lands in the Check tab
    assert form.operation_id == "check"
    checked = run(qloop, _press(console, form))
    assert checked.ok, checked.exchange.summary
    assert checked.verification is not None
    assert checked.verification.state is VerificationState.VERIFIED
    assert "checked by the console" in form.status.text()


def test_generated_code_options_in_the_form(console: ConsoleApp, qloop: asyncio.AbstractEventLoop) -> None:
    console.window.select_provider("ycloud")
    form = console.window.current_form()
    assert form is not None
    form.select_operation("send")
    assert not form.code_row.isHidden()
    form.code_length.setValue(4)
    form.set_field("to", "+447911123456")
    assert run(qloop, _press(console, form)).ok
    run(qloop, until(lambda: console.window.phone.list.count() >= 1))
    assert console.host is not None
    assert len(console.host.phone_messages("ycloud")[-1].code or "") == 4
    console.window.select_provider("zadarma")
    zadarma = console.window.current_form()
    assert zadarma is not None
    assert zadarma.code_row.isHidden()  # Zadarma checks its codes itself


def test_reopen_a_past_request_and_send_it_again(console: ConsoleApp, qloop: asyncio.AbstractEventLoop) -> None:
    console.window.select_provider("ssms")
    form = console.window.current_form()
    assert form is not None
    form.select_operation("send")
    form.select_channel("wait_call")
    form.set_field("to", "+79670311122")
    form.set_field("call_protection", "120")
    first = run(qloop, _press(console, form))
    assert first.ok
    console.window.select_provider("zadarma")  # elsewhere, fields changed
    form.set_field("call_protection", "30")
    console.window.log.select_exchange(first.exchange.id)
    detail = console.window.detail
    assert detail.reopen.isEnabled()
    QTest.mouseClick(detail.reopen, Qt.MouseButton.LeftButton)
    assert console.window.current_form() is form
    assert (form.operation_id, form.channel_id, form.field_value("call_protection")) == ("send", "wait_call", "120")
    again = run(qloop, _press(console, form))
    assert again.ok
    assert again.exchange.id != first.exchange.id
    assert dict(again.exchange.fields)["to"] == "79670311122"


def test_screen_sharing_masks_numbers_and_codes_on_screen_only(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop
) -> None:
    console.window.select_provider("ssms")
    form = console.window.current_form()
    assert form is not None
    form.select_operation("send")
    form.select_channel("push_msg")
    form.set_field("to", "+79670311122")
    sent = run(qloop, _press(console, form))
    assert sent.ok
    run(qloop, until(lambda: console.window.phone.list.count() >= 1))
    code = console.host.phone_messages("ssms")[-1].code if console.host else None
    assert code
    window = console.window
    window.log.select_exchange(sent.exchange.id)
    window.mask_action.setChecked(True)
    try:
        shown = window.detail.request.toPlainText() + window.phone.list.item(0).text()
        assert "79670311122" not in shown
        assert code not in shown
        assert "796•••22" in shown
        assert "79670311122" in dict(sent.exchange.fields)["to"]  # the record itself is unchanged
    finally:
        window.mask_action.setChecked(False)
    assert "79670311122" in window.detail.request.toPlainText()


def test_switching_channel_carries_only_what_the_user_typed(console: ConsoleApp) -> None:
    form = console.window.forms["ssms"]
    form.select_operation("send")
    form.select_channel("wait_call")
    assert form.field_value("call_protection") == "60"  # the default is the field's text, not a hidden value
    form.set_field("to", "+79670311122")
    form.select_channel("push_msg")
    assert form.field_value("to") == "+79670311122"  # typed: it goes on with the user
    assert form.field_value("call_protection") == ""  # a default the user did not type stays behind
    assert form.field_value("text") == "Your code: {code}"  # push_msg's own default, shown
    request = form.build_request()
    assert request.fields["call_protection"] == ""  # shown empty, so not sent
    form.select_channel("wait_call")
    form.set_field("call_protection", "90")
    form.select_channel("push_msg")
    assert form.field_value("call_protection") == "90"  # typed, and shown where it is sent
