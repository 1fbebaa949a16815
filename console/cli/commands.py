"""The CLI's commands and their one-line help, known without building their arguments.

``--version`` and ``--help`` are answered from here (``console.__main__``) without importing the providers,
the HTTP stack or the listener; the full parser (:mod:`console.cli.parser`) takes its help texts from here too,
so both list the same commands the same way.
"""

from __future__ import annotations

import argparse

from console import __version__

PROG = "otp-console"
DESCRIPTION = "OTP verification console. Without a command it opens the GUI."
EPILOG = """exit codes: 0 success, 1 the provider refused (error code, wrong code, bad credentials) or answered
outside its contract, 2 bad input (nothing sent), 3 network failure, 4 internal error.
Each result is one JSON line on stdout."""
SELF_TEST_HELP = "start the simulators, drive the GUI's send path offscreen, print a JSON summary"

COMMANDS = {
    "send": "start a verification",
    "check": "check a code",
    "balance": "test credentials (balance where the provider has one)",
    "run": "run any operation of a provider (e.g. zadarma sounds)",
    "simulate": "run the simulators in the foreground and print their URLs",
    "phone": "what the simulators' virtual phone received",
    "listen": "receive provider callbacks; print one JSON line per request",
    "export": "write history as HAR 1.2 or JSON lines, or a verification's evidence file (secrets stay masked)",
    "debug": "signature step by step, webhook signatures, JWT inspection",
    "profile": "named environments and credentials (secrets in the keyring, or an encrypted file)",
    "history": "print stored exchanges (oldest first) as JSON lines",
    "scenario": "run verification flows from scenario files (TOML), or list them",
}
"""Every command, in the order ``--help`` lists them."""

VERSION = f"{PROG} {__version__}"


def top_parser(
    parser_class: type[argparse.ArgumentParser] = argparse.ArgumentParser,
) -> tuple[argparse.ArgumentParser, argparse._SubParsersAction[argparse.ArgumentParser]]:
    """The top-level parser (``--version``, ``--self-test``) and its commands' subparsers, still empty."""
    parser = parser_class(
        prog=PROG, description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=VERSION)
    parser.add_argument("--self-test", action="store_true", help=SELF_TEST_HELP)
    return parser, parser.add_subparsers(dest="command", metavar="COMMAND")


def summary_help() -> str:
    """``otp-console --help``: the commands with their help, as the full parser prints it."""
    parser, sub = top_parser()
    for name, text in COMMANDS.items():
        sub.add_parser(name, help=text)
    return parser.format_help()
