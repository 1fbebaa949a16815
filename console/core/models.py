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
    WRONG_CODE = "wrong_code"  # a check with a code that does not match (attempts may remain)
    REJECTED = "rejected"  # a check of a verification that is over: already verified, expired, locked, failed
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
    destination: str = ""  # sends: who receives the code (E.164 for phone numbers, else as sent)
    checked_by: str = ""  # checks: "provider" or "console"
    attempts_left: int | None = None  # checks: wrong codes still allowed, when known
    verified_at: float | None = None  # checks of a verified verification: when it was verified
    provider_error_code: str = ""  # the provider's own code when error_code says it in the console's words
    error_field: str = ""  # refusals: the field the console refused
    warnings: tuple[str, ...] = ()  # e.g. the API version in the URL stops working soon
    profile: str = ""  # the saved profile the request was sent with
    credential_sources: tuple[tuple[str, str], ...] = ()  # each credential and where it came from (flag, $VAR…)
    verdict: str = ""  # credential checks: valid, wrong key, no balance…
    body_base64: str = ""  # incoming callbacks whose body is not UTF-8: the exact bytes, in base64

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK

    @property
    def credentials_text(self) -> str:
        """Where each credential came from, in words: ``key from .env, secret from profile staging``."""
        return ", ".join(f"{name} from {source}" for name, source in self.credential_sources)

    def described_notes(self) -> tuple[tuple[str, str], ...]:
        """The notes with the typed facts in words first (credentials, verdict, profile), as screens show them."""
        facts = (
            ("credentials", self.credentials_text),
            ("verdict", self.verdict),
            ("profile", self.profile),
        )
        return tuple((k, v) for k, v in facts if v) + self.notes

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
        for key in _PAIR_FIELDS:
            data[key] = [list(pair) for pair in data[key]]
        data["warnings"] = list(self.warnings)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Exchange:
        values = dict(data)
        values["outcome"] = Outcome(values["outcome"])
        for key in _PAIR_FIELDS:
            values[key] = tuple(tuple(pair) for pair in values.get(key) or ())
        values["warnings"] = tuple(values.get("warnings") or ())
        _upgrade_notes(values)
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in names})


_EXCHANGE_FIELDS = tuple(f.name for f in dataclasses.fields(Exchange))
_PAIR_FIELDS = ("request_headers", "response_headers", "notes", "fields", "credential_sources")
_NOTES_NOW_FIELDS = ("verdict", "body_base64")  # kept in notes by version 0.1.0, typed fields since


def _upgrade_notes(values: dict[str, Any]) -> None:
    """Records stored by 0.1.0 kept the verdict and a body's base64 form in notes: move them to their fields."""
    notes = values["notes"]
    moved = {k: v for k, v in notes if k in _NOTES_NOW_FIELDS and not values.get(k)}
    if moved:
        values.update(moved)
        values["notes"] = tuple((k, v) for k, v in notes if k not in moved)


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
    ended_at: float | None = None  # when it became verified, failed or expired

    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    def move_to(self, state: VerificationState) -> bool:
        """Change state unless the verification already ended; return whether it changed."""
        if self.is_final() or state is self.state:
            return False
        self.state = state
        self.updated_at = time.time()
        if self.is_final():
            self.ended_at = self.updated_at
        return True

    @property
    def end_time(self) -> float | None:
        """When it ended (records from before ``ended_at`` existed: their last change), or None while open."""
        if not self.is_final():
            return None
        return self.ended_at if self.ended_at is not None else self.updated_at

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
