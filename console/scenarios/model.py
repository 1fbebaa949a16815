"""What a scenario file says: scenarios of steps, each one action with what is expected of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ACTIONS = ("send", "check", "phone", "wait", "fault")
"""The step kinds: exactly one of these keys per step."""

STEP_KEYS = (*ACTIONS, "expect", "timeout_s", "provider", "fallback")
SCENARIO_KEYS = ("name", "provider", "env", "description", "step")

LINE_KEYS = (
    "provider", "operation", "channel", "env", "ok", "outcome", "http_status", "error_code", "meaning",
    "destination", "request_id", "verification", "latency_ms", "message", "hint", "state", "exchange", "method",
    "url", "started_at", "warnings", "checked_by", "attempts_left", "verified_at", "provider_error_code", "field",
    "verdict", "profile", "credential_sources", "notes", "expires_at", "data", "call_to_number",
)  # fmt: skip
"""The keys of the CLI's JSON line for a request (README, "JSON lines"): each may be expected."""

EXTRA_EXPECT_KEYS = ("callback", "signature", "within_s", "latency_ms_max")
EXPECT_KEYS = (*LINE_KEYS, *EXTRA_EXPECT_KEYS)
TEXT_KEYS = ("message", "meaning", "hint")
"""Expected values of these keys need only appear in the actual text (providers phrase them at length)."""

CAPTURES = ("phone.code", "send.request_id", "send.verification", "send.destination")
"""The documented placeholders; any other key of the last send's line works as ``{send.KEY}``."""


@dataclass(frozen=True, slots=True)
class Step:
    """One step: its action and argument, what is expected, and where it stands in the file.

    Attributes:
        number: 1-based, within its scenario.
        action: one of :data:`ACTIONS`.
        argument: the send's or check's fields (a dict), the phone action (str), seconds to wait (float),
            or the fault's name (str).
        provider: the provider it acts on (the scenario's unless the step names one).
        expect: the expected keys and values.
        timeout_s: the request deadline for this step (None: the default).
        fallback: for a send, further sends tried in order when the verification is neither verified nor
            delivered within ``expect.within_s``.
        line: the line of its ``[[scenario.step]]`` header in the file.
    """

    number: int
    action: str
    argument: Any
    provider: str
    expect: dict[str, Any] = field(default_factory=dict)
    timeout_s: float | None = None
    fallback: tuple[dict[str, Any], ...] = ()
    line: int = 0

    @property
    def title(self) -> str:
        """``step 2: check`` (JUnit messages name steps this way)."""
        return f"step {self.number}: {self.action}"


@dataclass(frozen=True, slots=True)
class Scenario:
    """A named flow on one provider (steps may name others), in one environment."""

    name: str
    provider: str
    steps: tuple[Step, ...]
    env: str = "simulator"
    description: str = ""
    path: Path | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class ScenarioFile:
    """The scenarios of one file, in order."""

    path: Path
    scenarios: tuple[Scenario, ...]
