"""Phone parsing per provider style, and field validation against the Zadarma description."""

from __future__ import annotations

import pytest

from console.core.errors import InputError
from console.core.phones import PhoneStyle, normalize_phone
from console.providers.validation import validate_fields
from console.providers.zadarma import SPEC


@pytest.mark.parametrize(
    ("text", "style", "region", "expected"),
    [
        ("+44 20 3769 1880", PhoneStyle.E164_PLUS, None, "+442037691880"),
        ("442037691880", PhoneStyle.E164_PLUS, None, "+442037691880"),
        ("0048575555555", PhoneStyle.E164_PLUS, None, "+48575555555"),
        ("8 (967) 031-11-22", PhoneStyle.E164_DIGITS, "RU", "79670311122"),
        ("+84 912 345 678", PhoneStyle.NATIONAL, "VN", "0912345678"),
        ("0912345678", PhoneStyle.E164_DIGITS, "VN", "84912345678"),
        ("09123456789", PhoneStyle.NATIONAL, "IR", "09123456789"),
        ("09123456789", PhoneStyle.NATIONAL_NO_ZERO, "IR", "9123456789"),
    ],
)
def test_phone_styles(text: str, style: PhoneStyle, region: str | None, expected: str) -> None:
    assert normalize_phone(text, style, region) == expected


@pytest.mark.parametrize("text", ["", "+1234", "hello", "+44 20 12", "12ab34"])
def test_invalid_numbers_are_refused_with_a_message(text: str) -> None:
    with pytest.raises(InputError) as info:
        normalize_phone(text, PhoneStyle.E164_PLUS)
    assert str(info.value)


def test_sms_fields_normalised_and_empty_optional_left_out() -> None:
    values = validate_fields(SPEC, "send", "sms", {"to": "44 20 3769 1880", "code": "", "language": "en"})
    assert values == {"to": "+442037691880", "language": "en"}


def test_required_field_named_in_message() -> None:
    with pytest.raises(InputError, match=r"From \(from\) is required for zadarma send \(call_code\)") as info:
        validate_fields(SPEC, "send", "call_code", {"to": "+442037691880"})
    assert info.value.field == "from"


def test_unknown_field_lists_the_known_ones() -> None:
    with pytest.raises(InputError, match="greeting_sound_id: not a field of zadarma send \\(sms\\)"):
        validate_fields(SPEC, "send", "sms", {"to": "+442037691880", "greeting_sound_id": "1"})


@pytest.mark.parametrize(
    ("channel", "fields", "message"),
    [
        ("email", {"to": "not-an-email"}, "is not an e-mail address"),
        ("email", {"to": "a@b.co", "code": "1234"}, "six digits"),
        ("email", {"to": "a@b.co", "email_body": "no placeholder"}, "must contain the placeholder"),
        ("sms", {"to": "+442037691880", "code": "12a4"}, "digits only"),
        ("sms", {"to": "+442037691880", "language": "xx"}, "is not one of"),
        ("sms", {"to": "+442037691880", "template_id": "x"}, "a whole number"),
        ("sms", {"to": "+1234"}, "not a valid number"),
    ],
)
def test_validation_messages(channel: str, fields: dict[str, str], message: str) -> None:
    with pytest.raises(InputError, match=message):
        validate_fields(SPEC, "send", channel, fields)


def test_email_body_with_placeholder_kept_verbatim() -> None:
    body = "Your code:\n{#code#}\n"
    values = validate_fields(SPEC, "send", "email", {"to": "qa@example.com", "email_body": body, "code": "123456"})
    assert values["email_body"] == body
    assert values["code"] == "123456"
