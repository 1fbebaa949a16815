"""The ``/_sim/`` control routes over real HTTP on 127.0.0.1: fault requests, journal, phone, reset."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest

from console.simulators._records import Fault, FaultState
from console.simulators.host import SimulatorHost

if TYPE_CHECKING:
    from tests.unit.simulators.conftest import ZadarmaApi


def test_a_fault_request_is_coerced_and_echoed(host: SimulatorHost, client: httpx.Client) -> None:
    base = host.base_url("zadarma")
    answer = client.post(f"{base}/_sim/fault", json={"fault": "delay", "count": "2", "seconds": "0.25"})
    assert (answer.status_code, answer.json()) == (200, {"fault": "delay", "count": 2, "seconds": 0.25})
    assert host.simulator("zadarma").fault == FaultState(Fault.DELAY, 2, 0.25)
    cleared = client.post(f"{base}/_sim/fault", json={})
    assert cleared.json() == {"fault": "none", "count": None, "seconds": None}


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ({"fault": "delay", "count": 0}, "count must be at least 1"),
        ({"fault": "delay", "count": "many"}, "invalid literal"),
        ({"fault": "explode"}, "'explode' is not a valid Fault"),
        (["html500"], "has no attribute 'get'"),
    ],
)
def test_a_bad_fault_request_is_400_and_changes_nothing(
    host: SimulatorHost, client: httpx.Client, body: object, why: str
) -> None:
    host.set_fault("zadarma", Fault.HTML500, count=3)
    answer = client.post(f"{host.base_url('zadarma')}/_sim/fault", json=body)
    assert answer.status_code == 400
    assert why in answer.json()["error"]
    assert answer.json()["faults"] == [f.value for f in Fault]
    assert host.simulator("zadarma").fault == FaultState(Fault.HTML500, 3, None)


def test_control_routes_are_neither_faulted_nor_journalled(
    api: ZadarmaApi, host: SimulatorHost, client: httpx.Client
) -> None:
    base = host.base_url("zadarma")
    host.set_fault("zadarma", Fault.DROP)
    assert client.get(f"{base}/_sim/phone").json() == {"messages": []}
    assert client.get(f"{base}/_sim/journal").json() == {"entries": []}
    host.set_fault("zadarma", Fault.NONE)
    api.send("sms", to="+442037691880", code="4729")
    [message] = client.get(f"{base}/_sim/phone").json()["messages"]
    assert message["code"] == "4729"
    assert [e["path"] for e in client.get(f"{base}/_sim/journal").json()["entries"]] == ["/v1/verify/"]


def test_reset_answers_with_the_provider_and_forgets(
    api: ZadarmaApi, host: SimulatorHost, client: httpx.Client
) -> None:
    base = host.base_url("zadarma")
    api.send("sms", to="+442037691880")
    host.set_scenario("zadarma", "no_money", count=None)
    assert client.post(f"{base}/_sim/reset").json() == {"reset": "zadarma"}
    sim = host.simulator("zadarma")
    assert (sim.phone_messages(), sim.journal, sim.scenario, sim.fault) == ([], [], None, FaultState())


def test_a_control_route_with_the_wrong_method_is_405(host: SimulatorHost, client: httpx.Client) -> None:
    answer = client.get(f"{host.base_url('zadarma')}/_sim/reset")
    assert answer.status_code == 405
    assert answer.json() == {"status": "error", "message": "Method GET is not allowed on /_sim/reset"}
