"""Exports: HAR 1.2 that browser tools accept, JSON lines, httpx code, evidence files; no secret leaks."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from console.core.export import evidence, to_har, to_httpx, to_jsonl
from console.core.http import make_client
from console.core.logstore import LogStore
from console.core.models import Exchange, Outcome
from console.providers import all_providers
from console.service.console_service import ConsoleService
from console.service.operations import OperationRequest
from console.simulators.host import SimulatorHost

SECRET = "sim_zadarma_secret"


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[ConsoleService]:
    with SimulatorHost(state_dir=tmp_path / "sim", providers=["zadarma", "ycloud"]) as host:
        async with make_client() as client:
            yield ConsoleService(client, LogStore(), None, host.base_url, environ={}, providers=all_providers())


async def test_har_has_the_required_1_2_fields_and_an_entry_for_every_row(service: ConsoleService) -> None:
    sent = await service.run(OperationRequest("zadarma", "send", "sms", {"to": "+48575555555"}))
    refused = await service.run(OperationRequest("zadarma", "send", "sms", {"to": "+1234"}))  # nothing sent
    await service.run(OperationRequest("ycloud", "send", None, {"to": "+447911123456", "code": "482913"}))
    local = await service.run(OperationRequest("ycloud", "check", fields={"code": "000000"}))
    rows = service.store.snapshot()
    har = to_har(rows, "0.1.0")
    log = har["log"]
    assert (log["version"], log["creator"]["name"]) == ("1.2", "otp-console")
    assert len(log["entries"]) == len(rows) == 4  # the refused row and the console's own check included
    for entry in log["entries"]:
        for key in ("startedDateTime", "time", "request", "response", "cache", "timings"):
            assert key in entry
        for key in ("method", "url", "httpVersion", "cookies", "headers", "queryString", "headersSize", "bodySize"):
            assert key in entry["request"]
        for key in ("status", "statusText", "httpVersion", "cookies", "headers", "content", "redirectURL"):
            assert key in entry["response"]
        assert entry["startedDateTime"].endswith("+00:00")
        assert entry["_otpConsole"]["id"] in {r.id for r in rows}
    entry = log["entries"][0]
    assert entry["request"]["postData"]["mimeType"] == "application/x-www-form-urlencoded"
    assert entry["response"]["status"] == 200
    assert sent.exchange.request_id in entry["response"]["content"]["text"]
    by_id = {e["_otpConsole"]["id"]: e for e in log["entries"]}
    kept = by_id[refused.exchange.id]
    assert (kept["_otpConsole"]["sent"], kept["_otpConsole"]["kind"], kept["response"]["status"]) == (
        False,
        "refused before sending",
        0,
    )
    assert kept["request"]["url"].startswith("https://otp-console.invalid/")
    check = by_id[local.exchange.id]
    assert (check["_otpConsole"]["outcome"], check["_otpConsole"]["checkedBy"]) == ("wrong_code", "console")
    assert SECRET not in json.dumps(har)


async def test_jsonl_and_evidence(service: ConsoleService) -> None:
    sent = await service.run(OperationRequest("ycloud", "send", None, {"to": "+447911123456", "code": "482913"}))
    assert sent.verification is not None
    lines = to_jsonl(service.store.snapshot()).splitlines()
    assert json.loads(lines[0])["id"] == sent.exchange.id
    record = evidence(sent.verification, service.store.snapshot(), "0.1.0")
    assert [step["step"] for step in record["timeline"]] == ["send · whatsapp"]
    assert record["har"]["log"]["entries"]
    assert "code_sha256" not in json.dumps(record["verification"])  # not even the hash leaves the console


async def test_httpx_code_compiles_and_keeps_secrets_masked(service: ConsoleService) -> None:
    await service.run(OperationRequest("zadarma", "balance"))
    code = to_httpx(service.store.snapshot()[-1])
    compile(code, "<export>", "exec")
    assert "httpx.request(" in code
    assert SECRET not in code
    assert "sim_••••ey:" in code  # the Authorization header, masked as in the record


def test_httpx_code_reproduces_an_unsigned_request(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda request: (seen.append(request), httpx.Response(204))[1])
    monkeypatch.setattr(httpx, "request", lambda *a, **k: httpx.Client(transport=transport).request(*a, **k))
    headers = (("Content-Type", "application/json"),)
    ex = Exchange(
        "x-1", 0, 0.0, "p", "send", "simulator", "POST", "https://h.example/x?a=1", headers, '{"to": "+1"}', Outcome.OK
    )
    exec(to_httpx(ex).replace("print(", "_ = ("), {})  # run the generated snippet itself
    assert (seen[0].method, str(seen[0].url), seen[0].content) == ("POST", "https://h.example/x?a=1", b'{"to": "+1"}')


def test_records_of_0_1_0_keep_their_verdict_and_raw_body_in_typed_fields() -> None:
    from console.core.models import Exchange

    stored = {
        "id": "x-1",
        "seq": 1,
        "started_at": 1.0,
        "provider": "zadarma",
        "operation": "webhook",
        "env": "listener",
        "method": "POST",
        "url": "http://127.0.0.1/hooks/zadarma",
        "request_headers": [],
        "request_body": "\ufffd",
        "outcome": "ok",
        "notes": [["verdict", "wrong API secret"], ["body_base64", "//4="], ["source", "127.0.0.1"]],
    }
    exchange = Exchange.from_dict(stored)
    assert (exchange.verdict, exchange.body_base64) == ("wrong API secret", "//4=")
    assert exchange.notes == (("source", "127.0.0.1"),)
    assert Exchange.from_dict(exchange.to_dict()) == exchange
