"""The argparse tree, generated from the provider descriptions: one sub-parser per provider per command."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from console.cli.arguments import ConsoleArgumentParser, flags, kebab
from console.cli.commands import COMMANDS, EPILOG, top_parser
from console.providers import all_providers
from console.providers.spec import FieldRole, FieldSpec, Operation, OperationKind, ProviderSpec
from console.simulators._records import CallbackFault

DESTINATION_FLAG = "to"  # --to names the destination for every provider, whatever its own field is called


def _metavar(name: str) -> str:
    return kebab(name).replace("-", "_").upper()


def _free(p: argparse.ArgumentParser, option_strings: list[str]) -> list[str]:
    """The option strings no earlier argument of ``p`` has taken (a field never shadows another flag)."""
    return [s for s in option_strings if s not in p._option_string_actions]


def _field_help(fld: FieldSpec, where: str = "") -> str:
    parts = [fld.label]
    if fld.help:
        parts.append(fld.help.rstrip("."))
    if fld.choices:
        parts.append("one of: " + ", ".join(v for v in fld.choice_values() if v))
    if where:
        parts.append(where)
    return ". ".join(parts).replace("%", "%%")


def seconds(text: str) -> float:
    """A ``--timeout`` value: a number of seconds above 0."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (0 < value < math.inf):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0")
    return value


def _add_common(p: argparse.ArgumentParser, spec: ProviderSpec) -> None:
    envs = [env.id for env in spec.all_environments()] + ["custom"]
    p.add_argument(
        "--env",
        choices=envs,
        help="where to send: the built-in simulator (default), the provider's own API (the consent to real sends),"
        " or custom (--base-url)",
    )
    p.add_argument("--base-url", help="replace the provider's documented base URL (version prefix included)")
    p.add_argument(
        "--profile",
        metavar="NAME",
        help="a saved profile's credentials (below flags, environment variables and .env); "
        "outside the simulator, --env must name the profile's environment",
    )
    p.add_argument(
        "--field",
        action="append",
        default=[],
        metavar="K=V",
        help="any field of the provider's description, by the provider's own parameter name",
    )
    p.add_argument("--dotenv", default=".env", help="the .env file to read credentials from (default: ./.env)")
    p.add_argument(
        "--timeout",
        type=seconds,
        metavar="SECONDS",
        help="the deadline of the whole request, connect to last byte (default: the GUI's timeout setting, else 30)",
    )
    p.add_argument(
        "--sim-fault",
        choices=["none", "delay", "html500", "malformed_json", "drop", "timeout", "rate_limit"],
        help="simulator only: make it misbehave for this request",
    )
    creds = p.add_argument_group("credentials (flags, then environment variables, then .env, then --profile)")
    for fld in spec.credentials:
        creds.add_argument(
            *flags(fld.name),
            dest=f"c_{fld.name}",
            metavar=_metavar(fld.name),
            help=f"{fld.label} (or ${fld.env_name(spec.id)})",
        )


def _fields_of(spec: ProviderSpec, op: Operation) -> list[tuple[FieldSpec, str]]:
    """An operation's fields, then a send's channel fields; each with its channel id ("" for the operation's own)."""
    found = [(fld, "") for fld in op.fields]
    if op.kind is OperationKind.SEND:
        found += [(fld, ch.id) for ch in spec.channels for fld in ch.fields]
    return found


def _add_destination(p: argparse.ArgumentParser, spec: ProviderSpec, ops: list[Operation], where: str = "") -> None:
    """``--to``, the provider's own names of its destination fields and their aliases, all as one argument.

    Which field it sets is decided once the channel is known (``spec.field_with_role``), so it fits every channel.
    """
    fields: dict[str, FieldSpec] = {}
    for op in ops:
        for fld, _ in _fields_of(spec, op):
            if fld.role is FieldRole.DESTINATION:
                fields.setdefault(fld.name, fld)
    if not fields:
        return
    names = [DESTINATION_FLAG] + [name for fld in fields.values() for name in (fld.name, *fld.aliases)]
    first = next(iter(fields.values()))
    own = ", ".join(fields)
    text = f"{first.label}: who receives the code (sets the provider's {own} field)"
    if first.help:
        text += ". " + first.help.rstrip(".")
    if where:
        text += ". " + where
    p.add_argument_group("destination").add_argument(
        *_free(p, flags(*names)), dest="destination", metavar="TO", help=text.replace("%", "%%")
    )


def _add_fields(p: argparse.ArgumentParser, spec: ProviderSpec, op_kind: OperationKind) -> None:
    ops = [op for op in spec.operations if op.kind is op_kind]
    _add_destination(p, spec, ops)
    group = p.add_argument_group("fields")
    per_channel: dict[str, list[str]] = {}
    fields: dict[str, FieldSpec] = {}
    for op in ops:
        for fld, channel in _fields_of(spec, op):
            if fld.role is FieldRole.DESTINATION:
                continue  # --to and its spellings, above
            fields.setdefault(fld.name, fld)
            if channel:
                per_channel.setdefault(fld.name, []).append(channel)
    for fld in fields.values():
        names = [fld.name, *fld.aliases]
        if fld.role is FieldRole.CODE or fld.name == spec.code_field:
            names.append("code")  # every provider's code field answers to --code too
        option_strings = _free(p, flags(*names))
        if not option_strings:
            continue  # its every spelling belongs to another flag; --field still reaches it
        where = f"channels: {', '.join(per_channel[fld.name])}" if fld.name in per_channel else ""
        group.add_argument(
            *option_strings, dest=f"f_{fld.name}", metavar=_metavar(fld.name), help=_field_help(fld, where)
        )


def _chosen(argv: Sequence[str] | None) -> tuple[str | None, str | None]:
    """The command and the word after it (a provider, for most), as typed; (None, None) to build everything."""
    if argv is None:
        return None, None
    words = [word for word in argv if not word.startswith("-")]
    return (words[0] if words else "", words[1] if len(words) > 1 else None)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole parser; given the arguments, only the command typed gets its flags (and only its provider's).

    Every other command and provider is still there, with its help, but empty: building every provider's flags
    for every command costs more than a call to a running simulator.
    """
    parser, sub = top_parser(ConsoleArgumentParser)
    providers = all_providers()
    command_typed, provider_typed = _chosen(argv)

    def wanted(command: str, provider: str | None = None) -> bool:
        if command_typed is None:
            return True
        if command != command_typed:
            return False
        return (
            provider is None or provider_typed is None or provider_typed not in providers or provider == provider_typed
        )

    def empty(command: str) -> None:
        sub.add_parser(command, help=COMMANDS[command])

    for command, kind in (
        ("send", OperationKind.SEND),
        ("check", OperationKind.CHECK),
        ("balance", OperationKind.BALANCE),
    ):
        text = COMMANDS[command]
        cmd = sub.add_parser(
            command, help=text, description=text, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
        )
        psub = cmd.add_subparsers(dest="provider", metavar="PROVIDER", required=True)
        for pid, provider in providers.items():
            spec = provider.spec
            p = psub.add_parser(pid, help=spec.summary, description=f"{spec.label}: {spec.summary}")
            if not wanted(command, pid):
                continue
            if kind is OperationKind.SEND and spec.channels:
                p.add_argument(
                    "--channel",
                    choices=spec.channel_ids(),
                    default=spec.channels[0].id,
                    help="the way the code travels (default: %(default)s)",
                )
            if kind is OperationKind.CHECK:
                p.add_argument("--verification", help="the console's verification id to check against")
            if kind is OperationKind.SEND:
                guard = p.add_argument_group("spend guard for real sends (each off unless given)")
                guard.add_argument(
                    "--allow-number",
                    action="append",
                    default=[],
                    metavar="NUMBER",
                    help="only these numbers may receive real sends (repeat)",
                )
                guard.add_argument(
                    "--cooldown",
                    type=float,
                    default=0.0,
                    metavar="S",
                    help="seconds before the same number may get another real send",
                )
                guard.add_argument(
                    "--daily-cap", type=int, default=0, metavar="N", help="real sends per provider per day"
                )
            if kind is OperationKind.SEND and spec.console_code:
                local = p.add_argument_group("the code the console generates and checks")
                local.add_argument(
                    "--code-length",
                    type=int,
                    choices=range(4, 9),
                    metavar="4-8",
                    help=f"digits (default {spec.code_length})",
                )
                local.add_argument(
                    "--code-ttl", type=float, metavar="S", help=f"seconds the code is valid (default {spec.code_ttl_s})"
                )
                local.add_argument("--max-attempts", type=int, metavar="N", help="wrong codes allowed (default 5)")
            _add_fields(p, spec, kind)
            _add_common(p, spec)

    run = sub.add_parser("run", help=COMMANDS["run"])
    rsub = run.add_subparsers(dest="provider", metavar="PROVIDER", required=True)
    for pid, provider in providers.items():
        p = rsub.add_parser(pid, help=provider.spec.summary)
        if not wanted("run", pid):
            continue
        p.add_argument("operation", choices=provider.spec.operation_ids())
        p.add_argument("--channel", choices=provider.spec.channel_ids() or None)
        _add_destination(p, provider.spec, list(provider.spec.operations), "for the operations that send")
        _add_common(p, provider.spec)

    _add_tools(sub, providers, wanted, empty)
    return parser


def _add_tools(
    sub: Any, providers: Mapping[str, Any], wanted: Callable[[str], bool], empty: Callable[[str], None]
) -> None:
    """The commands that are not one provider's operation (only the one typed gets its flags)."""
    adders: tuple[tuple[str, Callable[[], None]], ...] = (
        ("simulate", lambda: _add_simulate(sub)),
        ("phone", lambda: _add_phone(sub, providers)),
        ("listen", lambda: _tool("listen").add_listen_parser(sub)),
        ("export", lambda: _tool("export_cmd").add_export_parser(sub, list(providers))),
        ("debug", lambda: _tool("debug_cmd").add_debug_parser(sub)),
        ("profile", lambda: _tool("profile_cmd").add_profile_parser(sub, providers)),
        ("history", lambda: _add_history(sub, providers)),
        ("scenario", lambda: _tool("scenario_cmd").add_scenario_parser(sub)),
    )
    for command, add in adders:
        if wanted(command):
            add()
        else:
            empty(command)


def _tool(module: str) -> Any:
    """A command's own module (``console.cli.listen``…), imported only when that command is typed."""
    import importlib

    return importlib.import_module(f"console.cli.{module}")


def _add_simulate(sub: Any) -> None:
    sim = sub.add_parser("simulate", help=COMMANDS["simulate"])
    sim.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    sim.add_argument("--host", default="127.0.0.1", help="address to bind (default: %(default)s)")


def _add_phone(sub: Any, providers: Mapping[str, Any]) -> None:
    phone = sub.add_parser("phone", help=COMMANDS["phone"])
    phone.add_argument("--provider", choices=list(providers))
    phone.add_argument("--limit", type=int, default=20)
    phone.add_argument(
        "--act",
        nargs=2,
        metavar=("MESSAGE_ID", "ACTION"),
        help="do something with a message (press_1, dial…: see its actions) and send the provider's callbacks",
    )
    phone.add_argument("--listener", metavar="URL", help="the listener's URL the callbacks go to (with --act)")
    phone.add_argument(
        "--clear",
        action="store_true",
        help="delete the messages on the virtual phone (of --provider only, when given); running simulators and "
        "the GUI see it too",
    )
    phone.add_argument(
        "--callback-fault",
        choices=[f.value for f in CallbackFault],
        default="none",
        help="misdeliver the callbacks (with --act): twice, out_of_order, late, bad_signature",
    )


def _add_history(sub: Any, providers: Mapping[str, Any]) -> None:
    hist = sub.add_parser("history", help=COMMANDS["history"])
    hist.add_argument("--limit", type=int, default=50)
    hist.add_argument("--provider", choices=list(providers))
    hist.add_argument(
        "--kind",
        choices=["exchange", "webhook", "verification"],
        default="exchange",
        help="exchange: every row; webhook: the callbacks the listener received; verification",
    )
    hist.add_argument("--count", action="store_true", help="print only how many are stored")
    hist.add_argument("--search", metavar="TEXT", help="exchanges mentioning TEXT: a number, request id, error code…")
    hist.add_argument("--size", action="store_true", help="print the size of history on disk")
    hist.add_argument(
        "--check", action="store_true", help="run SQLite's integrity check on history (the file is left as it is)"
    )
    hist.add_argument(
        "--prune-older-than", type=float, metavar="DAYS", help="delete what is older than DAYS (with --provider: its)"
    )
