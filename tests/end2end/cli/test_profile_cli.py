"""Profiles from the command line: saved, imported from .env and the environment, used with --profile."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.simulators.host import SimulatorHost
from tests.end2end.cli.test_cli import cli

PASS = "profile-pass-phrase"


@pytest.fixture(autouse=True)
def _file_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """Subprocesses use the encrypted file (never a developer's real keyring), unlocked by the passphrase."""
    monkeypatch.setenv("OTP_CONSOLE_SECRET_STORE", "file")
    monkeypatch.setenv("OTP_CONSOLE_PASSPHRASE", PASS)


@pytest.fixture
def simulator() -> Iterator[SimulatorHost]:
    host = SimulatorHost(providers=["zadarma"])
    host.start()
    yield host
    host.stop()


def test_save_from_dotenv_show_masked_reveal_and_delete(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("HCP_KEY=hcp-dotenv-key-123456\n")
    code, lines, err = cli("profile", "save", "HCP prod", "--provider", "hamkaran", "--env", "live", "--from-dotenv")
    assert code == 0, err
    assert lines[0]["saved"] == ["key"]
    assert lines[0]["store"].startswith("encrypted file")
    code, lines, _ = cli("profile", "show", "HCP prod")
    assert lines[0]["values"] == {"key": "hcp-••••56"}
    code, lines, _ = cli("profile", "show", "HCP prod", "--reveal")
    assert lines[0]["values"] == {"key": "hcp-dotenv-key-123456"}
    code, lines, _ = cli("profile", "list")
    assert [p["name"] for p in lines] == ["HCP prod"]
    assert "values" not in lines[0]
    home = Path(os.environ["OTP_CONSOLE_HOME"])
    blob = b"".join(p.read_bytes() for p in home.rglob("*") if p.is_file())
    assert b"hcp-dotenv-key-123456" not in blob
    code, lines, _ = cli("profile", "delete", "HCP prod")
    assert code == 0
    assert lines[0]["deleted"] is True
    code, lines, _ = cli("profile", "show", "HCP prod")
    assert code == 2
    assert "No profile 'HCP prod'" in lines[0]["message"]


def test_send_with_a_simulator_profile_uses_its_credentials() -> None:
    code, _, err = cli("profile", "save", "sim wrong", "--provider", "zadarma", "--set", "secret=wrong-secret-000")
    assert code == 0, err
    code, lines, _ = cli("balance", "zadarma", "--profile", "sim wrong")
    assert code == 1
    assert lines[0]["notes"]["credentials"] == "key from simulator demo, secret from profile sim wrong"
    assert lines[0]["http_status"] == 401
    code, lines, _ = cli("balance", "zadarma", "--profile", "sim wrong", "--secret", "sim_zadarma_secret")
    assert code == 0
    assert lines[0]["notes"]["credentials"] == "key from simulator demo, secret from flag"


def test_custom_profile_needs_consent_and_environment_beats_profile(simulator: SimulatorHost) -> None:
    url = simulator.base_url("zadarma")
    code, _, err = cli(
        "profile", "save", "staging", "--provider", "zadarma", "--env", "custom", "--base-url", url,
        "--set", "key=sim_zadarma_key", "--set", "secret=stale-secret-1",
    )  # fmt: skip
    assert code == 0, err
    code, lines, _ = cli("balance", "zadarma", "--profile", "staging")
    assert code == 2
    assert "add --env custom to confirm" in lines[0]["message"]
    code, lines, _ = cli("balance", "zadarma", "--profile", "staging", "--env", "live")
    assert code == 2
    assert "is for custom, but --env says live" in lines[0]["message"]
    code, lines, _ = cli("balance", "zadarma", "--profile", "staging", "--env", "custom")
    assert code == 1
    assert lines[0]["url"].startswith(url)
    os.environ["ZADARMA_SECRET"] = "sim_zadarma_secret"
    try:
        code, lines, _ = cli("balance", "zadarma", "--profile", "staging", "--env", "custom")
    finally:
        del os.environ["ZADARMA_SECRET"]
    assert code == 0
    assert lines[0]["notes"]["credentials"] == "key from profile staging, secret from $ZADARMA_SECRET"
    assert lines[0]["credential_sources"] == {"key": "profile staging", "secret": "$ZADARMA_SECRET"}
    assert lines[0]["profile"] == "staging"


def test_locked_or_wrong_passphrase_is_a_clear_refusal(monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, _ = cli("profile", "save", "p", "--provider", "zadarma", "--set", "secret=s-123456789")
    assert code == 0
    monkeypatch.delenv("OTP_CONSOLE_PASSPHRASE")
    code, lines, _ = cli("balance", "zadarma", "--profile", "p")
    assert code == 2
    assert lines[0]["outcome"] == "refused"
    assert "OTP_CONSOLE_PASSPHRASE" in lines[0]["message"]
    monkeypatch.setenv("OTP_CONSOLE_PASSPHRASE", "not-the-passphrase")
    code, lines, _ = cli("balance", "zadarma", "--profile", "p")
    assert code == 2
    assert "does not open" in lines[0]["message"]
    code, lines, _ = cli("profile", "save", "q", "--provider", "zadarma", "--set", "nope=1")
    assert code == 2
    assert json.dumps(lines).count("s-123456789") == 0


def test_profile_of_another_provider_is_refused() -> None:
    cli("profile", "save", "vb", "--provider", "vbee", "--set", "api_key=a")
    code, lines, _ = cli("balance", "zadarma", "--profile", "vb")
    assert code == 2
    assert "is for vbee, not zadarma" in lines[0]["message"]


def test_listen_verifies_callbacks_with_a_profiles_secret() -> None:
    import time

    import httpx

    from console.providers.ycloud import signature
    from tests.end2end.cli.test_listen_cli import Listening

    code, _, err = cli("profile", "save", "yc", "--provider", "ycloud", "--set", "webhook_secret=whsec_profile_77")
    assert code == 0, err
    listener = Listening("--profile", "yc", "--no-simulator-secrets")
    try:
        body = b'{"type":"whatsapp.message.updated","whatsappMessage":{"id":"m1","status":"delivered"}}'
        stamp = str(int(time.time()))
        header = f"t={stamp},s={signature('whsec_profile_77', stamp, body)}"
        httpx.post(f"{listener.url}/hooks/ycloud", content=body, headers={"YCloud-Signature": header})
        line = listener.line()
        assert line["signature"] == "valid"
    finally:
        listener.stop()
    code, lines, _ = cli("listen", "--profile", "nope")  # an unknown profile: one error line, exit 2
    assert code == 2
    assert "No profile 'nope'" in lines[0]["message"]
