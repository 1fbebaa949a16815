"""Simulator -> listener -> verification: the Zadarma press-1 call end to end, and every callback fault."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from console.core.history import History
from console.core.http import make_client
from console.core.logstore import LogStore
from console.core.models import Outcome, VerificationState
from console.core.verifications import VerificationBook
from console.listener.handling import CallbackHandler
from console.listener.secrets import resolve_webhook_secrets
from console.listener.server import WebhookListener
from console.providers import all_providers, webhook_rules
from console.service.console_service import ConsoleService
from console.service.operations import OperationRequest, OperationResult
from console.simulators._records import SimulatorError
from console.simulators.host import SimulatorHost

SOUNDS = {"greeting_sound_id": "101", "button_1_sound_id": "102", "fallback_sound_id": "103"}


class World:
    """Simulators, the listener and the service sharing one verification book, as in the GUI."""

    def __init__(self, tmp_path: Path) -> None:
        self.history = History(tmp_path / "history.sqlite3")
        self.book = VerificationBook(self.history)
        self.store = LogStore()
        rules = webhook_rules()
        self.handler = CallbackHandler(rules, resolve_webhook_secrets(rules, environ={}), self.book)
        self.listener = WebhookListener(self.handler, self.history, self.store)
        self.listener.start()
        self.host = SimulatorHost(state_dir=tmp_path / "sim")
        self.host.start()
        self.host.set_callback_url(self.listener.hooks_base())

    def send_call_button(self, to: str = "+48575555555") -> OperationResult:
        async def go() -> OperationResult:
            async with make_client() as client:
                service = ConsoleService(
                    client, self.store, self.history, self.host.base_url, book=self.book, providers=all_providers()
                )
                request = OperationRequest("zadarma", "send", "call_button", {"to": to, **SOUNDS})
                return await service.run(request)

        return asyncio.run(go())

    def act(self, action: str) -> list[int | None]:
        message = self.host.phone_messages("zadarma")[-1]
        deliveries = self.host.phone_action("zadarma", message.id, action).result(timeout=20)
        return [d.status for d in deliveries]

    def webhook_rows(self):  # type: ignore[no-untyped-def]
        return [x for x in self.store.snapshot() if x.operation == "webhook"]

    def stop(self) -> None:
        self.host.stop()
        self.listener.stop()
        self.history.close()


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    w = World(tmp_path)
    yield w
    w.stop()


def test_pressing_1_verifies_with_signed_notify_answer_then_end(world: World) -> None:
    sent = world.send_call_button()
    assert sent.ok
    assert sent.verification is not None
    message = world.host.phone_messages("zadarma")[-1]
    assert message.actions == ("press_1", "press_2", "hang_up", "no_answer")
    assert world.act("press_1") == [200, 200]
    rows = world.webhook_rows()
    assert [r.channel for r in rows] == ["NOTIFY_ANSWER", "NOTIFY_END"]
    assert {(r.signature, r.signature_scheme) for r in rows} == {("valid", "zadarma-hex-b64")}
    assert {r.verification_id for r in rows} == {sent.verification.id}
    final = world.book.get(sent.verification.id)
    assert final is not None
    assert final.state is VerificationState.VERIFIED
    assert final.exchange_ids[1:] == [r.id for r in rows]  # the send, then each callback: the timeline


@pytest.mark.parametrize("action", ["press_2", "hang_up", "no_answer"])
def test_anything_but_1_fails_the_verification(world: World, action: str) -> None:
    sent = world.send_call_button()
    assert sent.verification is not None
    world.act(action)
    final = world.book.get(sent.verification.id)
    assert final is not None
    assert final.state is VerificationState.FAILED


def test_twice_is_flagged_and_changes_nothing(world: World) -> None:
    sent = world.send_call_button()
    assert sent.verification is not None
    world.host.set_callback_fault("zadarma", "twice")
    assert world.act("press_1") == [200, 200, 200, 200]
    rows = world.webhook_rows()
    assert [r.channel for r in rows] == ["NOTIFY_ANSWER", "NOTIFY_ANSWER", "NOTIFY_END", "NOTIFY_END"]
    assert "state kept" in dict(rows[-1].notes)["verification"]
    final = world.book.get(sent.verification.id)
    assert final is not None
    assert final.state is VerificationState.VERIFIED


def test_out_of_order_end_first_keeps_the_result(world: World) -> None:
    sent = world.send_call_button()
    assert sent.verification is not None
    world.host.set_callback_fault("zadarma", "out_of_order")
    world.act("press_1")
    assert [r.channel for r in world.webhook_rows()] == ["NOTIFY_END", "NOTIFY_ANSWER"]
    final = world.book.get(sent.verification.id)
    assert final is not None
    assert final.state is VerificationState.VERIFIED


def test_bad_signature_is_shown_but_the_callback_still_counts(world: World) -> None:
    sent = world.send_call_button()
    assert sent.verification is not None
    world.host.set_callback_fault("zadarma", "bad_signature")
    world.act("press_1")
    rows = world.webhook_rows()
    assert {r.signature for r in rows} == {"invalid"}
    assert {r.outcome for r in rows} == {Outcome.PROVIDER_ERROR}
    final = world.book.get(sent.verification.id)
    assert final is not None
    assert final.state is VerificationState.VERIFIED


def test_late_delivery_arrives_after_the_delay(world: World) -> None:
    world.send_call_button()
    world.host.set_callback_fault("zadarma", "late", late_seconds=0.5)
    started = time.monotonic()
    world.act("press_1")
    assert time.monotonic() - started >= 0.5
    assert len(world.webhook_rows()) == 2


def test_without_a_listener_the_phone_says_so(world: World) -> None:
    world.send_call_button()
    world.host.set_callback_url(None)
    message = world.host.phone_messages("zadarma")[-1]
    deliveries = world.host.phone_action("zadarma", message.id, "press_1").result(timeout=10)
    assert {d.status for d in deliveries} == {None}
    assert "start the listener" in deliveries[0].error


def test_an_action_the_message_does_not_offer_is_refused(world: World) -> None:
    world.send_call_button()
    message = world.host.phone_messages("zadarma")[-1]
    with pytest.raises(SimulatorError, match="offers press_1"):
        world.host.phone_action("zadarma", message.id, "dial")


def test_a_callback_to_a_dead_listener_is_a_delivery_error(world: World) -> None:
    world.send_call_button()
    world.host.set_callback_url("http://127.0.0.1:9/hooks")
    message = world.host.phone_messages("zadarma")[-1]
    deliveries = world.host.phone_action("zadarma", message.id, "press_1").result(timeout=20)
    assert deliveries[0].status is None
    assert deliveries[0].error
    assert httpx.get(world.listener.url + "/?zd_echo=alive").text == "alive"


# ------------------------------------------------------------------------------------------ ssms.su wait_call
def _wait_call(world: World, window: str = "60") -> OperationResult:
    async def go() -> OperationResult:
        async with make_client() as client:
            service = ConsoleService(
                client, world.store, world.history, world.host.base_url, book=world.book, providers=all_providers()
            )
            request = OperationRequest("ssms", "send", "wait_call", {"to": "+79670311122", "call_protection": window})
            return await service.run(request)

    return asyncio.run(go())


def _dial(world: World, action: str = "dial") -> list[int | None]:
    message = world.host.phone_messages("ssms")[-1]
    return [d.status for d in world.host.phone_action("ssms", message.id, action).result(timeout=20)]


def test_wait_call_verified_when_the_phone_dials_inside_the_window(world: World) -> None:
    sent = _wait_call(world)
    assert sent.ok
    assert sent.verification is not None
    message = world.host.phone_messages("ssms")[-1]
    assert message.actions == ("dial", "dial_other")
    assert message.extra["call_to_number"] in sent.exchange.message
    assert _dial(world) == [200]
    row = world.webhook_rows()[-1]
    assert (row.provider, row.method, row.signature) == ("ssms", "GET", "unchecked")
    assert row.message.startswith("[undocumented shape] incoming call from +79670311122")
    assert row.verification_id == sent.verification.id
    final = world.book.get(sent.verification.id)
    assert final is not None
    assert final.state is VerificationState.VERIFIED


def test_a_call_from_another_number_ties_to_nothing(world: World) -> None:
    sent = _wait_call(world)
    assert sent.verification is not None
    _dial(world, "dial_other")
    assert world.webhook_rows()[-1].verification_id is None
    still = world.book.get(sent.verification.id)
    assert still is not None
    assert still.state is VerificationState.PENDING


def test_a_late_call_expires_the_verification(world: World) -> None:
    sent = _wait_call(world, window="1")
    assert sent.verification is not None
    world.host.set_callback_fault("ssms", "late", late_seconds=1.5)
    _dial(world)
    final = world.book.get(sent.verification.id)
    assert final is not None
    assert final.state is VerificationState.EXPIRED
    assert "after the window closed" in dict(world.webhook_rows()[-1].notes)["verification"]


# ------------------------------------------------------------------------------------ WhatsApp statuses
def _whatsapp(world: World, provider: str) -> OperationResult:
    async def go() -> OperationResult:
        async with make_client() as client:
            service = ConsoleService(
                client, world.store, world.history, world.host.base_url, book=world.book, providers=all_providers()
            )
            return await service.run(OperationRequest(provider, "send", None, {"to": "+447911123456"}))

    return asyncio.run(go())


def _act(world: World, provider: str, action: str) -> list[int | None]:
    message = world.host.phone_messages(provider)[-1]
    return [d.status for d in world.host.phone_action(provider, message.id, action).result(timeout=20)]


@pytest.mark.parametrize("provider", ["ycloud", "meta"])
@pytest.mark.parametrize(
    ("action", "fault", "state", "status"),
    [
        ("read", "none", VerificationState.DELIVERED, "read"),
        ("read", "out_of_order", VerificationState.DELIVERED, "read"),
        ("deliver", "twice", VerificationState.DELIVERED, "delivered"),
        ("fail", "none", VerificationState.FAILED, "failed"),
    ],
)
def test_statuses_reach_the_verification_signed(
    world: World, provider: str, action: str, fault: str, state: VerificationState, status: str
) -> None:
    sent = _whatsapp(world, provider)
    assert sent.ok, sent.exchange.summary
    assert sent.verification is not None
    world.host.set_callback_fault(provider, fault)
    assert set(_act(world, provider, action)) == {200}
    rows = [r for r in world.webhook_rows() if r.provider == provider]
    assert {r.signature for r in rows} == {"valid"}
    assert {r.verification_id for r in rows} == {sent.verification.id}
    final = world.book.get(sent.verification.id)
    assert final is not None
    assert (final.state, final.keys["status"]) == (state, status)


def test_meta_subscription_handshake_over_http(world: World) -> None:
    url = f"{world.listener.url}/hooks/meta"
    ok = httpx.get(url, params={"hub.mode": "subscribe", "hub.verify_token": "sim_meta_verify", "hub.challenge": "7"})
    assert (ok.status_code, ok.text) == (200, "7")
    bad = httpx.get(url, params={"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "7"})
    assert bad.status_code == 403
    row = world.webhook_rows()[-1]
    assert (row.channel, row.status, row.outcome) == ("handshake · hub.challenge", 403, Outcome.PROVIDER_ERROR)
    accepted = world.webhook_rows()[-2]
    assert "sim_meta_verify" not in accepted.url  # the verify token is a secret: masked in the record
