"""A log row for tests: an Exchange with plausible defaults (a simulator request answered 200)."""

from __future__ import annotations

from typing import Any

from console.core.models import Exchange, Outcome

DEFAULTS: dict[str, Any] = {
    "id": "x-1",
    "seq": 0,
    "started_at": 0.0,
    "provider": "zadarma",
    "operation": "send",
    "env": "simulator",
    "method": "POST",
    "url": "http://127.0.0.1:1/x",
    "request_headers": (),
    "request_body": "",
    "outcome": Outcome.OK,
    "status": 200,
}


def exchange(**fields: Any) -> Exchange:
    """The default row with ``fields`` replaced (any field of Exchange)."""
    return Exchange(**(DEFAULTS | fields))
