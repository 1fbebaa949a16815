"""Validation and normalisation of request fields against a provider's declaration."""

from __future__ import annotations

import re
from collections.abc import Mapping

from console.core.errors import InputError
from console.core.phones import PhoneStyle, format_phone, parse_phone
from console.providers.spec import FieldKind, FieldSpec, ProviderSpec

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _check(spec: ProviderSpec, fld: FieldSpec, value: str) -> str:
    label = f"{fld.label} ({fld.name})"
    kind = fld.kind
    if kind is FieldKind.PHONE:
        try:
            number = parse_phone(value, spec.home_region)
        except InputError as exc:
            raise InputError(f"{label}: {exc}", field=fld.name) from exc
        import phonenumbers  # loaded with the first number (parse_phone has it by now)

        region = phonenumbers.region_code_for_number(number)
        if spec.home_only and region != spec.home_region:
            raise InputError(
                f"{label}: {spec.label} calls numbers of {spec.home_region} only; {value!r} is in {region}.",
                field=fld.name,
            )
        return format_phone(number, spec.phone_style)
    if kind is FieldKind.EMAIL and not _EMAIL.fullmatch(value):
        raise InputError(f"{label}: {value!r} is not an e-mail address.", field=fld.name)
    if kind is FieldKind.DIGITS and not value.isdigit():
        raise InputError(f"{label}: digits only, got {value!r}.", field=fld.name)
    if kind is FieldKind.INTEGER and not re.fullmatch(r"-?\d+", value):
        raise InputError(f"{label}: a whole number, got {value!r}.", field=fld.name)
    if kind is FieldKind.NUMBER:
        try:
            float(value)
        except ValueError:
            raise InputError(f"{label}: a number, got {value!r}.", field=fld.name) from None
    if kind is FieldKind.BOOL:
        lowered = value.lower()
        if lowered not in _TRUE | _FALSE:
            raise InputError(f"{label}: true or false, got {value!r}.", field=fld.name)
        value = "true" if lowered in _TRUE else "false"
    if kind is FieldKind.CHOICE and fld.choices and value not in fld.choice_values():
        allowed = ", ".join(fld.choice_values())
        raise InputError(f"{label}: {value!r} is not one of {allowed}.", field=fld.name)
    if fld.pattern and not re.fullmatch(fld.pattern, value, re.DOTALL):
        raise InputError(f"{label}: {fld.pattern_message or 'wrong format'} (got {value!r}).", field=fld.name)
    return value


def validate_fields(spec: ProviderSpec, op_id: str, channel_id: str | None, raw: Mapping[str, str]) -> dict[str, str]:
    """Check ``raw`` against the fields of the operation (and channel) and return the normalised values.

    A field ``raw`` leaves out takes its declared default (the command line gives only what is typed); a field
    given empty is not sent, default or not (a form shows defaults as text, and its user may clear one).

    Raises:
        InputError: an unknown field, a missing required one, or a value of the wrong form.
    """
    fields = spec.fields_for(op_id, channel_id)
    known = {f.name for f in fields}
    where = f"{spec.id} {op_id}" + (f" ({channel_id})" if channel_id else "")
    unknown = sorted(set(raw) - known)
    if unknown:
        raise InputError(
            f"{', '.join(unknown)}: not a field of {where}. Its fields: {', '.join(sorted(known)) or 'none'}.",
            field=unknown[0],
        )
    values: dict[str, str] = {}
    for fld in fields:
        value = raw.get(fld.name, fld.default)  # left out: the default; given empty: not sent
        value = value if fld.kind is FieldKind.MULTILINE else value.strip()
        if not value:
            if fld.required:
                raise InputError(f"{fld.label} ({fld.name}) is required for {where}.", field=fld.name)
            continue
        values[fld.name] = _check(spec, fld, value)
    return values


def destination_of(spec: ProviderSpec, channel_id: str, values: Mapping[str, str]) -> str:
    """Who a send goes to, from its validated values: E.164 with + for a phone number, an e-mail as it is."""
    fld = spec.destination_field(channel_id)
    value = values.get(fld.name, "")
    if fld.kind is not FieldKind.PHONE or not value or value.startswith("+"):
        return value
    if spec.phone_style is PhoneStyle.E164_DIGITS:  # validated values are in the provider's style
        return "+" + value
    try:
        return format_phone(parse_phone(value, spec.home_region), PhoneStyle.E164_PLUS)
    except InputError:
        return value
