"""What a scenario run reports: each step's result and the scenario's, and their JSON lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from console.scenarios.model import Scenario, Step

PASSED, FAILED, ERROR, SKIPPED = "passed", "failed", "error", "skipped"


@dataclass
class StepResult:
    """What a step did and whether it met its expectations.

    Attributes:
        status: passed, failed (an expectation not met), error (it could not run) or skipped.
        actual: what was observed, for every expected key (and more).
        message: why it failed, errored or was skipped.
        exchange: the id of the row the step made (or the callback it waited for).
    """

    step: Step
    status: str
    expected: dict[str, Any]
    actual: dict[str, Any]
    exchange: str | None
    elapsed_ms: float
    message: str = ""
    verification: str | None = None

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    def line(self, scenario: Scenario) -> dict[str, Any]:
        """The step's JSON line (``{"event": "step", …}``)."""
        shown = {key: self.actual.get(key) for key in self.expected if key != "within_s"}
        line: dict[str, Any] = {
            "event": "step",
            "scenario": scenario.name,
            "step": self.step.number,
            "action": self.step.action,
            "provider": self.step.provider,
            "passed": self.passed,
            "status": self.status,
            "expected": self.expected,
            "actual": shown,
            "exchange": self.exchange,
            "verification": self.verification,
            "elapsed_ms": round(self.elapsed_ms, 1),
        }
        if self.message:
            line["message"] = self.message
        return line


@dataclass
class ScenarioResult:
    """A scenario's steps, in order (it stops at the first step that errors)."""

    scenario: Scenario
    steps: list[StepResult] = field(default_factory=list)
    elapsed_ms: float = 0.0

    @property
    def passed(self) -> bool:
        return bool(self.steps) and all(s.status in (PASSED, SKIPPED) for s in self.steps)

    @property
    def status(self) -> str:
        if any(s.status == ERROR for s in self.steps):
            return ERROR
        return PASSED if self.passed else FAILED

    def line(self) -> dict[str, Any]:
        """The scenario's JSON line (``{"event": "scenario", …}``)."""
        kinds = (PASSED, FAILED, ERROR, SKIPPED)
        counts = {f"steps_{kind}": sum(s.status == kind for s in self.steps) for kind in kinds}
        return {
            "event": "scenario",
            "scenario": self.scenario.name,
            "provider": self.scenario.provider,
            "file": str(self.scenario.path) if self.scenario.path else None,
            "passed": self.passed,
            "status": self.status,
            "steps": len(self.steps),
            **counts,
            "elapsed_ms": round(self.elapsed_ms, 1),
        }
