"""'Test credentials' says in one phrase what is wrong, for every provider, against its simulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from console.core.http import make_client
from console.core.logstore import LogStore
from console.providers import all_providers
from console.service.console_service import ConsoleService
from console.service.operations import OperationRequest
from console.simulators.host import SimulatorHost


@pytest.fixture
async def host_service(tmp_path: Path) -> AsyncIterator[tuple[SimulatorHost, ConsoleService]]:
    with SimulatorHost(state_dir=tmp_path / "sim") as host:
        async with make_client() as client:
            yield host, ConsoleService(client, LogStore(), None, host.base_url, environ={}, providers=all_providers())


def _verdict(result: object) -> str:
    return result.exchange.verdict  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("provider", "bad_credentials", "verdict"),
    [
        ("zadarma", {"secret": "wrong"}, "wrong key or secret"),  # one signature over both: cannot tell
        ("ssms", {"key": "wrong"}, "wrong API key"),
        ("ycloud", {"api_key": "wrong"}, "wrong API key"),
        ("meta", {"access_token": "wrong"}, "wrong access token"),
        ("hamkaran", {"key": "wrong"}, "wrong API key"),
        ("vbee", {"api_key": "wrong"}, "wrong API key"),  # 1201: the application is not found
        ("vbee", {"api_secret": "wrong-secret"}, "wrong API secret"),  # 401: the token's signature fails
    ],
)
async def test_valid_then_wrong_credential(
    host_service: tuple[SimulatorHost, ConsoleService], provider: str, bad_credentials: dict[str, str], verdict: str
) -> None:
    _host, service = host_service
    assert _verdict(await service.run(OperationRequest(provider, "balance"))) == "valid"
    creds = {**_host.credentials(provider), **bad_credentials}
    wrong = await service.run(OperationRequest(provider, "balance", credentials=creds))
    assert _verdict(wrong) == verdict


@pytest.mark.parametrize(
    ("provider", "case"), [("zadarma", "no_money"), ("ssms", "no_money"), ("vbee", "out_of_money")]
)
async def test_no_balance(host_service: tuple[SimulatorHost, ConsoleService], provider: str, case: str) -> None:
    host, service = host_service
    host.set_scenario(provider, case)
    assert _verdict(await service.run(OperationRequest(provider, "balance"))) == "no balance"


async def test_network_failure() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(refuse)) as client:
        service = ConsoleService(client, LogStore(), None, None, environ={"HCP_KEY": "k"}, providers=all_providers())
        result = await service.run(OperationRequest("hamkaran", "balance", env="live"))
    assert _verdict(result) == "network failure"
