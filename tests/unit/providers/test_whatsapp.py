"""YCloud and Meta: request shapes, errors, webhook signatures (worked examples), handshake, status ranking."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from console.core.errors import ContractError
from console.core.models import Outcome, Verification, VerificationState
from console.providers.meta import PROVIDER as META
from console.providers.meta import MetaWebhook, hub_signature
from console.providers.provider import Call
from console.providers.validation import validate_fields
from console.providers.webhook import CallbackFacts, Incoming, Secret, Verdict
from console.providers.ycloud import PROVIDER as YCLOUD
from console.providers.ycloud import YCloudWebhook

YC_BODY = (
    b'{"id":"evt_test","type":"whatsapp.message.updated","apiVersion":"v2","createTime":"2022-06-01T12:00:00.000Z",'
    b'"whatsappMessage":{"id":"63f5d7fd8a9f2a4b3c2d1e0f","status":"delivered"}}'
)
YC_SIG = "1626727df8a8ed3cafc16619f3a64a308ed1b6591a334c24ec12fba41a66a348"
YC_DOT = "0f138862cd73285393d2917a6a202ee384e62b16f526826e1645fe4d15eb0c4e"
YC_SECRETS = {"webhook_secret": [Secret("whsec_test_0001", "flag")]}


def _incoming(body: bytes = b"", headers: dict[str, str] | None = None, **query: str) -> Incoming:
    parsed = json.loads(body) if body else None
    return Incoming(
        "POST", "/hooks/x", tuple(query.items()), tuple((headers or {}).items()), body, time.time(), json=parsed
    )


def test_ycloud_send_is_a_template_with_the_code_twice_and_the_api_key() -> None:
    values = validate_fields(YCLOUD.spec, "send", None, {"to": "+44 7911 123456", "code": "482913"})
    request = YCLOUD.build_request(
        Call("ycloud", "send", "", values, {"api_key": "yk"}, "https://api.ycloud.com/v2", "live")
    )
    assert str(request.url) == "https://api.ycloud.com/v2/whatsapp/messages/sendDirectly"
    assert request.headers["x-api-key"] == "yk"
    body = json.loads(request.read())
    assert (body["to"], body["from"], body["type"]) == ("+447911123456", "+14155552671", "template")
    assert body["externalId"].startswith("otp-console-")
    components = body["template"]["components"]
    assert components[0]["parameters"][0]["text"] == "482913"
    assert (components[1]["sub_type"], components[1]["index"], components[1]["parameters"][0]["text"]) == (
        "url",
        "0",
        "482913",
    )


def test_ycloud_queued_endpoint_is_a_choice() -> None:
    values = validate_fields(YCLOUD.spec, "send", None, {"to": "+447911123456", "code": "1234", "endpoint": "queued"})
    request = YCLOUD.build_request(Call("ycloud", "send", "", values, {"api_key": "k"}, "https://h/v2", "live"))
    assert str(request.url) == "https://h/v2/whatsapp/messages"


def test_ycloud_error_with_whatsapp_api_error_is_named_and_kept_in_full() -> None:
    error = {
        "error": {
            "status": 429,
            "code": "TOO_MANY_REQUESTS",
            "message": "(#131056) pair rate limit hit",
            "target": "whatsappApiError",
            "whatsappApiError": {"message": "…", "type": "OAuthException", "code": "131056", "fbtrace_id": "x"},
        }
    }
    call = Call("ycloud", "send", "", {}, {}, "https://h", "live")
    result = YCLOUD.interpret(call, 429, httpx.Headers(), json.dumps(error).encode())
    assert (result.outcome, result.error_code) == (Outcome.PROVIDER_ERROR, "131056")
    assert "Pair rate limit" in result.meaning
    assert json.loads(result.notes["whatsappApiError"])["fbtrace_id"] == "x"


@pytest.mark.parametrize("code", ["131026", "131047", "131048", "131056", "132000", "132001", "190", "100"])
def test_meta_error_codes_are_named_with_what_to_do(code: str) -> None:
    body = {"error": {"message": "m", "type": "OAuthException", "code": int(code), "fbtrace_id": "t"}}
    result = META.interpret(
        Call("meta", "send", "", {}, {}, "h", "live"), 400, httpx.Headers(), json.dumps(body).encode()
    )
    entry = META.spec.lookup_error(code)
    assert entry is not None
    assert (result.error_code, result.meaning, result.hint) == (code, entry.meaning, entry.hint)
    assert result.notes["fbtrace_id"] == "t"


def test_meta_send_is_digits_bearer_and_the_version_in_the_base() -> None:
    values = validate_fields(META.spec, "send", None, {"to": "+447911123456", "code": "1234"})
    creds = {"access_token": "EAAtoken", "phone_number_id": "1065"}
    request = META.build_request(Call("meta", "send", "", values, creds, "https://graph.facebook.com/v21.0", "live"))
    assert str(request.url) == "https://graph.facebook.com/v21.0/1065/messages"
    assert request.headers["authorization"] == "Bearer EAAtoken"
    body = json.loads(request.read())
    assert (body["to"], body["messaging_product"]) == ("447911123456", "whatsapp")


@pytest.mark.parametrize("provider", [YCLOUD, META])
def test_html_pages_are_contract_errors(provider: object) -> None:
    with pytest.raises(ContractError, match="HTML page"):
        provider.interpret(  # type: ignore[attr-defined]
            Call("x", "send", "", {}, {}, "h", "live"), 502, httpx.Headers(), b"<html><title>502</title></html>"
        )


def test_ycloud_signature_worked_example_and_the_trailing_dot_form() -> None:
    rule = YCloudWebhook()
    plain = rule.verify(_incoming(YC_BODY, {"YCloud-Signature": f"t=1654084800,s={YC_SIG}"}), YC_SECRETS, 1654084800)
    assert (plain.verdict, plain.scheme) == (Verdict.VALID, "ycloud")
    dot = rule.verify(_incoming(YC_BODY, {"YCloud-Signature": f"t=1654084800,s={YC_DOT}"}), YC_SECRETS, 1654084800)
    assert (dot.verdict, dot.scheme) == (Verdict.VALID, "ycloud-trailing-dot")


def test_ycloud_signature_outside_the_tolerance_or_wrong_or_absent() -> None:
    rule = YCloudWebhook()
    late = rule.verify(_incoming(YC_BODY, {"YCloud-Signature": f"t=1654084800,s={YC_SIG}"}), YC_SECRETS, 1654085200)
    assert late.verdict is Verdict.INVALID
    assert "+400 s" in late.detail
    wrong = rule.verify(_incoming(YC_BODY, {"YCloud-Signature": "t=1654084800,s=00"}), YC_SECRETS, 1654084800)
    assert wrong.verdict is Verdict.INVALID
    assert YC_SIG in wrong.detail
    assert rule.verify(_incoming(YC_BODY), YC_SECRETS, 0).verdict is Verdict.ABSENT


def test_meta_signature_worked_example() -> None:
    body = b'{"object":"whatsapp_business_account","entry":[]}'
    expected = "sha256=d6c5c866f71b6bb501cc7379ba08f06ad94be5aad092f3130df4cd8b4ab9d188"
    assert hub_signature("meta_app_secret_0001", body) == expected
    check = MetaWebhook().verify(
        _incoming(body, {"X-Hub-Signature-256": expected}), {"app_secret": [Secret("meta_app_secret_0001", "$X")]}, 0
    )
    assert (check.verdict, check.scheme) == (Verdict.VALID, "meta")


def test_meta_handshake_answers_the_challenge_or_403() -> None:
    rule = MetaWebhook()
    secrets = {"verify_token": [Secret("tok", "$META_VERIFY_TOKEN")]}
    ok = rule.handshake(
        _incoming(**{"hub.mode": "subscribe", "hub.verify_token": "tok", "hub.challenge": "98"}), secrets
    )
    assert ok is not None
    assert (ok.reply.status, ok.reply.body) == (200, "98")
    bad = rule.handshake(
        _incoming(**{"hub.mode": "subscribe", "hub.verify_token": "no", "hub.challenge": "98"}), secrets
    )
    assert bad is not None
    assert bad.reply.status == 403
    assert rule.handshake(_incoming(), secrets) is None


def _v(provider: str = "ycloud") -> Verification:
    v = Verification("v-1", provider, "", "+447911123456", "simulator", expires_at=time.time() + 600)
    v.keys.update({"message_id": "m1", "wamid": "wamid.1", "status": "sent", "statuses": "sent"})
    return v


def _status(status: str) -> CallbackFacts:
    return CallbackFacts("whatsapp.message.updated", status, keys={"message_id": "m1"}, status=status)


def test_statuses_out_of_order_and_twice_keep_the_highest() -> None:
    rule, v = YCloudWebhook(), _v()
    assert rule.matches(v, _status("read"))
    rule.apply(v, _status("read"), 0)
    assert (v.state, v.keys["status"]) == (VerificationState.DELIVERED, "read")
    note = rule.apply(v, _status("delivered"), 0)
    assert v.keys["status"] == "read"
    assert "out of order" in note
    assert "already known" in rule.apply(v, _status("read"), 0)


def test_delivered_after_failed_wins_and_failed_alone_fails() -> None:
    rule, v = YCloudWebhook(), _v()
    rule.apply(v, _status("failed"), 0)
    assert v.state is VerificationState.FAILED
    rule.apply(v, _status("delivered"), 0)
    assert (v.state, v.keys["status"]) == (VerificationState.DELIVERED, "delivered")
    rule.apply(v, _status("failed"), 0)
    assert v.state is VerificationState.DELIVERED  # another device failed; the message still arrived


def test_meta_statuses_are_read_from_entries() -> None:
    body = {
        "object": "whatsapp_business_account",
        "entry": [{"changes": [{"value": {"statuses": [{"id": "wamid.1", "status": "delivered", "timestamp": "1"}]}}]}],
    }
    facts = MetaWebhook().facts(_incoming(json.dumps(body).encode()), {})
    assert facts is not None
    assert (facts.status, facts.keys["wamid"]) == ("delivered", "wamid.1")
    assert MetaWebhook().matches(_v("meta"), facts)
