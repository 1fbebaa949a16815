"""The Meta simulator serves every Graph API version Meta lists; one past its end date is refused with 2635."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from console.providers.meta import API_VERSION, API_VERSIONS
from console.providers.meta import PROVIDER as META
from console.providers.provider import Call
from console.simulators.host import SimulatorHost

NODE = "106540352242922"
TOKEN = {"Authorization": "Bearer sim_meta_token"}
REFUSAL = "(#2635) You are calling a deprecated version of the Graph API. Please update to the latest version: v26.0."


@pytest.fixture
def meta(tmp_path: Path) -> Iterator[SimulatorHost]:
    with SimulatorHost(state_dir=tmp_path / "sim", providers=["meta"]) as running:
        yield running


class Clock:
    """The simulator's clock, set to a local date and time (``now`` is epoch seconds)."""

    def __init__(self, *when: int) -> None:
        self.set(*when)

    def set(self, *when: int) -> None:
        self.now = dt.datetime(*when).timestamp()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(meta: SimulatorHost) -> Clock:
    """The simulator's clock on 2026-12-01: v20.0 has ended (2026-09-24), v21.0 not yet (2027-01-21)."""
    fake = Clock(2026, 12, 1, 12, 0)
    meta.simulator("meta").clock = fake
    return fake


def _url(meta: SimulatorHost, version: str, tail: str = "") -> str:
    return f"{meta.url}/meta/{version}/{NODE}{tail}"


def _send_body() -> dict[str, object]:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "447911123456",
        "type": "template",
        "template": {
            "name": "verification_code",
            "language": {"code": "en"},
            "components": [
                {"type": "body", "parameters": [{"type": "text", "text": "482913"}]},
                {"type": "button", "sub_type": "url", "index": "0", "parameters": [{"type": "text", "text": "482913"}]},
            ],
        },
    }


def test_the_simulator_starts_on_the_current_version(meta: SimulatorHost) -> None:
    assert meta.base_url("meta").endswith(f"/meta/{API_VERSION}")


@pytest.mark.usefixtures("clock")
def test_an_older_version_not_yet_ended_works_as_the_current_one(meta: SimulatorHost, client: httpx.Client) -> None:
    node = client.get(_url(meta, "v25.0"), headers=TOKEN)
    assert node.status_code == 200
    assert node.json()["id"] == NODE

    sent = client.post(_url(meta, "v25.0", "/messages"), headers=TOKEN, json=_send_body())
    assert sent.status_code == 200, sent.text
    assert sent.json()["messages"][0]["id"].startswith("wamid.")
    assert meta.phone_messages("meta")[-1].code == "482913"


@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize("tail", ["", "/messages"])
def test_an_ended_version_is_refused_with_2635(meta: SimulatorHost, client: httpx.Client, tail: str) -> None:
    method = "POST" if tail else "GET"
    answer = client.request(method, _url(meta, "v20.0", tail), headers=TOKEN, json=_send_body() if tail else None)

    assert answer.status_code == 400
    error = answer.json()["error"]
    assert (error["message"], error["type"], error["code"]) == (REFUSAL, "OAuthException", 2635)
    assert error["fbtrace_id"]
    assert meta.phone_messages("meta") == []


def test_the_end_date_is_read_from_the_simulators_clock(
    meta: SimulatorHost, client: httpx.Client, clock: Clock
) -> None:
    assert client.get(_url(meta, "v21.0"), headers=TOKEN).status_code == 200
    clock.set(2027, 1, 21, 0, 1)  # v21.0's end date
    assert client.get(_url(meta, "v21.0"), headers=TOKEN).json()["error"]["code"] == 2635
    clock.set(2026, 9, 23, 23, 59)  # the day before v20.0 ended
    assert client.get(_url(meta, "v20.0"), headers=TOKEN).status_code == 200


@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize("version", ["v19.0", "v99.0", "v26"])
def test_a_version_meta_does_not_list_is_an_unknown_route(
    meta: SimulatorHost, client: httpx.Client, version: str
) -> None:
    answer = client.get(_url(meta, version), headers=TOKEN)
    assert answer.status_code == 404
    assert answer.json()["error"]["message"] == f"Not found: GET /{version}/{NODE}"


@pytest.mark.usefixtures("clock")
def test_every_listed_version_is_routed(meta: SimulatorHost, client: httpx.Client) -> None:
    codes = {v.name: client.get(_url(meta, v.name), headers=TOKEN).status_code for v in API_VERSIONS}
    assert codes == {v.name: 400 if v.name == "v20.0" else 200 for v in API_VERSIONS}


def test_the_provider_names_2635_with_what_to_do() -> None:
    body = {"error": {"message": REFUSAL, "type": "OAuthException", "code": 2635, "fbtrace_id": "t"}}
    call = Call("meta", "send", "whatsapp", {}, {}, "https://graph.facebook.com/v20.0", "live-v20.0")
    result = META.interpret(call, 400, httpx.Headers(), json.dumps(body).encode())
    assert result.error_code == "2635"
    assert result.meaning.startswith("The API version has ended")
    assert result.hint.startswith("Choose the current version (v26.0)")
