"""Zadarma request and webhook signatures against the worked examples of providers.md 1.3 and 1.6."""

from __future__ import annotations

import pytest

from console.providers.zadarma.signing import build_query, php_urlencode, sign_request, webhook_signatures

KEY, SECRET = "test_user_key_0001", "test_secret_0001"


def test_balance_vector() -> None:
    steps = sign_request(KEY, SECRET, "/v1/info/balance/", {})
    assert steps.query == "format=json"
    assert steps.md5_hex == "0cce6c99b4e629aa977d00c2fece8a23"
    assert steps.to_sign == "/v1/info/balance/format=json0cce6c99b4e629aa977d00c2fece8a23"
    assert steps.hmac_hex == "d306beb8e8501c29c52dee730219780dcc9442de"
    assert steps.header == "test_user_key_0001:ZDMwNmJlYjhlODUwMWMyOWM1MmRlZTczMDIxOTc4MGRjYzk0NDJkZQ=="


def test_sms_send_vector() -> None:
    steps = sign_request(
        KEY, SECRET, "/v1/verify/", {"channel": "sms", "to": "442037691880", "code": "4729", "language": "en"}
    )
    assert steps.query == "channel=sms&code=4729&format=json&language=en&to=442037691880"
    assert steps.md5_hex == "c611888c9a1918abf7c71f119c274a17"
    assert steps.hmac_hex == "2bd3164912c30294460dde19afa48bc64f8c8eb4"
    assert steps.signature == "MmJkMzE2NDkxMmMzMDI5NDQ2MGRkZTE5YWZhNDhiYzY0ZjhjOGViNA=="


def test_check_vector() -> None:
    steps = sign_request(
        KEY, SECRET, "/v1/verify/check/", {"request_id": "NDlLMWlNcW5mR3EvOFkraWVtOWF1Q2c9", "code": "4729"}
    )
    assert steps.md5_hex == "1f5c6916926dd629134efebb17d4b576"
    assert steps.hmac_hex == "82a3795b7e432d3eef913e07c6c3c26c081965a7"
    assert steps.signature == "ODJhMzc5NWI3ZTQzMmQzZWVmOTEzZTA3YzZjM2MyNmMwODE5NjVhNw=="


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [
        ("a b", "a+b"),
        ("a+b", "a%2Bb"),
        ("x/y=z", "x%2Fy%3Dz"),
        ("~", "%7E"),
        ("*", "%2A"),
        ("-_.", "-_."),
        ("Код {#code#}", "%D0%9A%D0%BE%D0%B4+%7B%23code%23%7D"),
        ("+48 575", "%2B48+575"),
    ],
)
def test_php_urlencode(raw: str, encoded: str) -> None:
    assert php_urlencode(raw) == encoded


def test_query_sorted_by_bytes_and_signature_covers_encoded_text() -> None:
    params = {"to": "+442037691880", "email_body": "Hi ~*+ {#code#}", "Zeta": "1"}
    query = build_query(params)
    assert query == "Zeta=1&email_body=Hi+%7E%2A%2B+%7B%23code%23%7D&to=%2B442037691880"
    steps = sign_request(KEY, SECRET, "/v1/verify/", params)
    assert steps.to_sign.startswith("/v1/verify/Zeta=1&email_body=Hi+%7E%2A%2B")
    assert len(steps.signature) == 56
    assert steps.signature.endswith("==")


def test_request_id_with_base64_characters_is_encoded() -> None:
    steps = sign_request(KEY, SECRET, "/v1/verify/check/", {"request_id": "ab+c/d==", "code": "0123"})
    assert "request_id=ab%2Bc%2Fd%3D%3D" in steps.query
    assert "code=0123" in steps.query


def test_webhook_signature_vectors() -> None:
    fields = {"caller_id": "442037691880", "called_did": "442037691881", "call_start": "2024-05-01 12:00:00"}
    sigs = webhook_signatures(SECRET, "NOTIFY_END", fields)
    assert sigs["zadarma-hex-b64"] == "MGE3ZjY1NWExMWE4NzhkYWQyNzhhMGY4Yjg4M2JkNjc5ODYzNTJiMQ=="
    assert sigs["zadarma-raw-b64"] == "Cn9lWhGoeNrSeKD4uIO9Z5hjUrE="
    out_end = webhook_signatures(
        SECRET,
        "NOTIFY_OUT_END",
        {"internal": "100", "destination": "442037691880", "call_start": "2024-05-01 12:00:00"},
    )
    assert out_end["zadarma-hex-b64"] == "ODExZTE1NDk3MjM0MjM2MWYwMTc0MjM3NzIwNWUyMzdkNzBlMjU4ZA=="
    record = webhook_signatures(
        SECRET, "NOTIFY_RECORD", {"pbx_call_id": "in_1a2b3c", "call_id_with_rec": "1714564800.123456"}
    )
    assert record["zadarma-hex-b64"] == "MzI5Zjg5YWY5NWUzZGQ2YTYxNTIxODQ5OTQ4NmY1MmRjMzY0YTUzZQ=="
    assert webhook_signatures(SECRET, "NOTIFY_UNKNOWN", fields) == {}
