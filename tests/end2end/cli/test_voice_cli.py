"""Vbee and Hamkaran from the CLI."""

from __future__ import annotations

from tests.end2end.cli.test_cli import cli


def test_vbee_send_with_a_fixed_code_and_no_balance_call() -> None:
    code, lines, err = cli(
        "send", "vbee", "--to", "0912345678", "--code", "246810", "--voice", "sg_female_thaotrinh_full_48k-fhg"
    )
    assert code == 0, err
    _, phone, _ = cli("phone", "--provider", "vbee", "--limit", "1")
    assert phone[-1]["code"] == "246810"
    code, lines, _err = cli("balance", "vbee")
    assert code == 2
    assert "has no balance call" in lines[-1]["message"]


def test_hamkaran_send_balance_and_a_bad_key() -> None:
    code, lines, err = cli("send", "hamkaran", "--dest", "09123456789", "--src", "2192003513", "--code", "12345")
    assert code == 0, err
    code, lines, err = cli("balance", "hamkaran")
    assert (code, lines[-1]["message"]) == (0, "Credentials valid; balance 1250000")
    code, lines, _err = cli("balance", "hamkaran", "--key", "nope")
    assert (code, lines[-1]["error_code"]) == (1, "403")
