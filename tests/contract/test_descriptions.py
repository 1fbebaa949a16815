"""Every registered provider's description is complete: what the core and both faces read instead of guessing."""

from __future__ import annotations

import pytest

from console.providers import all_providers
from console.providers.spec import LOCAL, CodeChecker, FieldKind, FieldRole, OperationKind
from console.providers.validation import destination_of, validate_fields
from console.simulators import all_simulators
from tests.contract.lifecycle import PROVIDERS, fixed_value, spec_of

CHANNEL_NAMES = {"sms", "call_code", "call_button", "email", "wait_call", "push_msg", "whatsapp", "voice"}


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_simulator_and_demo_credentials(provider: str) -> None:
    spec = spec_of(provider)
    assert provider in all_simulators(), f"{provider} has no simulator module"
    required = {f.name for f in spec.credentials if f.required}
    assert required <= set(spec.simulator_credentials), "the simulator's demo credentials cover what is required"
    assert all_providers()[provider].id == provider


@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_send_names_its_channel_and_destination(provider: str) -> None:
    spec = spec_of(provider)
    sends = [op for op in spec.operations if op.kind is OperationKind.SEND]
    assert sends, f"{provider} has no send"
    assert spec.channels
    for channel in spec.channels:
        assert channel.id in CHANNEL_NAMES, f"{channel.id!r} is not one of the channel names every provider shares"
        dest = spec.destination_field(channel.id)
        assert dest.kind in (FieldKind.PHONE, FieldKind.EMAIL)
        assert dest.required
        assert dest.placeholder, "the destination shows an example (the suite sends to it)"
        fields = spec.fields_for(sends[0].id, channel.id)
        given = {f.name: f.placeholder or fixed_value(f) for f in fields if f.required and not f.default}
        values = validate_fields(spec, sends[0].id, channel.id, given)  # and every default is a valid value
        destination = destination_of(spec, channel.id, values)
        if dest.kind is FieldKind.PHONE:
            assert destination.startswith("+"), "a phone destination is E.164 with +"
        else:
            assert "@" in destination


@pytest.mark.parametrize("provider", PROVIDERS)
def test_who_checks_codes_and_how(provider: str) -> None:
    spec = spec_of(provider)
    checks = [op for op in spec.operations if op.kind is OperationKind.CHECK]
    assert len(checks) == 1
    check = checks[0]
    code = [f for f in check.fields if f.role is FieldRole.CODE]
    assert len(code) == 1, "the check names the field the code goes in"
    assert spec.code_field is not None, "some send carries a code"
    if spec.code_checker is CodeChecker.CONSOLE:
        assert check.method == LOCAL
        for channel in spec.channels:
            for fld in channel.fields:
                if fld.role is FieldRole.CODE:
                    assert fld.generated, "the console makes the code when the field is empty"
    else:
        assert check.method != LOCAL
        assert any(f.role is FieldRole.REQUEST_ID for f in check.fields), "a provider check names the request id"


@pytest.mark.parametrize("provider", PROVIDERS)
def test_errors_environments_and_defaults(provider: str) -> None:
    spec = spec_of(provider)
    assert spec.errors, "the error table says what the provider's codes mean"
    assert all(e.meaning for e in spec.errors)
    assert any(env.live and env.base_url.startswith("https://") for env in spec.environments) or any(
        env.live for env in spec.environments
    )
    for op in spec.operations:
        for channel in spec.channels if op.kind is OperationKind.SEND else [None]:
            for fld in spec.fields_for(op.id, channel.id if channel else None):
                if fld.default and fld.kind is FieldKind.CHOICE and fld.choices:
                    assert fld.default in fld.choice_values(), f"{fld.name}'s default is one of its choices"
    for fld in spec.credentials:
        assert fld.env_name(provider).isupper()
