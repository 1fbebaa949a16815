"""One reading of what a callback says the person did: the virtual phone's action and the timeline's words."""

from __future__ import annotations

import pytest

from console.core.models import Exchange
from console.core.phone_actions import phone_action_of
from console.scenarios.recording import _action_of
from console.ui.lane_chart import phone_action
from tests.helpers.exchanges import exchange

DESTINATION = "+79670311122"


def callback(channel: str, message: str) -> Exchange:
    return exchange(operation="webhook", env="listener", url="http://127.0.0.1:1/hooks/any", status=None,
                    provider="any", channel=channel, message=message)  # fmt: skip


# (channel, message, action the phone can do again, words for the timeline, the callback's own words)
CASES = [
    ("NOTIFY_END", "NOTIFY_END · callback · 7967 → 4420 · answered · key 1", "press_1", "pressed 1", "key 1"),
    ("NOTIFY_END", "NOTIFY_END · callback · 7967 → 4420 · answered · key (none)", "hang_up", "hung up", "key (none)"),
    ("NOTIFY_END", "NOTIFY_END · callback · 7967 → 4420 · no answer", "no_answer", "did not answer", "no answer"),
    ("NOTIFY_ANSWER", "NOTIFY_ANSWER · callback · 7967 → 4420", "answer", "answered", "notify_answer"),
    ("NOTIFY_END", "NOTIFY_END · callback · 7967 → 4420", "hang_up", "hung up", "notify_end"),
    ("incoming call", f"incoming call from {DESTINATION}", "dial", "called back", "incoming call"),
    ("whatsapp.message.updated", "whatsapp.message.updated · read · message 1", "read", "read", "read"),
    ("whatsapp.message.updated", "whatsapp.message.updated · delivered · m1", "deliver", "delivered", "delivered"),
    ("whatsapp.message.updated", "whatsapp.message.updated · failed · m1", "fail", "not delivered", "failed"),
    ("statuses", "statuses · undelivered · wamid.1", "fail", "not delivered", "undelivered"),
    ("call", "call · rejected", "reject", "rejected", "rejected"),
    ("call", "call · busy", None, "busy", "busy"),
]


@pytest.mark.parametrize(("channel", "message", "action", "label", "words"), CASES)
def test_a_callbacks_words_read_as_one_action_with_its_label(
    channel: str, message: str, action: str | None, label: str, words: str
) -> None:
    row = callback(channel, message)
    found = phone_action_of(row)
    assert found is not None
    assert (found.action, found.label, found.words) == (action, label, words)
    assert phone_action(row) == label  # the swim lanes' words
    assert _action_of(row, DESTINATION) == action  # the scenario recorder's step


def test_a_callback_that_says_nothing_of_the_phone_is_no_action() -> None:
    row = callback("event", "a Meta event without statuses")
    assert phone_action_of(row) is None
    assert phone_action(row) == ""
    assert _action_of(row, DESTINATION) is None


def test_a_call_from_another_number_is_recorded_as_dialling_from_it() -> None:
    assert _action_of(callback("incoming call", "incoming call from +74951234567"), DESTINATION) == "dial_other"
