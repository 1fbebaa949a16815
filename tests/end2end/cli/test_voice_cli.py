"""Vbee and Hamkaran from the CLI."""

from __future__ import annotations

from tests.end2end.cli.test_cli import cli


def test_vbee_send_with_a_fixed_code_then_test_credentials() -> None:
    code, lines, err = cli(
        "send", "vbee", "--to", "0912345678", "--code", "246810", "--voice", "sg_female_thaotrinh_full_48k-fhg"
    )
    assert code == 0, err
    _, phone, _ = cli("phone", "--provider", "vbee", "--limit", "1")
    assert phone[-1]["code"] == "246810"
    code, lines, _err = cli("balance", "vbee")  # no balance call: the scenario list, read with the token
    assert code == 0
    assert lines[-1]["verdict"] == "valid"
    assert lines[-1]["url"].endswith("/api/v1/public-api/scenarios")
    code, lines, _err = cli("balance", "vbee", "--api-secret", "not-the-secret-of-the-simulator")
    assert (code, lines[-1]["verdict"], lines[-1]["error_code"]) == (1, "wrong API secret", "401")


def test_hamkaran_send_balance_and_a_bad_key() -> None:
    code, lines, err = cli("send", "hamkaran", "--dest", "09123456789", "--src", "2192003513", "--code", "12345")
    assert code == 0, err
    code, lines, err = cli("balance", "hamkaran")
    assert (code, lines[-1]["message"]) == (0, "Credentials valid; balance 1250000")
    code, lines, _err = cli("balance", "hamkaran", "--key", "nope")
    assert (code, lines[-1]["error_code"]) == (1, "403")
