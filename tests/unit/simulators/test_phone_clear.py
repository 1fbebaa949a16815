"""Clearing the virtual phone: the state file emptied, every process told; and an error case kept on until cleared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.simulators._phone import CLEARED_KEY, PHONE_KEY
from console.simulators._records import PhoneMessage, SimulatorError
from console.simulators._state import StateFile
from console.simulators.base import ProviderSimulator
from console.simulators.host import SimulatorHost, clear_phone_messages, read_phone_messages
from console.simulators.ssms import SsmsSimulator
from console.simulators.zadarma import ZadarmaSimulator
from tests.unit.simulators.conftest import ZadarmaApi


class _Sim(ProviderSimulator):
    """The base's wiring of the inbox, without routes."""

    provider_id = "phonetest"


def _sms(sim: ProviderSimulator, code: str = "1234") -> PhoneMessage:
    return sim.add_phone_message(channel="sms", to="+10000000000", kind="sms", title="t", text=code, code=code)


def test_clear_empties_the_state_file_and_tells_subscribers_once(tmp_path: Path) -> None:
    sim = _Sim(tmp_path, clock=lambda: 1000.0)
    heard: list[tuple[str, float]] = []
    sim.on_phone_cleared(lambda pid, at: heard.append((pid, at)))
    _sms(sim)
    _sms(sim)
    assert sim.clear_phone() == 2
    assert sim.phone_messages() == []
    stored = json.loads(StateFile(tmp_path, "phonetest").path.read_text())
    assert stored[PHONE_KEY] == []
    assert heard == [("phonetest", 1000.0)]
    with sim.state():
        pass  # a write that is not a clear tells nobody
    assert len(heard) == 1
    assert sim.clear_phone() == 0  # on a frozen clock, a second clear is still a newer one
    assert len(heard) == 2
    assert heard[1][1] > heard[0][1]


def test_messages_after_a_clear_are_announced_and_kept(tmp_path: Path) -> None:
    sim = _Sim(tmp_path)
    _sms(sim, "1")
    sim.clear_phone()
    heard: list[str | None] = []
    sim.on_phone_message(lambda m: heard.append(m.code))
    _sms(sim, "2")
    assert heard == ["2"]
    assert [m.code for m in sim.phone_messages()] == ["2"]


def test_another_process_sees_the_clear_at_its_next_poll(tmp_path: Path) -> None:
    here, there = _Sim(tmp_path), _Sim(tmp_path)  # two processes sharing the state folder
    _sms(here)
    heard: list[str] = []
    there.on_phone_cleared(lambda pid, at: heard.append(pid))
    there.poll_external()
    assert heard == []
    here.clear_phone()
    there.poll_external()
    assert heard == ["phonetest"]
    assert there.phone_messages() == []


def test_clear_phone_messages_without_a_server(tmp_path: Path) -> None:
    zadarma, ssms = ZadarmaSimulator(tmp_path), SsmsSimulator(tmp_path)
    _sms(zadarma)
    _sms(ssms)
    _sms(ssms)
    assert clear_phone_messages(tmp_path, "zadarma") == {"zadarma": 1}
    assert [m.provider for m in read_phone_messages(tmp_path)] == ["ssms", "ssms"]
    assert clear_phone_messages(tmp_path) == {"ssms": 2, "zadarma": 0}  # providers without a state file: left out
    assert read_phone_messages(tmp_path) == []
    assert json.loads((tmp_path / "ssms.json").read_text())[CLEARED_KEY] > 0
    with pytest.raises(SimulatorError, match="No simulator for nope"):
        clear_phone_messages(tmp_path, "nope")


def test_the_host_clears_one_phone_or_all_and_says_so(tmp_path: Path) -> None:
    with SimulatorHost(state_dir=tmp_path, providers=["zadarma", "ssms"]) as host:
        heard: list[str] = []
        unsubscribe = host.on_phone_cleared(lambda pid, at: heard.append(pid))
        _sms(host.simulator("zadarma"))
        _sms(host.simulator("ssms"))
        assert host.clear_phone("ssms") == {"ssms": 1}
        assert [m.provider for m in host.phone_messages()] == ["zadarma"]
        assert host.clear_phone() == {"zadarma": 1, "ssms": 0}
        assert host.phone_messages() == []
        assert heard == ["ssms", "zadarma", "ssms"]
        unsubscribe()
        host.clear_phone()
        assert len(heard) == 3


def test_a_case_kept_on_answers_every_request_until_cleared(host: SimulatorHost, api: ZadarmaApi) -> None:
    host.set_scenario("zadarma", "no_money", count=None)
    for _ in range(3):
        answer = api.call("GET", "/v1/info/balance/").json()
        assert (answer["status"], answer["message"]) == ("error", "Not enough money on the balance for this request")
    assert host.simulator("zadarma").scenario == "no_money"
    host.set_scenario("zadarma", None)
    assert api.call("GET", "/v1/info/balance/").json()["status"] == "success"
    host.set_scenario("zadarma", "no_money", count=1)  # the default: the next request only
    assert api.call("GET", "/v1/info/balance/").json()["status"] == "error"
    assert api.call("GET", "/v1/info/balance/").json()["status"] == "success"
