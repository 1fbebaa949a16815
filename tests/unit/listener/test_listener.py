"""The webhook listener over real HTTP on 127.0.0.1: handshakes, signatures, malformed input, storage, replies."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import httpx
import pytest
from aiohttp import web

from console.core.history import History
from console.core.logstore import LogStore
from console.core.models import Outcome, Verification, VerificationState
from console.core.serverthread import ServerError, ServerThread
from console.core.verifications import VerificationBook
from console.listener.handling import CallbackHandler, RouteReply
from console.listener.secrets import resolve_webhook_secrets
from console.listener.server import WebhookListener
from console.providers import webhook_rules
from console.providers.webhook import CallbackFacts, Incoming, WebhookRule

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
# providers.md 1.6 worked example (secret test_secret_0001)
END_BODY = "event=NOTIFY_END&caller_id=442037691880&called_did=442037691881&call_start=2024-05-01+12%3A00%3A00"
HEX_B64 = "MGE3ZjY1NWExMWE4NzhkYWQyNzhhMGY4Yjg4M2JkNjc5ODYzNTJiMQ=="
RAW_B64 = "Cn9lWhGoeNrSeKD4uIO9Z5hjUrE="


class Running:
    def __init__(self, tmp_path: Path, forward_to: str | None = None) -> None:
        self.history = History(tmp_path / "history.sqlite3")
        self.book = VerificationBook(self.history)
        rules = webhook_rules()
        secrets = resolve_webhook_secrets(rules, {"zadarma_secret": "test_secret_0001"}, environ={})
        self.handler = CallbackHandler(rules, secrets, self.book)
        self.store = LogStore()
        self.listener = WebhookListener(self.handler, self.history, self.store, forward_to=forward_to)
        self.listener.start()
        self.url = self.listener.url

    def last(self):  # type: ignore[no-untyped-def]
        return self.store.snapshot()[-1]

    def stop(self) -> None:
        self.listener.stop()
        self.history.close()


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    r = Running(tmp_path)
    yield r
    r.stop()


def test_zd_echo_is_answered_verbatim_on_any_path_and_recorded(running: Running) -> None:
    for path in ("/hooks/zadarma", "/some/other/path", "/"):
        response = httpx.get(f"{running.url}{path}?zd_echo=Ab+c%2F9")
        assert response.status_code == 200
        assert response.text == "Ab c/9"
        assert response.headers["content-type"].startswith("text/plain")
        row = running.last()
        assert row.provider == "zadarma"
        assert row.channel == "handshake · zd_echo"
        assert row.operation == "webhook"


@pytest.mark.parametrize(
    ("signature", "verdict", "scheme", "outcome"),
    [
        (HEX_B64, "valid", "zadarma-hex-b64", Outcome.OK),
        (RAW_B64, "valid", "zadarma-raw-b64", Outcome.OK),
        ("bm90IHRoZSBzaWduYXR1cmU=", "invalid", "", Outcome.PROVIDER_ERROR),
        (None, "absent", "", Outcome.OK),
    ],
)
def test_zadarma_signature_verdicts_never_drop_the_callback(
    running: Running, signature: str | None, verdict: str, scheme: str, outcome: Outcome
) -> None:
    headers = dict(FORM, **({"Signature": signature} if signature else {}))
    response = httpx.post(f"{running.url}/hooks/zadarma", content=END_BODY, headers=headers)
    assert response.status_code == 200
    row = running.last()
    assert (row.signature, row.signature_scheme, row.outcome) == (verdict, scheme, outcome)
    assert row.channel == "NOTIFY_END"
    notes = dict(row.notes)
    assert "caller_id=442037691880" in notes["parameters"]
    if verdict == "invalid":
        assert HEX_B64 in notes["signature"]  # expected vs received, so the integrator can compare
        assert row.error_code == "bad_signature"


def test_multipart_zadarma_callback_is_parsed_and_verified(running: Running) -> None:
    fields = {"event": "NOTIFY_END", "caller_id": "442037691880", "called_did": "442037691881"}
    fields["call_start"] = "2024-05-01 12:00:00"
    response = httpx.post(
        f"{running.url}/hooks/zadarma", files={k: (None, v) for k, v in fields.items()}, headers={"Signature": HEX_B64}
    )
    assert response.status_code == 200
    assert running.last().signature == "valid"


@pytest.mark.parametrize(
    ("body", "content_type", "error"),
    [
        (b'{"id": "evt_1", "type": ', "application/json", "Malformed JSON"),
        (b"\xff\xfe\x00bad", "application/json", "not valid UTF-8"),
        (b"--x\r\nnot a part", "multipart/form-data", "Malformed multipart"),
        (b"a=1&&=&b", "application/x-www-form-urlencoded", "Malformed form"),
    ],
)
def test_malformed_bodies_are_stored_raw_with_the_parse_error(
    running: Running, body: bytes, content_type: str, error: str
) -> None:
    response = httpx.post(f"{running.url}/hooks/zadarma", content=body, headers={"Content-Type": content_type})
    assert response.status_code == 200
    assert "Traceback" not in response.text
    row = running.last()
    assert row.outcome is Outcome.CONTRACT_ERROR
    assert row.error_code == "malformed_body"
    assert error in row.message
    running.history.flush()
    stored = running.history.recent_exchanges(1, operation="webhook")[0]
    assert stored.id == row.id
    if b"\xff" in body:
        assert stored.body_base64 == "//4AYmFk"


def test_oversize_body_gets_413_and_a_row_saying_so(running: Running) -> None:
    response = httpx.post(f"{running.url}/hooks/zadarma", content=b"x" * (1024 * 1024 + 1), headers=FORM)
    assert response.status_code == 413
    row = running.last()
    assert row.error_code == "too_large"
    assert "1,048,577 bytes" in row.message
    assert row.status == 413


def test_a_2xx_means_the_row_is_committed(running: Running, tmp_path: Path) -> None:
    for i in range(20):
        response = httpx.post(f"{running.url}/hooks/zadarma?n={i}", content=END_BODY, headers=FORM)
        assert response.status_code == 200
        with sqlite3.connect(tmp_path / "history.sqlite3") as conn:  # another connection, no flush
            count = conn.execute("SELECT COUNT(*) FROM exchanges WHERE operation = 'webhook'").fetchone()[0]
        assert count == i + 1


def test_unknown_paths_are_recorded_by_the_catch_all(running: Running) -> None:
    response = httpx.put(f"{running.url}/anything/at/all?x=1", content=b"hello", headers={"X-Test": "yes"})
    assert response.status_code == 200
    row = running.last()
    assert (row.provider, row.method, row.signature) == ("unknown", "PUT", "unchecked")
    assert ("X-Test", "yes") in row.request_headers
    assert row.request_body == "hello"


def test_catch_all_claims_a_zadarma_event_posted_elsewhere(running: Running) -> None:
    httpx.post(f"{running.url}/callback.php", content=END_BODY, headers=dict(FORM, Signature=HEX_B64))
    row = running.last()
    assert (row.provider, row.signature) == ("zadarma", "valid")


def test_configured_reply_status_delay_and_body(running: Running) -> None:
    running.handler.set_reply("zadarma", RouteReply(503, 0.3, "try later"))
    started = time.perf_counter()
    response = httpx.post(f"{running.url}/hooks/zadarma", content=END_BODY, headers=FORM)
    assert response.status_code == 503
    assert response.text == "try later"
    assert time.perf_counter() - started >= 0.3
    assert running.last().status == 503
    running.handler.set_reply("zadarma", None)
    assert httpx.post(f"{running.url}/hooks/zadarma", content=END_BODY, headers=FORM).status_code == 200


def test_a_failing_handler_answers_500_without_a_traceback(running: Running, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(running.handler, "handle", broken)
    response = httpx.post(f"{running.url}/hooks/zadarma", content=END_BODY, headers=FORM)
    assert response.status_code == 500
    assert "Traceback" not in response.text
    row = running.last()
    assert row.outcome is Outcome.INTERNAL_ERROR
    assert "boom" in row.message


def test_the_listener_keeps_serving_during_a_burst(running: Running) -> None:
    async def burst() -> list[int]:
        async with httpx.AsyncClient() as client:
            responses = await asyncio.gather(
                *(client.post(f"{running.url}/hooks/zadarma", content=END_BODY, headers=FORM) for _ in range(100))
            )
        return [r.status_code for r in responses]

    assert asyncio.run(burst()) == [200] * 100
    running.history.flush()
    assert running.history.count_exchanges(operation="webhook") == 100
    assert running.listener.heartbeat().requests == 100


def test_forwarding_passes_bytes_and_headers_and_records_the_answer(tmp_path: Path) -> None:
    seen: list[tuple[str, bytes, str | None]] = []

    async def backend(request: web.Request) -> web.Response:
        seen.append((request.path_qs, await request.read(), request.headers.get("Signature")))
        return web.Response(status=202, text="ok from backend")

    def make_app() -> web.Application:
        app = web.Application()
        app.router.add_post("/hook", backend)
        return app

    server = ServerThread("test backend", make_app)
    server.start()
    r = Running(tmp_path, forward_to=f"{server.url}/hook")
    forwarded = threading.Event()
    r.listener.on_forwarded(lambda row, fwd: forwarded.set())
    try:
        response = httpx.post(f"{r.url}/hooks/zadarma?a=1", content=END_BODY, headers=dict(FORM, Signature=HEX_B64))
        assert response.status_code == 200
        assert forwarded.wait(5)
        assert seen == [("/hook?a=1", END_BODY.encode(), HEX_B64)]
        forward = r.last()
        assert (forward.operation, forward.status, forward.response_body) == ("forward", 202, "ok from backend")
        assert dict(forward.notes)["forward of"] == r.store.snapshot()[-2].id
    finally:
        r.stop()
        server.stop()


def test_forwarding_to_a_dead_backend_is_a_transport_row(tmp_path: Path) -> None:
    r = Running(tmp_path, forward_to="http://127.0.0.1:9/nothing")
    forwarded = threading.Event()
    r.listener.on_forwarded(lambda row, fwd: forwarded.set())
    try:
        assert httpx.post(f"{r.url}/hooks/zadarma", content=END_BODY, headers=FORM).status_code == 200
        assert forwarded.wait(10)
        assert r.last().outcome is Outcome.TRANSPORT_ERROR
    finally:
        r.stop()


def test_port_in_use_is_a_clear_error(running: Running, tmp_path: Path) -> None:
    other = WebhookListener(running.handler, port=running.listener.server.port)
    with pytest.raises(ServerError, match="already in use"):
        other.start()


def _call_button(book: VerificationBook, destination: str = "+48575555555") -> Verification:
    v = Verification("v-test", "zadarma", "call_button", destination, "simulator", expires_at=time.time() + 600)
    book.put(v)
    return v


def _end(dtmf: str, called: str = "48575555555", disposition: str = "answered") -> str:
    return (
        f"event=NOTIFY_END&caller_id=442037691881&called_did={called}&call_start=2024-05-01+12%3A00%3A00"
        f"&calltype=callback_leg1&callback_dtmf={dtmf}&disposition={disposition}"
    )


@pytest.mark.parametrize(
    ("dtmf", "disposition", "state"),
    [
        ("1", "answered", VerificationState.VERIFIED),
        ("2", "answered", VerificationState.FAILED),
        ("", "answered", VerificationState.FAILED),
        ("", "no answer", VerificationState.FAILED),
    ],
)
def test_call_button_result_moves_the_verification(
    running: Running, dtmf: str, disposition: str, state: VerificationState
) -> None:
    _call_button(running.book)
    httpx.post(f"{running.url}/hooks/zadarma", content=_end(dtmf, disposition=disposition), headers=FORM)
    row = running.last()
    assert row.verification_id == "v-test"
    got = running.book.get("v-test")
    assert got is not None
    assert got.state is state
    assert row.id in got.exchange_ids
    assert "v-test" in dict(row.notes)["verification"]


def test_a_second_end_event_does_not_undo_a_result(running: Running) -> None:
    _call_button(running.book)
    httpx.post(f"{running.url}/hooks/zadarma", content=_end("1"), headers=FORM)
    httpx.post(f"{running.url}/hooks/zadarma", content=_end("2").replace("NOTIFY_END", "NOTIFY_OUT_END"), headers=FORM)
    got = running.book.get("v-test")
    assert got is not None
    assert got.state is VerificationState.VERIFIED
    assert "state kept" in dict(running.last().notes)["verification"]


def test_a_callback_for_another_number_ties_to_nothing(running: Running) -> None:
    _call_button(running.book)
    httpx.post(f"{running.url}/hooks/zadarma", content=_end("1", called="4915112345678"), headers=FORM)
    assert running.last().verification_id is None
    got = running.book.get("v-test")
    assert got is not None
    assert got.state is VerificationState.PENDING


def test_replay_to_the_listener_as_captured_edited_and_re_signed(running: Running) -> None:
    httpx.post(f"{running.url}/hooks/zadarma?from=test", content=END_BODY, headers=dict(FORM, Signature=HEX_B64))
    captured = running.last()
    assert captured.signature == "valid"

    replayed = running.listener.replay(captured).result(timeout=10)
    assert (replayed.operation, replayed.status) == ("replay", 200)
    again = [x for x in running.store.snapshot() if x.operation == "webhook"][-1]
    assert again.id != captured.id
    assert (again.signature, again.url.endswith("/hooks/zadarma?from=test")) == ("valid", True)

    edited = END_BODY.replace("442037691880", "442037691999").encode()
    running.listener.replay(captured, body=edited).result(timeout=10)
    assert [x for x in running.store.snapshot() if x.operation == "webhook"][-1].signature == "invalid"

    resigned = running.listener.replay(captured, body=edited, resign=True).result(timeout=10)
    latest = [x for x in running.store.snapshot() if x.operation == "webhook"][-1]
    assert (latest.signature, latest.signature_scheme) == ("valid", "zadarma-hex-b64")
    assert "caller_id=442037691999" in dict(latest.notes)["parameters"]
    assert dict(resigned.notes)["re-signed"] == "with zadarma's rule"


def test_replay_to_another_url_records_its_answer(running: Running) -> None:
    httpx.post(f"{running.url}/hooks/zadarma", content=END_BODY, headers=FORM)
    captured = running.last()
    dead = running.listener.replay(captured, target="http://127.0.0.1:9/mine").result(timeout=15)
    assert dead.outcome is Outcome.TRANSPORT_ERROR
    assert dead.verification_id == captured.verification_id
    assert dict(dead.notes)["replay of"] == captured.id


class _UndocumentedRule(WebhookRule):
    provider = "acme"
    documented = False
    match_params = ("phone",)

    def facts(self, incoming: Incoming, settings: Mapping[str, str]) -> CallbackFacts | None:
        names = self.match_names(settings)
        return CallbackFacts("incoming call", f"call from {incoming.params.get(names[0], '?')}", undocumented=True)


def test_undocumented_callbacks_are_labelled_and_their_match_names_are_a_setting(tmp_path: Path) -> None:
    handler = CallbackHandler({"acme": _UndocumentedRule()}, {}, None)
    listener = WebhookListener(handler, None, LogStore())
    listener.start()
    try:
        httpx.get(f"{listener.url}/hooks/acme?phone=79670311122&caller=79991112233&id_call=42")
        row = listener.store.snapshot()[-1]  # type: ignore[union-attr]
        assert row.message == "[undocumented shape] call from 79670311122"
        notes = dict(row.notes)
        assert "acme.match_params" in notes["undocumented"]
        assert notes["parameters"] == "phone=79670311122; caller=79991112233; id_call=42"  # every one received
        handler.set_setting("acme.match_params", "caller")
        httpx.get(f"{listener.url}/hooks/acme?phone=79670311122&caller=79991112233")
        assert listener.store.snapshot()[-1].message.endswith("call from 79991112233")  # type: ignore[union-attr]
    finally:
        listener.stop()
