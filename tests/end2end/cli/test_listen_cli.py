"""``otp-console listen`` as scripts use it: a foreground process printing one JSON line per request."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

from tests.end2end.cli.test_cli import cli

LINE_KEYS = {"provider", "method", "path", "status", "signature", "signature_scheme", "verification", "id"}
SOUNDS = ("--field", "greeting_sound_id=101", "--field", "button_1_sound_id=102", "--field", "fallback_sound_id=103")


class Listening:
    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "console", "listen", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=os.environ.copy(),
        )
        assert self.proc.stderr is not None
        first = self.proc.stderr.readline()
        assert first.startswith("listening on http://127.0.0.1:"), first
        self.url = first.split()[2]
        self.banner: list[str] = []
        while not (line := self.proc.stderr.readline()).startswith("ready") and line:
            self.banner.append(line)

    def line(self, timeout: float = 10) -> dict[str, Any]:
        out: IO[str] | None = self.proc.stdout
        assert out is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = out.readline()
            if text:
                return dict(json.loads(text))
        raise AssertionError("no line from the listener")

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(10)
        finally:
            for stream in (self.proc.stdout, self.proc.stderr):
                if stream is not None:
                    stream.close()


@pytest.fixture
def listening() -> Iterator[Listening]:
    listener = Listening("--zadarma-secret", "test_secret_0001")
    yield listener
    listener.stop()


def test_each_request_is_one_flushed_json_line(listening: Listening) -> None:
    assert httpx.get(f"{listening.url}/hooks/zadarma?zd_echo=xyz").text == "xyz"
    line = listening.line()
    assert set(line) >= LINE_KEYS
    assert (line["provider"], line["method"], line["path"], line["status"]) == ("zadarma", "GET", "/hooks/zadarma", 200)
    assert line["event"] == "handshake · zd_echo"
    body = "event=NOTIFY_END&caller_id=442037691880&called_did=442037691881&call_start=2024-05-01+12%3A00%3A00"
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Signature": "Cn9lWhGoeNrSeKD4uIO9Z5hjUrE="}
    httpx.post(f"{listening.url}/hooks/zadarma", content=body, headers=headers)
    line = listening.line()
    assert (line["signature"], line["signature_scheme"]) == ("valid", "zadarma-raw-b64")
    assert line["verification"] is None


def test_press_1_round_trip_across_processes(listening: Listening) -> None:
    code, lines, err = cli("send", "zadarma", "--channel", "call_button", "--to", "+48575555555", *SOUNDS)
    assert code == 0, err
    verification = lines[-1]["verification"]
    code, lines, err = cli("phone", "--provider", "zadarma", "--limit", "1")
    message = lines[-1]
    assert message["channel"] == "call_button"
    code, lines, err = cli("phone", "--act", message["id"], "press_1", "--listener", listening.url)
    assert code == 0, err
    assert [line["status"] for line in lines] == [200, 200]
    answer, end = listening.line(), listening.line()
    assert (answer["event"], end["event"]) == ("NOTIFY_ANSWER", "NOTIFY_END")
    assert end["verification"] == verification
    assert end["signature"] == "valid"
    code, lines, err = cli("history", "--kind", "webhook", "--count")
    assert lines == [{"kind": "webhook", "count": 2}]
    code, lines, err = cli("history", "--kind", "verification", "--limit", "1")
    assert lines[-1]["state"] == "verified"


def test_listen_reply_and_bad_flags(listening: Listening) -> None:
    code, lines, _err = cli("listen", "--reply", "zadarma=abc")
    assert code == 2
    assert "ROUTE=STATUS" in lines[-1]["message"]
    busy = Listening("--reply", "zadarma=503:0:busy")
    try:
        response = httpx.post(f"{busy.url}/hooks/zadarma", content=b"event=NOTIFY_START")
        assert (response.status_code, response.text) == (503, "busy")
        assert busy.line()["status"] == 503
    finally:
        assert busy.stop() == 0


def test_idle_timeout_flag() -> None:
    code, lines, _err = cli("listen", "--idle-timeout", "-1")
    assert code == 2
    assert "--idle-timeout" in lines[-1]["message"]
    quick = Listening("--idle-timeout", "0.5")
    try:
        host, port = quick.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(b"POST /hooks/zadarma HTTP/1.1\r\nHost: x\r\n")  # half a head, then nothing
            assert sock.recv(100).startswith(b"HTTP/1.1 408")
        line = quick.line()
        assert (line["status"], line["outcome"], line["error_code"]) == (408, "contract_error", "head_timeout")
    finally:
        assert quick.stop() == 0


def test_with_forward_to_rows_that_are_not_forwarded_still_get_their_line() -> None:
    forwarding = Listening("--forward-to", "http://127.0.0.1:9/backend")
    try:
        host, port = forwarding.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(b"POST /hooks/zadarma HTTP/1.1\r\nHost: x\r\nContent-Length: 5x\r\n\r\nhello")
            assert b" 400 " in sock.recv(100)
        line = forwarding.line()
        assert (line["status"], line["error_code"], "forward" in line) == (400, "bad_framing", False)
    finally:
        assert forwarding.stop() == 0


def test_binding_beyond_loopback_warns() -> None:
    exposed = Listening("--host", "0.0.0.0")
    try:
        assert any("warning: bound to 0.0.0.0" in line for line in exposed.banner)
    finally:
        exposed.stop()


def test_export_har_jsonl_and_evidence(tmp_path: Path) -> None:
    code, lines, err = cli("send", "zadarma", "--channel", "sms", "--to", "+48575555555")
    assert code == 0, err
    verification = lines[-1]["verification"]
    code, lines, err = cli("export", "--output", str(tmp_path / "h.har"))
    assert code == 0, err
    assert json.loads((tmp_path / "h.har").read_text())["log"]["entries"]
    code, lines, err = cli("export", "--format", "jsonl", "--output", str(tmp_path / "h.jsonl"))
    assert len((tmp_path / "h.jsonl").read_text().splitlines()) == 1
    code, lines, err = cli("export", "--evidence", verification, "--output", str(tmp_path / "e.json"))
    assert json.loads((tmp_path / "e.json").read_text())["verification"]["id"] == verification
    code, lines, _err = cli("export", "--evidence", "v-nope")
    assert code == 2


def test_debug_tools_from_the_cli(tmp_path: Path) -> None:
    code, lines, _err = cli(
        "debug", "zadarma-signature", "--path", "/v1/info/balance/", "--key", "k", "--secret", "s", "--header", "k:bad"
    )
    assert code == 1
    assert lines[0]["value"] == "format=json"
    assert "not base64" in lines[-1]["verdict"]
    body = tmp_path / "body.json"
    body.write_bytes(b'{"object":"whatsapp_business_account","entry":[]}')
    header = "X-Hub-Signature-256: sha256=d6c5c866f71b6bb501cc7379ba08f06ad94be5aad092f3130df4cd8b4ab9d188"
    code, lines, _err = cli(
        "debug", "webhook", "meta", "--body-file", str(body), "--header", header, "--secret", "meta_app_secret_0001"
    )
    assert (code, lines[-1]["signature"]) == (0, "valid")
    code, lines, _err = cli("debug", "mint-jwt", "--code", "123456", "--key", "k", "--secret", "s" * 32)
    token = lines[-1]["token"]
    code, lines, _err = cli("debug", "jwt", token, "--secret", "s" * 32, "--key", "k")
    assert (code, lines[-1]["signature"], lines[-1]["claims"]["otpCode"]) == (0, "valid", "123456")


def test_history_search_size_and_prune() -> None:
    code, lines, err = cli("send", "zadarma", "--channel", "sms", "--to", "+48575555555")
    assert code == 0, err
    request_id = lines[-1]["request_id"]
    _, found, _ = cli("history", "--search", request_id)
    assert [line["request_id"] for line in found] == [request_id]
    _, size, _ = cli("history", "--size")
    assert size[-1]["bytes"] > 0
    _, kept, _ = cli("history", "--prune-older-than", "1")
    assert kept[-1]["pruned"] == 0  # nothing is a day old; nothing is ever pruned unasked
    _, pruned, _ = cli("history", "--prune-older-than", "0")
    assert pruned[-1]["pruned"] == 1


def test_spend_guard_flags_refuse_a_real_send_with_exit_2() -> None:
    code, lines, _err = cli(
        "send",
        "zadarma",
        "--channel",
        "sms",
        "--to",
        "+442037691880",
        "--env",
        "live",
        "--key",
        "k",
        "--secret",
        "s",
        "--allow-number",
        "+48575555555",
    )
    assert code == 2
    assert "allow-list" in lines[-1]["message"]
