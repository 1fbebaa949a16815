"""A send through the service to a Graph API version near or past its end carries the warning on its exchange."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from console.core.http import make_client
from console.core.logstore import LogStore
from console.core.models import Outcome
from console.providers import all_providers
from console.providers.meta import API_VERSION
from console.service.console_service import ConsoleService
from console.service.operations import OperationRequest
from console.simulators.host import SimulatorHost

NEAR_THE_END = dt.date(2026, 12, 1)  # 51 days before v21.0 stops working (2027-01-21); v20.0 ended 2026-09-24
CREDENTIALS = {"access_token": "sim_meta_token", "phone_number_id": "106540352242922"}


@pytest.fixture
def host(tmp_path: Path) -> Iterator[SimulatorHost]:
    with SimulatorHost(state_dir=tmp_path / "sim", providers=["meta"]) as running:
        noon = dt.datetime.combine(NEAR_THE_END, dt.time(12)).timestamp()
        running.simulator("meta").clock = lambda: noon  # the simulator lives on the same day as the service
        yield running


@pytest.fixture
async def service(host: SimulatorHost) -> AsyncIterator[ConsoleService]:
    async with make_client() as client:
        yield ConsoleService(
            client, LogStore(), None, host.base_url, environ={}, providers=all_providers(), today=lambda: NEAR_THE_END
        )


def _send_to(host: SimulatorHost, version: str) -> OperationRequest:
    base_url = host.base_url("meta").replace(f"/{API_VERSION}", f"/{version}")
    assert base_url.endswith(f"/meta/{version}")
    return OperationRequest(
        "meta",
        "send",
        "whatsapp",
        fields={"to": "+447911123456"},
        credentials=dict(CREDENTIALS),
        env="custom",
        base_url=base_url,
    )


async def test_a_send_to_v21_near_its_end_works_and_carries_the_warning(
    service: ConsoleService, host: SimulatorHost
) -> None:
    sent = await service.run(_send_to(host, "v21.0"))

    assert sent.ok, sent.exchange.summary
    assert sent.exchange.url.endswith("/meta/v21.0/106540352242922/messages")
    assert sent.exchange.warnings == (
        "Meta WhatsApp Cloud API v21.0 stops working on 2027-01-21, in 51 days. Move to v26.0.",
    )
    assert service.store.snapshot()[-1].warnings == sent.exchange.warnings  # the recorded one too
    assert sent.exchange.to_dict()["warnings"] == list(sent.exchange.warnings)


async def test_the_simulators_own_version_has_nothing_to_say(service: ConsoleService) -> None:
    sent = await service.run(OperationRequest("meta", "send", "whatsapp", fields={"to": "+447911123456"}))
    assert sent.ok, sent.exchange.summary
    assert sent.exchange.warnings == ()


async def test_a_send_to_an_ended_version_is_refused_and_says_so(service: ConsoleService, host: SimulatorHost) -> None:
    refused = await service.run(_send_to(host, "v20.0"))

    assert (refused.exchange.outcome, refused.exchange.status) == (Outcome.PROVIDER_ERROR, 400)
    assert refused.exchange.error_code == "2635"
    assert refused.exchange.meaning.startswith("The API version has ended")
    (warning,) = refused.exchange.warnings
    assert "v20.0 stopped working on 2026-09-24" in warning
