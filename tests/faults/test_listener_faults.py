"""Hostile input to the webhook listener over raw sockets: each request is a row (or a recorded refusal), no traceback.

In-process tests run a :class:`WebhookListener` on 127.0.0.1 with a short idle timeout; the ones about what a
script sees (a JSON line per stored row, the 500 when history cannot store, a kill -9 mid-burst) run
``otp-console listen`` as a subprocess and read its stdout.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import logging
import os
import queue
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.core.history import History, LoopCommitter
from console.core.logstore import LogStore
from console.core.models import Exchange, Outcome
from console.listener.handling import CallbackHandler
from console.listener.secrets import resolve_webhook_secrets
from console.listener.server import WebhookListener
from console.providers import webhook_rules

IDLE = 1.0  # the idle timeout the tests run with (seconds)
REFUSAL_CODES = {
    "line_too_long",
    "too_many_headers",
    "bad_framing",
    "bad_header",
    "bad_request_line",
    "bad_http",
}


# ------------------------------------------------------------------------------------------------ helpers
class Live:
    """A listener in this process, its history in ``tmp_path``, every published row collected."""

    def __init__(self, tmp_path: Path, idle_timeout: float | None = IDLE) -> None:
        self.history = History(tmp_path / "history.sqlite3")
        rules = webhook_rules()
        self.handler = CallbackHandler(rules, resolve_webhook_secrets(rules, {}, environ={}))
        self.listener = WebhookListener(self.handler, self.history, LogStore(), idle_timeout=idle_timeout)
        self.rows: list[Exchange] = []
        self._changed = threading.Condition()
        self.listener.on_received(self._add)
        self.listener.start()
        self.port = self.listener.server.port

    def _add(self, row: Exchange) -> None:
        with self._changed:
            self.rows.append(row)
            self._changed.notify_all()

    def wait_rows(self, count: int, timeout: float = 5.0) -> list[Exchange]:
        """The rows once there are ``count`` of them (fails after ``timeout``)."""
        with self._changed:
            assert self._changed.wait_for(lambda: len(self.rows) >= count, timeout), f"{len(self.rows)} rows"
            return list(self.rows)

    def stored(self) -> list[Exchange]:
        """The webhook rows history holds (read through another connection, no flush needed)."""
        return self.history.recent_exchanges(100_000, operation="webhook")

    def stop(self) -> None:
        self.listener.stop()
        self.history.close()


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    running = Live(tmp_path)
    yield running
    running.stop()


@pytest.fixture
def no_tracebacks(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fails the test when anything logged a traceback or an error (hostile input is not a bug)."""
    caplog.set_level(logging.DEBUG)
    yield
    loud = [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert not loud, [f"{r.name}: {r.getMessage()}" for r in loud]


class Answer:
    """What came back on a raw connection: the status (None: nothing), the bytes, the seconds until it closed."""

    def __init__(self, data: bytes, closed_after: float | None) -> None:
        self.data = data
        self.closed_after = closed_after
        first = data.split(b"\r\n", 1)[0].split()
        self.status = int(first[1]) if len(first) >= 2 and first[1].isdigit() else None


def exchange(
    port: int, data: bytes, *, wait: float = 10.0, then: Callable[[socket.socket], None] | None = None
) -> Answer:
    """Send ``data`` on a new connection, (optionally act on it,) and read until the server closes it."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        try:
            sock.sendall(data)
            if then is not None:
                then(sock)
        except (BrokenPipeError, ConnectionResetError):
            pass
        received = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                return Answer(received, None)
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                return Answer(received, time.monotonic() - started)
            received += chunk


def post(path: str, body: bytes, *headers: bytes, version: bytes = b"HTTP/1.1", length: bool = True) -> bytes:
    head = [b"POST " + path.encode() + b" " + version, b"Host: 127.0.0.1", *headers]
    if length:
        head.append(b"Content-Length: %d" % len(body))
    return b"\r\n".join(head) + b"\r\n\r\n" + body


def still_serving(port: int) -> None:
    answer = exchange(port, post("/hooks/zadarma?alive=1", b"event=NOTIFY_START", b"Connection: close"))
    assert answer.status == 200


# ------------------------------------------------------------------------------------------- body content
def test_json_nested_5000_deep_is_stored_raw_with_the_parse_error(live: Live, no_tracebacks: None) -> None:
    body = b"[" * 5000 + b"]" * 5000
    answer = exchange(live.port, post("/hooks/ycloud", body, b"Content-Type: application/json", b"Connection: close"))
    assert answer.status == 200
    row = live.wait_rows(1)[0]
    assert (row.outcome, row.error_code, row.status) == (Outcome.CONTRACT_ERROR, "malformed_body", 200)
    assert row.request_body == body.decode()
    assert "nested deeper" in dict(row.notes)["parse error"]
    assert [r.id for r in live.stored()] == [row.id]


# ---------------------------------------------------------------------------------- what the parser refuses
REFUSED = {
    "header_64_kib": (post("/hooks/zadarma", b"", b"X-Big: " + b"a" * 65536), "line_too_long"),
    "headers_1000": (post("/hooks/zadarma", b"", *(b"X-H%d: v" % i for i in range(1000))), "too_many_headers"),
    "request_line_9000": (b"GET /hooks/zadarma?q=" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", "line_too_long"),
    "bad_content_length": (post("/hooks/zadarma", b"hello", b"Content-Length: 5x", length=False), "bad_framing"),
    "content_length_and_chunked": (
        post("/hooks/zadarma", b"5\r\nhello\r\n0\r\n\r\n", b"Transfer-Encoding: chunked", b"Content-Length: 5"),
        "bad_framing",
    ),
    "http10_body_without_length": (
        post("/hooks/zadarma", b"event=NOTIFY_START", version=b"HTTP/1.0", length=False),
        "bad_framing",
    ),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_what_the_http_parser_refuses_is_a_row_answered_400(live: Live, no_tracebacks: None, case: str) -> None:
    request, code = REFUSED[case]
    answer = exchange(live.port, request)
    assert answer.status in (400, 413, 431), answer.data[:200]
    assert answer.closed_after is not None
    row = live.wait_rows(1)[0]
    assert (row.outcome, row.error_code, row.status) == (Outcome.CONTRACT_ERROR, code, answer.status)
    assert row.message.startswith("Refused by the HTTP parser:")
    assert (row.source, row.provider) == ("127.0.0.1", "zadarma")
    notes = dict(row.notes)
    assert notes["head"].startswith(request[:20].decode())
    assert "bytes of the request head" in notes["received"]
    live.history.flush()
    assert [r.id for r in live.stored()] == [row.id]
    still_serving(live.port)


@pytest.mark.parametrize(
    ("request_bytes", "expected"),
    [
        (post("/hooks/zadarma", b"x" * 40, b"Content-Length: 100", length=False), "cut off after 40 of 100 bytes"),
        (
            post("/hooks/zadarma", b"5\r\nhello\r\n", b"Transfer-Encoding: chunked", length=False),
            "cut off after 5 bytes of a chunked body",
        ),
    ],
    ids=["content_length", "chunked"],
)
def test_a_body_cut_off_by_the_client_is_a_row_saying_so(
    live: Live, no_tracebacks: None, request_bytes: bytes, expected: str
) -> None:
    with socket.create_connection(("127.0.0.1", live.port)) as sock:
        sock.sendall(request_bytes)
        time.sleep(0.2)  # the head is parsed and the body is being read when the client goes
    row = live.wait_rows(1)[0]
    assert (row.outcome, row.error_code, row.status) == (Outcome.CONTRACT_ERROR, "body_cut_off", None)
    assert expected in row.message
    assert row.request_body in ("x" * 40, "hello")
    still_serving(live.port)


def test_a_body_that_stops_arriving_is_answered_408_within_the_idle_timeout(live: Live, no_tracebacks: None) -> None:
    answer = exchange(live.port, post("/hooks/zadarma", b"x" * 40, b"Content-Length: 100", length=False))
    assert answer.status == 408
    assert answer.closed_after is not None
    assert IDLE * 0.9 <= answer.closed_after < IDLE + 2
    row = live.wait_rows(1)[0]
    assert (row.error_code, row.status) == ("body_stalled", 408)
    assert "after 40 of 100 bytes" in row.message


# --------------------------------------------------------------------------------------- idle connections
def test_half_a_head_then_silence_is_closed_within_the_idle_timeout(live: Live, no_tracebacks: None) -> None:
    answer = exchange(live.port, b"POST /hooks/zadarma HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ")
    assert answer.closed_after is not None, "the listener kept the connection open"
    assert IDLE * 0.9 <= answer.closed_after < IDLE + 2
    assert answer.status == 408
    row = live.wait_rows(1)[0]
    assert (row.outcome, row.error_code, row.status) == (Outcome.CONTRACT_ERROR, "head_timeout", 408)
    assert dict(row.notes)["head"].startswith("POST /hooks/zadarma HTTP/1.1")
    assert row.provider == "zadarma"


def test_a_head_dripped_byte_by_byte_is_closed_all_the_same(live: Live, no_tracebacks: None) -> None:
    def drip(sock: socket.socket) -> None:
        for byte in b"X-Slow: " + b"a" * 100:
            time.sleep(0.1)
            sock.sendall(bytes([byte]))

    answer = exchange(live.port, b"POST /hooks/zadarma HTTP/1.1\r\n", then=drip)
    assert answer.closed_after is not None
    assert answer.closed_after < IDLE + 2
    assert live.wait_rows(1)[0].error_code == "head_timeout"


def test_an_idle_keep_alive_connection_is_closed(live: Live, no_tracebacks: None) -> None:
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", live.port), timeout=10) as sock:
        sock.sendall(post("/hooks/zadarma", b"event=NOTIFY_START"))
        answer = b""
        while not answer.endswith(b"\r\n\r\n"):  # the 200 with an empty body
            answer += sock.recv(1)
        assert answer.startswith(b"HTTP/1.1 200")
        answered = time.monotonic()
        assert sock.recv(1) == b"", "the connection should be closed, not answered again"
        closed = time.monotonic()
    assert IDLE * 0.9 <= closed - answered < IDLE + 2, closed - started
    assert len(live.wait_rows(1)) == 1
    time.sleep(0.2)
    assert len(live.rows) == 1  # an idle connection closed is no request


def test_a_client_gone_at_once_still_gets_its_row_published(live: Live, no_tracebacks: None) -> None:
    for i in range(20):
        with socket.create_connection(("127.0.0.1", live.port)) as sock:
            sock.sendall(post(f"/hooks/zadarma?gone={i}", b"event=NOTIFY_START"))
    rows = live.wait_rows(20)
    assert sorted(int(r.url.rsplit("=", 1)[1]) for r in rows) == list(range(20))
    assert all(r.status == 200 and r.outcome is Outcome.OK for r in rows)


# ----------------------------------------------------------------------------------- history cannot store
def _break_history(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE exchanges")


def test_when_history_cannot_store_the_row_says_the_500_that_was_answered(live: Live) -> None:
    _break_history(live.history.path)
    answer = exchange(live.port, post("/hooks/zadarma", b"event=NOTIFY_START", b"Connection: close"))
    assert answer.status == 500
    row = live.wait_rows(1)[0]
    assert (row.outcome, row.error_code, row.status) == (Outcome.INTERNAL_ERROR, "not_stored", 500)
    assert "no such table" in dict(row.notes)["history"]


def test_a_row_being_committed_as_the_listener_stops_is_still_stored_and_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_tracebacks: None
) -> None:
    real_commit = LoopCommitter.commit
    slowed: list[str] = []

    async def slow_first(self: LoopCommitter, exchange: Exchange) -> None:
        if not slowed:
            slowed.append(exchange.id)
            await asyncio.sleep(5)  # longer than the second aiohttp gives handlers as it stops
        await real_commit(self, exchange)

    monkeypatch.setattr(LoopCommitter, "commit", slow_first)
    running = Live(tmp_path)
    try:
        with socket.create_connection(("127.0.0.1", running.port)) as sock:
            sock.sendall(post("/hooks/zadarma", b"event=NOTIFY_START"))
            time.sleep(0.3)
            running.listener.stop()  # the handler is cancelled in the middle of its commit
        assert [row.id for row in running.rows] == slowed
        assert [row.id for row in running.stored()] == slowed
    finally:
        running.stop()


# ---------------------------------------------------------------------------------------------- fuzzing
_TOKEN = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_FRAMING = {"content-length", "transfer-encoding", "connection", "host", "content-type", "expect", "upgrade"}
# raw bytes (no line breaks: one request stays one request) make most requests something the parser refuses,
# so they are one choice in several: most examples reach the listener's own code
_line_bytes = st.binary(max_size=80).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b""))
_printable = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=60).map(str.encode)
_name = st.text(_TOKEN, min_size=1, max_size=20).filter(lambda n: n.lower() not in _FRAMING)
_headers = st.one_of(
    *[st.lists(st.tuples(_name, _printable), max_size=8)] * 3,
    st.lists(st.tuples(_name, st.one_of(_printable, _line_bytes)), max_size=4),
)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
).map(lambda v: json.dumps(v).encode())
_body = st.one_of(
    st.binary(max_size=2048),
    _json,
    st.integers(0, 4000).map(lambda n: b"[" * n + b"]" * n),
    st.integers(0, 4000).map(lambda n: b'{"a":' * n + b"1" + b"}" * n),
    st.dictionaries(st.text(max_size=10), st.text(max_size=20), max_size=6).map(
        lambda d: "&".join(f"{k}={v}" for k, v in d.items()).encode()
    ),
)
_content_type = st.one_of(
    st.sampled_from(
        [
            b"application/json",
            b"application/x-www-form-urlencoded",
            b"multipart/form-data; boundary=xyz",
            b"multipart/form-data",
            b"text/plain",
            b"",
            b"application/json; charset=latin-1",
        ]
    ),
    _printable,
)
_query = st.one_of(
    st.text(max_size=60).map(lambda t: quote(t, safe="=&").encode()),
    st.dictionaries(st.text(max_size=10), st.text(max_size=20), max_size=6).map(lambda d: urlencode(d).encode()),
    st.text(max_size=60).map(lambda t: quote(t, safe="=&").encode()),
    st.text(max_size=60).map(str.encode) | _line_bytes,
)


@pytest.mark.timeout(300)
def test_fuzzed_bodies_headers_and_queries_are_each_one_row_and_the_listener_stays_up(
    live: Live, no_tracebacks: None
) -> None:
    tally: dict[str, int] = {}

    @settings(
        max_examples=150,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        method=st.sampled_from([b"POST", b"PUT", b"GET"]),
        path=st.sampled_from([b"/hooks/zadarma", b"/hooks/ycloud", b"/hooks/meta", b"/hooks/ssms", b"/x/y"]),
        query=_query,
        headers=_headers,
        content_type=_content_type,
        body=_body,
    )
    def one_request(
        method: bytes, path: bytes, query: bytes, headers: list[tuple[str, bytes]], content_type: bytes, body: bytes
    ) -> None:
        before = len(live.rows)
        head = [method + b" " + path + (b"?" + query if query else b"") + b" HTTP/1.1", b"Host: 127.0.0.1"]
        head += [name.encode() + b": " + value for name, value in headers]
        head += [b"Content-Type: " + content_type, b"Content-Length: %d" % len(body), b"Connection: close"]
        answer = exchange(live.port, b"\r\n".join(head) + b"\r\n\r\n" + body)
        assert answer.status is not None, answer.data[:200]
        rows = live.wait_rows(before + 1)
        row = rows[-1]
        assert len(rows) == before + 1, [r.message for r in rows[before:]]
        assert row.outcome is not Outcome.INTERNAL_ERROR, (row.message, dict(row.notes).get("traceback"))
        assert row.status == answer.status
        if row.error_code in REFUSAL_CODES:
            assert answer.status == 400
        else:
            assert answer.status == 200
            assert row.request_body == body.decode("utf-8", errors="replace")
        kind = "refused" if row.error_code in REFUSAL_CODES else row.error_code or "ok"
        tally[kind] = tally.get(kind, 0) + 1

    one_request()
    still_serving(live.port)
    live.history.flush()
    assert len(live.stored()) == len(live.rows) == sum(tally.values()) + 1
    print(f"\nfuzz: {sum(tally.values())} requests, each one row: {tally}", flush=True)


# ------------------------------------------------------------------------------------- the CLI, as scripts see it
class Listen:
    """``otp-console listen`` in a subprocess: its JSON lines read as they come, stderr kept in a file."""

    def __init__(self, tmp_path: Path, *args: str) -> None:
        self.err_path = tmp_path / f"listen-{time.monotonic_ns()}.stderr"
        self._err: IO[str] = self.err_path.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "console", "listen", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=self._err,
            text=True,
            env=os.environ.copy(),
        )
        self.lines: queue.Queue[dict[str, Any]] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        deadline = time.monotonic() + 30
        while "ready" not in self.stderr():
            assert self.proc.poll() is None, self.stderr()
            assert time.monotonic() < deadline, self.stderr()
            time.sleep(0.05)
        first = self.stderr().splitlines()[0]  # listening on http://127.0.0.1:PORT (history: PATH)
        self.port = int(first.split()[2].rsplit(":", 1)[1])
        self.history_path = Path(first.split("(history: ", 1)[1].rstrip(")"))

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for text in self.proc.stdout:
            self.lines.put(json.loads(text))

    def stderr(self) -> str:
        return self.err_path.read_text()

    def take(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        taken: list[dict[str, Any]] = []
        while len(taken) < count:
            try:
                taken.append(self.lines.get(timeout=max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                raise AssertionError(f"{len(taken)} of {count} lines; stderr:\n{self.stderr()}") from None
        return taken

    def stop(self, sig: int = signal.SIGINT) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        code = self.proc.wait(15)
        self._reader.join(5)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self._err.close()
        return code


@pytest.fixture
def listen(tmp_path: Path) -> Iterator[Callable[..., Listen]]:
    started: list[Listen] = []

    def start(*args: str) -> Listen:
        started.append(Listen(tmp_path, *args))
        return started[-1]

    yield start
    for process in started:
        process.stop(signal.SIGKILL)


def test_cli_prints_a_line_for_every_stored_row_even_when_the_client_is_gone(
    listen: Callable[..., Listen],
) -> None:
    # the answer waits 1 s, so every client here is long gone before it; a burst then races disconnects
    cli = listen("--reply", "*=200:1", "--idle-timeout", str(IDLE))
    for i in range(5):
        with socket.create_connection(("127.0.0.1", cli.port)) as sock:
            sock.sendall(post(f"/hooks/zadarma?late={i}", b"event=NOTIFY_START"))
    lines = cli.take(5)
    assert sorted(line["query"] for line in lines) == [f"late={i}" for i in range(5)]
    assert all(line["status"] == 200 for line in lines)

    def burst(worker: int) -> None:
        for i in range(50):
            with socket.create_connection(("127.0.0.1", cli.port)) as sock:
                sock.sendall(post(f"/hooks/zadarma?burst={worker}-{i}", b"event=NOTIFY_START"))

    workers = [threading.Thread(target=burst, args=(w,)) for w in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    lines = cli.take(200, timeout=30)
    assert len({line["query"] for line in lines}) == 200
    assert cli.stop() == 0
    history = History(cli.history_path)
    try:
        assert history.count_exchanges(operation="webhook") == 205
    finally:
        history.close()
    assert "Traceback" not in cli.stderr()
    assert cli.lines.empty()


def test_cli_hostile_requests_are_lines_without_a_traceback(listen: Callable[..., Listen]) -> None:
    cli = listen("--idle-timeout", str(IDLE))
    for request, _code in REFUSED.values():
        exchange(cli.port, request)
    exchange(cli.port, b"POST /hooks/zadarma HTTP/1.1\r\nHost: x\r\nX-Half: ")
    nested = b"[" * 5000 + b"]" * 5000
    exchange(cli.port, post("/hooks/zadarma", nested, b"Content-Type: application/json", b"Connection: close"))
    lines = cli.take(len(REFUSED) + 2)
    codes = sorted(line["error_code"] for line in lines)
    assert codes == sorted([code for _, code in REFUSED.values()] + ["head_timeout", "malformed_body"])
    assert cli.stop() == 0
    assert "Traceback" not in cli.stderr()


def test_cli_line_says_500_when_history_cannot_store(listen: Callable[..., Listen]) -> None:
    cli = listen()
    _break_history(cli.history_path)
    answer = exchange(cli.port, post("/hooks/zadarma", b"event=NOTIFY_START", b"Connection: close"))
    assert answer.status == 500
    line = cli.take(1)[0]
    assert (line["status"], line["outcome"], line["error_code"]) == (500, "internal_error", "not_stored")


# -------------------------------------------------------------------------------------------------- kill -9
def test_kill_9_mid_burst_loses_no_request_answered_2xx(listen: Callable[..., Listen]) -> None:
    cli = listen()
    answered: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client(worker: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", cli.port, timeout=10)
        i = 0
        try:
            while not stop.is_set():
                key = f"{worker}-{i}"
                conn.request("POST", f"/hooks/zadarma?k={key}", b"event=NOTIFY_START", FORM_HEADERS)
                response = conn.getresponse()
                response.read()
                if 200 <= response.status < 300:
                    with lock:
                        answered.append(key)
                i += 1
        except (OSError, http.client.HTTPException):
            pass  # the listener was killed
        finally:
            conn.close()

    workers = [threading.Thread(target=client, args=(w,)) for w in range(6)]
    for worker in workers:
        worker.start()
    time.sleep(2.0)
    cli.proc.send_signal(signal.SIGKILL)  # mid-burst: the clients are still sending
    for worker in workers:
        worker.join(15)
    stop.set()
    assert cli.stop() == -signal.SIGKILL
    with sqlite3.connect(cli.history_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    history = History(cli.history_path)
    try:
        stored = {row.url.rsplit("k=", 1)[1] for row in history.recent_exchanges(1_000_000, operation="webhook")}
    finally:
        history.close()
    lost = set(answered) - stored
    print(
        f"\nkill -9 mid-burst: answered 2xx={len(answered)} stored={len(stored)} lost={len(lost)} "
        f"(stored, never answered: {len(stored - set(answered))})",
        flush=True,
    )
    assert answered, "the burst never got going"
    assert not lost


FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}
