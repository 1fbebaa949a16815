"""``otp-console phone --clear``: the virtual phone emptied in the state files, so every process sees it."""

from __future__ import annotations

from console.core import paths
from console.simulators.base import ProviderSimulator
from console.simulators.ssms import SsmsSimulator
from console.simulators.zadarma import ZadarmaSimulator
from tests.end2end.cli.test_cli import cli


def _sms(sim: ProviderSimulator, to: str) -> None:
    sim.add_phone_message(channel="sms", to=to, kind="sms", title="SMS", text="Your code: 4829", code="4829")


def test_phone_clear_one_provider_then_all() -> None:
    zadarma, ssms = ZadarmaSimulator(paths.simulator_dir()), SsmsSimulator(paths.simulator_dir())
    _sms(zadarma, "+48575555555")
    _sms(ssms, "79670311122")
    _sms(ssms, "79670311123")
    cleared: list[str] = []
    ssms.on_phone_cleared(lambda pid, at: cleared.append(pid))  # a simulator running in another process

    code, lines, err = cli("phone", "--clear", "--provider", "zadarma")
    assert code == 0, err
    assert lines == [{"event": "cleared", "provider": "zadarma", "removed": 1}]
    code, phone, _ = cli("phone")
    assert code == 0
    assert [m["to"] for m in phone] == ["79670311122", "79670311123"]
    assert zadarma.phone_messages() == []

    code, lines, err = cli("phone", "--clear")
    assert code == 0, err
    assert {(line["provider"], line["removed"]) for line in lines} == {("zadarma", 0), ("ssms", 2)}
    assert cli("phone")[1] == []
    ssms.poll_external()
    assert cleared == ["ssms"]
    _sms(ssms, "79670311124")  # the phone goes on receiving
    assert [m["to"] for m in cli("phone")[1]] == ["79670311124"]


def test_phone_clear_and_act_together_are_refused() -> None:
    code, lines, _ = cli("phone", "--clear", "--act", "abc", "press_1")
    assert code == 2
    assert (lines[-1]["outcome"], lines[-1]["error_code"]) == ("refused", "bad_arguments")


def test_phone_clear_with_nothing_stored_says_so() -> None:
    code, lines, err = cli("phone", "--clear")
    assert (code, lines) == (0, [{"event": "cleared", "provider": None, "removed": 0}]), err
    code, lines, err = cli("phone", "--clear", "--provider", "vbee")
    assert (code, lines) == (0, [{"event": "cleared", "provider": "vbee", "removed": 0}]), err
