"""JSON-lines output and exit codes shared by every subcommand."""

from __future__ import annotations

import json
import sys
from typing import Any

from console.core.models import Exchange, Outcome, Verification
from console.service.operations import OperationResult

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


def exchange_line(ex: Exchange, verification: Verification | None = None) -> dict[str, Any]:
    """The result line of one exchange: the documented keys (README, "JSON lines"), then details."""
    line: dict[str, Any] = {
        "provider": ex.provider,
        "operation": ex.operation,
        "channel": ex.channel,
        "env": ex.env,
        "ok": ex.ok,
        "outcome": ex.outcome.value,
        "http_status": ex.status,
        "error_code": ex.error_code,
        "meaning": ex.meaning or None,
        "destination": ex.destination,
        "request_id": ex.request_id,
        "verification": ex.verification_id,
        "latency_ms": round(ex.latency_ms, 1) if ex.latency_ms is not None else None,
        "message": ex.message,
        "hint": ex.hint or None,
        "state": verification.state.value if verification else None,
        "exchange": ex.id,
        "method": ex.method or None,
        "url": ex.url or None,
        "started_at": ex.started_at,
        "warnings": list(ex.warnings),
    }
    if ex.checked_by:
        line["checked_by"] = ex.checked_by
    if ex.attempts_left is not None:
        line["attempts_left"] = ex.attempts_left
    if ex.verified_at is not None:
        line["verified_at"] = ex.verified_at
    if ex.provider_error_code:
        line["provider_error_code"] = ex.provider_error_code
    if ex.error_field:
        line["field"] = ex.error_field
    if ex.verdict:  # credential checks
        line["verdict"] = ex.verdict
    if ex.profile:
        line["profile"] = ex.profile
    if ex.credential_sources:
        line["credential_sources"] = dict(ex.credential_sources)
    notes = {k: v for k, v in ex.described_notes() if k not in ("traceback", "verdict", "profile")}
    if notes:
        line["notes"] = notes
    return line


LIFTED = ("call_to_number",)  # provider data also at the top level, documented (ssms.su's number to call)


def result_line(result: OperationResult) -> dict[str, Any]:
    """The exchange's line, the verification's window, and the provider's parsed answer under ``data``."""
    line = exchange_line(result.exchange, result.verification)
    if result.verification is not None:
        line["expires_at"] = result.verification.expires_at
    data = {k: v for k, v in result.data.items() if k != "status"}
    if data:
        line["data"] = data
    for key in LIFTED:
        if key in data:
            line[key] = data[key]
    return line


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
