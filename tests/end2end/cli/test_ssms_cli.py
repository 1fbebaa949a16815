"""ssms.su from the CLI: wait_call's line carries the number to call and the window; errors exit 1."""

from __future__ import annotations

from tests.end2end.cli.test_cli import cli


def test_wait_call_line_has_call_to_number_and_expires_at() -> None:
    code, lines, err = cli(
        "send", "ssms", "--channel", "wait_call", "--to", "+79670311122", "--field", "call_protection=90"
    )
    assert code == 0, err
    line = lines[-1]
    assert line["call_to_number"] == "74951234567"
    assert line["expires_at"] - line["started_at"] == 90
    assert line["message"] == "Call +74951234567 from +79670311122 within 90 s"


def test_push_msg_then_check_with_the_code_from_the_phone() -> None:
    code, lines, err = cli("send", "ssms", "--channel", "push_msg", "--to", "+79670311122")
    assert code == 0, err
    _, phone, _ = cli("phone", "--provider", "ssms", "--limit", "1")
    code, lines, err = cli("check", "ssms", "--code", "0000")
    assert (code, lines[-1]["outcome"], lines[-1]["attempts_left"]) == (1, "wrong_code", 4)
    code, lines, err = cli("check", "ssms", "--code", phone[-1]["code"])
    assert code == 0, err
    assert lines[-1]["state"] == "verified"


def test_a_bad_key_exits_1_with_error_2() -> None:
    code, lines, _err = cli("balance", "ssms", "--key", "nope")
    assert code == 1
    assert (lines[-1]["error_code"], lines[-1]["meaning"]) == ("2", "Authorisation failed.")


def test_no_pending_verification_to_check_exits_2() -> None:
    code, lines, _err = cli("check", "ssms", "--code", "1234")
    assert code == 2
    assert "send a code first" in lines[-1]["message"]
