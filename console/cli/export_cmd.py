"""``otp-console export``: history as HAR 1.2 or JSON lines, or one verification's evidence file."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from console import __version__
from console.cli.commands import COMMANDS
from console.cli.output import EXIT_BAD_INPUT, EXIT_OK, emit
from console.core import paths


def add_export_parser(sub: Any, providers: list[str]) -> None:
    export = sub.add_parser(
        "export",
        help=COMMANDS["export"],
    )
    export.add_argument("--format", choices=["har", "jsonl"], default="har")
    export.add_argument("--provider", choices=providers)
    export.add_argument("--limit", type=int, default=100_000, help="the newest N exchanges (default: %(default)s)")
    export.add_argument("--evidence", metavar="VERIFICATION", help="one verification's timeline, as JSON")
    export.add_argument("--output", "-o", type=Path, help="a file (default: standard output)")


def run_export(args: argparse.Namespace) -> int:
    from console.core.export import evidence, to_har, to_jsonl
    from console.core.jsonfile import write_text_atomically
    from console.core.paths import PRIVATE_FILE
    from console.providers import all_providers
    from console.service.history_upgrade import open_history

    history = open_history(paths.history_path(), all_providers())
    try:
        if args.evidence:
            verification = history.get_verification(args.evidence)
            if verification is None:
                emit({"event": "error", "message": f"No verification {args.evidence} in history."})
                return EXIT_BAD_INPUT
            text = json.dumps(evidence(verification, history.exchanges_of(verification.id), __version__), indent=2)
        else:
            rows = history.recent_exchanges(args.limit, args.provider)
            text = to_jsonl(rows) if args.format == "jsonl" else json.dumps(to_har(rows, __version__), indent=2)
    finally:
        history.close()
    if args.output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()
    else:
        write_text_atomically(args.output, text, PRIVATE_FILE)
        emit({"event": "exported", "path": str(args.output), "bytes": len(text.encode("utf-8"))})
    return EXIT_OK
