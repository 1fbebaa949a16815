"""The virtual phone list: RTL text with codes in true order, a result per message, closed actions, clear."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from console.core.models import Verification, VerificationState
from console.simulators._records import PhoneMessage
from console.simulators.host import SimulatorHost
from console.ui import theme
from console.ui.phone_view import LRI, PDI, PhoneView, isolate_digit_runs
from tests.helpers.bidi import visual_digits

CODE = "36195"
SPELT = " ".join(CODE)


@pytest.fixture
def phone(qtbot: QtBot) -> PhoneView:
    view = PhoneView()
    qtbot.addWidget(view)
    return view


@pytest.fixture
def hamkaran_message(tmp_path: Path) -> Iterator[PhoneMessage]:
    """The message Hamkaran's simulator really puts on the phone for a voice code (Persian, digits spelt out)."""
    with SimulatorHost(state_dir=tmp_path, providers=["hamkaran"]) as host:
        answer = httpx.post(
            host.base_url("hamkaran") + "/send-otp",
            headers={"key": host.credentials("hamkaran")["key"]},
            files={"dest": (None, "09123456789"), "src": (None, "3000"), "otp": (None, CODE)},
            trust_env=False,
        )
        assert answer.json() == {"code": "1", "message": "queued"}
        yield host.phone_messages("hamkaran")[-1]


def _message(mid: str, provider: str = "zadarma", at: float | None = None, **extra: str) -> PhoneMessage:
    extra.setdefault("actions", "press_1,press_2")
    return PhoneMessage(
        mid, provider, "call_button", "+48575555555", "call", "Call", "Press 1", None, at or time.time(), extra
    )


def test_hamkaran_persian_line_shows_the_code_in_its_true_order(
    phone: PhoneView, hamkaran_message: PhoneMessage
) -> None:
    assert hamkaran_message.text == f"کد تایید شما: {SPELT} — your code is {SPELT}"  # stored as sent
    phone.add_message(hamkaran_message)
    item = phone.list.item(0)
    shown = item.text()
    persian = f"کد تایید شما: {LRI}{SPELT}{PDI} — your code is {LRI}{SPELT}{PDI}"
    assert shown.split("\n")[2] == persian
    assert item.toolTip() == persian
    assert item.data(Qt.ItemDataRole.UserRole + 2).endswith(hamkaran_message.text)  # the record is unchanged
    start = shown.index(persian)
    for direction in (Qt.LayoutDirection.LeftToRight, Qt.LayoutDirection.RightToLeft):
        drawn = visual_digits(shown, start, direction=direction)
        assert sorted({drawn[:5], drawn[5:]}) == [CODE]  # read off the screen, each spelt code gives 36195
    # without the isolates the first code is drawn 5 9 1 6 3: what a tester read before
    assert visual_digits(hamkaran_message.text)[:5] == CODE[::-1]


def test_text_without_right_to_left_letters_is_left_alone() -> None:
    assert isolate_digit_runs("Your code is 4 8 2 9, call +74951234567") == "Your code is 4 8 2 9, call +74951234567"
    assert isolate_digit_runs("شما: 12:30, 1 250 000") == f"شما: {LRI}12:30{PDI}, {LRI}1 250 000{PDI}"


def test_each_message_keeps_its_own_callback_result(phone: PhoneView) -> None:
    phone.add_message(_message("call"))
    phone.add_message(_message("whatsapp", "ycloud", actions="deliver,read,fail"))
    assert phone.selected_id() == "whatsapp"  # the newest is selected
    phone.show_delivery("incoming call from +79670311122 → 200", True, message_id="call")
    assert phone.delivery.text() == ""  # not the selected message's result
    phone.show_delivery("status sent → 200; status delivered → 200", True, message_id="whatsapp")
    assert "status delivered → 200" in phone.delivery.text()
    assert theme.LISTENING_GREEN in phone.delivery.text()
    phone.select_message("call")
    assert "incoming call from +79670311122 → 200" in phone.delivery.text()
    phone.show_delivery("No listener URL", False, message_id="whatsapp")
    assert "incoming call" in phone.delivery.text()
    phone.select_message("whatsapp")
    assert "No listener URL" in phone.delivery.text()
    assert theme.ERROR_RED in phone.delivery.text()
    assert phone.delivery_of("call") == ("incoming call from +79670311122 → 200", True)
    phone.show_delivery("gone", True, message_id="cleared-meanwhile")  # nothing to keep it with: ignored
    assert "No listener URL" in phone.delivery.text()


def test_actions_close_once_the_messages_verification_has_ended(phone: PhoneView, qtbot: QtBot) -> None:
    now = time.time()
    phone.add_message(_message("m1", at=now))
    pending = Verification("v-1", "zadarma", "call_button", "+48575555555", "simulator", created_at=now - 0.1)
    button = phone.action_button("press_1")
    assert button is not None
    assert button.isEnabled()
    assert phone.verification.text() == "No verification of this console matches this message"

    phone.verification_changed(pending)
    assert phone.verification_of("m1") == pending
    assert phone.verification.text() == "Verification v-1: pending"
    button = phone.action_button("press_1")
    assert button is not None
    assert button.isEnabled()
    with qtbot.waitSignal(
        phone.action_requested, timeout=0, check_params_cb=lambda *a: a == ("zadarma", "m1", "press_1")
    ):
        button.click()

    verified = dataclasses.replace(pending, state=VerificationState.VERIFIED, ended_at=now + 1, updated_at=now + 1)
    phone.verification_changed(verified)
    assert phone.verification.text() == "Verification v-1: verified; its actions are closed"
    for action in ("press_1", "press_2"):
        closed = phone.action_button(action)
        assert closed is not None
        assert not closed.isEnabled()
        assert "has ended (verified)" in closed.toolTip()
    phone.know_verifications([pending])  # an older snapshot (history read late) does not reopen it
    assert phone.verification_of("m1") == verified


def test_a_pending_verification_past_its_window_counts_as_expired(phone: PhoneView) -> None:
    now = time.time()
    phone.add_message(_message("m1", at=now - 100, request_id="rq"))
    old = Verification(
        "v-old", "zadarma", "sms", "+1", "simulator", created_at=now - 900, request_id="rq", expires_at=now - 1
    )
    phone.know_verifications([old])  # tied by its request id, whatever the destination and time
    button = phone.action_button("press_1")
    assert button is not None
    assert not button.isEnabled()
    assert phone.verification.text() == "Verification v-old: expired; its actions are closed"


def test_a_message_is_shown_once(phone: PhoneView) -> None:
    message = _message("m1")
    phone.add_message(message)
    phone.add_message(message)  # announced and also read at start
    assert phone.message_ids() == ["m1"]


def test_clear_button_and_clears_announced_from_another_thread(phone: PhoneView, qtbot: QtBot) -> None:
    with qtbot.waitSignal(phone.clear_requested, timeout=0):
        phone.clear.click()
    now = time.time()
    phone.add_message(_message("z-old", at=now - 10))
    phone.add_message(_message("s-old", "ssms", at=now - 10))
    phone.add_message(_message("z-new", at=now + 10))
    phone.show_delivery("NOTIFY_END → 200", True, message_id="z-new")
    announcer = threading.Thread(target=phone.phone_cleared.emit, args=("zadarma", now))  # as the simulators do
    announcer.start()
    announcer.join()
    qtbot.waitUntil(lambda: phone.message_ids() == ["z-new", "s-old"], timeout=2000)
    assert phone.selected_id() == "z-new"
    assert "NOTIFY_END" in phone.delivery.text()
    phone.clear_messages()
    assert phone.list.count() == 0
    assert phone.selected_id() is None
    assert (phone.delivery.text(), phone.verification.text(), phone.use_code.isEnabled()) == ("", "", False)
    assert phone.action_button("press_1") is None
