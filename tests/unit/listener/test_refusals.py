"""The rows of what the listener cannot serve normally: bodies no parser follows, refused requests, bodies cut off."""

from __future__ import annotations

import logging
import socket
import threading
import time
from pathlib import Path

import pytest
from aiohttp import web

from console.core.models import Outcome
from console.core.request_guard import HEAD_KEPT, RejectedRequest
from console.core.serverthread import ServerThread
from console.listener.handling import CallbackHandler
from console.listener.secrets import resolve_webhook_secrets
from console.listener.server import WebhookListener
from console.providers import webhook_rules
from console.providers.webhook import Incoming
from console.providers.webhook_body import parse_body

BASE = "http://127.0.0.1:8080"


@pytest.fixture
def handler() -> CallbackHandler:
    rules = webhook_rules()
    return CallbackHandler(rules, resolve_webhook_secrets(rules, {"zadarma_secret": "test_secret_0001"}, environ={}))


@pytest.mark.parametrize(
    ("content_type", "raw_type", "body", "error"),
    [
        ("application/json", "application/json", b"[" * 100_000 + b"]" * 100_000, "nested deeper"),
        ("", "", b'{"a":' * 5000 + b"1" + b"}" * 5000, "nested deeper"),
        ("multipart/form-data", "multipart/form-data; boundary=\u20ac", b"--x\r\nnot a part", "Malformed"),
    ],
    ids=["json_array", "json_object_untyped", "multipart_boundary_not_latin1"],
)
def test_parse_body_never_raises(content_type: str, raw_type: str, body: bytes, error: str) -> None:
    form, parsed, message = parse_body(content_type, raw_type, body)
    assert (form, parsed) == (None, None)
    assert error in message


def _rejected(head: bytes, status: int | None = 400, error: str = "LineTooLong", reason: str = "") -> RejectedRequest:
    return RejectedRequest("127.0.0.9", status, reason or "Got more than 8190 bytes", error, head, len(head), 1.0)


def test_a_refused_request_keeps_its_request_line_headers_and_peer(handler: CallbackHandler) -> None:
    head = b"POST /hooks/zadarma?a=1&b=2 HTTP/1.1\r\nHost: x\r\nSignature: test_secret_0001\r\nX-Big: aaaa"
    row = handler.refused(_rejected(head), BASE).exchange
    assert (row.provider, row.method, row.url) == ("zadarma", "POST", f"{BASE}/hooks/zadarma?a=1&b=2")
    assert (row.outcome, row.error_code, row.status, row.source) == (
        Outcome.CONTRACT_ERROR,
        "line_too_long",
        400,
        "127.0.0.9",
    )
    assert ("X-Big", "aaaa") in row.request_headers
    assert "test_secret_0001" not in repr(row)  # secrets are masked in the head kept, as everywhere
    assert dict(row.notes)["error"] == "LineTooLong"
    assert row.signature == "unchecked"


@pytest.mark.parametrize(
    ("error", "reason", "code"),
    [
        ("BadHttpMessage", "Too many headers received", "too_many_headers"),
        ("BadHttpMessage", "Transfer-Encoding can't be present with Content-Length", "bad_framing"),
        ("BadHttpMessage", "Data after `Connection: close`", "bad_framing"),
        ("BadHttpMethod", "Bad HTTP method in status line", "bad_request_line"),
        ("InvalidHeader", "Invalid HTTP header", "bad_header"),
        ("BadHttpMessage", "something new", "bad_http"),
    ],
)
def test_refusal_codes_say_what_was_wrong(handler: CallbackHandler, error: str, reason: str, code: str) -> None:
    row = handler.refused(_rejected(b"\x16\x03\x01 garbage", error=error, reason=reason), BASE).exchange
    assert row.error_code == code
    assert row.provider == "unknown"


def test_an_unfinished_head_without_an_answer_has_no_status(handler: CallbackHandler) -> None:
    rejected = RejectedRequest("127.0.0.1", None, "The client closed…", "head_cut_off", b"GET /ho", 7, 1.0)
    row = handler.refused(rejected, BASE).exchange
    assert (row.error_code, row.status, row.message) == ("head_cut_off", None, "The client closed…")
    big = _rejected(b"x" * HEAD_KEPT)
    big = RejectedRequest(big.peer, big.status, big.reason, big.error, big.head, 70_000, big.at)
    assert f"the first {HEAD_KEPT:,} kept" in dict(handler.refused(big, BASE).exchange.notes)["received"]


def _incoming(body: bytes) -> Incoming:
    return Incoming("POST", "/hooks/ycloud", (), (("Content-Length", "100"),), body, 1.0, "127.0.0.1")


def test_cut_off_and_stalled_bodies(handler: CallbackHandler) -> None:
    cut = handler.cut_off(_incoming(b"x" * 40), BASE, 100, False, "Connection lost").exchange
    assert (cut.error_code, cut.status, cut.provider) == ("body_cut_off", None, "ycloud")
    assert "cut off after 40 of 100 bytes" in cut.message
    assert cut.request_body == "x" * 40
    chunked = handler.cut_off(_incoming(b"hello"), BASE, None, False, "Connection lost").exchange
    assert "after 5 bytes of a chunked body" in chunked.message
    stalled = handler.cut_off(_incoming(b"x"), BASE, 100, True, "nothing arrived for 5 s")
    assert (stalled.exchange.error_code, stalled.exchange.status, stalled.reply.status) == ("body_stalled", 408, 408)


def test_only_real_callbacks_are_forwarded(handler: CallbackHandler) -> None:
    listener = WebhookListener(handler, forward_to="http://127.0.0.1:9/backend")
    good = handler.handle(_incoming(b'{"a": 1}'), BASE).exchange
    refused = handler.refused(_rejected(b"POST /hooks/zadarma HTTP/1.1\r\n"), BASE).exchange
    cut = handler.cut_off(_incoming(b"x"), BASE, 100, False, "Connection lost").exchange
    assert [listener.forwards(row) for row in (good, refused, cut)] == [True, False, False]
    assert not WebhookListener(handler).forwards(good)


def test_any_server_thread_refuses_quietly_and_reports_what_arrived(caplog: pytest.LogCaptureFixture) -> None:
    reported: list[RejectedRequest] = []
    got = threading.Event()

    def on_rejected(rejected: RejectedRequest) -> None:
        reported.append(rejected)
        got.set()

    async def ok(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    def make_app() -> web.Application:
        app = web.Application()
        app.router.add_get("/", ok)
        return app

    caplog.set_level(logging.DEBUG)
    server = ServerThread("test server", make_app, idle_timeout=0.5, on_rejected=on_rejected)
    server.start()
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n")
            assert sock.recv(100).split(b"\r\n")[0].endswith(b" 400 Bad Request")
        assert got.wait(5)
        assert reported[0].status == 400
        assert reported[0].head.startswith(b"GET / HTTP/1.1")
        assert reported[0].peer == "127.0.0.1"
        got.clear()
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            sock.sendall(b"GET / HTT")
            assert sock.recv(100).startswith(b"HTTP/1.1 408")
        assert time.monotonic() - started < 3
        assert got.wait(5)
        assert (reported[1].status, reported[1].error, reported[1].received) == (408, "head_timeout", 9)
    finally:
        server.stop()
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def test_stopping_ends_a_configured_delay(tmp_path: Path, handler: CallbackHandler) -> None:
    from console.listener.handling import RouteReply

    listener = WebhookListener(handler)
    handler.set_reply("*", RouteReply(200, 30.0))
    listener.start()
    with socket.create_connection(("127.0.0.1", listener.server.port), timeout=5) as sock:
        sock.sendall(b"GET /hooks/zadarma HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.2)
        started = time.monotonic()
        listener.stop()
    assert time.monotonic() - started < 5
