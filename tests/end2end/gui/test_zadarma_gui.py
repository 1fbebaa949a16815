"""A QA engineer's Zadarma session through the real widgets, against the simulator over real HTTP."""

from __future__ import annotations

import asyncio
import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from console.core.models import Outcome, VerificationState
from console.service.operations import OperationResult
from console.simulators._records import Fault
from console.ui.app import ConsoleApp
from console.ui.provider_form import ProviderForm
from tests.helpers.internal_errors import InternalErrorWatch
from tests.helpers.qtasync import next_emission, run, until


def _form(console: ConsoleApp) -> ProviderForm:
    console.window.select_provider("zadarma")
    form = console.window.current_form()
    assert form is not None
    assert form.spec.id == "zadarma"
    return form


async def _press(console: ConsoleApp, form: ProviderForm) -> OperationResult:
    result: OperationResult = await next_emission(
        console.window.result_shown, lambda: QTest.mouseClick(form.action_button, Qt.MouseButton.LeftButton)
    )
    return result


def test_sms_send_read_phone_check(console: ConsoleApp, qloop: asyncio.AbstractEventLoop) -> None:
    form = _form(console)
    assert form.env_badge.text() == "SIMULATOR"
    form.select_operation("send")
    form.select_channel("sms")
    QTest.keyClicks(form.current_page().fields["to"].widget, "+44 20 3769 1880")

    sent = run(qloop, _press(console, form))
    assert sent.exchange.outcome is Outcome.OK
    assert sent.exchange.request_id
    assert "Sent; request_id" in form.status.text()
    assert "rate limit 99/100 left" in form.status.text()
    # the log shows the row, the virtual phone the SMS with its code
    run(qloop, until(lambda: console.window.log.model.rowCount() >= 1))
    phone = console.window.phone
    run(qloop, until(lambda: phone.list.count() >= 1))
    assert "+442037691880" in phone.list.item(0).text()
    # "Use code" moves to the check tab with the request id and the code filled in
    QTest.mouseClick(phone.use_code, Qt.MouseButton.LeftButton)
    assert form.operation_id == "check"
    assert form.field_value("request_id") == sent.exchange.request_id
    code = form.field_value("code")
    assert code.isdigit()

    checked = run(qloop, _press(console, form))
    assert checked.exchange.ok
    assert checked.verification is not None
    assert checked.verification.state is VerificationState.VERIFIED
    assert "Code is correct" in form.status.text()

    # the same check again: the request is used up
    again = run(qloop, _press(console, form))
    assert (again.exchange.outcome, again.exchange.error_code) == (Outcome.REJECTED, "already_verified")
    assert again.exchange.provider_error_code == "no_such_request"  # Zadarma's own answer, beside ours
    assert "already verified" in form.status.text()
    assert "the provider's code: no_such_request" in form.status.text()

    # the timeline draws the whole verification: the SMS the phone received is a mark in the phone lane
    window = console.window
    window.log.select_exchange(sent.exchange.id)
    lanes = window.timeline.lanes
    run(qloop, until(lambda: any(m.lane == "phone" for m in lanes.marks())))
    phone_mark = next(m for m in lanes.marks() if m.lane == "phone")
    assert phone_mark.label == f"SMS · {code}"
    assert phone_mark.exchange_id == sent.exchange.id
    assert [m.lane for m in lanes.marks()].count("provider") == 3  # the send's answer and two checks'


def test_every_channel_and_sound_lookup(console: ConsoleApp, qloop: asyncio.AbstractEventLoop) -> None:
    form = _form(console)
    form.select_operation("send")
    form.select_channel("call_button")
    greeting = form.current_page().fields["greeting_sound_id"]
    loaded = run(
        qloop,
        next_emission(
            console.window.result_shown, lambda: QTest.mouseClick(greeting.load_button, Qt.MouseButton.LeftButton)
        ),
    )
    assert loaded.exchange.operation == "sounds"
    assert loaded.exchange.ok
    assert greeting.combo is not None
    assert greeting.combo.count() >= 3
    form.set_field("to", "+442037691880")
    for name in ("greeting_sound_id", "button_1_sound_id", "fallback_sound_id"):
        widget = form.current_page().fields[name]
        assert widget.combo is not None
        widget.combo.setCurrentIndex(0)
    assert run(qloop, _press(console, form)).exchange.ok

    form.select_channel("call_code")
    assert form.field_value("to") == "+442037691880"  # carried over from the previous channel
    form.set_field("from", "+442037691881")
    assert run(qloop, _press(console, form)).exchange.ok

    form.select_channel("email")
    form.set_field("to", "qa@example.com")
    form.set_field("email_body", "Your code is {#code#}")
    assert run(qloop, _press(console, form)).exchange.ok
    run(qloop, until(lambda: console.window.phone.list.count() >= 3))
    assert "Your code is" in console.window.phone.list.item(0).text()


def test_refused_input_marks_the_field_and_sends_nothing(console: ConsoleApp, qloop: asyncio.AbstractEventLoop) -> None:
    form = _form(console)
    form.select_operation("send")
    form.select_channel("sms")
    form.set_field("to", "+1234")
    result = run(qloop, _press(console, form))
    assert result.exchange.outcome is Outcome.REFUSED
    assert "not a valid number" in form.status.text()
    assert "#c62828" in form.current_page().fields["to"].widget.styleSheet()
    assert console.host is not None
    journal = console.host.simulator("zadarma").journal
    assert not any(entry.path.endswith("/v1/verify/") for entry in journal)


@pytest.mark.parametrize(
    ("fault", "outcome", "in_status"),
    [
        (Fault.HTML500, Outcome.CONTRACT_ERROR, "HTML page"),
        (Fault.MALFORMED_JSON, Outcome.CONTRACT_ERROR, "not JSON"),
        (Fault.DROP, Outcome.TRANSPORT_ERROR, "closed the connection"),
        (Fault.RATE_LIMIT, Outcome.PROVIDER_ERROR, "Rate limit"),
    ],
)
def test_simulator_misbehaviour_ends_as_a_clear_row(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop, fault: Fault, outcome: Outcome, in_status: str
) -> None:
    form = _form(console)
    form.select_operation("balance")
    assert console.host is not None
    console.host.set_fault("zadarma", fault, count=1)
    result = run(qloop, _press(console, form))
    assert result.exchange.outcome is outcome
    assert in_status in form.status.text() or in_status in result.exchange.meaning
    console.window.log.select_exchange(result.exchange.id)
    assert console.window.detail.exchange is not None
    assert console.window.detail.exchange.id == result.exchange.id
    # and the next request is fine again
    assert run(qloop, _press(console, form)).exchange.ok


def test_ctrl_enter_sends_and_detail_pane_shows_masked_request(
    console: ConsoleApp, qtbot: QtBot, qloop: asyncio.AbstractEventLoop
) -> None:
    form = _form(console)
    form.select_operation("balance")
    result = run(
        qloop,
        next_emission(
            console.window.result_shown,
            lambda: QTest.keyClick(console.window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier),
        ),
    )
    assert result.exchange.ok
    assert "balance 10.34 USD" in result.exchange.message
    console.window.log.select_exchange(result.exchange.id)
    request_text = console.window.detail.request.toPlainText()
    assert "GET http://127.0.0.1:" in request_text
    assert "sim_zadarma_key" not in request_text
    assert (
        "X-RateLimit" in console.window.detail.response.toPlainText()
        or "x-ratelimit" in console.window.detail.response.toPlainText()
    )


def test_live_environment_is_visibly_different(console: ConsoleApp) -> None:
    form = _form(console)
    form.set_env("live")
    assert form.env_badge.text() == "LIVE"
    assert "api.zadarma.com" in form.target.text()
    assert "#c62828" in form.action_button.styleSheet()
    form.set_env("simulator")
    assert form.env_badge.text() == "SIMULATOR"
    assert "127.0.0.1" in form.target.text()


@pytest.mark.internal_error_expected
def test_unexpected_exception_becomes_a_log_row_and_banner(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop, internal_errors: InternalErrorWatch
) -> None:
    async def boom() -> None:
        raise RuntimeError("deliberate failure")

    from console.ui.excepthook import spawn

    spawn(boom())
    run(qloop, until(lambda: "deliberate failure" in console.window.banner.text()))
    rows = [console.store.at(i) for i in range(len(console.store))]
    assert any(r.outcome is Outcome.INTERNAL_ERROR and "deliberate failure" in r.message for r in rows)
    assert [str(exc) for exc in internal_errors.reported] == ["deliberate failure"]  # a test not marked would fail


def test_window_state_survives_restart(console: ConsoleApp, qloop: asyncio.AbstractEventLoop) -> None:
    console.window.resize(1111, 777)
    console.window.select_provider("zadarma")
    run(qloop, console.stop())
    from console.core.settings import load_ui_state

    state = load_ui_state()
    assert state["provider"] == "zadarma"
    assert "geometry" in state
    json.dumps(state)
    console.history = None
    console.host = None
    console.client = None
