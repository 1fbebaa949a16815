"""What a face asks the service for, and what it gets back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from console.core.models import Exchange, Verification


@dataclass(slots=True)
class OperationRequest:
    """What the user asked for, as typed: the form or the CLI fills this in."""

    provider: str
    operation: str
    channel: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    credentials: dict[str, str] = field(default_factory=dict)
    env: str = "simulator"
    base_url: str | None = None
    verification_id: str | None = None
    code_length: int | None = None  # console-generated codes: digits (4-8), window and wrong tries allowed
    code_ttl_s: float | None = None
    max_attempts: int | None = None
    profile: str | None = None  # a saved profile's credentials, below flags, environment variables and .env


@dataclass(slots=True)
class OperationResult:
    """The recorded exchange, the verification it belongs to (if any) and decoded data."""

    exchange: Exchange
    verification: Verification | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.exchange.ok
