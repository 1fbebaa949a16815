"""The CLI as scripts use it: separate processes, JSON lines, exit codes, state shared through OTP_CONSOLE_HOME."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from console.providers.zadarma.signing import sign_request

RESULT_KEYS = {
    "provider",
    "operation",
    "channel",
    "env",
    "ok",
    "outcome",
    "http_status",
    "error_code",
    "meaning",
    "request_id",
    "verification",
    "latency_ms",
}


def cli(*args: str, timeout: float = 60) -> tuple[int, list[dict[str, Any]], str]:
    proc = subprocess.run(
        [sys.executable, "-m", "console", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=os.environ.copy(),
        check=False,
    )
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    return proc.returncode, lines, proc.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_send_phone_check_across_processes() -> None:
    code, lines, err = cli("send", "zadarma", "--channel", "sms", "--to", "+48575555555")
    assert code == 0, err
    sent = lines[-1]
    assert set(sent) >= RESULT_KEYS
    assert sent["ok"] is True
    assert sent["env"] == "simulator"
    assert sent["channel"] == "sms"
    assert sent["request_id"]
    assert sent["verification"].startswith("v-")

    code, phone, _ = cli("phone", "--provider", "zadarma")
    assert code == 0
    sms = phone[-1]
    assert sms["to"] == "+48575555555"
    assert sms["code"] in sms["text"]

    code, lines, _ = cli(
        "check", "zadarma", "--request-id", sent["request_id"], "--code", "0000" if sms["code"] != "0000" else "1111"
    )
    assert code == 1
    assert (lines[-1]["outcome"], lines[-1]["error_code"]) == ("wrong_code", "wrong_code")
    assert (lines[-1]["provider_error_code"], lines[-1]["checked_by"]) == ("invalid_code", "provider")
    assert lines[-1]["meaning"]

    code, lines, _ = cli("check", "zadarma", "--request-id", sent["request_id"], "--code", sms["code"])
    assert code == 0
    checked = lines[-1]
    assert checked["ok"] is True
    assert checked["verification"] == sent["verification"]
    assert checked["state"] == "verified"

    code, lines, _ = cli("history", "--limit", "10")
    assert code == 0
    assert [row["operation"] for row in lines] == ["send", "check", "check"]
    code, lines, _ = cli("history", "--count")
    assert lines == [{"kind": "exchange", "count": 3}]


@pytest.mark.parametrize(
    "channel_args",
    [
        ["--channel", "call_code", "--to", "+442037691880", "--from", "+442037691881"],
        ["--channel", "email", "--to", "qa@example.com", "--field", "email_body=Code: {#code#}", "--code", "123456"],
        [
            "--channel",
            "call_button",
            "--to",
            "+442037691880",
            "--greeting-sound-id",
            "101",
            "--field",
            "button_1_sound_id=102",
            "--fallback_sound_id",
            "103",
        ],
    ],
)
def test_every_channel(channel_args: list[str]) -> None:
    code, lines, err = cli("send", "zadarma", *channel_args)
    assert code == 0, (lines, err)
    assert lines[-1]["ok"] is True


def test_balance_and_sounds() -> None:
    code, lines, _ = cli("balance", "zadarma")
    assert code == 0
    assert lines[0]["data"]["balance"] == 10.34
    assert lines[0]["notes"]["x-ratelimit-limit"] == "100"
    code, lines, _ = cli("run", "zadarma", "sounds")
    assert code == 0
    assert ["101", "greeting.mp3"] in lines[0]["data"]["choices"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["send", "zadarma", "--to", "+1234"], "not a valid number"),
        (["send", "zadarma", "--channel", "call_code", "--to", "+442037691880"], "From (from) is required"),
        (["send", "zadarma", "--to", "+442037691880", "--field", "nonsense=1"], "nonsense: not a field"),
        (["send", "zadarma", "--to", "+442037691880", "--field", "novalue"], "--field takes K=V"),
        (["balance", "zadarma", "--env", "live"], "$ZADARMA_KEY"),
    ],
)
def test_bad_input_exits_2_and_sends_nothing(args: list[str], message: str) -> None:
    code, lines, _ = cli(*args)
    assert code == 2
    assert lines[-1]["outcome"] == "refused"
    assert message in lines[-1]["message"]


def test_wrong_secret_is_a_provider_refusal() -> None:
    code, lines, _ = cli("balance", "zadarma", "--secret", "not_the_secret")
    assert code == 1
    assert lines[0]["http_status"] == 401
    assert lines[0]["error_code"] == "401"
    assert "wrong key or secret" in lines[0]["meaning"]
    assert "not_the_secret" not in json.dumps(lines)


def test_network_failure_exits_3() -> None:
    port = _free_port()
    code, lines, _ = cli(
        "balance",
        "zadarma",
        "--env",
        "live",
        "--base-url",
        f"http://127.0.0.1:{port}",
        "--key",
        "k_123456789012",
        "--secret",
        "s_123456789012",
    )
    assert code == 3
    assert lines[0]["outcome"] == "transport_error"
    assert lines[0]["error_code"] == "connect"


@pytest.mark.parametrize(
    ("fault", "exit_code", "outcome"),
    [
        ("html500", 1, "contract_error"),
        ("malformed_json", 1, "contract_error"),
        ("drop", 3, "transport_error"),
        ("rate_limit", 1, "provider_error"),
    ],
)
def test_simulator_faults_from_the_cli(fault: str, exit_code: int, outcome: str) -> None:
    code, lines, _ = cli("balance", "zadarma", "--sim-fault", fault)
    assert code == exit_code
    assert lines[0]["outcome"] == outcome


def test_live_credentials_from_dotenv_are_masked_in_history(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("ZADARMA_KEY=dotenv_key_123456\nZADARMA_SECRET=dotenv_secret_7890\n")
    port = _free_port()
    code, lines, _ = cli("balance", "zadarma", "--env", "live", "--base-url", f"http://127.0.0.1:{port}")
    assert code == 3
    assert lines[0]["notes"]["credentials"] == "key from .env, secret from .env"
    home = Path(os.environ["OTP_CONSOLE_HOME"])
    blob = b"".join(p.read_bytes() for p in home.rglob("*") if p.is_file())
    assert b"dotenv_secret_7890" not in blob
    assert b"dotenv_key_123456" not in blob


def test_version_and_help() -> None:
    proc = subprocess.run([sys.executable, "-m", "console", "--version"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0
    assert proc.stdout.startswith("otp-console ")
    proc = subprocess.run(
        [sys.executable, "-m", "console", "send", "zadarma", "--help"], capture_output=True, text=True, check=False
    )
    assert "--greeting_sound_id" in proc.stdout
    assert "channels: call_button" in " ".join(proc.stdout.split())


def test_cli_never_imports_qt() -> None:
    code = (
        "import sys, console.cli.main as m; m.main(['history', '--count']);"
        "assert not any(n.startswith(('PySide6', 'qasync')) for n in sys.modules), 'Qt loaded'"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


def test_simulate_serves_other_applications() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "console", "simulate"], stdout=subprocess.PIPE, text=True, env=os.environ.copy()
    )
    try:
        assert proc.stdout is not None
        lines = [json.loads(proc.stdout.readline())]
        while lines[-1]["event"] != "ready":
            lines.append(json.loads(proc.stdout.readline()))
        simulators = {line["provider"]: line for line in lines if line["event"] == "simulator"}
        assert "zadarma" in simulators
        first = simulators["zadarma"]
        assert first["credentials"] == {"key": "sim_zadarma_key", "secret": "sim_zadarma_secret"}
        steps = sign_request(
            "sim_zadarma_key", "sim_zadarma_secret", "/v1/verify/", {"channel": "sms", "to": "+442037691880"}
        )
        response = httpx.post(
            first["base_url"] + "/v1/verify/",
            content=steps.query,
            headers={"Authorization": steps.header, "Content-Type": "application/x-www-form-urlencoded"},
        )
        assert response.json()["status"] == "success"
        deadline = time.time() + 10
        phone = json.loads(proc.stdout.readline())
        assert time.time() < deadline
        assert phone["event"] == "phone"
        assert phone["to"] == "+442037691880"
    finally:
        proc.terminate()
        assert proc.wait(10) == 0
        if proc.stdout is not None:
            proc.stdout.close()
