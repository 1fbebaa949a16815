"""``otp-console listen``: the webhook listener in the foreground, one JSON line per request on stdout."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.cli.commands import COMMANDS
from console.cli.line_writer import LineWriter

if TYPE_CHECKING:  # what a run needs loads with the run: every other command's parser stays light
    from console.core.models import Exchange
    from console.listener.handling import RouteReply
    from console.listener.server import WebhookListener
from console.cli.output import EXIT_BAD_INPUT, EXIT_OK, emit
from console.core import paths
from console.core.settings import DEFAULT_IDLE_TIMEOUT_S, DEFAULT_LISTENER_PORT
from console.listener.secrets import SavedSecrets, flag_name, resolve_webhook_secrets
from console.providers import all_providers, webhook_rules


def add_listen_parser(sub: Any) -> None:
    """The ``listen`` subcommand and its flags (one per webhook secret, e.g. ``--zadarma-secret``)."""
    listen = sub.add_parser(
        "listen",
        help=COMMANDS["listen"],
        description="Run the webhook listener in the foreground. Routes: /hooks/<provider> and a catch-all.",
    )
    listen.add_argument(
        "--port",
        type=int,
        default=None,
        help=f"port to listen on, exactly (taken: exit 2); 0: any free port (default: {DEFAULT_LISTENER_PORT}, "
        "or the next free port when it is taken, said in a port_moved line)",
    )
    listen.add_argument("--host", default="127.0.0.1", help="address to bind (default: %(default)s, loopback only)")
    listen.add_argument("--forward-to", metavar="URL", help="pass each callback on to URL and record its answer")
    listen.add_argument("--public-url", metavar="URL", help="the URL a tunnel exposes (shown in the paste URLs)")
    listen.add_argument(
        "--idle-timeout",
        type=float,
        default=DEFAULT_IDLE_TIMEOUT_S,
        metavar="SECONDS",
        help="close a connection idle between requests, a request head unfinished or a body stalled for SECONDS "
        "(default: %(default)g; 0: never)",
    )
    listen.add_argument(
        "--reply",
        action="append",
        default=[],
        metavar="ROUTE=STATUS[:DELAY_S[:BODY]]",
        help="answer a route (a provider id, or * for all) with this status, after a delay, with a body",
    )
    listen.add_argument("--dotenv", type=Path, default=Path(".env"), help="the .env file to read secrets from")
    listen.add_argument("--no-simulator-secrets", action="store_true", help="do not accept the simulators' secrets")
    listen.add_argument(
        "--profile",
        action="append",
        default=[],
        metavar="NAME",
        help="also verify with a saved profile's secrets (repeat); the encrypted file needs $OTP_CONSOLE_PASSPHRASE",
    )
    for rule in webhook_rules().values():
        for fld in rule.secrets:
            listen.add_argument(
                f"--{flag_name(rule, fld.name).replace('_', '-')}",
                dest=f"secret_{flag_name(rule, fld.name)}",
                metavar="VALUE",
                help=f"{rule.provider} {fld.label} (else ${fld.env_var} or .env)",
            )


def parse_reply(text: str) -> tuple[str, RouteReply]:
    """``zadarma=503:2.5:busy`` -> ("zadarma", RouteReply(503, 2.5, "busy"))."""
    from console.listener.handling import RouteReply

    route, sep, spec = text.partition("=")
    if not sep or not route:
        raise ValueError(f"--reply takes ROUTE=STATUS[:DELAY_S[:BODY]], got {text!r}")
    status, _, rest = spec.partition(":")
    delay, _, body = rest.partition(":")
    try:
        reply = RouteReply(int(status), float(delay or 0), body)
    except ValueError:
        raise ValueError(f"--reply takes ROUTE=STATUS[:DELAY_S[:BODY]], got {text!r}") from None
    if not 100 <= reply.status <= 599 or reply.delay_s < 0:
        raise ValueError(f"--reply {text!r}: the status must be 100-599 and the delay not negative")
    return route, reply


def request_line(row: Exchange, forward: Exchange | None = None) -> dict[str, Any]:
    """The JSON line of one received request (the documented keys first)."""
    path, _, query = row.url.partition("://")[2].partition("/")[2].partition("?")
    line: dict[str, Any] = {
        "id": row.id,
        "provider": row.provider,
        "method": row.method,
        "path": "/" + path,
        "query": query or None,
        "status": row.status,
        "signature": row.signature or "unchecked",
        "signature_scheme": row.signature_scheme or None,
        "verification": row.verification_id,
        "event": row.channel or None,
        "outcome": row.outcome.value,
        "error_code": row.error_code,
        "message": row.message,
        "source": row.source or None,
        "received_at": row.started_at,
        "notes": {k: v for k, v in row.notes if k != "traceback"},
    }
    if forward is not None:
        line["forward"] = {
            "url": forward.url,
            "status": forward.status,
            "latency_ms": round(forward.latency_ms, 1) if forward.latency_ms is not None else None,
            "error": forward.message if forward.status is None else None,
            "id": forward.id,
        }
    return line


def _profile_secrets(names: list[str]) -> list[SavedSecrets]:
    """The named profiles' secrets (nothing is opened when none is named)."""
    if not names:
        return []
    from console.service.profiles import open_profiles

    book = open_profiles(all_providers())
    return [SavedSecrets(f"profile {name}", book.get(name).provider, book.credentials(name)) for name in names]


def run_listen(args: argparse.Namespace) -> int:
    """Serve until interrupted (SIGINT/SIGTERM); exit 2 when the port cannot be bound or a flag is wrong.

    Without ``--port`` the listener takes 8765, or the next free port when that is taken (a ``port_moved`` line
    says so); ``--port N`` is bound exactly or refused (exit 2, an ``error`` line); ``--port 0``: any free port.
    """
    from console.core.errors import InputError
    from console.core.serverthread import ServerError
    from console.core.verifications import VerificationBook
    from console.listener.handling import CallbackHandler
    from console.listener.server import WebhookListener
    from console.service.history_upgrade import open_history

    rules = webhook_rules()
    given = {k[len("secret_") :]: v for k, v in vars(args).items() if k.startswith("secret_") and v}
    try:
        replies = [parse_reply(text) for text in args.reply]
    except ValueError as exc:
        emit({"event": "error", "message": str(exc)})
        return EXIT_BAD_INPUT
    if not args.idle_timeout >= 0:  # NaN included
        emit({"event": "error", "message": f"--idle-timeout takes seconds, 0 or more, got {args.idle_timeout:g}"})
        return EXIT_BAD_INPUT
    try:
        saved = _profile_secrets(args.profile)
    except InputError as exc:
        emit({"event": "error", "message": str(exc)})
        return EXIT_BAD_INPUT
    secrets = resolve_webhook_secrets(
        rules, given, dotenv_path=args.dotenv, simulator=not args.no_simulator_secrets, saved=saved
    )
    history = open_history(paths.history_path(), all_providers())
    handler = CallbackHandler(rules, secrets, VerificationBook(history))
    for route, reply in replies:
        handler.set_reply(route, reply)
    explicit = args.port is not None  # --port N is bound exactly or refused; the default may move on
    port = args.port if explicit else DEFAULT_LISTENER_PORT
    listener = WebhookListener(handler, history, None, args.host, port, args.forward_to, idle_timeout=args.idle_timeout)
    listener.public_url = args.public_url or ""
    # one line per stored row, as soon as it is stored; a row that is forwarded waits for its forward's answer
    lines = LineWriter(request_line)  # encoded and written off the listener's thread, in order
    listener.on_received(lambda row: None if listener.forwards(row) else lines.put(row))
    listener.on_forwarded(lambda row, forward: lines.put(row, forward))
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):  # before "ready" is printed: a script may signal right after it
        signal.signal(sig, lambda *_: stop.set())
    try:
        choice = listener.start(explicit=explicit)
    except ServerError as exc:
        emit({"event": "error", "message": str(exc)})
        lines.close()
        history.close()
        return EXIT_BAD_INPUT
    if choice.moved:
        emit(
            {
                "event": "port_moved",
                "wanted": choice.wanted,
                "port": choice.port,
                "url": listener.url,
                "message": choice.reason,
            }
        )
    _announce(listener, choice.reason)
    try:
        stop.wait()
    finally:
        listener.stop()
        lines.close()  # every stored row's line is out before the process ends
        history.close()
    return EXIT_OK


def _announce(listener: WebhookListener, moved: str = "") -> None:
    """Where to point providers, on stderr (stdout carries request lines, and port_moved and error lines)."""
    print(f"listening on {listener.url} (history: {paths.history_path()})", file=sys.stderr, flush=True)
    if moved:
        print(f"note: {moved}", file=sys.stderr, flush=True)
    if listener.exposed:
        print(
            f"warning: bound to {listener.server.host}, reachable from other machines; anyone who can reach it "
            "can post callbacks. Use 127.0.0.1 and a tunnel unless you mean it.",
            file=sys.stderr,
            flush=True,
        )
    for pid, url in listener.paste_urls().items():
        print(f"  {pid:9} {url}", file=sys.stderr, flush=True)
    print("ready: one JSON line per request on stdout; Ctrl+C stops", file=sys.stderr, flush=True)
