"""Vbee and Hamkaran: the JWT and the body toggles, the multipart send and its forms, every error code."""

from __future__ import annotations

import json

import httpx
import jwt
import pytest

from console.core.errors import ContractError
from console.core.models import Outcome
from console.providers.hamkaran import PROVIDER as HAMKARAN
from console.providers.provider import Call
from console.providers.validation import validate_fields
from console.providers.vbee import PROVIDER as VBEE
from console.providers.vbee import mint

VBEE_CREDS = {"api_key": "00000000-0000-0000-0000-000000000000", "api_secret": "vbee_secret_0001"}


def _vbee(**fields: str) -> httpx.Request:
    values = validate_fields(VBEE.spec, "send", None, {"to": "0912345678", "otpCode": "123456", **fields})
    return VBEE.build_request(Call("vbee", "send", "", values, VBEE_CREDS, "https://aicall.vbee.ai", "live"))


def test_vbee_worked_example_verifies_and_a_fresh_token_carries_the_code() -> None:
    example = (
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhcGlLZXkiOiIwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDAiLCJv"
        "dHBDb2RlIjoiMTIzNDU2IiwiaWF0IjoxNzE0NTY0ODAwfQ.0W8IpDTExmGOVeUo1Qcz6YCJGSWHBKLLPfuLscQki0M"
    )
    claims = jwt.decode(example, "vbee_secret_0001", algorithms=["HS256"])
    assert claims == {"apiKey": VBEE_CREDS["api_key"], "otpCode": "123456", "iat": 1714564800}
    minted = mint(VBEE_CREDS["api_key"], "vbee_secret_0001", "123456", now=1714564800)
    assert jwt.decode(minted, "vbee_secret_0001", algorithms=["HS256"]) == claims


def test_vbee_request_bearer_body_and_toggles() -> None:
    request = _vbee()
    assert str(request.url) == "https://aicall.vbee.ai/api/v1/public-api/voice-otp"
    token = request.headers["authorization"].removeprefix("Bearer ")
    assert jwt.decode(token, "vbee_secret_0001", algorithms=["HS256"])["otpCode"] == "123456"
    assert json.loads(request.read()) == {
        "phone_number": "0912345678",
        "voice": "hn_female_ngochuyen_full_48k-fhg",
        "rate": 1.0,
    }
    camel = json.loads(_vbee(phone_number_field="phoneNumber", phone_format="international").read())
    assert camel["phoneNumber"] == "84912345678"
    assert "otpCode" not in camel  # the code travels only in the token


@pytest.mark.parametrize("code", ["401", "500", "1104", "1201", "1204", "1501", "1603", "2301", "2302"])
def test_vbee_every_error_code_has_its_meaning_and_hint(code: str) -> None:
    body = json.dumps({"status": 0, "code": int(code), "message": "m"}).encode()
    result = VBEE.interpret(Call("vbee", "send", "", {}, {}, "h", "live"), 200, httpx.Headers(), body)
    entry = VBEE.spec.lookup_error(code)
    assert entry is not None
    assert (result.outcome, result.error_code, result.meaning, result.hint) == (
        Outcome.PROVIDER_ERROR,
        code,
        entry.meaning,
        entry.hint,
    )


def test_vbee_success_reads_contact_id_from_status_or_result_flag() -> None:
    call = Call("vbee", "send", "", {}, {}, "h", "live")
    ok = VBEE.interpret(call, 200, httpx.Headers(), b'{"message":"success","result":{"contact_id":"c1"},"status":1}')
    assert (ok.outcome, ok.request_id, ok.keys) == (Outcome.OK, "c1", {"contact_id": "c1"})
    flagged = VBEE.interpret(call, 200, httpx.Headers(), b'{"result": 1}')
    assert flagged.outcome is Outcome.OK
    with pytest.raises(ContractError):
        VBEE.interpret(call, 502, httpx.Headers(), b"<html><title>Bad gateway</title></html>")


def _hamkaran(**fields: str) -> httpx.Request:
    values = validate_fields(HAMKARAN.spec, "send", None, {"dest": "+98 912 345 6789", "otp": "12536", **fields})
    creds = {"key": "hcp-secret"}
    return HAMKARAN.build_request(
        Call("hamkaran", "send", "", values, creds, "https://api.hamkaran.cloud/api/hamkaran/v1", "live")
    )


def test_hamkaran_is_multipart_dest_src_otp_with_the_key_header() -> None:
    request = _hamkaran()
    assert str(request.url) == "https://api.hamkaran.cloud/api/hamkaran/v1/send-otp"
    assert request.headers["key"] == "hcp-secret"
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    body = request.read().decode()
    for name, value in (("dest", "09123456789"), ("src", "2192003513"), ("otp", "12536")):
        assert f'name="{name}"\r\n\r\n{value}\r\n' in body


@pytest.mark.parametrize(("form", "dest"), [("no_zero", "9123456789"), ("international", "989123456789")])
def test_hamkaran_destination_forms(form: str, dest: str) -> None:
    assert f'name="dest"\r\n\r\n{dest}\r\n' in _hamkaran(dest_format=form).read().decode()


@pytest.mark.parametrize(
    ("status", "body", "code"),
    [(403, "Access denied", "403"), (401, "", "401"), (200, "<p>Access denied</p>", "bad_key"), (500, "x", "500")],
)
def test_hamkaran_bad_key_is_named(status: int, body: str, code: str) -> None:
    result = HAMKARAN.interpret(
        Call("hamkaran", "send", "", {}, {}, "h", "live"), status, httpx.Headers(), body.encode()
    )
    assert (result.outcome, result.error_code) == (Outcome.PROVIDER_ERROR, code)
    assert result.meaning


def test_hamkaran_any_2xx_is_success_whatever_the_body() -> None:
    call = Call("hamkaran", "send", "", {}, {}, "h", "live")
    for body in (b"", b"queued", b'{"code": "1"}'):
        assert HAMKARAN.interpret(call, 202, httpx.Headers(), body).outcome is Outcome.OK
