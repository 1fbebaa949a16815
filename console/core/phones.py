"""Phone numbers: parsed with phonenumbers and formatted the way each provider wants them."""

from __future__ import annotations

import enum
import re
from typing import TYPE_CHECKING

from console.core.errors import InputError

if TYPE_CHECKING:  # loaded with the first number parsed: a command that parses none starts without it
    import phonenumbers


class PhoneStyle(enum.StrEnum):
    """How a provider wants a number written."""

    E164_PLUS = "e164_plus"  # +442037691880
    E164_DIGITS = "e164_digits"  # 442037691880
    NATIONAL = "national"  # 0912345678 (digits only, with the national prefix)
    NATIONAL_NO_ZERO = "national_no_zero"  # 912345678


_JUNK = re.compile(r"[\s\-().]")


def parse_phone(text: str, home_region: str | None = None) -> phonenumbers.PhoneNumber:
    """Parse what the user typed; without ``+`` it is read in ``home_region`` (or as international).

    Raises:
        InputError: the text is not a valid phone number, with a message saying why.
    """
    import phonenumbers

    raw = _JUNK.sub("", text or "")
    if not raw:
        raise InputError("A phone number is required.")
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    if not raw.startswith("+") and home_region is None:
        raw = "+" + raw
    if not re.fullmatch(r"\+?\d+", raw):
        raise InputError(f"{text!r} is not a phone number: use digits, optionally starting with +.")
    try:
        number = phonenumbers.parse(raw, None if raw.startswith("+") else home_region)
    except phonenumbers.NumberParseException as exc:
        raise InputError(f"{text!r} is not a phone number: {exc}.") from exc
    if not phonenumbers.is_valid_number(number):
        where = phonenumbers.region_code_for_number(number) or "no known country"
        raise InputError(
            f"{text!r} is not a valid number ({where}); type it in international form, e.g. +442037691880."
        )
    return number


def format_phone(number: phonenumbers.PhoneNumber, style: PhoneStyle) -> str:
    """Write ``number`` in ``style``."""
    import phonenumbers

    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if style is PhoneStyle.E164_PLUS:
        return e164
    if style is PhoneStyle.E164_DIGITS:
        return e164[1:]
    national = re.sub(r"\D", "", phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
    if style is PhoneStyle.NATIONAL_NO_ZERO:
        return national.lstrip("0")
    return national


def normalize_phone(text: str, style: PhoneStyle, home_region: str | None = None) -> str:
    """Parse and format in one step."""
    return format_phone(parse_phone(text, home_region), style)
