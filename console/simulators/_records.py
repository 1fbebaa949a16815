"""The records simulators share with their users: virtual-phone messages, journal entries, faults."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from console.core.errors import ConsoleError


class SimulatorError(ConsoleError):
    """A simulator could not start (port taken, unknown provider) or was used before it started."""


class Fault(enum.StrEnum):
    """A way a simulator can misbehave on purpose."""

    NONE = "none"
    DELAY = "delay"
    HTML500 = "html500"
    MALFORMED_JSON = "malformed_json"
    DROP = "drop"
    TIMEOUT = "timeout"
    RATE_LIMIT = "rate_limit"


DEFAULT_FAULT_SECONDS = {Fault.DELAY: 3.0, Fault.TIMEOUT: 60.0}


class CallbackFault(enum.StrEnum):
    """A way a simulator can misdeliver its callbacks, so QA can see how their handler copes."""

    NONE = "none"
    TWICE = "twice"  # every callback sent two times
    OUT_OF_ORDER = "out_of_order"  # a batch sent last first
    LATE = "late"  # sent after ``late_seconds``
    BAD_SIGNATURE = "bad_signature"  # signed with a wrong secret


@dataclass(frozen=True, slots=True)
class Delivery:
    """One callback a simulator sent: where, and what the receiver answered (or why nothing)."""

    label: str
    url: str
    status: int | None
    error: str = ""
    at: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class PhoneMessage:
    """What the user's phone (or mailbox) received from a simulator."""

    id: str
    provider: str
    channel: str
    to: str
    kind: str  # "sms" | "voice" | "email" | "call" | "whatsapp"
    title: str
    text: str
    code: str | None
    at: float
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def actions(self) -> tuple[str, ...]:
        """What the user can do with this message on the virtual phone (``press_1``, ``dial``…)."""
        return tuple(a for a in self.extra.get("actions", "").split(",") if a)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PhoneMessage:
        code = data.get("code")
        return cls(
            id=str(data.get("id", "")),
            provider=str(data.get("provider", "")),
            channel=str(data.get("channel", "")),
            to=str(data.get("to", "")),
            kind=str(data.get("kind", "")),
            title=str(data.get("title", "")),
            text=str(data.get("text", "")),
            code=None if code is None else str(code),
            at=float(data.get("at", 0.0)),
            extra={str(k): str(v) for k, v in (data.get("extra") or {}).items()},
        )


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One request a simulator received; ``path`` is relative to the provider's mount point."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: str
    at: float
    status: int | None  # None: no answer (dropped, or the client went away)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class FaultState:
    """The fault in force: for ``remaining`` more requests (None: until cleared), lasting ``seconds``."""

    fault: Fault = Fault.NONE
    remaining: int | None = None
    seconds: float | None = None


PhoneCallback = Callable[[PhoneMessage], object]
