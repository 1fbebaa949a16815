"""What a step observed, and how an expectation is met: equal values, words within texts, a callback by its event."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from console.core.models import Exchange
from console.scenarios.model import TEXT_KEYS


def observed(base: Mapping[str, Any], callbacks: Sequence[Exchange], state: str | None) -> dict[str, Any]:
    """The step's own line, the verification's state now, and the callbacks that arrived for it since the step began."""
    actual = dict(base)
    if state is not None:
        actual["state"] = state
    actual["callbacks"] = [row.channel for row in callbacks]
    actual["_rows"] = list(callbacks)
    if callbacks:
        _use_callback(actual, callbacks[-1])
    return actual


def compare(expected: Mapping[str, Any], actual: dict[str, Any]) -> list[str]:
    """Every expectation ``actual`` does not meet, in words ("state: expected 'verified', got 'pending'").

    ``callback`` is met by any callback since the step began whose event is the one named (its ``signature``
    is then that callback's verdict); texts (``message``, ``meaning``, ``hint``) need only contain the words;
    ``latency_ms_max`` is a ceiling.
    """
    problems: list[str] = []
    if "callback" in expected:
        wanted = str(expected["callback"])
        rows: list[Exchange] = actual.get("_rows", [])
        match = next((row for row in reversed(rows) if _is_event(row, wanted)), None)
        if match is None:
            seen = ", ".join(str(c) for c in actual.get("callbacks", [])) or "none"
            problems.append(f"callback: expected {wanted!r}, got {seen}")
        else:
            _use_callback(actual, match)
    for key, value in expected.items():
        if key == "callback":
            continue
        if key == "latency_ms_max":
            latency = actual.get("latency_ms")
            if not isinstance(latency, int | float) or latency > float(value):
                problems.append(f"latency_ms: expected at most {value}, got {latency}")
            continue
        got = actual.get(key)
        if not _meets(key, value, got):
            problems.append(f"{key}: expected {value!r}, got {got!r}")
    return problems


def public(actual: Mapping[str, Any]) -> dict[str, Any]:
    """``actual`` without the rows kept for matching (what is printed and stored)."""
    return {k: v for k, v in actual.items() if not k.startswith("_")}


def _meets(key: str, expected: Any, got: Any) -> bool:
    if key in TEXT_KEYS and isinstance(expected, str):
        return isinstance(got, str) and expected.casefold() in got.casefold()
    if isinstance(expected, bool) or isinstance(got, bool):
        return expected is got
    if isinstance(expected, int | float) and isinstance(got, int | float):
        return float(expected) == float(got)
    return bool(expected == got)


def _is_event(row: Exchange, wanted: str) -> bool:
    """Whether a callback is the event named: its event (the row's channel) or the words of its summary."""
    word = wanted.casefold()
    return row.channel.casefold() == word or word in row.channel.casefold() or word in row.summary.casefold()


def _use_callback(actual: dict[str, Any], row: Exchange) -> None:
    actual["callback"] = row.summary or row.channel  # "whatsapp.message.updated · delivered · message …"
    actual["signature"] = row.signature or None
    actual["callback_exchange"] = row.id
