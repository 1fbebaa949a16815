"""The ssms.su simulator through the console's own service, over real HTTP: methods, auth, scenarios."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from console.core.http import make_client
from console.core.logstore import LogStore
from console.core.models import Outcome, VerificationState
from console.providers import all_providers
from console.service.console_service import ConsoleService
from console.service.operations import OperationRequest
from console.simulators.host import SimulatorHost
from console.simulators.ssms import SsmsSimulator


@pytest.fixture
def host(tmp_path: Path) -> Iterator[SimulatorHost]:
    with SimulatorHost(state_dir=tmp_path / "sim", providers=["zadarma", "ssms"]) as running:
        yield running


@pytest.fixture
async def service(host: SimulatorHost) -> AsyncIterator[ConsoleService]:
    async with make_client() as client:
        yield ConsoleService(client, LogStore(), None, host.base_url, environ={}, providers=all_providers())


async def test_push_msg_then_report_then_local_check(service: ConsoleService, host: SimulatorHost) -> None:
    sent = await service.run(OperationRequest("ssms", "send", "push_msg", {"to": "+79670311122"}))
    assert sent.ok
    assert sent.verification is not None
    sms = host.phone_messages("ssms")[-1]
    assert sms.code is not None
    assert sms.text == f"Your code: {sms.code}"
    report = await service.run(OperationRequest("ssms", "report", fields={"id": sent.exchange.request_id or ""}))
    assert report.exchange.message.endswith("Доставлено")
    wrong = await service.run(OperationRequest("ssms", "check", fields={"code": "0000"}))
    assert (wrong.exchange.error_code, wrong.exchange.outcome) == ("wrong_code", Outcome.WRONG_CODE)
    assert (wrong.exchange.checked_by, wrong.exchange.attempts_left) == ("console", 4)
    right = await service.run(OperationRequest("ssms", "check", fields={"code": sms.code}))
    assert right.ok
    assert right.verification is not None
    assert right.verification.state is VerificationState.VERIFIED
    assert sms.code not in str(right.verification.to_dict())  # a salted hash only


async def test_balance_shows_the_credits(service: ConsoleService) -> None:
    result = await service.run(OperationRequest("ssms", "balance"))
    assert result.exchange.message == "Credentials valid; balance 512.5 RUB"


async def test_email_and_password_work_and_a_wrong_key_is_error_2(service: ConsoleService) -> None:
    creds = {"email": "demo@ssms.test", "password": "sim_ssms_password"}
    assert (await service.run(OperationRequest("ssms", "balance", credentials=creds))).ok
    bad = await service.run(OperationRequest("ssms", "balance", credentials={"key": "wrong"}))
    assert (bad.exchange.error_code, bad.exchange.meaning) == ("2", "Authorisation failed.")
    assert "wrong" not in bad.exchange.request_body  # the key is redacted in the record


@pytest.mark.parametrize(("scenario", "code"), [("no_money", "36"), ("no_route", "29"), ("spam", "37")])
async def test_each_scenario_answers_its_error_once(
    service: ConsoleService, host: SimulatorHost, scenario: str, code: str
) -> None:
    host.set_scenario("ssms", scenario)
    failed = await service.run(OperationRequest("ssms", "send", "wait_call", {"to": "+79670311122"}))
    assert failed.exchange.error_code == code
    assert failed.verification is not None
    assert failed.verification.state is VerificationState.FAILED
    assert (await service.run(OperationRequest("ssms", "send", "wait_call", {"to": "+79670311122"}))).ok


def test_every_scenario_is_listed_with_a_label() -> None:
    assert set(SsmsSimulator.scenarios) == {
        "bad_key",
        "no_money",
        "no_route",
        "spam",
        "session_expired",
        "bad_encoding",
    }


def test_unknown_method_and_get_form_are_answered_in_the_envelope(host: SimulatorHost) -> None:
    base = host.base_url("ssms")
    answer = httpx.get(f"{base}/?method=nope&key=sim_ssms_key&format=json").json()
    assert answer["response"]["msg"]["err_code"] == "3"
    profile = httpx.get(f"{base}/?method=get_profile&key=sim_ssms_key").json()
    assert profile["response"]["data"]["credits"] == 512.5


async def test_a_tls_failure_says_which_preset_to_try(monkeypatch: pytest.MonkeyPatch) -> None:
    def handshake_fails(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[SSL: WRONG_VERSION_NUMBER] wrong version number", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handshake_fails)) as client:
        service = ConsoleService(client, LogStore(), None, None, environ={"SSMS_KEY": "k"}, providers=all_providers())
        failed = await service.run(OperationRequest("ssms", "balance", env="live"))
    assert failed.exchange.error_code == "tls"
    assert "api.ssms.su" in failed.exchange.hint
    assert "http://api2.ssms.su" in failed.exchange.hint
