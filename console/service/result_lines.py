"""The JSON line of a result: the documented keys every face prints (the CLI) or checks (scenarios)."""

from __future__ import annotations

from typing import Any

from console.core.models import Exchange, Verification
from console.service.operations import OperationResult


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
