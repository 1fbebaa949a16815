"""Vbee and Hamkaran simulators through the console's service: calls, scenarios, reports, no secret recorded."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from console.core.http import make_client
from console.core.logstore import LogStore
from console.core.models import VerificationState
from console.providers import all_providers
from console.service.console_service import ConsoleService
from console.service.operations import OperationRequest
from console.simulators.host import SimulatorHost


@pytest.fixture
def host(tmp_path: Path) -> Iterator[SimulatorHost]:
    with SimulatorHost(state_dir=tmp_path / "sim", providers=["vbee", "hamkaran"]) as running:
        yield running


@pytest.fixture
async def service(host: SimulatorHost) -> AsyncIterator[ConsoleService]:
    async with make_client() as client:
        yield ConsoleService(client, LogStore(), None, host.base_url, environ={}, providers=all_providers())


async def test_vbee_call_speaks_the_code_and_the_local_check_verifies(
    service: ConsoleService, host: SimulatorHost
) -> None:
    sent = await service.run(OperationRequest("vbee", "send", fields={"to": "0912345678"}))
    assert sent.ok, sent.exchange.summary
    call = host.phone_messages("vbee")[-1]
    assert call.code is not None
    assert " ".join(call.code) in call.text
    auth = dict(sent.exchange.request_headers)["authorization"]
    assert "eyJ" not in auth.split("Bearer ")[-1][4:]  # the token (and the code in it) is masked in the record
    checked = await service.run(OperationRequest("vbee", "check", fields={"code": call.code}))
    assert checked.verification is not None
    assert checked.verification.state is VerificationState.VERIFIED


@pytest.mark.parametrize(
    ("case", "code"), [("wallet_expired", "1104"), ("out_of_money", "1603"), ("pool_inactive", "2302")]
)
async def test_vbee_scenarios(service: ConsoleService, host: SimulatorHost, case: str, code: str) -> None:
    host.set_scenario("vbee", case)
    failed = await service.run(OperationRequest("vbee", "send", fields={"to": "0912345678"}))
    assert failed.exchange.error_code == code


async def test_vbee_wrong_secret_is_401(service: ConsoleService) -> None:
    creds = {"api_key": "sim_vbee_key", "api_secret": "not-the-secret"}
    failed = await service.run(OperationRequest("vbee", "send", fields={"to": "0912345678"}, credentials=creds))
    assert (failed.exchange.status, failed.exchange.error_code) == (401, "401")


async def test_hamkaran_call_then_answered_in_the_report(service: ConsoleService, host: SimulatorHost) -> None:
    sent = await service.run(OperationRequest("hamkaran", "send", fields={"dest": "09123456789"}))
    assert sent.ok, sent.exchange.summary
    assert "sim_hamkaran_key" not in str(sent.exchange.request_headers)
    call = host.phone_messages("hamkaran")[-1]
    before = await service.run(OperationRequest("hamkaran", "reports"))
    assert "NOANSWER" in before.exchange.message
    host.phone_action("hamkaran", call.id, "answer").result(timeout=10)
    after = await service.run(OperationRequest("hamkaran", "reports"))
    assert after.exchange.message.endswith("ANSWER")
    assert "NOANSWER" not in after.exchange.message


@pytest.mark.parametrize(("case", "status"), [("bad_key", 403), ("inactive_line", 422), ("server_error", 500)])
async def test_hamkaran_scenarios(service: ConsoleService, host: SimulatorHost, case: str, status: int) -> None:
    host.set_scenario("hamkaran", case)
    failed = await service.run(OperationRequest("hamkaran", "send", fields={"dest": "09123456789"}))
    assert failed.exchange.status == status
    assert failed.exchange.meaning


@pytest.mark.parametrize(("provider", "field"), [("vbee", "to"), ("hamkaran", "dest")])
async def test_a_foreign_number_is_refused_before_sending(service: ConsoleService, provider: str, field: str) -> None:
    refused = await service.run(OperationRequest(provider, "send", fields={field: "+442037691880"}))
    assert refused.exchange.outcome.value == "refused"
    assert "calls numbers of" in refused.exchange.message
