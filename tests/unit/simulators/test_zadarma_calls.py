"""The call events the Zadarma simulator posts for each press-1 call action."""

from __future__ import annotations

import time
from urllib.parse import parse_qsl

import pytest

from console.providers.webhook import Outgoing
from console.simulators._records import PhoneMessage
from console.simulators._zadarma_calls import CALL_ACTIONS, call_events

NOW = 1714564800.0
CALL = PhoneMessage("m1", "zadarma", "call_button", "+442037691880", "call", "Call", "", None, NOW, {"from": "+4420"})


def _fields(outgoing: Outgoing) -> dict[str, str]:
    assert outgoing.method == "POST"
    assert outgoing.headers == (("Content-Type", "application/x-www-form-urlencoded"),)
    return dict(parse_qsl(outgoing.body.decode(), keep_blank_values=True))


@pytest.mark.parametrize(("action", "dtmf"), [("press_1", "1"), ("press_2", "2"), ("hang_up", "")])
def test_an_answered_call_sends_answer_then_end(action: str, dtmf: str) -> None:
    answer, end = call_events(CALL, action, NOW, pbx_number="+1999", end_event="NOTIFY_END")
    assert answer.label == "NOTIFY_ANSWER"
    assert end.label == f"NOTIFY_END ({action.replace('_', ' ')})"
    first, last = _fields(answer), _fields(end)
    start = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(NOW))
    assert first == {
        "event": "NOTIFY_ANSWER",
        "caller_id": "4420",
        "destination": "442037691880",
        "call_start": start,
        "pbx_call_id": last["pbx_call_id"],
        "internal": "",
    }
    assert last["pbx_call_id"].startswith("out_")
    assert (last["event"], last["callback_dtmf"], last["disposition"], last["duration"]) == (
        "NOTIFY_END",
        dtmf,
        "answered",
        "9",
    )
    assert (last["called_did"], last["internal"], last["status_code"]) == ("442037691880", "", "16")


def test_an_unanswered_call_sends_only_the_end() -> None:
    [end] = call_events(CALL, "no_answer", NOW, pbx_number="+1999", end_event="NOTIFY_END")
    fields = _fields(end)
    assert (fields["disposition"], fields["duration"], fields["status_code"]) == ("no answer", "0", "19")


def test_the_openapi_end_event_names_the_caller_as_internal() -> None:
    bare = PhoneMessage("m2", "zadarma", "call_button", "+442037691880", "call", "Call", "", None, NOW)
    end = call_events(bare, "press_1", NOW, pbx_number="+1999", end_event="NOTIFY_OUT_END")[-1]
    assert (_fields(end)["event"], _fields(end)["internal"], _fields(end)["caller_id"]) == (
        "NOTIFY_OUT_END",
        "1999",
        "1999",
    )


def test_the_actions_offered() -> None:
    assert CALL_ACTIONS == ("press_1", "press_2", "hang_up", "no_answer")
