"""Fault and scenario switches (count semantics) and the fault middleware on a bare aiohttp app."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from console.simulators._faults import HTML_500, TRUNCATED_JSON, FaultSwitch, ScenarioSwitch, fault_middleware
from console.simulators._records import Fault, FaultState


# -------------------------------------------------------------------------------------------- switches
def test_a_counted_fault_spoils_that_many_requests_then_clears() -> None:
    faults = FaultSwitch()
    faults.set("html500", count=2, seconds=1.5)
    assert faults.current == FaultState(Fault.HTML500, 2, 1.5)
    assert [faults.take().fault for _ in range(3)] == [Fault.HTML500, Fault.HTML500, Fault.NONE]
    assert faults.current == FaultState()


def test_take_returns_the_state_before_counting_down() -> None:
    faults = FaultSwitch()
    faults.set(Fault.DELAY, count=2)
    assert faults.take() == FaultState(Fault.DELAY, 2, None)
    assert faults.current == FaultState(Fault.DELAY, 1, None)


def test_an_uncounted_fault_lasts_until_cleared() -> None:
    faults = FaultSwitch()
    faults.set(Fault.DROP)
    assert [faults.take().fault for _ in range(5)] == [Fault.DROP] * 5
    faults.set(Fault.NONE, count=3)
    assert faults.take() == FaultState()


@pytest.mark.parametrize("count", [0, -1])
def test_a_count_below_one_is_refused(count: int) -> None:
    faults = FaultSwitch()
    with pytest.raises(ValueError, match="count must be at least 1"):
        faults.set(Fault.DELAY, count=count)
    assert faults.current == FaultState()


def test_an_unknown_fault_is_refused() -> None:
    with pytest.raises(ValueError, match="explode"):
        FaultSwitch().set("explode")


def test_scenarios_count_down_and_clear() -> None:
    scenarios = ScenarioSwitch()
    scenarios.set("no_money", 2)
    assert scenarios.current == "no_money"
    assert [scenarios.take() for _ in range(3)] == ["no_money", "no_money", None]
    scenarios.set("bad_key", None)
    assert [scenarios.take() for _ in range(3)] == ["bad_key"] * 3
    scenarios.set(None)
    assert scenarios.current is None
    assert scenarios.take() is None


# ------------------------------------------------------------------------------------------ middleware
class _Site:
    """A stand-in simulator: ``/_sim/`` paths are control routes; its 429 says who answered."""

    def is_control(self, request: web.Request) -> bool:
        return request.path.startswith("/_sim/")

    def rate_limited_response(self, request: web.Request) -> web.StreamResponse:
        return web.json_response({"limited": request.path}, status=429)


@pytest.fixture
async def faulty() -> AsyncIterator[tuple[FaultSwitch, TestClient[web.Request, web.Application]]]:
    faults = FaultSwitch()

    async def ok(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app = web.Application(middlewares=[fault_middleware(faults, _Site())])
    app.router.add_get("/api", ok)
    app.router.add_get("/_sim/phone", ok)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield faults, client


async def test_middleware_answers_as_the_fault_says(
    faulty: tuple[FaultSwitch, TestClient[web.Request, web.Application]],
) -> None:
    faults, client = faulty
    faults.set(Fault.HTML500, count=1)
    html = await client.get("/api")
    assert (html.status, html.content_type, await html.text()) == (500, "text/html", HTML_500)
    faults.set(Fault.MALFORMED_JSON, count=1)
    broken = await client.get("/api")
    assert (broken.status, await broken.read()) == (200, TRUNCATED_JSON)
    faults.set(Fault.RATE_LIMIT, count=1)
    limited = await client.get("/api")
    assert (limited.status, await limited.json()) == (429, {"limited": "/api"})
    assert (await client.get("/api")).status == 200


async def test_control_routes_are_never_spoilt_nor_counted(
    faulty: tuple[FaultSwitch, TestClient[web.Request, web.Application]],
) -> None:
    faults, client = faulty
    faults.set(Fault.HTML500, count=1)
    assert (await client.get("/_sim/phone")).status == 200
    assert faults.current.remaining == 1
    assert (await client.get("/api")).status == 500
