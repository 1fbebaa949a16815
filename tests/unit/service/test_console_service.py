"""The service turns every answer and every failure into one recorded exchange (httpx MockTransport)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import httpx
import pytest

from console.core.history import History
from console.core.logstore import LogStore
from console.core.models import Outcome, VerificationState
from console.providers import all_providers
from console.providers.provider import Call, Interpretation, Provider
from console.providers.zadarma import ZadarmaProvider
from console.service.console_service import ConsoleService
from console.service.operations import OperationRequest

Handler = Callable[[httpx.Request], httpx.Response]
SEND = OperationRequest("zadarma", "send", "sms", {"to": "+442037691880", "code": "4729"})


def _service(
    handler: Handler, history: History | None = None, providers: Mapping[str, Provider] | None = None
) -> ConsoleService:
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return ConsoleService(
        client,
        LogStore(100),
        history,
        simulator_url=lambda pid: f"http://sim.test/{pid}",
        providers=all_providers() if providers is None else providers,
    )


def _json(status: int, body: dict[str, object], headers: dict[str, str] | None = None) -> Handler:
    return lambda request: httpx.Response(status, json=body, headers=headers)


async def test_send_ok_creates_pending_verification_and_masks_secrets() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200, json={"status": "success", "request_id": "r+1/="}, headers={"X-RateLimit-Remaining": "99"}
        )

    service = _service(handler)
    result = await service.run(SEND)
    ex = result.exchange
    assert ex.outcome is Outcome.OK
    assert ex.request_id == "r+1/="
    assert result.verification is not None
    assert result.verification.state is VerificationState.PENDING
    assert result.verification.request_id == "r+1/="
    assert ex.verification_id == result.verification.id
    assert dict(ex.notes)["x-ratelimit-remaining"] == "99"
    sent = seen[0]
    assert sent.url == "http://sim.test/zadarma/v1/verify/"
    assert sent.content == b"channel=sms&code=4729&format=json&to=%2B442037691880"
    assert sent.headers["Authorization"].startswith("sim_zadarma_key:")
    recorded_auth = dict(ex.request_headers)["authorization"]
    assert "sim_zadarma_key" not in recorded_auth
    assert recorded_auth.startswith("sim_••••ey:")
    assert service.store.at(0).id == ex.id


async def test_check_verifies_the_verification_found_by_request_id() -> None:
    answers = iter([{"status": "success", "request_id": "abc"}, {"status": "success", "message": "Code is correct"}])
    service = _service(lambda request: httpx.Response(200, json=next(answers)))
    sent = await service.run(SEND)
    checked = await service.run(OperationRequest("zadarma", "check", fields={"request_id": "abc", "code": "4729"}))
    assert checked.exchange.ok
    assert checked.verification is not None
    assert sent.verification is not None
    assert checked.verification.id == sent.verification.id
    assert sent.verification.state is VerificationState.PENDING  # results carry snapshots, not live objects
    assert checked.verification.state is VerificationState.VERIFIED
    assert len(checked.verification.exchange_ids) == 2


@pytest.mark.parametrize(
    ("handler", "outcome", "code", "text"),
    [
        (
            _json(200, {"status": "error", "message": "Invalid verification code"}),
            Outcome.PROVIDER_ERROR,
            "invalid_code",
            "does not match",
        ),
        (
            _json(400, {"status": "error", "message": '"to" param is required'}),
            Outcome.PROVIDER_ERROR,
            "param_required",
            "missing",
        ),
        (
            _json(401, {"status": "error", "message": "Not authorized"}),
            Outcome.PROVIDER_ERROR,
            "401",
            "wrong key or secret",
        ),
        (_json(429, {"status": "error", "message": "Too many requests"}), Outcome.PROVIDER_ERROR, "429", "Rate limit"),
        (
            lambda r: httpx.Response(500, text="<html><title>500 Internal Server Error</title></html>"),
            Outcome.CONTRACT_ERROR,
            "500",
            "shape",
        ),
        (lambda r: httpx.Response(200, text='{"status": "succ'), Outcome.CONTRACT_ERROR, "200", "shape"),
        (_json(200, {"weird": True}), Outcome.CONTRACT_ERROR, "200", "shape"),
    ],
)
async def test_answers_become_typed_rows(handler: Handler, outcome: Outcome, code: str, text: str) -> None:
    result = await _service(handler).run(SEND)
    assert result.exchange.outcome is outcome
    assert result.exchange.error_code == code
    assert text in result.exchange.meaning
    assert result.verification is not None
    assert result.verification.state is VerificationState.FAILED


def _raiser(exc: Exception) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    return handler


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (httpx.ReadTimeout("timed out"), "timeout"),
        (httpx.ConnectError("[Errno 111] Connection refused"), "connect"),
        (httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"), "tls"),
        (httpx.RemoteProtocolError("Server disconnected without sending a response."), "dropped"),
    ],
)
async def test_transport_failures_become_rows(exc: Exception, kind: str) -> None:
    result = await _service(_raiser(exc)).run(SEND)
    ex = result.exchange
    assert ex.outcome is Outcome.TRANSPORT_ERROR
    assert ex.error_code == kind
    assert ex.status is None
    assert ex.meaning


async def test_refused_input_is_a_row_and_nothing_is_sent() -> None:
    calls: list[httpx.Request] = []
    service = _service(lambda r: calls.append(r) or httpx.Response(200))
    result = await service.run(OperationRequest("zadarma", "send", "sms", {"to": "+1234"}))
    assert result.exchange.outcome is Outcome.REFUSED
    assert "not a valid number" in result.exchange.message
    assert calls == []
    assert len(service.store) == 1


async def test_missing_live_credentials_refused_naming_the_variables() -> None:
    service = _service(_json(200, {}))
    service.environ = {}
    result = await service.run(OperationRequest("zadarma", "balance", env="live"))
    assert result.exchange.outcome is Outcome.REFUSED
    assert "$ZADARMA_KEY" in result.exchange.message


class _BrokenZadarma(ZadarmaProvider):
    """Zadarma whose answer reading has a bug: the service must still record a row."""

    def interpret(self, call: Call, status: int, headers: httpx.Headers, body: bytes) -> Interpretation:
        raise ZeroDivisionError("oops")


async def test_a_bug_in_a_provider_module_is_a_row() -> None:
    providers = {**all_providers(), "zadarma": _BrokenZadarma()}
    result = await _service(_json(200, {"status": "success"}), providers=providers).run(SEND)
    assert result.exchange.outcome is Outcome.INTERNAL_ERROR
    assert "ZeroDivisionError" in result.exchange.message
    assert "traceback" in dict(result.exchange.notes)


async def test_huge_body_is_truncated_and_said(tmp_path: Path) -> None:
    body = b'{"status":"success","pad":"' + b"x" * 5_000_000 + b'"}'
    history = History(tmp_path / "h.sqlite3")
    try:
        service = _service(lambda r: httpx.Response(200, content=body), history)
        result = await service.run(SEND)
        assert result.exchange.outcome is Outcome.CONTRACT_ERROR
        assert "truncated" in dict(result.exchange.notes)["body"]
        history.flush()
        assert history.count_exchanges() == 1
    finally:
        history.close()


async def test_live_secret_never_recorded(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3")
    try:
        service = _service(_json(200, {"status": "success", "balance": 1, "currency": "USD"}), history)
        request = OperationRequest(
            "zadarma", "balance", env="live", credentials={"key": "live_key_123456", "secret": "live_secret_abcdef"}
        )
        result = await service.run(request)
        assert result.exchange.ok
        assert "balance 1 USD" in result.exchange.message
        history.flush()
    finally:
        history.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("h.sqlite3*"))  # noqa: ASYNC240
    assert b"live_secret_abcdef" not in raw
    assert b"live_key_123456" not in raw


async def test_the_service_calls_only_the_providers_it_was_given() -> None:
    calls: list[httpx.Request] = []
    service = _service(lambda r: calls.append(r) or httpx.Response(200), providers={"zadarma": ZadarmaProvider()})
    result = await service.run(OperationRequest("ycloud", "send", None, {"to": "+447911123456"}))
    assert result.exchange.outcome is Outcome.REFUSED
    assert "Unknown provider 'ycloud'; known: zadarma" in result.exchange.message
    assert calls == []
    assert service.store.at(0).id == result.exchange.id
