"""Callback preparation and delivery: the signing secret, the twice/out-of-order faults, why nothing was sent."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

import httpx

from console.providers.spec import FieldSpec
from console.providers.webhook import Outgoing, WebhookRule
from console.simulators._callbacks import WRONG_SECRET, deliver, prepare, signing_secret
from console.simulators._records import CallbackFault, Delivery


class _Stamp(WebhookRule):
    """Signs by adding ``X-Sig: <secret>@<now>``, so a test can see who signed with what."""

    secrets = (FieldSpec("hook_secret", "Hook secret"), FieldSpec("other", "Other"))
    simulator_secrets = MappingProxyType({"hook_secret": "s3cret", "other": "unused"})

    def sign(self, outgoing: Outgoing, secret: str, now: float | None = None) -> Outgoing:
        return dataclasses.replace(outgoing, headers=(*outgoing.headers, ("X-Sig", f"{secret}@{now}")))


BATCH = [Outgoing("POST", label="first"), Outgoing("POST", label="second")]


def test_the_signing_secret_is_the_rules_first_simulator_secret() -> None:
    assert signing_secret(_Stamp()) == "s3cret"
    assert signing_secret(_Stamp(), wrong=True) == WRONG_SECRET
    assert signing_secret(WebhookRule()) == ""
    assert signing_secret(None) == ""
    assert signing_secret(None, wrong=True) == WRONG_SECRET


def test_prepare_signs_each_callback_in_order() -> None:
    signed = prepare(BATCH, _Stamp(), "s3cret", CallbackFault.NONE, 7.0)
    assert [(o.label, o.headers) for o in signed] == [
        ("first", (("X-Sig", "s3cret@7.0"),)),
        ("second", (("X-Sig", "s3cret@7.0"),)),
    ]
    assert prepare(BATCH, None, "s3cret", CallbackFault.NONE, 7.0) == BATCH


def test_prepare_applies_twice_and_out_of_order() -> None:
    twice = prepare(BATCH, None, "", CallbackFault.TWICE, 0.0)
    assert [o.label for o in twice] == ["first", "first", "second", "second"]
    reversed_ = prepare(BATCH, None, "", CallbackFault.OUT_OF_ORDER, 0.0)
    assert [o.label for o in reversed_] == ["second", "first"]
    for fault in (CallbackFault.LATE, CallbackFault.BAD_SIGNATURE):  # applied elsewhere: by delay, by secret
        assert prepare(BATCH, None, "", fault, 0.0) == BATCH


async def test_nothing_is_sent_without_a_listener_url_or_a_client() -> None:
    async with httpx.AsyncClient() as client:
        no_url = await deliver(BATCH, None, client, late_seconds=None, clock=lambda: 5.0)
    assert no_url == [
        Delivery("first", "", None, "No listener URL: start the listener to receive callbacks", 5.0),
        Delivery("second", "", None, "No listener URL: start the listener to receive callbacks", 5.0),
    ]
    stopped = await deliver(BATCH, "http://127.0.0.1:9/hooks/x", None, late_seconds=60.0, clock=lambda: 5.0)
    assert [(d.status, d.error) for d in stopped] == [(None, "The simulator is stopped")] * 2


async def test_deliver_sends_in_order_with_the_query_appended() -> None:
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200 if len(seen) == 1 else 403, stream=httpx.ByteStream(b"{}"))

    batch = [Outgoing("GET", "phone=7&id=1", label="call"), Outgoing("POST", label="end")]
    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        results = await deliver(batch, "http://listener.test/hooks/ssms", client, late_seconds=0.0, clock=lambda: 1.0)
    assert seen == ["http://listener.test/hooks/ssms?phone=7&id=1", "http://listener.test/hooks/ssms"]
    assert [(d.label, d.url, d.status) for d in results] == [
        ("call", "http://listener.test/hooks/ssms?phone=7&id=1", 200),
        ("end", "http://listener.test/hooks/ssms", 403),
    ]
