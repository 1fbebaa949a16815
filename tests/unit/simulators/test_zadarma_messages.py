"""What a Zadarma code looks like on the virtual phone for each channel and language."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.simulators._zadarma_messages import put_code_on_phone
from console.simulators.zadarma import ZadarmaSimulator

TO = "+442037691880"
EXTRA = {"request_id": "r+1=", "language": "en"}


@pytest.fixture
def sim(tmp_path: Path) -> ZadarmaSimulator:
    return ZadarmaSimulator(tmp_path)


def test_sms(sim: ZadarmaSimulator) -> None:
    put_code_on_phone(sim, "sms", {"caller_id": "Shop"}, TO, "de", "1234", EXTRA)
    [message] = sim.phone_messages()
    assert (message.kind, message.title, message.text, message.code) == (
        "sms",
        "SMS from Shop",
        "Ihr Bestätigungscode: 1234",
        "1234",
    )
    assert message.extra == EXTRA


def test_voice_call_spells_the_digits(sim: ZadarmaSimulator) -> None:
    put_code_on_phone(sim, "call_code", {"from": "+4420"}, TO, "en", "1234", EXTRA)
    [message] = sim.phone_messages()
    assert (message.kind, message.title) == ("voice", "Call from +4420")
    assert message.text == "Your code is 1 2 3 4. I repeat: 1 2 3 4."


def test_email_default_and_custom_body(sim: ZadarmaSimulator) -> None:
    put_code_on_phone(sim, "email", {}, "a@b.c", "fr", "123456", EXTRA)
    body = {"email_body": "Code: {#code#}!", "email_subject": "Hi", "from": "me@shop.test"}
    put_code_on_phone(sim, "email", body, "a@b.c", "fr", "654321", EXTRA)
    default, custom = sim.phone_messages()
    assert (default.title, default.text, default.extra["from"]) == (
        "Code de vérification",
        "Votre code de vérification : 123456",
        "noreply@example.com",
    )
    assert (custom.title, custom.text, custom.extra["from"]) == ("Hi", "Code: 654321!", "me@shop.test")
