"""Outside the simulator a scenario sends real, billed messages: only to numbers on the spend guard's allow-list."""

from __future__ import annotations

from collections.abc import Iterable

from console.scenarios.model import Scenario, Step


def live_refusal(scenarios: Iterable[Scenario], allow: Iterable[str], env: str | None = None) -> str:
    """Why these scenarios may not run (""): outside the simulator, every number sent to must be allowed.

    ``env`` overrides each scenario's own (the command line's ``--env``). Nothing runs when this says no.
    """
    allowed = {_digits(n) for n in allow}
    for scenario in scenarios:
        where = env or scenario.env
        if where == "simulator":
            continue
        if not allowed:
            return (
                f"{scenario.name!r} sends outside the simulator ({where}): list the numbers it may send to on the "
                "spend guard's allow-list (--allow-number; in the window: Tools > Spend guard), and cap them"
            )
        for step in scenario.steps:
            for target in targets(step):
                if _digits(target) not in allowed:
                    return f"{scenario.name!r} {step.title} sends to {target}, which the allow-list does not list"
    return ""


def targets(step: Step) -> list[str]:
    """The numbers a send step (and its fallbacks) sends to."""
    if step.action != "send":
        return []
    return [str(s["to"]) for s in (step.argument, *step.fallback) if "to" in s]


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit()) or text
