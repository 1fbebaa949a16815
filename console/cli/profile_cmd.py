"""``otp-console profile``: list, show, save (typed, or imported from the environment and .env) and delete profiles."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from console.cli.commands import COMMANDS
from console.cli.output import EXIT_BAD_INPUT, EXIT_OK, emit
from console.cli.pairs import key_values
from console.core.errors import InputError
from console.core.redact import mask
from console.providers import all_providers
from console.providers.provider import Provider
from console.service.profiles import Profile, ProfileBook, open_profiles, values_from_environment


def add_profile_parser(sub: Any, providers: Mapping[str, Provider]) -> None:
    """Add ``profile`` and its actions to the top-level subparsers."""
    prof = sub.add_parser(
        "profile",
        help=COMMANDS["profile"],
        description="Profiles keep a provider's environment and credentials under a name. Secrets go to the OS "
        "keyring; without one, to an encrypted file unlocked by $OTP_CONSOLE_PASSPHRASE.",
    )
    actions = prof.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="the saved profiles (no secrets)")
    listing.add_argument("--provider", choices=list(providers))
    show = actions.add_parser("show", help="one profile, its secrets masked")
    show.add_argument("name")
    show.add_argument("--reveal", action="store_true", help="print the secrets in clear text")
    save = actions.add_parser("save", help="create or update a profile")
    save.add_argument("name")
    save.add_argument("--provider", choices=list(providers), required=True)
    save.add_argument("--env", default="simulator", help="simulator, live, another of the provider's, or custom")
    save.add_argument("--base-url", default="", help="with --env custom: the base URL")
    save.add_argument("--set", action="append", default=[], metavar="K=V", help="a credential by its name (repeat)")
    save.add_argument(
        "--from-dotenv",
        nargs="?",
        const=".env",
        metavar="PATH",
        help="import credentials from a .env file (HCP_KEY-style names; default ./.env)",
    )
    save.add_argument("--from-environ", action="store_true", help="import credentials from environment variables")
    save.add_argument("--replace", action="store_true", help="forget the profile's credentials not given now")
    delete = actions.add_parser("delete", help="remove a profile and its secrets")
    delete.add_argument("name")


def _line(
    book: ProfileBook, profile: Profile, values: Mapping[str, str] | None = None, reveal: bool = False
) -> dict[str, Any]:
    line: dict[str, Any] = {**profile.to_dict(), "store": book.store.description}
    if values is not None:
        line["values"] = {k: (v if reveal else mask(v)) for k, v in values.items()}
    return line


def _given(args: argparse.Namespace, book: ProfileBook) -> dict[str, str]:
    """Credentials for ``save``: --set over environment variables over the .env file."""
    environ: dict[str, str] | None = None if args.from_environ else {}
    dotenv = Path(args.from_dotenv) if args.from_dotenv else None
    if dotenv is not None and not dotenv.is_file():
        raise InputError(f"No .env file at {dotenv}.")
    provider = book.provider(args.provider)
    values = values_from_environment(provider, environ, dotenv) if (args.from_environ or dotenv) else {}
    return values | key_values(args.set, "--set")


def run_profile(args: argparse.Namespace) -> int:
    """Carry out one profile action; each result is a JSON line, errors included."""
    try:
        book = open_profiles(all_providers())
        if args.action == "list":
            for problem in book.problems():  # a damaged file is said, never taken for "no profiles"
                emit({"warning": problem})
                print(f"warning: {problem}", file=sys.stderr)
            for profile in book.list(args.provider):
                emit(_line(book, profile))
        elif args.action == "show":
            profile = book.get(args.name)
            emit(_line(book, profile, book.credentials(args.name), args.reveal))
        elif args.action == "save":
            values = _given(args, book)
            saved = book.save(
                Profile(args.name, args.provider, args.env, args.base_url), values, replace_credentials=args.replace
            )
            emit({**_line(book, saved), "saved": sorted(values)})
        else:
            book.delete(args.name)
            emit({"name": args.name, "deleted": True})
    except InputError as exc:
        emit({"ok": False, "outcome": "refused", "message": str(exc)})
        return EXIT_BAD_INPUT
    return EXIT_OK
