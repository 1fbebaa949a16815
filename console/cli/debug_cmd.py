"""``otp-console debug``: the signature explainer, webhook signatures by hand, the JWT inspector and minter."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import Any

from console.cli.commands import COMMANDS
from console.cli.output import EXIT_BAD_INPUT, EXIT_OK, EXIT_REFUSED_BY_PROVIDER, emit


def add_debug_parser(sub: Any) -> None:
    debug = sub.add_parser("debug", help=COMMANDS["debug"])
    tools = debug.add_subparsers(dest="tool", metavar="TOOL", required=True)
    zs = tools.add_parser("zadarma-signature", help="every step of Zadarma's signature; where a header differs")
    zs.add_argument("--path", required=True, help="the method path, e.g. /v1/verify/")
    zs.add_argument("--param", action="append", default=[], metavar="K=V", help="a request parameter (repeat)")
    zs.add_argument("--key", required=True)
    zs.add_argument("--secret", required=True)
    zs.add_argument("--header", default="", help="the Authorization header your code sent (KEY:SIGNATURE)")
    wh = tools.add_parser("webhook", help="check a callback's signature over the raw bytes with a secret")
    wh.add_argument("provider")
    wh.add_argument("--body-file", type=Path, required=True, help="the raw body, byte for byte ('-': stdin)")
    wh.add_argument("--header", action="append", default=[], metavar="NAME: VALUE", help="a header (repeat)")
    wh.add_argument("--query", default="", help="the query string, if the callback has one")
    wh.add_argument("--secret", required=True)
    jw = tools.add_parser("jwt", help="decode a Vbee token: header, claims, iat, skew; verify with the secret")
    jw.add_argument("token")
    jw.add_argument("--secret", default="")
    jw.add_argument("--key", default="", help="the API key the token should carry")
    mj = tools.add_parser("mint-jwt", help="mint the token the console would send for a code")
    mj.add_argument("--code", required=True)
    mj.add_argument("--key", required=True)
    mj.add_argument("--secret", required=True)


def run_debug(args: argparse.Namespace) -> int:
    if args.tool == "zadarma-signature":
        from console.tools.signature_debug import explain

        params = dict(p.partition("=")[::2] for p in args.param)
        result = explain(args.key, args.secret, args.path, params, args.header)
        for step in result.steps:
            emit(dataclasses.asdict(step))
        if args.header:
            emit({"verdict": result.verdict, "matches": result.matches})
            return EXIT_OK if result.matches else EXIT_REFUSED_BY_PROVIDER
        return EXIT_OK
    if args.tool == "webhook":
        from console.tools.webhook_debug import check_webhook

        body = sys.stdin.buffer.read() if str(args.body_file) == "-" else args.body_file.read_bytes()
        headers = dict(h.partition(":")[::2] for h in args.header)
        try:
            check = check_webhook(
                args.provider, body, {k.strip(): v.strip() for k, v in headers.items()}, args.secret, args.query
            )
        except KeyError:
            emit({"event": "error", "message": f"{args.provider} has no callback rule to check with."})
            return EXIT_BAD_INPUT
        emit({"signature": check.verdict.value, "signature_scheme": check.scheme or None, "detail": check.detail})
        return EXIT_OK if check.verdict.value == "valid" else EXIT_REFUSED_BY_PROVIDER
    if args.tool == "jwt":
        from console.tools.jwt_inspect import inspect

        found = inspect(args.token, args.secret, args.key)
        emit(dataclasses.asdict(found))
        return EXIT_OK if not found.problems else EXIT_REFUSED_BY_PROVIDER
    from console.tools.jwt_inspect import mint_for

    emit({"token": mint_for(args.key, args.secret, args.code)})
    return EXIT_OK
