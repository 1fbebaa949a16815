"""Debuggers against the worked examples of providers.md: Zadarma signing steps, webhook signatures, Vbee JWT."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from console.providers.zadarma.signing import build_query
from console.tools.jwt_inspect import inspect, mint_for
from console.tools.signature_debug import explain
from console.tools.webhook_debug import check_webhook

KEY, SECRET = "test_user_key_0001", "test_secret_0001"
SMS = {"channel": "sms", "to": "442037691880", "code": "4729", "language": "en"}


def test_every_step_of_the_sms_worked_example() -> None:
    steps = [s.value for s in explain(KEY, SECRET, "/v1/verify/", SMS).steps]
    assert steps[0] == "channel=sms&code=4729&format=json&language=en&to=442037691880"
    assert steps[1] == "c611888c9a1918abf7c71f119c274a17"
    assert steps[3] == "2bd3164912c30294460dde19afa48bc64f8c8eb4"
    assert steps[4] == "MmJkMzE2NDkxMmMzMDI5NDQ2MGRkZTE5YWZhNDhiYzY0ZjhjOGViNA=="
    assert steps[5] == f"{KEY}:MmJkMzE2NDkxMmMzMDI5NDQ2MGRkZTE5YWZhNDhiYzY0ZjhjOGViNA=="


def test_a_correct_header_is_confirmed() -> None:
    result = explain(
        KEY, SECRET, "/v1/info/balance/", {}, f"{KEY}:ZDMwNmJlYjhlODUwMWMyOWM1MmRlZTczMDIxOTc4MGRjYzk0NDJkZQ=="
    )
    assert result.matches is True
    assert all(step.agrees for step in result.steps)


def _wrong(text: str, raw: bool = False) -> str:
    digest = hmac.new(SECRET.encode(), text.encode(), hashlib.sha1)
    return f"{KEY}:" + base64.b64encode(digest.digest() if raw else digest.hexdigest().encode()).decode()


@pytest.mark.parametrize(
    ("header", "finding"),
    [
        (
            _wrong(
                "/v1/verify/"
                + build_query({**SMS, "format": "json"})
                + hashlib.md5(build_query({**SMS, "format": "json"}).encode()).hexdigest(),
                raw=True,
            ),
            "raw 20-byte digest",
        ),
        (
            _wrong("/v1/verify/" + build_query(SMS) + hashlib.md5(build_query(SMS).encode()).hexdigest()),
            "format=json was not added",
        ),
        (_wrong("/v1/verify/" + build_query({**SMS, "format": "json"})), "MD5 of the query was not appended"),
        ("other_key:abc", "The key differs"),
        (f"{KEY}:not base64!!", "not base64"),
    ],
)
def test_the_step_where_a_header_parts_ways(header: str, finding: str) -> None:
    result = explain(KEY, SECRET, "/v1/verify/", SMS, header)
    assert result.matches is False
    assert finding in result.verdict


def test_rfc3986_encoding_is_recognised() -> None:
    params = {"request_id": "a+b/c=", "code": "1 2"}
    from urllib.parse import quote

    with_format = {**params, "format": "json"}
    query = "&".join(f"{quote(k, safe='-_.~')}={quote(with_format[k], safe='-_.~')}" for k in sorted(with_format))
    header = _wrong("/v1/verify/check/" + query + hashlib.md5(query.encode()).hexdigest())
    assert "RFC 3986" in explain(KEY, SECRET, "/v1/verify/check/", params, header).verdict


def test_webhook_signatures_by_hand_for_each_provider() -> None:
    zd = b"event=NOTIFY_END&caller_id=442037691880&called_did=442037691881&call_start=2024-05-01+12%3A00%3A00"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    zadarma = check_webhook("zadarma", zd, form | {"Signature": "Cn9lWhGoeNrSeKD4uIO9Z5hjUrE="}, SECRET)
    assert (zadarma.verdict.value, zadarma.scheme) == ("valid", "zadarma-raw-b64")
    meta_body = b'{"object":"whatsapp_business_account","entry":[]}'
    meta_sig = "sha256=d6c5c866f71b6bb501cc7379ba08f06ad94be5aad092f3130df4cd8b4ab9d188"
    meta = check_webhook("meta", meta_body, {"X-Hub-Signature-256": meta_sig}, "meta_app_secret_0001")
    assert meta.verdict.value == "valid"
    wrong = check_webhook("meta", meta_body, {"X-Hub-Signature-256": meta_sig}, "another")
    assert wrong.verdict.value == "invalid"
    assert "meta with pasted: expected sha256=" in wrong.detail  # expected vs received, with the pasted secret


def test_jwt_worked_example_inspected_and_verified() -> None:
    token = (
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhcGlLZXkiOiIwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDAiLCJv"
        "dHBDb2RlIjoiMTIzNDU2IiwiaWF0IjoxNzE0NTY0ODAwfQ.0W8IpDTExmGOVeUo1Qcz6YCJGSWHBKLLPfuLscQki0M"
    )
    found = inspect(token, "vbee_secret_0001", now=1714564810)
    assert (found.signature, found.claims["otpCode"], found.issued) == ("valid", "123456", "2024-05-01T12:00:00+00:00")
    assert found.skew_s == 10
    assert found.problems == []
    stale = inspect(token, "wrong-secret", now=1714564800 + 3600)
    assert stale.signature == "invalid"
    assert any("+3600 s" in p for p in stale.problems)
    assert inspect("not.a.jwt").problems[0].startswith("Not a JWT")


def test_minted_tokens_inspect_clean() -> None:
    token = mint_for("k", "vbee_secret_0001", "4321", now=1714564800)
    assert inspect(token, "vbee_secret_0001", "k", now=1714564800).problems == []
