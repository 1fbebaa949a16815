"""JSON-lines output and exit codes shared by every subcommand."""

from __future__ import annotations

import json
import sys
from typing import Any

from console.core.models import Outcome

# The lines are the service's (scenarios check them too); the CLI prints them.
from console.service.result_lines import LIFTED as LIFTED
from console.service.result_lines import exchange_line as exchange_line
from console.service.result_lines import result_line as result_line

EXIT_OK = 0
EXIT_REFUSED_BY_PROVIDER = 1
EXIT_BAD_INPUT = 2
EXIT_NETWORK = 3
EXIT_INTERNAL = 4

EXIT_CODES = {
    Outcome.OK: EXIT_OK,
    Outcome.WRONG_CODE: EXIT_REFUSED_BY_PROVIDER,
    Outcome.REJECTED: EXIT_REFUSED_BY_PROVIDER,
    Outcome.PROVIDER_ERROR: EXIT_REFUSED_BY_PROVIDER,
    Outcome.CONTRACT_ERROR: EXIT_REFUSED_BY_PROVIDER,
    Outcome.REFUSED: EXIT_BAD_INPUT,
    Outcome.TRANSPORT_ERROR: EXIT_NETWORK,
    Outcome.INTERNAL_ERROR: EXIT_INTERNAL,
}


def emit(payload: dict[str, Any]) -> None:
    """Write one JSON line and flush it at once (scripts read the stream live)."""
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def not_stored_line(line: dict[str, Any], problem: str) -> dict[str, Any]:
    """A result history could not store: ``not_stored`` (exit 4), with the provider's answer kept.

    It says whether the request went out, so a script does not send a real code again because history failed.
    """
    sent = line.get("http_status") is not None
    stored = dict(line)
    stored.update(
        ok=False,
        outcome=Outcome.INTERNAL_ERROR.value,
        error_code="not_stored",
        sent=sent,
        provider_outcome=line.get("outcome"),
        provider_message=line.get("message"),
        message=problem,
        meaning="History could not store this result: this line is the only record of it.",
        hint=(
            f"The request went out (HTTP {line.get('http_status')}): sending again would send another code. Fix "
            "history first, then check this verification (--verification) instead."
            if sent
            else "Nothing reached the provider. Fix history first, then send again."
        ),
    )
    if line.get("error_code") and not line.get("provider_error_code"):
        stored["provider_error_code"] = line["error_code"]
    return stored


def unavailable_line(error_code: str, message: str, sends: bool) -> dict[str, Any]:
    """History or the state folders cannot be used at all (exit 4); a command that sends says nothing was sent."""
    line: dict[str, Any] = {
        "ok": False,
        "outcome": Outcome.INTERNAL_ERROR.value,
        "error_code": error_code,
        "message": message,
        "hint": "Nothing was sent." if sends else None,
    }
    if sends:
        line["sent"] = False
    return line
