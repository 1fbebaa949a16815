"""SimulatorHost and the simulator base: lifecycle, faults, journal, shared state, virtual phone, registry."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from console.simulators import all_simulators
from console.simulators._records import Fault, PhoneMessage, SimulatorError
from console.simulators.base import ProviderSimulator
from console.simulators.host import SimulatorHost, read_phone_messages
from console.simulators.zadarma import ZadarmaSimulator

if TYPE_CHECKING:
    from tests.unit.simulators.conftest import ApiFactory, FakeClock, HostFactory, ZadarmaApi

PHONE = "+442037691880"


def _wait_for(predicate, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


# ------------------------------------------------------------------------------------------ lifecycle
def test_registry_discovers_zadarma() -> None:
    sims = all_simulators()
    assert sims["zadarma"] is ZadarmaSimulator
    assert all(issubclass(cls, ProviderSimulator) and cls.provider_id == pid for pid, cls in sims.items())


def test_urls_and_credentials(host: SimulatorHost, client: httpx.Client) -> None:
    assert host.port > 0
    assert host.url == f"http://127.0.0.1:{host.port}"
    assert host.base_url("zadarma") == f"http://127.0.0.1:{host.port}/zadarma"
    assert host.credentials("zadarma") == {"key": "sim_zadarma_key", "secret": "sim_zadarma_secret"}
    assert host.provider_ids() == ["zadarma"]
    assert client.get(f"{host.url}/").json() == {"zadarma": host.base_url("zadarma")}
    with pytest.raises(KeyError, match="zadarma"):
        host.simulator("nope")


def test_unknown_provider_is_refused(state_dir: Path) -> None:
    with pytest.raises(SimulatorError, match="No simulator for nope"):
        SimulatorHost(state_dir=state_dir, providers=["nope"])


def test_port_already_in_use_is_a_clear_error(new_host: HostFactory) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        second = new_host(port=port)
        with pytest.raises(SimulatorError, match=f"127.0.0.1:{port}: the port is already in use"):
            second.start()
        assert not second.running
        second.stop()  # harmless


def test_second_host_on_a_running_hosts_port(host: SimulatorHost, new_host: HostFactory) -> None:
    with pytest.raises(SimulatorError, match="already in use"):
        new_host(port=host.port).start()


def test_start_stop_restart(new_host: HostFactory, client: httpx.Client) -> None:
    sim_host = new_host()
    with pytest.raises(SimulatorError, match="not running"):
        _ = sim_host.port
    sim_host.start()
    with pytest.raises(SimulatorError, match="already running"):
        sim_host.start()
    url = sim_host.url
    sim_host.stop()
    sim_host.stop()
    assert not sim_host.running
    with pytest.raises(httpx.ConnectError):
        client.get(f"{url}/")
    sim_host.start()
    assert client.get(f"{sim_host.url}/").status_code == 200
    sim_host.stop()


# --------------------------------------------------------------------------------------------- faults
def test_fault_html500(api: ZadarmaApi, host: SimulatorHost) -> None:
    host.set_fault("zadarma", Fault.HTML500, count=1)
    response = api.call("GET", "/v1/info/balance/")
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/html")
    assert "<title>500 Internal Server Error</title>" in response.text
    assert api.call("GET", "/v1/info/balance/").status_code == 200


def test_fault_malformed_json(api: ZadarmaApi, host: SimulatorHost) -> None:
    host.set_fault("zadarma", Fault.MALFORMED_JSON, count=1)
    response = api.call("GET", "/v1/info/balance/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.text)


def test_fault_drop_is_a_transport_error(api: ZadarmaApi, host: SimulatorHost) -> None:
    host.set_fault("zadarma", Fault.DROP, count=1)
    with pytest.raises(httpx.RemoteProtocolError):
        api.call("GET", "/v1/info/balance/")
    assert host.simulator("zadarma").journal[-1].status is None
    assert api.call("GET", "/v1/info/balance/").status_code == 200


def test_fault_delay_is_measurable(api: ZadarmaApi, host: SimulatorHost) -> None:
    host.set_fault("zadarma", Fault.DELAY, count=1, seconds=0.4)
    started = time.perf_counter()
    assert api.call("GET", "/v1/info/balance/").status_code == 200
    assert time.perf_counter() - started >= 0.4
    started = time.perf_counter()
    api.call("GET", "/v1/info/balance/")
    assert time.perf_counter() - started < 0.4


def test_fault_timeout_outlasts_the_client_and_stops_promptly(new_host: HostFactory, api_for: ApiFactory) -> None:
    sim_host = new_host()
    sim_host.start()
    try:
        sim_host.set_fault("zadarma", Fault.TIMEOUT)
        assert sim_host.simulator("zadarma").fault.seconds is None  # the default, 60 s
        with httpx.Client(timeout=0.3, trust_env=False) as short, pytest.raises(httpx.ReadTimeout):
            api_for(sim_host, short).call("GET", "/v1/info/balance/")
    finally:
        started = time.perf_counter()
        sim_host.stop()
    assert time.perf_counter() - started < 5


def test_fault_rate_limit_is_the_providers_429(api: ZadarmaApi, host: SimulatorHost) -> None:
    host.set_fault("zadarma", Fault.RATE_LIMIT, count=1)
    response = api.call("GET", "/v1/info/balance/")
    assert response.status_code == 429
    assert response.json()["status"] == "error"
    assert response.headers["X-RateLimit-Remaining"] == "0"


def test_fault_count_and_until_cleared(api: ZadarmaApi, host: SimulatorHost) -> None:
    host.set_fault("zadarma", "html500", count=2)
    assert [api.call("GET", "/v1/info/balance/").status_code for _ in range(3)] == [500, 500, 200]
    host.set_fault("zadarma", Fault.HTML500)
    assert [api.call("GET", "/v1/info/balance/").status_code for _ in range(4)] == [500] * 4
    host.set_fault("zadarma", Fault.NONE)
    assert api.call("GET", "/v1/info/balance/").status_code == 200
    with pytest.raises(ValueError, match="count"):
        host.set_fault("zadarma", Fault.DELAY, count=0)


def test_fault_through_the_control_route(api: ZadarmaApi, host: SimulatorHost, client: httpx.Client) -> None:
    base = host.base_url("zadarma")
    answer = client.post(f"{base}/_sim/fault", json={"fault": "html500", "count": 1, "seconds": None})
    assert answer.json() == {"fault": "html500", "count": 1, "seconds": None}
    assert client.get(f"{base}/_sim/phone").status_code == 200  # control routes are never faulted
    assert api.call("GET", "/v1/info/balance/").status_code == 500
    bad = client.post(f"{base}/_sim/fault", json={"fault": "explode"})
    assert bad.status_code == 400
    assert "drop" in bad.json()["faults"]


# ------------------------------------------------------------------------------------ journal, reset
def test_journal_records_what_was_received(api: ZadarmaApi, host: SimulatorHost, client: httpx.Client) -> None:
    api.send("sms", to=PHONE, code="4729")
    api.call("GET", "/v1/info/balance/", key="nobody")
    client.get(f"{host.base_url('zadarma')}/_sim/phone")
    first, second = host.simulator("zadarma").journal
    assert (first.method, first.path, first.status) == ("POST", "/v1/verify/", 200)
    assert first.body == "channel=sms&code=4729&format=json&to=%2B442037691880"
    assert first.headers["Authorization"].startswith("sim_zadarma_key:")
    assert (second.method, second.path, second.query, second.status) == ("GET", "/v1/info/balance/", "format=json", 401)
    entries = client.get(f"{host.base_url('zadarma')}/_sim/journal").json()["entries"]
    assert [e["path"] for e in entries] == ["/v1/verify/", "/v1/info/balance/"]


def test_journal_is_bounded(
    new_host: HostFactory, api_for: ApiFactory, client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert ZadarmaSimulator.journal_size == 500
    monkeypatch.setattr(ZadarmaSimulator, "journal_size", 3)
    with new_host() as small:
        api = api_for(small, client)
        for _ in range(5):
            api.call("GET", "/v1/info/balance/")
        assert len(small.simulator("zadarma").journal) == 3


def test_reset_clears_state(api: ZadarmaApi, host: SimulatorHost, client: httpx.Client) -> None:
    rid = api.send("sms", to=PHONE, code="4729").json()["request_id"]
    host.set_fault("zadarma", Fault.DELAY)
    assert client.post(f"{host.base_url('zadarma')}/_sim/reset").status_code == 200
    assert host.phone_messages() == []
    assert host.simulator("zadarma").journal == []
    assert host.simulator("zadarma").fault.fault is Fault.NONE
    assert api.check(rid, "4729").json()["message"] == "No such request id"


# ------------------------------------------------------------------------------------ virtual phone
def test_phone_message_round_trip() -> None:
    msg = PhoneMessage(
        id="1",
        provider="zadarma",
        channel="sms",
        to=PHONE,
        kind="sms",
        title="t",
        text="x",
        code="0042",
        at=12.5,
        extra={"request_id": "a+b="},
    )
    assert PhoneMessage.from_dict(json.loads(json.dumps(msg.to_dict()))) == msg


def test_phone_route_and_callback(api: ZadarmaApi, host: SimulatorHost, client: httpx.Client) -> None:
    seen: list[tuple[PhoneMessage, str]] = []
    unsubscribe = host.on_phone_message(lambda m: seen.append((m, threading.current_thread().name)))
    api.send("sms", to=PHONE, code="4729")
    [(message, thread)] = seen
    assert message.code == "4729"
    assert thread == "otp-simulators"
    route = client.get(f"{host.base_url('zadarma')}/_sim/phone").json()["messages"]
    assert [PhoneMessage.from_dict(m) for m in route] == [message]
    unsubscribe()
    api.send("sms", to=PHONE)
    assert len(seen) == 1


def test_a_failing_listener_does_not_break_the_request(
    api: ZadarmaApi, host: SimulatorHost, caplog: pytest.LogCaptureFixture
) -> None:
    host.on_phone_message(lambda m: 1 / 0)
    assert api.send("sms", to=PHONE).status_code == 200
    assert "listener failed" in caplog.text


# ------------------------------------------------------------------------------------ shared state
def test_two_hosts_share_requests_and_phone(
    host: SimulatorHost,
    api: ZadarmaApi,
    state_dir: Path,
    client: httpx.Client,
    new_host: HostFactory,
    api_for: ApiFactory,
) -> None:
    with new_host() as other:
        seen: list[PhoneMessage] = []
        other.on_phone_message(seen.append)
        rid = api.send("sms", to=PHONE, code="4729").json()["request_id"]
        assert [m.code for m in other.phone_messages()] == ["4729"]
        _wait_for(lambda: len(seen) == 1)  # noticed by polling the shared file
        other_api = api_for(other, client)
        assert other_api.check(rid, "4729").json()["message"] == "Code is correct"
        assert api.check(rid, "4729").json()["message"] == "No such request id"
    assert [m.code for m in read_phone_messages(state_dir)] == ["4729"]
    assert read_phone_messages(state_dir, "zadarma") == host.phone_messages("zadarma")


def test_expiry_uses_the_checking_hosts_clock(
    api: ZadarmaApi, client: httpx.Client, clock: FakeClock, new_host: HostFactory, api_for: ApiFactory
) -> None:
    rid = api.send("sms", to=PHONE, code="4729").json()["request_id"]
    with new_host() as other:
        other.simulator("zadarma").clock = lambda: clock.now + 601
        assert api_for(other, client).check(rid, "4729").json()["message"] == "No such request id"


WRITER = """
import sys
from pathlib import Path
from console.simulators.zadarma import ZadarmaSimulator
sim = ZadarmaSimulator(Path(sys.argv[1]))
for i in range(int(sys.argv[2])):
    sim.add_phone_message(channel="sms", to=sys.argv[3], kind="sms", title="t", text=str(i), code=str(i))
"""


def test_processes_append_under_the_file_lock(state_dir: Path) -> None:
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(state_dir), "40", f"+4420000000{n}"]) for n in range(3)
    ]
    assert [w.wait(timeout=60) for w in writers] == [0, 0, 0]
    messages = read_phone_messages(state_dir)
    assert len(messages) == 120
    assert len({m.id for m in messages}) == 120
