"""Records shared by every part of the console: exchanges (one HTTP call each) and verifications."""

from __future__ import annotations

import dataclasses
import enum
import itertools
import os
import time
from dataclasses import dataclass, field
from typing import Any


class Outcome(enum.StrEnum):
    """How an exchange ended."""

    OK = "ok"
    PROVIDER_ERROR = "provider_error"
    TRANSPORT_ERROR = "transport_error"
    CONTRACT_ERROR = "contract_error"
    REFUSED = "refused"  # never sent: the console refused the input
    INTERNAL_ERROR = "internal_error"  # a bug in the console, reported instead of lost


class VerificationState(enum.StrEnum):
    """Where a verification stands."""

    PENDING = "pending"
    DELIVERED = "delivered"
    VERIFIED = "verified"
    FAILED = "failed"
    EXPIRED = "expired"


FINAL_STATES = frozenset({VerificationState.VERIFIED, VerificationState.FAILED, VerificationState.EXPIRED})


_PROCESS_TAG = os.urandom(2).hex()
_COUNTER = itertools.count(int.from_bytes(os.urandom(2)))


def new_id(prefix: str) -> str:
    """A unique identifier that sorts by creation time, e.g. ``x-19ab3c4d5e6f1a2b007``.

    Milliseconds, then a per-process tag and counter (unique across processes sharing history). Ids that
    grow with time keep history's primary-key index appending at its end, which the listener's throughput
    depends on; no system call per id.
    """
    return f"{prefix}-{time.time_ns() // 1_000_000:011x}{_PROCESS_TAG}{next(_COUNTER) % 0x10000:04x}"


@dataclass(frozen=True, slots=True)
class Exchange:
    """One HTTP call (or one refused attempt) as the log pane and history show it.

    Secrets are already redacted in every field of this record.
    """

    id: str
    seq: int
    started_at: float
    provider: str
    operation: str
    env: str
    method: str
    url: str
    request_headers: tuple[tuple[str, str], ...]
    request_body: str
    outcome: Outcome
    channel: str = ""
    status: int | None = None
    response_headers: tuple[tuple[str, str], ...] = ()
    response_body: str = ""
    latency_ms: float | None = None
    error_code: str | None = None
    meaning: str = ""
    message: str = ""
    hint: str = ""
    verification_id: str | None = None
    request_id: str | None = None
    notes: tuple[tuple[str, str], ...] = ()
    fields: tuple[tuple[str, str], ...] = ()
    signature: str = ""  # incoming callbacks: valid | invalid | absent | unchecked
    signature_scheme: str = ""  # which rule matched, e.g. zadarma-hex-b64
    source: str = ""  # incoming callbacks: the sender's address

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK

    @property
    def summary(self) -> str:
        """One line for the log pane: what happened, in the user's words."""
        if self.outcome is Outcome.OK:
            return self.message or "OK"
        parts = [p for p in (self.error_code, self.message or self.meaning) if p]
        return " — ".join(dict.fromkeys(parts)) or self.outcome.value

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (built field by field: ``dataclasses.asdict`` is slow on the listener's path)."""
        data = {name: getattr(self, name) for name in _EXCHANGE_FIELDS}
        data["outcome"] = self.outcome.value
        for key in ("request_headers", "response_headers", "notes", "fields"):
            data[key] = [list(pair) for pair in data[key]]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Exchange:
        values = dict(data)
        values["outcome"] = Outcome(values["outcome"])
        for key in ("request_headers", "response_headers", "notes", "fields"):
            values[key] = tuple(tuple(pair) for pair in values.get(key) or ())
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in names})


_EXCHANGE_FIELDS = tuple(f.name for f in dataclasses.fields(Exchange))


@dataclass(slots=True)
class Verification:
    """One attempt to verify a destination, with the exchanges that belong to it."""

    id: str
    provider: str
    channel: str
    destination: str
    env: str
    created_at: float = field(default_factory=time.time)
    code: str | None = None
    request_id: str | None = None
    state: VerificationState = VerificationState.PENDING
    expires_at: float | None = None
    updated_at: float = field(default_factory=time.time)
    exchange_ids: list[str] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)  # provider-side ids to tie callbacks (message id, id_call…)

    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    def move_to(self, state: VerificationState) -> bool:
        """Change state unless the verification already ended; return whether it changed."""
        if self.is_final() or state is self.state:
            return False
        self.state = state
        self.updated_at = time.time()
        return True

    def expire_if_due(self, now: float | None = None) -> bool:
        """Mark a pending verification expired once its window has passed."""
        now = time.time() if now is None else now
        if self.expires_at is not None and now >= self.expires_at and not self.is_final():
            return self.move_to(VerificationState.EXPIRED)
        return False

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["state"] = self.state.value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Verification:
        values = dict(data)
        values["state"] = VerificationState(values["state"])
        values["exchange_ids"] = list(values.get("exchange_ids") or [])
        values["keys"] = {str(k): str(v) for k, v in (values.get("keys") or {}).items()}
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in names})
