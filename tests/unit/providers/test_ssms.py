"""ssms.su: request shape, the response envelope and its errors, and the incoming-call rule."""

from __future__ import annotations

import time
from urllib.parse import parse_qsl

import httpx
import pytest

from console.core.errors import ContractError, CredentialsError
from console.core.models import Outcome, Verification, VerificationState
from console.providers.provider import Call
from console.providers.ssms import PROVIDER, SPEC, SsmsWebhook
from console.providers.validation import validate_fields
from console.providers.webhook import Incoming


def _call(channel: str = "wait_call", operation: str = "send", **values: str) -> Call:
    creds = {"key": "k3y-secret"}
    return Call("ssms", operation, channel, values, creds, "https://api2.ssms.su", "live")


def _form(request: httpx.Request) -> dict[str, str]:
    return dict(parse_qsl(request.read().decode()))


def test_wait_call_is_a_form_post_with_method_format_api_v_and_the_key() -> None:
    values = validate_fields(SPEC, "send", "wait_call", {"to": "+7 967 031-11-22", "call_protection": "60"})
    request = PROVIDER.build_request(_call(**values))
    assert (request.method, str(request.url)) == ("POST", "https://api2.ssms.su/")
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert _form(request) == {
        "method": "wait_call",
        "format": "json",
        "api_v": "2.0",
        "key": "k3y-secret",
        "phone": "79670311122",
        "call_protection": "60",
    }


def test_a_number_without_plus_is_read_as_russian() -> None:
    assert validate_fields(SPEC, "send", "wait_call", {"to": "89670311122"})["to"] == "79670311122"


def test_push_msg_puts_the_code_in_the_text_and_email_password_auth() -> None:
    values = validate_fields(
        SPEC, "send", "push_msg", {"to": "+79670311122", "code": "4821", "text": "Код: {code}", "api_v": "1.1"}
    )
    call = Call("ssms", "send", "push_msg", values, {"email": "qa@x.ru", "password": "pw"}, "https://x", "live")
    form = _form(PROVIDER.build_request(call))
    assert form["text"] == "Код: 4821"
    assert (form["email"], form["password"], form["api_v"]) == ("qa@x.ru", "pw", "1.1")
    assert "code" not in form
    assert "key" not in form


def test_neither_key_nor_email_and_password_is_refused() -> None:
    call = Call("ssms", "balance", "", {}, {"email": "qa@x.ru"}, "https://x", "live")
    with pytest.raises(CredentialsError, match="SSMS_KEY"):
        PROVIDER.validate(call)


def _answer(status: int, body: str | dict[str, object]) -> tuple[int, httpx.Headers, bytes]:
    content = body.encode() if isinstance(body, str) else httpx.Response(status, json=body).content
    return status, httpx.Headers(), content


def test_wait_call_answer_becomes_the_prompt_keys_and_window() -> None:
    data = {"call_to_number": "74951234567", "id_call": "991", "waiting_call_from": "79670311122"}
    body = {"response": {"msg": {"err_code": "0", "text": "OK", "type": "message"}, "data": data}}
    result = PROVIDER.interpret(_call(to="79670311122", call_protection="45"), *_answer(200, body))
    assert result.outcome is Outcome.OK
    assert result.message == "Call +74951234567 from +79670311122 within 45 s"
    assert result.request_id == "991"
    assert result.keys == {"call_to_number": "74951234567", "id_call": "991", "waiting_call_from": "79670311122"}
    assert result.expires_in_s == 45.0
    assert result.data["call_to_number"] == "74951234567"


@pytest.mark.parametrize("code", ["2", "18", "29", "35", "36", "37", "38", "42"])
def test_every_known_error_code_is_named(code: str) -> None:
    body = {"response": {"msg": {"err_code": code, "text": "Ошибка", "type": "error"}}}
    result = PROVIDER.interpret(_call(), *_answer(200, body))
    assert (result.outcome, result.error_code) == (Outcome.PROVIDER_ERROR, code)
    entry = SPEC.lookup_error(code)
    assert entry is not None
    assert result.meaning == entry.meaning
    assert result.hint


def test_an_unknown_code_is_shown_verbatim_with_the_russian_text() -> None:
    body = {"response": {"msg": {"err_code": 77, "text": "Неизвестная ошибка", "type": "error"}}}
    result = PROVIDER.interpret(_call(), *_answer(200, body))
    assert result.error_code == "77"
    assert "Неизвестная ошибка" in result.meaning


@pytest.mark.parametrize(
    "body",
    ["<html><title>502 Bad Gateway</title></html>", '{"status": "ok"}', "[]", '{"response": {"data": {}}}'],
)
def test_anything_but_the_envelope_is_a_contract_error(body: str) -> None:
    with pytest.raises(ContractError):
        PROVIDER.interpret(_call(), *_answer(200, body))


def _incoming(**query: str) -> Incoming:
    return Incoming("GET", "/hooks/ssms", tuple(query.items()), (), b"", time.time())


def _waiting(window: float = 60) -> Verification:
    v = Verification("v-1", "ssms", "wait_call", "79670311122", "simulator", expires_at=time.time() + window)
    v.keys.update({"call_to_number": "74951234567", "id_call": "991", "waiting_call_from": "79670311122"})
    return v


def test_the_expected_callers_call_inside_the_window_verifies() -> None:
    rule = SsmsWebhook()
    facts = rule.facts(_incoming(phone="79670311122", time="1"), {})
    assert facts is not None
    facts.received_at = time.time()
    assert facts.undocumented
    v = _waiting()
    assert rule.matches(v, facts)
    assert "verified" in rule.apply(v, facts, facts.received_at)
    assert v.state is VerificationState.VERIFIED


def test_a_call_after_the_window_expires_the_verification() -> None:
    rule = SsmsWebhook()
    facts = rule.facts(_incoming(id_call="991"), {})
    assert facts is not None
    v = _waiting(window=-5)
    assert rule.matches(v, facts)  # tied by id_call
    note = rule.apply(v, facts, time.time())
    assert v.state is VerificationState.EXPIRED
    assert "after the window closed" in note


def test_another_caller_does_not_match_and_match_names_are_a_setting() -> None:
    rule = SsmsWebhook()
    stranger = rule.facts(_incoming(phone="79990000000"), {})
    assert stranger is not None
    assert not rule.matches(_waiting(), stranger)
    custom = rule.facts(_incoming(msisdn="79670311122"), {"ssms.match_params": "msisdn"})
    assert custom is not None
    assert rule.matches(_waiting(), custom)
