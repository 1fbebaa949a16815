"""Recording a verification as a scenario: the steps repeat what was done and expect what happened."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from console.core.models import Exchange, Outcome, Verification, VerificationState
from console.scenarios.model import Step
from console.scenarios.parsing import parse_text
from console.scenarios.recording import record_scenario, save_scenario, toml_value
from tests.helpers.exchanges import exchange

T0 = 1_764_000_000.0
CODE = "482913"
TO = "+447911123456"


def _ex(xid: str, at: float, operation: str = "send", **changes: Any) -> Exchange:
    values = {"id": xid, "started_at": T0 + at, "provider": "ycloud", "operation": operation, "verification_id": "v-1"}
    return exchange(**(values | changes))


def _verification(**changes: Any) -> Verification:
    values: dict[str, Any] = {
        "id": "v-1",
        "provider": "ycloud",
        "channel": "whatsapp",
        "destination": TO,
        "env": "simulator",
        "created_at": T0,
        "state": VerificationState.VERIFIED,
    }
    return Verification(**(values | changes))


def _callback(xid: str, at: float, event: str, **changes: Any) -> Exchange:
    message = f"whatsapp.message.updated · {event} · message 1a22c398c730000"
    values: dict[str, Any] = {"channel": "whatsapp.message.updated", "message": message, "signature": "valid"}
    return _ex(xid, at, "webhook", **(values | changes))


def _send(at: float = 0.0, **changes: Any) -> Exchange:
    fields = (("to", TO), ("from", "+14155552671"), ("template", "verification_code"), ("code", CODE))
    values: dict[str, Any] = {"channel": "whatsapp", "destination": TO, "fields": fields, "message": "Accepted"}
    return _ex("x-send", at, "send", **(values | changes))


def _check(xid: str, at: float, outcome: Outcome, error_code: str | None = None) -> Exchange:
    return _ex(
        xid,
        at,
        "check",
        channel="whatsapp",
        destination=TO,
        outcome=outcome,
        error_code=error_code,
        fields=(("code", "••••••"),),
        checked_by="console",
    )


def _steps(text: str) -> tuple[Step, ...]:
    found = parse_text(text, Path("recorded.toml"))
    assert len(found.scenarios) == 1
    return found.scenarios[0].steps


def test_a_ycloud_verification_becomes_send_phone_and_checks() -> None:
    rows = [
        _send(),
        _callback("x-2", 1.0, "sent"),
        _callback("x-3", 1.01, "delivered"),
        _check("x-4", 5.0, Outcome.WRONG_CODE, "wrong_code"),
        _check("x-5", 9.0, Outcome.OK),
    ]
    text = record_scenario(_verification(), rows)
    steps = _steps(text)
    assert [s.action for s in steps] == ["send", "phone", "check", "check"]
    send, phone, wrong, right = steps
    assert send.argument == {"to": TO, "channel": "whatsapp"}  # the template and sender are their defaults
    assert send.expect == {"ok": True, "outcome": "ok"}
    assert phone.argument == "deliver"
    assert phone.expect == {"callback": "delivered", "signature": "valid"}
    assert wrong.argument == {"code": "000000"}
    assert wrong.expect == {"ok": False, "outcome": "wrong_code", "error_code": "wrong_code"}
    assert right.argument == {"code": "{phone.code}"}
    assert right.expect == {"ok": True, "outcome": "ok", "state": "verified"}
    assert CODE not in text
    assert 'provider = "ycloud"' in text
    assert 'env = "simulator"' in text


def test_the_wrong_code_is_never_the_real_one_and_has_its_length() -> None:
    rows = [_send(fields=(("to", TO), ("code", "0000"))), _check("x-2", 2.0, Outcome.WRONG_CODE, "wrong_code")]
    text = record_scenario(_verification(state=VerificationState.PENDING), rows)
    assert _steps(text)[1].argument == {"code": "1111"}
    five = _ex("x-2", 2.0, "check", outcome=Outcome.WRONG_CODE, fields=(("code", "•••••"),))  # history masked it
    masked = [_send(fields=(("to", TO), ("code", "•••••"))), five]
    assert _steps(record_scenario(_verification(), masked))[1].argument == {"code": "00000"}


def test_a_read_right_after_its_delivery_is_one_action_and_a_later_one_another() -> None:
    burst = [_send(), *(_callback(f"x-{n}", 1 + n / 100, e) for n, e in enumerate(["sent", "delivered", "read"]))]
    assert [s.argument for s in _steps(record_scenario(_verification(), burst))[1:]] == ["read"]
    later = [_send(), _callback("x-1", 1.0, "sent"), _callback("x-2", 1.2, "delivered"), _callback("x-3", 30, "read")]
    phones = _steps(record_scenario(_verification(), later))[1:]
    assert [(s.argument, s.expect["callback"]) for s in phones] == [("deliver", "delivered"), ("read", "read")]
    assert phones[-1].expect["state"] == "verified"


def test_repeated_phone_actions_each_start_with_their_own_sent_callback() -> None:
    events = ["sent", "delivered", "sent", "delivered", "read"]
    rows = [_send(), *(_callback(f"x-{n}", 1 + n / 100, e) for n, e in enumerate(events))]
    assert [s.argument for s in _steps(record_scenario(_verification(), rows))[1:]] == ["deliver", "read"]


def test_call_callbacks_name_the_key_pressed() -> None:
    verification = _verification(provider="zadarma", channel="call_button")
    sounds = (("greeting_sound_id", "101"), ("button_1_sound_id", "102"), ("fallback_sound_id", "103"))
    send = _send(provider="zadarma", channel="call_button", fields=(("to", TO), *sounds))
    answer = _ex("x-2", 3.0, "webhook", provider="zadarma", channel="NOTIFY_ANSWER", message="NOTIFY_ANSWER · 44 → 44")
    end = _ex("x-3", 3.1, "webhook", provider="zadarma", channel="NOTIFY_END", message="NOTIFY_END · answered · key 1")
    steps = _steps(record_scenario(verification, [send, answer, end]))
    assert steps[0].argument == {"to": TO, "channel": "call_button", **dict(sounds)}  # needed to place the call
    assert steps[1].argument == "press_1"
    assert steps[1].expect == {"callback": "key 1", "state": "verified"}


def test_an_incoming_call_from_the_number_is_a_dial() -> None:
    verification = _verification(provider="ssms", channel="wait_call", destination="+79991234567")
    send = _send(provider="ssms", channel="wait_call", destination="+79991234567", fields=())
    call = _ex(
        "x-2", 4.0, "webhook", provider="ssms", channel="incoming call", message="incoming call from +79991234567"
    )
    steps = _steps(record_scenario(verification, [send, call]))
    assert steps[1].argument == "dial"
    assert steps[1].expect == {"callback": "incoming call", "state": "verified"}


def test_an_unclear_callback_is_a_comment_not_a_step() -> None:
    rows = [_send(), _callback("x-2", 1.0, "sent"), _ex("x-9", 2.0, "forward", message=f"code {CODE}")]
    text = record_scenario(_verification(state=VerificationState.PENDING), rows)
    steps = _steps(text)
    assert [s.action for s in steps] == ["send"]
    assert steps[0].expect["state"] == "pending"
    assert "# callback x-2" in text
    assert "# not recorded: forward x-9" in text
    assert CODE not in text


def test_actions_done_on_the_virtual_phone_are_steps_even_without_a_callback() -> None:
    verification = _verification(provider="hamkaran", channel="voice", destination="+989121234567")
    send = _send(provider="hamkaran", channel="voice", destination="+989121234567", fields=(("otp", "32789"),))
    check = _check("x-3", 8.0, Outcome.OK)
    text = record_scenario(verification, [send, check], phone_actions=[(T0 + 3.0, "answer"), (T0 + 4, "Bad Name")])
    steps = _steps(text)
    assert [(s.action, s.argument) for s in steps][1] == ("phone", "answer")
    assert steps[1].expect == {}
    assert "# phone action 'Bad Name'" in text
    assert "32789" not in text


@pytest.mark.parametrize("value", ['say "hi"\nnext', "tab\there", "back\\slash", "ünïcødé ✓ 😀", "del\x7f"])
def test_text_values_are_valid_toml_strings(value: str) -> None:
    assert tomllib.loads(f"v = {toml_value(value)}")["v"] == value


def test_odd_provider_text_still_parses() -> None:
    odd = _callback("x-2", 1.0, "delivered", message='delivered "quoted" \\ ✓\x00\nnext', signature="invalid")
    steps = _steps(record_scenario(_verification(), [_send(), odd]))
    assert steps[1].expect == {"callback": "delivered", "signature": "invalid", "state": "verified"}


def test_saving_never_overwrites(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    first = save_scenario("a", folder, "Recorded: ycloud whatsapp")
    second = save_scenario("b", folder, "Recorded: ycloud whatsapp")
    third = save_scenario("c", folder, "Recorded: ycloud whatsapp")
    assert [p.name for p in (first, second, third)] == [
        "recorded-ycloud-whatsapp.toml",
        "recorded-ycloud-whatsapp-2.toml",
        "recorded-ycloud-whatsapp-3.toml",
    ]
    assert [p.read_text() for p in (first, second, third)] == ["a", "b", "c"]
    assert save_scenario("d", folder, "///").name == "recorded.toml"
