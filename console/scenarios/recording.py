"""Recording a verification as a scenario: the user's sends, checks and phone actions, expecting what happened.

Pure functions (no Qt): :func:`record_scenario` turns a verification and its rows into the TOML text of one
scenario; :func:`save_scenario` writes it to a new file. The code a person typed is never written: a check that
matched becomes ``{phone.code}``, one that did not becomes a wrong code of the same length.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.core.models import Exchange, Outcome, Verification
from console.core.phone_actions import callback_text, phone_action_of
from console.providers.spec import FieldRole, OperationKind, ProviderSpec

_ACTION_NAME = re.compile(r"^[a-z][a-z0-9_]*$")  # what a scenario file accepts as a phone action
GROUP_GAP_S = 2.0
"""Callbacks more than this apart are separate things the person did (a delivery, then a read later)."""


@dataclass
class _Step:
    """One step's TOML lines before its expectation, and the expectation (or only comment lines)."""

    lines: list[str]
    expect: dict[str, Any] = field(default_factory=dict)
    comment: bool = False


@dataclass
class _Group:
    """Callbacks read as one thing the person did (``action``: named by the phone, or read from them)."""

    action: str | None = None
    explicit: bool = False
    rows: list[Exchange] = field(default_factory=list)


def record_scenario(
    verification: Verification, exchanges: Iterable[Exchange], phone_actions: Iterable[tuple[float, str]] = ()
) -> str:
    """The TOML text of one scenario repeating what was done in ``verification``, expecting what happened.

    Args:
        verification: the verification (its provider, channel, environment and final state).
        exchanges: its rows (sends, checks, callbacks), in time order.
        phone_actions: what the user did on the virtual phone, as (epoch time, action), if known; otherwise the
            actions are read from the callbacks (``delivered`` -> ``deliver``, ``key 1`` -> ``press_1``…).
    """
    rows = sorted(
        (ex for ex in exchanges if ex.verification_id in (None, verification.id)), key=lambda ex: ex.started_at
    )
    timeline: list[tuple[float, Exchange | str]] = [(ex.started_at, ex) for ex in rows]
    timeline += [(at, str(action)) for at, action in phone_actions]
    timeline.sort(key=lambda item: item[0])
    codes = _codes(rows)
    length = len(codes[0]) if codes else _masked_length(rows)
    wrong = next(c for c in ("0" * length, "1" * length, "2" * length) if c not in codes)
    steps: list[_Step] = []
    group: _Group | None = None
    last_at = 0.0
    for at, item in timeline:
        if isinstance(item, str):
            _close(group, steps, verification)
            group = _Group(item, explicit=True)
        elif item.operation == "webhook":
            action = _action_of(item, verification.destination)
            if group is None or (
                not group.explicit and group.action and (action is None or at - last_at > GROUP_GAP_S)
            ):
                _close(group, steps, verification)
                group = _Group()
            group.rows.append(item)
            group.action = group.action if group.explicit or action is None else action
            last_at = at
        else:
            _close(group, steps, verification)
            group = None
            steps.append(_request_step(item, verification, wrong, codes))
    _close(group, steps, verification)
    for step in steps:
        step.lines = [_scrub(line, codes) if step.comment else line for line in step.lines]
    real = [s for s in steps if not s.comment]
    if real:
        real[-1].expect["state"] = verification.state.value
    return _text(verification, steps)


def save_scenario(text: str, folder: Path, name: str) -> Path:
    """Write ``text`` to a new ``<name>.toml`` in ``folder`` (``name-2.toml``… when taken; never overwrites)."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-").lower() or "recorded"
    for number in range(1, 10_000):
        path = folder / (f"{stem}.toml" if number == 1 else f"{stem}-{number}.toml")
        try:
            with path.open("x", encoding="utf-8") as out:
                out.write(text)
        except FileExistsError:
            continue
        return path
    raise FileExistsError(f"no free name for {stem}.toml in {folder}")


def toml_value(value: Any) -> str:
    """A TOML value: booleans and numbers as they are, text as a basic string (JSON's escapes are TOML's)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False).replace("\x7f", "\\u007f")


def _table(values: Mapping[str, Any]) -> str:
    return "{ " + ", ".join(f"{key} = {toml_value(value)}" for key, value in values.items()) + " }"


# ------------------------------------------------------------------------------------------------ steps
def _request_step(ex: Exchange, verification: Verification, wrong_code: str, codes: list[str]) -> _Step:
    """A send or a check as a step (any other row as a comment)."""
    own = [f"provider = {toml_value(ex.provider)}"] if ex.provider != verification.provider else []
    expect: dict[str, Any] = {"ok": ex.ok, "outcome": ex.outcome.value}
    if ex.error_code:
        expect["error_code"] = ex.error_code
    if ex.operation == "send":
        fields = {"to": ex.destination or verification.destination, "channel": ex.channel or verification.channel}
        fields |= {k: v for k, v in _send_extras(ex).items() if not any(code in v for code in codes)}
        return _Step([f"send = {_table(fields)}", *own], expect)
    if ex.operation == "check":
        code = "{phone.code}" if ex.outcome is Outcome.OK else wrong_code
        return _Step([f"check = {_table({'code': code})}", *own], expect)
    return _Step([f"# not recorded: {ex.operation} {ex.id} ({_one_line(ex.summary)})"], comment=True)


def _close(group: _Group | None, steps: list[_Step], verification: Verification) -> None:
    """The phone step of a group of callbacks, or comments when what the person did is unclear."""
    if group is None:
        return
    if group.action is None or not _ACTION_NAME.match(group.action):
        said = (
            [f"# phone action {_one_line(group.action)!r}: not a scenario action, not recorded"] if group.action else []
        )
        said += [
            f"# callback {row.id} ({_one_line(row.summary)}): unclear what the person did, not recorded"
            for row in group.rows
        ]
        steps += [_Step([line], comment=True) for line in said]
        return
    expect: dict[str, Any] = {}
    named = [row for row in group.rows if _action_of(row, verification.destination)] or group.rows
    if named:
        row = named[-1]
        expect["callback"] = _event_words(row) or row.channel
        if row.signature:
            expect["signature"] = row.signature
    steps.append(_Step([f"phone = {toml_value(group.action)}"], expect))


def _action_of(row: Exchange, destination: str) -> str | None:
    """What the person did, as a callback says it (None: the callback says nothing the phone can do again)."""
    found = phone_action_of(row)
    if found is None or found.action is None:
        return None
    if found.action == "dial" and _digits(destination)[-9:] not in _digits(callback_text(row)):
        return "dial_other"  # a call from another number than the one verified
    return found.action


def _event_words(row: Exchange) -> str:
    """The words of the callback's text that name its event ("delivered", "key 1", "incoming call")."""
    found = phone_action_of(row)
    return found.words if found is not None else ""


def _send_extras(ex: Exchange) -> dict[str, str]:
    """A send's own fields worth repeating: not the destination or code, no secret, nothing left at its default."""
    spec = _spec(ex.provider)
    if spec is None:
        return {}
    op = next((o.id for o in spec.operations if o.kind is OperationKind.SEND), None)
    try:
        known = {f.name: f for f in spec.fields_for(op, ex.channel or None)} if op else {}
    except KeyError:
        return {}
    kept: dict[str, str] = {}
    for name, value in ex.fields:
        spec_field = known.get(name)
        if spec_field is None or spec_field.secret or spec_field.generated or "•" in value or not value:
            continue
        if spec_field.role in (FieldRole.DESTINATION, FieldRole.CODE, FieldRole.CALLBACK_URL):
            continue
        if value != spec_field.default and name not in ("to", "channel", "code"):
            kept[name] = value
    return kept


def _spec(provider: str) -> ProviderSpec | None:
    from console.providers import all_providers

    found = all_providers().get(provider)
    return found.spec if found is not None else None


def _codes(rows: list[Exchange]) -> list[str]:
    """The codes the sends carried (their provider's code field), as the rows recorded them."""
    found: list[str] = []
    for row in rows:
        spec = _spec(row.provider) if row.operation == "send" else None
        names = {"code", spec.code_field} if spec is not None else set()
        found += [value for name, value in row.fields if name in names and value and "•" not in value]
    return found


def _masked_length(rows: list[Exchange]) -> int:
    """The code's length as a check's masked code shows it (6 when none does)."""
    for row in rows:
        for _, value in row.fields:
            if row.operation == "check" and value and set(value) == {"•"}:
                return len(value)
    return 6


def _scrub(text: str, codes: list[str]) -> str:
    """A comment line without the codes sent (history may keep them) or characters TOML refuses."""
    for code in codes:
        text = text.replace(code, "•" * len(code))
    return "".join(c for c in text if c.isprintable())


# ------------------------------------------------------------------------------------------------ text
def _text(verification: Verification, steps: list[_Step]) -> str:
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(verification.created_at))
    name = f"Recorded: {verification.provider} {verification.channel} ({verification.state.value})"
    lines = [
        f"# Recorded by OTP console from verification {verification.id} ({when}).",
        "# Expectations are what happened then; edit them to say what should happen.",
        "[[scenario]]",
        f"name = {toml_value(name)}",
        f"provider = {toml_value(verification.provider)}",
        f"env = {toml_value(verification.env)}",
        f"description = {toml_value(f'Verification {verification.id} as it went on {when}')}",
    ]
    for step in steps:
        lines.append("")
        if step.comment:
            lines += [f"  {line}" for line in step.lines]
            continue
        lines.append("  [[scenario.step]]")
        lines += [f"  {line}" for line in step.lines]
        if step.expect:
            lines.append(f"  expect = {_table(step.expect)}")
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())[:160]


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())
