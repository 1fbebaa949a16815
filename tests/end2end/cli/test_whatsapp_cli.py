"""YCloud and Meta from the CLI: sends, credential checks, the local check, bad keys."""

from __future__ import annotations

import pytest

from tests.end2end.cli.test_cli import cli


@pytest.mark.parametrize("provider", ["ycloud", "meta"])
def test_send_then_check_the_code_locally(provider: str) -> None:
    code, lines, err = cli("send", provider, "--to", "+447911123456")
    assert code == 0, err
    assert lines[-1]["request_id"]
    _, phone, _ = cli("phone", "--provider", provider, "--limit", "1")
    assert "[ Copy code ]" in phone[-1]["text"]
    code, lines, err = cli("check", provider, "--code", phone[-1]["code"], "--verification", lines[-1]["verification"])
    assert code == 0, err
    assert lines[-1]["state"] == "verified"


def test_a_fixed_code_and_an_unknown_template() -> None:
    code, lines, _err = cli("send", "ycloud", "--to", "+447911123456", "--code", "24680")
    assert code == 0
    _, phone, _ = cli("phone", "--provider", "ycloud", "--limit", "1")
    assert phone[-1]["code"] == "24680"
    code, lines, _err = cli("send", "ycloud", "--to", "+447911123456", "--template", "nope")
    assert (code, lines[-1]["error_code"]) == (1, "TEMPLATE_NOT_FOUND")


@pytest.mark.parametrize(
    ("provider", "flag", "error"), [("ycloud", "--api_key", "UNAUTHORIZED"), ("meta", "--access_token", "190")]
)
def test_bad_credentials_exit_1_with_the_providers_code(provider: str, flag: str, error: str) -> None:
    code, lines, _err = cli("balance", provider, flag, "wrong")
    assert (code, lines[-1]["error_code"]) == (1, error)


def test_code_length_window_and_tries_are_options() -> None:
    code, lines, err = cli(
        "send", "ycloud", "--to", "+447911123456", "--code-length", "8", "--code-ttl", "120", "--max-attempts", "1"
    )
    assert code == 0, err
    assert lines[-1]["expires_at"] - lines[-1]["started_at"] == 120
    _, phone, _ = cli("phone", "--provider", "ycloud", "--limit", "1")
    assert len(phone[-1]["code"]) == 8
    code, lines, _err = cli("check", "ycloud", "--code", "00000000")
    assert (code, lines[-1]["outcome"], lines[-1]["attempts_left"]) == (1, "wrong_code", 0)  # one try allowed
    code, lines, _err = cli("check", "ycloud", "--code", phone[-1]["code"])
    assert (code, lines[-1]["outcome"], lines[-1]["error_code"]) == (1, "rejected", "too_many_attempts")
