"""The command line's promises to scripts, for every provider in the registry: --to, kebab-case, bad arguments.

Everything is derived from the provider descriptions, so a new provider is covered without editing this file.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from console.cli.arguments import kebab
from console.cli.parser import build_parser
from console.providers import all_providers
from console.providers.spec import Channel, FieldKind, FieldRole, FieldSpec, OperationKind, ProviderSpec
from tests.end2end.cli.test_cli import cli

SPECS = [provider.spec for provider in all_providers().values()]
BAD_ARGUMENTS_KEYS = {"ok", "outcome", "error_code", "message", "hint"}
E164 = re.compile(r"\+[1-9]\d{6,14}")


def _ids(spec: ProviderSpec) -> str:
    return spec.id


def _phone_channel(spec: ProviderSpec) -> tuple[Channel, str]:
    """A channel whose destination is a phone number, and a valid number for it (its description's example)."""
    for channel in spec.channels:
        fld = spec.destination_field(channel.id)
        if fld.kind is FieldKind.PHONE and fld.placeholder:
            return channel, fld.placeholder
    raise AssertionError(f"{spec.id}: no channel with a phone destination that has an example (placeholder)")


def _senders() -> list[ProviderSpec]:
    return [spec for spec in SPECS if any(op.kind is OperationKind.SEND for op in spec.operations)]


def _own_destination_names() -> list[tuple[ProviderSpec, str]]:
    """(provider, flag) for the provider's own name of its destination field and each alias, in both spellings."""
    found: list[tuple[ProviderSpec, str]] = []
    for spec in _senders():
        channel, _ = _phone_channel(spec)
        fld = spec.destination_field(channel.id)
        for name in (fld.name, *fld.aliases):
            for flag in dict.fromkeys((f"--{kebab(name)}", f"--{name}")):
                if flag != "--to":
                    found.append((spec, flag))
    return found


def _request_fields(spec: ProviderSpec, kind: OperationKind) -> list[FieldSpec]:
    """The fields the ``send`` or ``check`` command offers as flags (the destination has --to instead)."""
    fields: dict[str, FieldSpec] = {}
    for op in spec.operations:
        if op.kind is not kind:
            continue
        more = [f for ch in spec.channels for f in ch.fields] if kind is OperationKind.SEND else []
        for fld in (*op.fields, *more):
            if fld.role is not FieldRole.DESTINATION:
                fields.setdefault(fld.name, fld)
    return list(fields.values())


def _assert_bad_arguments(code: int, lines: list[dict[str, object]], err: str, hint: str | None) -> None:
    assert code == 2, err
    assert len(lines) == 1, lines
    line = lines[0]
    assert set(line) <= BAD_ARGUMENTS_KEYS, line
    assert (line["ok"], line["outcome"], line["error_code"]) == (False, "refused", "bad_arguments")
    assert isinstance(line["message"], str)
    assert line["message"]
    assert line.get("hint") == hint
    assert err.startswith("usage: otp-console"), err
    assert line["message"] in err


@pytest.mark.parametrize("spec", _senders(), ids=_ids)
def test_send_to_an_example_number_succeeds(spec: ProviderSpec) -> None:
    channel, number = _phone_channel(spec)
    code, lines, err = cli("send", spec.id, "--channel", channel.id, "--to", number)
    assert code == 0, err
    line = lines[-1]
    assert line["ok"] is True
    assert E164.fullmatch(line["destination"]), line["destination"]
    assert isinstance(line["channel"], str)
    assert line["channel"] == channel.id


@pytest.mark.parametrize(("spec", "flag"), _own_destination_names(), ids=lambda v: v if isinstance(v, str) else v.id)
def test_the_providers_own_destination_name_works_too(spec: ProviderSpec, flag: str) -> None:
    channel, number = _phone_channel(spec)
    code, lines, err = cli("send", spec.id, "--channel", channel.id, flag, number)
    assert code == 0, err
    assert E164.fullmatch(lines[-1]["destination"])


def test_hamkaran_dest_and_vbee_phone_number_are_among_them() -> None:
    flags = {(spec.id, flag) for spec, flag in _own_destination_names()}
    assert flags >= {("hamkaran", "--dest"), ("vbee", "--phone-number"), ("vbee", "--phone_number")}


@pytest.mark.parametrize("spec", _senders(), ids=_ids)
def test_run_sends_to_the_destination_and_refuses_it_where_there_is_none(spec: ProviderSpec) -> None:
    channel, number = _phone_channel(spec)
    send = next(op for op in spec.operations if op.kind is OperationKind.SEND)
    code, lines, err = cli("run", spec.id, send.id, "--channel", channel.id, "--to", number)
    assert code == 0, err
    assert E164.fullmatch(lines[-1]["destination"])

    other = next(op for op in spec.operations if spec.field_with_role(op.id, None, FieldRole.DESTINATION) is None)
    code, lines, err = cli("run", spec.id, other.id, "--to", number)
    assert code == 2, err
    assert (lines[-1]["error_code"], lines[-1]["outcome"]) == ("bad_arguments", "refused")
    assert "--to" in lines[-1]["message"]


@pytest.mark.parametrize("spec", [s for s in SPECS if s.credentials], ids=_ids)
def test_kebab_case_credential_flags(spec: ProviderSpec) -> None:
    args = ["balance", spec.id]
    for fld in spec.credentials:
        args += [f"--{kebab(fld.name)}", "wrong"]
    code, lines, err = cli(*args)
    assert code == 1, err
    line = lines[-1]
    assert line["credential_sources"] == dict.fromkeys((f.name for f in spec.credentials), "flag")
    assert line["error_code"] in {e.code for e in spec.errors}


def test_balance_ycloud_api_key_wrong_exits_1_with_ycloud_s_code() -> None:
    code, lines, err = cli("balance", "ycloud", "--api-key", "wrong")
    assert code == 1, err
    assert lines[-1]["error_code"] == "UNAUTHORIZED"


@pytest.mark.parametrize("spec", SPECS, ids=_ids)
def test_every_field_and_credential_takes_kebab_case_and_its_own_name(spec: ProviderSpec) -> None:
    parser = build_parser()
    for command, kind in (("send", OperationKind.SEND), ("check", OperationKind.CHECK)):
        for fld in _request_fields(spec, kind):
            for flag in (f"--{kebab(fld.name)}", f"--{fld.name}"):
                args = parser.parse_args([command, spec.id, flag, "v"])
                assert getattr(args, f"f_{fld.name}") == "v", (command, flag)
    for fld in spec.credentials:
        for flag in (f"--{kebab(fld.name)}", f"--{fld.name}"):
            args = parser.parse_args(["balance", spec.id, flag, "v"])
            assert getattr(args, f"c_{fld.name}") == "v", flag


@pytest.mark.parametrize("spec", _senders(), ids=_ids)
def test_code_answers_to_the_code_field(spec: ProviderSpec) -> None:
    name = spec.code_field
    if name is None:
        pytest.skip(f"{spec.id}'s sends carry no code")
    args = build_parser().parse_args(["send", spec.id, "--code", "1234"])
    assert getattr(args, f"f_{name}") == "1234"


def _help(*args: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "console", *args, "--help"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: otp-console"), proc.stdout
    return proc.stdout.partition("\noptions:")[2]  # the options, after the usage


def _where(flag: str, text: str) -> int:
    found = re.search(rf"{re.escape(flag)}[ ,\n]", text)
    assert found, f"{flag} is not in the help"
    return found.start()


@pytest.mark.parametrize("spec", SPECS, ids=_ids)
def test_help_shows_the_kebab_case_spelling_first(spec: ProviderSpec) -> None:
    for command, kind, fields in (
        ("send", OperationKind.SEND, _request_fields(spec, OperationKind.SEND)),
        ("balance", OperationKind.BALANCE, list(spec.credentials)),
    ):
        if not any(op.kind is kind for op in spec.operations):
            continue
        text = _help(command, spec.id)
        for fld in fields:
            if kebab(fld.name) != fld.name:
                assert _where(f"--{kebab(fld.name)}", text) < _where(f"--{fld.name}", text), (command, fld.name)


def test_help_and_version_exit_0_with_text_on_stdout() -> None:
    proc = subprocess.run([sys.executable, "-m", "console", "--version"], capture_output=True, text=True, check=False)
    assert (proc.returncode, proc.stdout.split()[0]) == (0, "otp-console")
    text = _help("send", "ycloud")
    assert _where("--external-id", text) < _where("--externalId", text)
    assert _where("--to", text) < _where("--code", text)


@pytest.mark.parametrize("spec", _senders(), ids=_ids)
def test_an_abbreviated_flag_is_refused(spec: ProviderSpec) -> None:
    channel, number = _phone_channel(spec)
    code, lines, err = cli("send", spec.id, "--channel", channel.id, "--to", number, "--sim-fau", "none")
    _assert_bad_arguments(code, lines, err, "--sim-fault")


def test_vbee_phone_number_is_the_destination_not_phone_number_field() -> None:
    args = build_parser().parse_args(["send", "vbee", "--phone_number", "0912345678"])
    assert (args.destination, args.f_phone_number_field) == ("0912345678", None)
    code, lines, err = cli("send", "vbee", "--to", "0912345678", "--phone-number-f", "phone")
    _assert_bad_arguments(code, lines, err, "--phone-number-field")


@pytest.mark.parametrize("spec", SPECS, ids=_ids)
def test_an_unknown_provider_is_refused_with_the_closest_one(spec: ProviderSpec) -> None:
    code, lines, err = cli("send", spec.id + "x")
    _assert_bad_arguments(code, lines, err, spec.id)


@pytest.mark.parametrize("spec", _senders(), ids=_ids)
def test_an_unknown_flag_is_refused_with_the_closest_one(spec: ProviderSpec) -> None:
    channel, number = _phone_channel(spec)
    code, lines, err = cli("send", spec.id, "--to", number, "--chanel", channel.id)
    _assert_bad_arguments(code, lines, err, "--channel")
    assert f"usage: otp-console send {spec.id}" in err


@pytest.mark.parametrize("spec", _senders(), ids=_ids)
def test_an_unknown_channel_is_refused_with_the_closest_one(spec: ProviderSpec) -> None:
    channel, number = _phone_channel(spec)
    code, lines, err = cli("send", spec.id, "--to", number, "--channel", channel.id[:-1])
    _assert_bad_arguments(code, lines, err, channel.id)


def test_ssms_push_hints_push_msg_and_zadarmaa_hints_zadarma() -> None:
    code, lines, err = cli("send", "ssms", "--channel", "push")
    _assert_bad_arguments(code, lines, err, "push_msg")
    code, lines, err = cli("send", "zadarmaa")
    _assert_bad_arguments(code, lines, err, "zadarma")


@pytest.mark.parametrize(
    "args",
    [
        ("send", "zadarma", "--to"),  # a missing value
        ("send",),  # a missing provider
        ("send", "zadarma", "--to", "+442037691880", "--cooldown", "soon"),  # a bad number
        ("history", "--kind", "everything"),  # an invalid choice with no close one
        ("frobnicate",),  # an unknown command
    ],
)
def test_other_bad_arguments_give_one_json_line_and_exit_2(args: tuple[str, ...]) -> None:
    code, lines, err = cli(*args)
    assert code == 2, err
    assert len(lines) == 1
    assert lines[0]["error_code"] == "bad_arguments"
    assert set(lines[0]) <= BAD_ARGUMENTS_KEYS
    assert err.startswith("usage: otp-console")
