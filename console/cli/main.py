"""Subcommands: send, check, balance, run, simulate, phone, history, listen."""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import signal
import sys
import threading
import time
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

from console.cli.arguments import BadArguments, bad_arguments_line
from console.cli.output import (
    EXIT_BAD_INPUT,
    EXIT_CODES,
    EXIT_INTERNAL,
    EXIT_NETWORK,
    EXIT_OK,
    EXIT_REFUSED_BY_PROVIDER,
    emit,
    exchange_line,
    not_stored_line,
    result_line,
    unavailable_line,
)
from console.cli.pairs import key_values
from console.cli.parser import build_parser
from console.core import paths
from console.core.errors import InputError
from console.core.history import History
from console.core.history_file import HistoryError, integrity
from console.core.http import HttpSettings, make_client
from console.core.logstore import LogStore
from console.core.settings import DEFAULT_TIMEOUT_S, Settings, load_settings
from console.providers import all_providers, get_provider
from console.providers.spec import FieldRole, OperationKind
from console.service.console_service import ConsoleService
from console.service.history_upgrade import open_history
from console.service.operations import OperationRequest
from console.service.profiles import ProfileBook, open_profiles
from console.service.spend_guard import SpendGuard

_KIND_OF_COMMAND = {"send": OperationKind.SEND, "check": OperationKind.CHECK, "balance": OperationKind.BALANCE}


def _split_fields(args: argparse.Namespace, operation: str) -> dict[str, str]:
    """The request's fields: the flags', ``--to`` in the channel's destination field, then ``--field`` pairs.

    Raises:
        BadArguments: ``--to`` (or another spelling of it) for an operation that has no destination.
    """
    fields = {k[2:]: v for k, v in vars(args).items() if k.startswith("f_") and v is not None}
    destination = getattr(args, "destination", None)
    if destination is not None:
        spec = get_provider(args.provider).spec
        fld = spec.field_with_role(operation, getattr(args, "channel", None), FieldRole.DESTINATION)
        if fld is None:
            raise BadArguments(f"{spec.label}'s {operation} has no destination: leave out --to")
        fields[fld.name] = destination
    return fields | key_values(args.field, "--field")


def _operation_id(args: argparse.Namespace) -> str:
    spec = get_provider(args.provider).spec
    if args.command == "run":
        return str(args.operation)
    kind = _KIND_OF_COMMAND[args.command]
    for op in spec.operations:
        if op.kind is kind:
            return op.id
    raise ValueError(f"{spec.label} has no {args.command} call")


async def _profile_and_target(args: argparse.Namespace) -> tuple[ProfileBook | None, str, str | None]:
    """The profile book (only when --profile is given: opening it may block) and where to send."""
    from console.service.profiles import choose_target

    if not args.profile:
        return (None, *choose_target(None, args.env, args.base_url))
    book = await asyncio.to_thread(open_profiles, all_providers())
    profile = await asyncio.to_thread(book.get, args.profile, args.provider)
    return (book, *choose_target(profile, args.env, args.base_url))


async def _settings() -> Settings:
    """The GUI's settings, which one-shot commands follow too (an unreadable config folder: the defaults)."""
    try:
        return await asyncio.to_thread(load_settings)
    except OSError:
        return Settings()


def _http_settings(args: argparse.Namespace, settings: Settings) -> HttpSettings:
    """The client options of a one-shot command: its deadline from ``--timeout``, else the GUI's setting, else 30 s."""
    timeout: float | None = args.timeout
    if timeout is None:
        stored = settings.timeout_s
        usable = isinstance(stored, (int, float)) and not isinstance(stored, bool) and 0 < stored < math.inf
        timeout = float(stored) if usable else DEFAULT_TIMEOUT_S
    return HttpSettings(timeout_s=timeout)


async def _one_shot(args: argparse.Namespace) -> int:
    try:
        operation = _operation_id(args)
        fields = _split_fields(args, operation)
        profiles, env, base_url = await _profile_and_target(args)
    except BadArguments as exc:
        emit({"provider": args.provider, **bad_arguments_line(str(exc), exc.hint)})
        return EXIT_BAD_INPUT
    except (ValueError, InputError) as exc:
        emit({"provider": args.provider, "ok": False, "outcome": "refused", "message": str(exc)})
        return EXIT_BAD_INPUT
    request = OperationRequest(
        provider=args.provider,
        operation=operation,
        channel=getattr(args, "channel", None),
        fields=fields,
        credentials={k[2:]: v for k, v in vars(args).items() if k.startswith("c_") and v},
        env=env,
        base_url=base_url,
        profile=args.profile,
        verification_id=getattr(args, "verification", None),
        code_length=getattr(args, "code_length", None),
        code_ttl_s=getattr(args, "code_ttl", None),
        max_attempts=getattr(args, "max_attempts", None),
    )
    async with AsyncExitStack() as stack:
        history = await asyncio.to_thread(open_history, paths.history_path(), all_providers())
        stack.callback(history.close)
        simulator_url = None
        if env == "simulator" and not base_url:
            from console.simulators._records import Fault
            from console.simulators.host import SimulatorHost

            host = SimulatorHost(providers=[args.provider])
            await asyncio.to_thread(host.start)
            stack.callback(host.stop)
            if args.sim_fault:
                host.set_fault(args.provider, Fault(args.sim_fault), count=1)
            simulator_url = host.base_url
        settings = await _settings()
        http_settings = _http_settings(args, settings)
        client = await stack.enter_async_context(make_client(http_settings))
        guard = SpendGuard(
            tuple(getattr(args, "allow_number", ())), getattr(args, "cooldown", 0.0), getattr(args, "daily_cap", 0)
        )
        service = ConsoleService(
            client,
            LogStore(1000),
            history,
            simulator_url,
            providers=all_providers(),
            dotenv_path=Path(args.dotenv) if args.dotenv else None,
            guard=guard,
            profiles=profiles,
            settings=http_settings,
            mask_codes_in_history=settings.history_masks_codes,
        )
        result = await service.run(request)
        problem = await asyncio.to_thread(_stored, history)
    if problem:  # a report without a record is a defect: say it was not stored, and whether it went out
        emit(not_stored_line(result_line(result), problem))
        return EXIT_INTERNAL
    emit(result_line(result))
    return EXIT_CODES[result.exchange.outcome]


def _stored(history: History) -> str:
    """Wait until history holds what was queued: "" when it does, else why not. Its notices go to stderr."""
    try:
        history.flush()
    except HistoryError as exc:
        return str(exc)
    finally:
        for notice in history.notices:
            print(f"warning: {notice}", file=sys.stderr)
    return ""


def _simulate(args: argparse.Namespace) -> int:
    from console.simulators.host import SimulatorHost

    if args.host not in {"127.0.0.1", "localhost", "::1"}:
        print(f"warning: the simulators will accept connections on {args.host}", file=sys.stderr)
    host = SimulatorHost(host=args.host, port=args.port)
    host.start()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    host.on_phone_message(lambda msg: emit({"event": "phone", **msg.to_dict()}))
    try:
        for pid in host.provider_ids():
            emit(
                {
                    "event": "simulator",
                    "provider": pid,
                    "base_url": host.base_url(pid),
                    "credentials": host.credentials(pid),
                }
            )
        emit({"event": "ready", "url": host.url, "state_dir": str(paths.simulator_dir())})
        stop.wait()
    finally:
        host.stop()
    return EXIT_OK


def _phone(args: argparse.Namespace) -> int:
    from console.simulators.host import clear_phone_messages, read_phone_messages

    if args.clear and args.act:
        emit(bad_arguments_line("--clear and --act cannot be used together", "clear the phone, or act on a message"))
        return EXIT_BAD_INPUT
    if args.clear:
        removed = clear_phone_messages(paths.simulator_dir(), args.provider) or {args.provider: 0}
        for pid, count in removed.items():  # one line per provider with a stored phone (none stored: one line)
            emit({"event": "cleared", "provider": pid, "removed": count})
        return EXIT_OK
    if args.act:
        return _phone_act(args)
    messages = read_phone_messages(paths.simulator_dir(), args.provider)
    for msg in messages[-args.limit :]:
        emit(msg.to_dict())
    return EXIT_OK


def _phone_act(args: argparse.Namespace) -> int:
    """Act on a virtual-phone message with the simulators started in this process; print each callback sent."""
    from console.simulators._records import SimulatorError
    from console.simulators.host import SimulatorHost

    message_id, action = args.act
    host = SimulatorHost(port=0)
    host.start()
    try:
        pid = args.provider or next(
            (m.provider for m in host.phone_messages() if m.id == message_id), host.provider_ids()[0]
        )
        host.set_callback_url(f"{args.listener.rstrip('/')}/hooks" if args.listener else None)
        host.set_callback_fault(pid, args.callback_fault, late_seconds=1.0)
        deliveries = host.phone_action(pid, message_id, action).result(timeout=60)
    except SimulatorError as exc:
        emit({"event": "error", "message": str(exc)})
        return EXIT_BAD_INPUT
    finally:
        host.stop()
    for delivery in deliveries:
        emit({"event": "callback", "provider": pid, **delivery.to_dict()})
    delivered = all(d.status is not None and d.status < 300 for d in deliveries)
    return EXIT_OK if delivered else EXIT_NETWORK


def _history(args: argparse.Namespace) -> int:
    if args.check:  # SQLite's own integrity check, the file left as it is
        path = paths.history_path()
        problems = [p for p in integrity(path) if p != "ok"] if path.exists() else []
        emit({"path": str(path), "exists": path.exists(), "ok": not problems, "problems": problems})
        return EXIT_OK if not problems else EXIT_REFUSED_BY_PROVIDER
    history = open_history(paths.history_path(), all_providers())
    for notice in history.notices:
        print(f"warning: {notice}", file=sys.stderr)
    try:
        if args.size:
            emit({"path": str(history.path), "bytes": history.size_bytes(), "exchanges": history.count_exchanges()})
            return EXIT_OK
        if args.prune_older_than is not None:
            before = time.time() - args.prune_older_than * 86_400
            removed = history.prune(before, args.provider)
            emit({"pruned": removed, "provider": args.provider, "bytes": history.size_bytes()})
            return EXIT_OK
        if args.search:
            for ex in history.search(args.search, args.limit, args.provider):
                emit(exchange_line(ex))
            return EXIT_OK
        if args.count:
            if args.kind == "verification":
                count = len(history.recent_verifications(10**9, args.provider))
            else:
                operation = "webhook" if args.kind == "webhook" else None
                count = history.count_exchanges(args.provider, operation)
            emit({"kind": args.kind, "count": count})
            return EXIT_OK
        rows: list[dict[str, Any]]
        if args.kind == "verification":
            rows = [v.to_dict() for v in reversed(history.recent_verifications(args.limit, args.provider))]
        elif args.kind == "webhook":
            from console.cli.listen import request_line

            rows = [request_line(ex) for ex in history.recent_exchanges(args.limit, args.provider, "webhook")]
        else:
            rows = [exchange_line(ex) for ex in history.recent_exchanges(args.limit, args.provider)]
        for row in rows:
            emit(row)
    finally:
        history.close()
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Run a subcommand and return its exit code; a failure is one JSON line (exit 4), never a traceback."""
    parser = build_parser(sys.argv[1:] if argv is None else argv)  # only what the command typed needs
    args = parser.parse_args(argv)
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    sends = args.command in {"send", "check", "balance", "run", "scenario"}
    try:
        return _dispatch(parser, args)
    except HistoryError as exc:
        emit(unavailable_line("history_unavailable", str(exc), sends))
    except OSError as exc:  # the state folders themselves: a read-only home, a full disk…
        where = exc.filename or "the console's state folder"
        message = f"{where}: {exc.strerror or exc}. Make it writable, or set OTP_CONSOLE_HOME to a writable folder."
        emit(unavailable_line("storage_unavailable", message, sends))
    return EXIT_INTERNAL


def _dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """Run the chosen subcommand."""
    if args.command in {"send", "check", "balance", "run"}:
        return asyncio.run(_one_shot(args))
    if args.command == "simulate":
        return _simulate(args)
    if args.command == "phone":
        return _phone(args)
    if args.command == "history":
        return _history(args)
    if args.command == "debug":
        from console.cli.debug_cmd import run_debug

        return run_debug(args)
    if args.command == "export":
        from console.cli.export_cmd import run_export

        return run_export(args)
    if args.command == "profile":
        from console.cli.profile_cmd import run_profile

        return run_profile(args)
    if args.command == "listen":
        from console.cli.listen import run_listen

        return run_listen(args)
    if args.command == "scenario":
        from console.cli.scenario_cmd import run_scenario_command

        return run_scenario_command(args)
    parser.print_help()
    return EXIT_BAD_INPUT
