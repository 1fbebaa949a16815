"""The Zadarma simulator over real HTTP: signatures, every channel, validation, checks, expiry, rate limit."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from console.providers.zadarma.signing import sign_request
from console.simulators.host import SimulatorHost

if TYPE_CHECKING:
    from tests.unit.simulators.conftest import FakeClock, ZadarmaApi

PHONE = "+442037691880"


def _error(response, status: int, message: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"status": "error", "message": message}


# ------------------------------------------------------------------------------------------------ auth
def test_balance_with_a_good_signature(api: ZadarmaApi) -> None:
    response = api.call("GET", "/v1/info/balance/")
    assert response.status_code == 200
    assert response.json() == {"status": "success", "balance": 10.34, "currency": "USD"}


def test_missing_header_is_401(api: ZadarmaApi) -> None:
    response = api.client.get(f"{api.base}/v1/info/balance/?format=json")
    assert response.status_code == 401
    assert response.json()["status"] == "error"
    assert "Authorization" in response.json()["message"]


def test_unknown_key_is_401(api: ZadarmaApi) -> None:
    response = api.call("GET", "/v1/info/balance/", key="nobody", secret=api.secret)
    _error(response, 401, "Not authorized: unknown API key")


def test_wrong_secret_is_401(api: ZadarmaApi) -> None:
    response = api.call("POST", "/v1/verify/", {"channel": "sms", "to": PHONE}, secret="not-the-secret")
    _error(response, 401, "Not authorized: the signature does not match the request")


def test_signature_over_other_params_is_401(api: ZadarmaApi) -> None:
    other = sign_request(api.key, api.secret, "/v1/verify/", {"channel": "sms", "to": "+442037691881"})
    response = api.call("POST", "/v1/verify/", {"channel": "sms", "to": PHONE}, authorization=other.header)
    assert response.status_code == 401


def test_signature_over_another_path_is_401(api: ZadarmaApi) -> None:
    other = sign_request(api.key, api.secret, "/zadarma/v1/info/balance/", {})
    assert api.call("GET", "/v1/info/balance/", authorization=other.header).status_code == 401


def test_header_without_colon_is_401(api: ZadarmaApi) -> None:
    assert api.call("GET", "/v1/info/balance/", authorization="just-a-key").status_code == 401


def test_sound_list(api: ZadarmaApi) -> None:
    data = api.call("GET", "/v1/pbx/ivr/sounds/list/").json()
    assert data["status"] == "success"
    assert data["pbx_id"] == 1234
    assert len(data["sounds"]) >= 3
    assert all(isinstance(s["id"], int) and s["name"].endswith(".mp3") for s in data["sounds"])


def test_unknown_path_and_wrong_method_are_json(api: ZadarmaApi) -> None:
    missing = api.call("GET", "/v1/no/such/method/")
    assert missing.status_code == 404
    assert missing.json()["status"] == "error"
    wrong = api.call("GET", "/v1/verify/")
    assert wrong.status_code == 405
    assert wrong.json()["status"] == "error"


# -------------------------------------------------------------------------------------------- channels
@pytest.mark.parametrize(
    ("language", "text"), [("en", "Your verification code: 4729"), ("ru", "Ваш код подтверждения: 4729")]
)
def test_sms_reaches_the_phone_in_its_language(api: ZadarmaApi, host: SimulatorHost, language: str, text: str) -> None:
    response = api.send("sms", to=PHONE, code="4729", language=language, caller_id="ACME")
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"status", "request_id"}
    assert data["status"] == "success"
    [message] = host.phone_messages("zadarma")
    assert (message.kind, message.channel, message.to, message.code) == ("sms", "sms", PHONE, "4729")
    assert message.text == text
    assert "ACME" in message.title
    assert message.extra["request_id"] == data["request_id"]


def test_sms_generates_a_four_digit_code(api: ZadarmaApi, host: SimulatorHost) -> None:
    assert api.send("sms", to=PHONE).status_code == 200
    code = host.phone_messages()[0].code
    assert code is not None
    assert re.fullmatch(r"\d{4}", code)


def test_call_code_speaks_the_digits(api: ZadarmaApi, host: SimulatorHost) -> None:
    response = api.send("call_code", to=PHONE, **{"from": "+442037691881"}, code="4729")
    assert response.json()["status"] == "success"
    assert response.json()["request_id"]
    [message] = host.phone_messages()
    assert message.kind == "voice"
    assert message.text == "Your code is 4 7 2 9. I repeat: 4 7 2 9."
    assert "+442037691881" in message.title


def test_email_replaces_the_placeholder(api: ZadarmaApi, host: SimulatorHost) -> None:
    response = api.send(
        "email",
        to="qa@example.com",
        email_subject="Your login code",
        email_body="Hello! Use {#code#} to sign in. ~*+&=",
    )
    assert response.json()["status"] == "success"
    [message] = host.phone_messages()
    assert message.kind == "email"
    assert message.to == "qa@example.com"
    assert message.title == "Your login code"
    assert message.code is not None
    assert re.fullmatch(r"\d{6}", message.code)
    assert message.text == f"Hello! Use {message.code} to sign in. ~*+&="


def test_call_button_returns_no_request_id(api: ZadarmaApi, host: SimulatorHost) -> None:
    response = api.send(
        "call_button", to=PHONE, greeting_sound_id="101", button_1_sound_id="102", fallback_sound_id="103"
    )
    assert response.status_code == 200
    assert response.json() == {"status": "success"}
    [message] = host.phone_messages()
    assert message.kind == "call"
    assert message.code is None
    assert "press 1 to confirm" in message.text
    assert all(sound in message.text for sound in ("101", "102", "103"))


CALL_BUTTON = {"to": PHONE, "greeting_sound_id": "101", "button_1_sound_id": "102", "fallback_sound_id": "103"}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"to": PHONE}, '"channel" param is required'),
        ({"channel": "sms"}, '"to" param is required'),
        ({"channel": "call_code", "to": PHONE}, '"from" param is required'),
        ({"channel": "email"}, '"to" param is required'),
        ({"channel": "call_button", "to": PHONE}, '"greeting_sound_id" param is required'),
        ({**CALL_BUTTON, "channel": "call_button", "fallback_sound_id": ""}, '"fallback_sound_id" param is required'),
        (
            {"channel": "fax", "to": PHONE},
            '"channel" param must be one of: sms, call_code, call_button, email (got "fax")',
        ),
        (
            {"channel": "sms", "to": "442037691880"},
            '"to" param must be a phone number in E.164 format with + (e.g. +442037691880)',
        ),
        (
            {"channel": "call_code", "to": PHONE, "from": "100"},
            '"from" param must be a phone number in E.164 format with + (e.g. +442037691880)',
        ),
        ({"channel": "email", "to": PHONE}, '"to" param must be an e-mail address for the email channel'),
        (
            {"channel": "email", "to": "qa@example.com", "code": "1234"},
            '"code" param must be six digits for the email channel',
        ),
        (
            {"channel": "email", "to": "qa@example.com", "email_body": "no placeholder"},
            '"email_body" param must contain the placeholder {#code#}',
        ),
        ({"channel": "sms", "to": PHONE, "code": "12a4"}, '"code" param must be a number (digits only)'),
        (
            {"channel": "sms", "to": PHONE, "language": "xx"},
            '"language" param must be one of: en, es, de, pl, ru, ua, fr',
        ),
        ({"channel": "sms", "to": PHONE, "template_id": "abc"}, '"template_id" param must be an integer'),
        (
            {**CALL_BUTTON, "channel": "call_button", "button_1_sound_id": "999"},
            '"button_1_sound_id" param must be a sound id from /v1/pbx/ivr/sounds/list/ (no sound "999")',
        ),
    ],
)
def test_validation_messages(api: ZadarmaApi, host: SimulatorHost, params: dict[str, str], message: str) -> None:
    _error(api.call("POST", "/v1/verify/", params), 400, message)
    assert host.phone_messages() == []


# --------------------------------------------------------------------------------------------- checks
def test_request_ids_with_plus_slash_equals_survive_encoding(api: ZadarmaApi, host: SimulatorHost) -> None:
    ids = [api.send("sms", to=PHONE).json()["request_id"] for _ in range(8)]
    assert all(rid.endswith("=") and ("+" in rid or "/" in rid) for rid in ids)
    codes = {m.extra["request_id"]: m.code for m in host.phone_messages()}
    for rid in ids:
        code = codes[rid]
        assert code is not None
        assert api.check(rid, code).json() == {"status": "success", "message": "Code is correct"}
    checks = [e for e in host.simulator("zadarma").journal if e.path == "/v1/verify/check/"]
    assert all("%3D" in e.body and ("%2B" in e.body or "%2F" in e.body) for e in checks)


def test_check_correct_then_used_up(api: ZadarmaApi) -> None:
    rid = api.send("sms", to=PHONE, code="0123").json()["request_id"]
    assert api.check(rid, "0123").json() == {"status": "success", "message": "Code is correct"}
    _error(api.check(rid, "0123"), 200, "No such request id")


def test_check_wrong_code_keeps_the_request(api: ZadarmaApi) -> None:
    rid = api.send("sms", to=PHONE, code="4729").json()["request_id"]
    _error(api.check(rid, "1111"), 200, "Invalid verification code")
    assert api.check(rid, "4729").json()["status"] == "success"


def test_check_unknown_id(api: ZadarmaApi) -> None:
    _error(api.check("NDlLMWlNcW5mR3EvOFkraWVtOWF1Q2c9", "4729"), 200, "No such request id")


def test_check_after_ten_minutes_is_expired(api: ZadarmaApi, clock: FakeClock) -> None:
    rid = api.send("sms", to=PHONE, code="4729").json()["request_id"]
    clock.advance(599)
    _error(api.check(rid, "0000"), 200, "Invalid verification code")
    clock.advance(2)
    _error(api.check(rid, "4729"), 200, "No such request id")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"code": "4729"}, '"request_id" param is required'),
        ({"request_id": "abc="}, '"code" param is required'),
    ],
)
def test_check_missing_params(api: ZadarmaApi, params: dict[str, str], message: str) -> None:
    _error(api.call("POST", "/v1/verify/check/", params), 400, message)


# ----------------------------------------------------------------------------------------- rate limit
def test_rate_limit_headers_and_429(api: ZadarmaApi, host: SimulatorHost, clock: FakeClock) -> None:
    host.simulator("zadarma").rate_limit = 3  # type: ignore[attr-defined]
    remaining = []
    for _ in range(3):
        response = api.call("GET", "/v1/info/balance/")
        assert response.status_code == 200
        assert response.headers["X-RateLimit-Limit"] == "3"
        assert int(response.headers["X-RateLimit-Reset"]) >= int(clock.now)
        remaining.append(response.headers["X-RateLimit-Remaining"])
    assert remaining == ["2", "1", "0"]
    limited = api.call("GET", "/v1/info/balance/")
    assert limited.status_code == 429
    assert limited.json()["status"] == "error"
    assert "Too many requests" in limited.json()["message"]
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    clock.advance(61)
    assert api.call("GET", "/v1/info/balance/").status_code == 200


def test_errors_carry_rate_limit_headers(api: ZadarmaApi) -> None:
    for response in (
        api.call("GET", "/v1/info/balance/", key="nobody"),
        api.send("sms"),
        api.call("GET", "/v1/nothing/"),
    ):
        assert "X-RateLimit-Remaining" in response.headers
