"""The virtual phone through the real widgets: a result per message, actions closed once verified, RTL codes, clear."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from console.core.models import VerificationState
from console.simulators.host import read_phone_messages
from console.ui.app import ConsoleApp
from console.ui.phone_view import LRI, PDI
from tests.end2end.gui.test_callbacks_gui import _press_on_phone, _send_call_button, _state
from tests.end2end.gui.test_zadarma_gui import _press
from tests.helpers.bidi import visual_digits
from tests.helpers.qtasync import run, until


def _send(console: ConsoleApp, qloop: asyncio.AbstractEventLoop, provider: str, **fields: str) -> str:
    """Send a code with ``provider`` from its form; returns the new verification's id once its message is shown."""
    console.window.select_provider(provider)
    form = console.window.current_form()
    assert form is not None
    form.select_operation("send")
    for name, value in fields.items():
        form.set_field(name, value)
    before = console.window.phone.list.count()
    sent = run(qloop, _press(console, form))
    assert sent.ok, sent.exchange.summary
    assert sent.verification is not None
    run(qloop, until(lambda: console.window.phone.list.count() > before))
    return sent.verification.id


def _tied(console: ConsoleApp, message_id: str) -> str | None:
    found = console.window.phone.verification_of(message_id)
    return found.id if found is not None else None


def test_each_message_keeps_its_result_and_closes_once_verified(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop
) -> None:
    phone = console.window.phone
    call_vid = _send_call_button(console, qloop)
    run(qloop, until(lambda: phone.list.count() >= 1))
    call = phone.selected_id()
    assert call is not None
    run(qloop, until(lambda: _tied(console, call) == call_vid))  # no id on a press-1 call: by number and time
    _press_on_phone(console, qloop, "press_1")
    run(qloop, until(lambda: _state(console, call_vid) is VerificationState.VERIFIED))
    run(qloop, until(lambda: "verified; its actions are closed" in phone.verification.text()))
    for action in ("press_1", "press_2", "hang_up"):
        button = phone.action_button(action)
        assert button is not None
        assert not button.isEnabled()

    whatsapp_vid = _send(console, qloop, "ycloud", to="+447911123456")
    whatsapp = phone.selected_id()
    assert whatsapp is not None
    assert whatsapp != call
    assert _tied(console, whatsapp) == whatsapp_vid  # by the message id YCloud answered
    assert phone.delivery.text() == ""  # not the call's "NOTIFY_END → 200"
    deliver = phone.action_button("deliver")
    assert deliver is not None
    assert deliver.isEnabled()
    QTest.mouseClick(deliver, Qt.MouseButton.LeftButton)
    run(qloop, until(lambda: "status delivered" in phone.delivery.text()))
    assert "NOTIFY_END" not in phone.delivery.text()

    phone.select_message(call)
    assert "NOTIFY_END" in phone.delivery.text()
    assert "status delivered" not in phone.delivery.text()
    press_1 = phone.action_button("press_1")
    assert press_1 is not None
    assert not press_1.isEnabled()
    phone.select_message(whatsapp)
    assert "status delivered" in phone.delivery.text()


def test_hamkaran_code_reads_in_its_true_order(console: ConsoleApp, qloop: asyncio.AbstractEventLoop) -> None:
    vid = _send(console, qloop, "hamkaran", dest="09123456789")
    phone = console.window.phone
    message_id = phone.selected_id()
    assert console.host is not None
    message = console.host.phone_messages("hamkaran")[-1]
    assert message_id == message.id
    code = message.code
    assert code
    spelt = " ".join(code)
    assert message.text == f"کد تایید شما: {spelt} — your code is {spelt}"  # stored as Hamkaran's simulator wrote it
    shown = phone.list.item(0).text()
    persian = f"کد تایید شما: {LRI}{spelt}{PDI} — your code is {LRI}{spelt}{PDI}"
    assert shown.split("\n")[2] == persian
    drawn = visual_digits(shown, shown.index(persian))
    assert (drawn[: len(code)], drawn[len(code) :]) == (code, code)  # read off the screen: the right code

    assert _tied(console, message.id) == vid  # no id in Hamkaran's answer: by number (09… is +989…) and time
    QTest.mouseClick(phone.use_code, Qt.MouseButton.LeftButton)
    form = console.window.current_form()
    assert form is not None
    checked = run(qloop, _press(console, form))
    assert checked.ok, checked.exchange.summary
    phone.select_message(message.id)
    run(qloop, until(lambda: "verified" in phone.verification.text()))
    answer = phone.action_button("answer")
    assert answer is not None
    assert not answer.isEnabled()


def test_clear_phone_empties_the_state_files_and_the_list(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop
) -> None:
    phone = console.window.phone
    _send(console, qloop, "ssms", to="+79670311122")
    _send_call_button(console, qloop)
    run(qloop, until(lambda: phone.list.count() >= 2))
    assert console.host is not None
    assert read_phone_messages(console.host.state_dir)
    QTest.mouseClick(phone.clear, Qt.MouseButton.LeftButton)
    run(qloop, until(lambda: phone.list.count() == 0))
    assert read_phone_messages(console.host.state_dir) == []
    run(qloop, until(lambda: "Virtual phone cleared (2 messages)" in console.window.statusBar().currentMessage()))
    _send(console, qloop, "ssms", to="+79670311122")  # the phone goes on receiving
    assert phone.list.count() == 1


def test_otp_console_phone_clear_in_another_process_empties_the_gui(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop
) -> None:
    phone = console.window.phone
    _send(console, qloop, "ssms", to="+79670311122")
    _send_call_button(console, qloop)
    run(qloop, until(lambda: phone.list.count() >= 2))
    done = subprocess.run(
        [sys.executable, "-m", "console", "phone", "--clear", "--provider", "ssms"],
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ.copy(),  # the same OTP_CONSOLE_HOME: the same simulator state
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert '"removed": 1' in done.stdout
    run(qloop, until(lambda: phone.list.count() == 1))  # the simulators' poll noticed; zadarma's call stays
    assert console.host is not None
    assert [m.provider for m in console.host.phone_messages()] == ["zadarma"]


def test_an_error_case_kept_on_until_turned_off(console: ConsoleApp, qloop: asyncio.AbstractEventLoop) -> None:
    console.window.select_provider("zadarma")
    form = console.window.current_form()
    assert form is not None
    assert console.host is not None
    simulator = console.host.simulator("zadarma")
    form.select_operation("balance")
    row = form.scenario_row
    row.duration.setCurrentIndex(row.duration.findData("sticky"))
    form.scenario.setCurrentIndex(form.scenario.findData("no_money"))
    assert not row.badge.isHidden()
    assert row.badge.text() == "SIMULATING: no_money"
    for _ in range(3):
        failed = run(qloop, _press(console, form))
        assert failed.exchange.error_code == "no_money"
    assert form.scenario.currentData() == "no_money"  # scenario_used() keeps a case that stays on
    assert not row.badge.isHidden()
    assert simulator.scenario == "no_money"

    form.scenario.setCurrentIndex(form.scenario.findData("none"))  # "answers normally" turns it off
    assert row.badge.isHidden()
    assert console.host.simulator("zadarma").scenario is None
    assert run(qloop, _press(console, form)).ok

    row.duration.setCurrentIndex(row.duration.findData("once"))  # and the next-request-only case still works
    form.scenario.setCurrentIndex(form.scenario.findData("no_money"))
    assert run(qloop, _press(console, form)).exchange.error_code == "no_money"
    assert form.scenario.currentData() == "none"
    assert run(qloop, _press(console, form)).ok
