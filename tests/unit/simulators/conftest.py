"""A running SimulatorHost on loopback with its state in tmp_path, and a signing Zadarma client."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest

from console.providers.zadarma.signing import sign_request
from console.simulators.host import SimulatorHost


class FakeClock:
    """A settable epoch clock for simulators (``sim.clock = FakeClock()``)."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class ZadarmaApi:
    """Signs and sends Zadarma calls the way the official SDKs do (sorted, PHP-encoded, format=json)."""

    def __init__(self, host: SimulatorHost, client: httpx.Client) -> None:
        self.base = host.base_url("zadarma")
        creds = host.credentials("zadarma")
        self.key, self.secret = creds["key"], creds["secret"]
        self.client = client

    def call(
        self,
        method: str,
        path: str,
        params: Mapping[str, str] | None = None,
        *,
        key: str | None = None,
        secret: str | None = None,
        authorization: str | None = None,
    ) -> httpx.Response:
        steps = sign_request(key or self.key, secret or self.secret, path, params or {})
        headers = {"Authorization": authorization if authorization is not None else steps.header}
        if method == "GET":
            return self.client.get(f"{self.base}{path}?{steps.query}", headers=headers)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return self.client.request(method, f"{self.base}{path}", content=steps.query.encode(), headers=headers)

    def send(self, channel: str, **fields: str) -> httpx.Response:
        return self.call("POST", "/v1/verify/", {"channel": channel, **fields})

    def check(self, request_id: str, code: str) -> httpx.Response:
        return self.call("POST", "/v1/verify/check/", {"request_id": request_id, "code": code})


HostFactory = Callable[..., SimulatorHost]
ApiFactory = Callable[[SimulatorHost, httpx.Client], ZadarmaApi]


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "sim"


@pytest.fixture
def new_host(state_dir: Path) -> Iterator[HostFactory]:
    """Make (not start) more Zadarma hosts on the same state_dir; each is stopped at teardown."""
    made: list[SimulatorHost] = []

    def make(**kwargs: Any) -> SimulatorHost:
        sim_host = SimulatorHost(state_dir=state_dir, providers=["zadarma"], **kwargs)
        made.append(sim_host)
        return sim_host

    yield make
    for sim_host in made:
        sim_host.stop()


@pytest.fixture
def host(new_host: HostFactory) -> SimulatorHost:
    running = new_host()
    running.start()
    return running


@pytest.fixture
def api_for() -> ApiFactory:
    return ZadarmaApi


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10.0, trust_env=False) as c:
        yield c


@pytest.fixture
def api(host: SimulatorHost, client: httpx.Client) -> ZadarmaApi:
    return ZadarmaApi(host, client)


@pytest.fixture
def clock(host: SimulatorHost) -> FakeClock:
    fake = FakeClock()
    host.simulator("zadarma").clock = fake
    return fake
