"""What the conformance suite sends for a provider, worked out from its description alone.

A provider's lifecycle channel is its first channel whose send carries a code (a code the provider checks, or
one the console makes and checks); the destination is the destination field's placeholder; fields the
console would fill with a new value each time (a code, a correlation id) get fixed values, so the two faces
send the same request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from console.providers import all_providers
from console.providers.spec import FieldKind, FieldRole, FieldSpec, OperationKind, ProviderSpec

PROVIDERS = list(all_providers())


@dataclass(frozen=True)
class Lifecycle:
    """One provider's send: the channel, the fields given (as the CLI and the form take them), the check op."""

    provider: str
    channel: str
    fields: dict[str, str]
    destination_field: str
    code_field: str | None  # the send's code field (None: the provider makes the code itself)
    check_op: str


def fixed_value(fld: FieldSpec) -> str:
    """A fixed value the field accepts (codes: digits of a length its pattern allows)."""
    if fld.kind is FieldKind.DIGITS:
        for candidate in ("123456", "12345", "1234", "12345678"):
            if fld.pattern is None or re.fullmatch(fld.pattern, candidate):
                return candidate
    return f"contract-{fld.name}"


def lifecycle(provider: str) -> Lifecycle:
    """The send the suite makes for ``provider`` (see the module docstring)."""
    spec = all_providers()[provider].spec
    channel = next(ch for ch in spec.channels if any(f.role is FieldRole.CODE for f in ch.fields))
    dest = spec.destination_field(channel.id)
    fields = {dest.name: dest.placeholder}
    for fld in channel.fields:
        if fld.generated:
            fields[fld.name] = fixed_value(fld)
    check = next(op for op in spec.operations if op.kind is OperationKind.CHECK)
    code_field = spec.code_field if spec.console_code else None
    return Lifecycle(provider, channel.id, fields, dest.name, code_field, check.id)


def spec_of(provider: str) -> ProviderSpec:
    return all_providers()[provider].spec


def wrong_code(right: str) -> str:
    """A code of the same length that is not ``right``."""
    return "".join("1" if c != "1" else "2" for c in right)
