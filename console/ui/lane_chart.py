"""A verification's steps placed in swim lanes (console, provider, phone, listener): what the picture draws.

Pure data: :func:`lay_out` turns a verification, its exchanges and the virtual phone's messages into marks,
links, gap labels and an end line; :mod:`console.ui.swimlanes` paints them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from console.core.models import Exchange, Outcome, Verification
from console.core.phone_actions import phone_action_of
from console.ui.privacy import PRIVACY

LANES = ("console", "provider", "phone", "listener")
LANE_TITLES = {"console": "Console", "provider": "Provider", "phone": "Phone", "listener": "Listener"}

PHONE_KINDS = {"sms": "SMS", "voice": "voice call", "call": "call", "email": "e-mail", "whatsapp": "WhatsApp"}


class PhoneMessageLike(Protocol):
    """What the lanes read of a simulator's PhoneMessage (the UI does not import the simulators)."""

    provider: str
    to: str
    kind: str
    code: str | None
    at: float


def gap_text(seconds: float) -> str:
    """A gap between two steps: ``+120 ms``, ``+1.8 s``, ``+2.5 min``."""
    if seconds < 1:
        return f"+{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"+{seconds:.1f} s"
    return f"+{seconds / 60:.1f} min"


def step_name(ex: Exchange) -> str:
    """What an exchange is in a verification's life, in a tester's words."""
    if ex.operation == "webhook":
        return f"callback {ex.channel}".strip()
    if ex.operation in ("forward", "replay"):
        return f"{ex.operation}ed" if ex.operation == "forward" else "replayed"
    if ex.checked_by:
        return f"check by the {ex.checked_by}"
    return f"{ex.operation} · {ex.channel}" if ex.channel else ex.operation


def clock(at: float) -> str:
    """``12:00:03.456``."""
    return dt.datetime.fromtimestamp(at).strftime("%H:%M:%S.%f")[:-3]


@dataclass(frozen=True, slots=True)
class Mark:
    """One step in one lane.

    Attributes:
        lane: console, provider, phone or listener.
        at: when it happened (epoch seconds).
        kind: request, answer, check, refused, callback, forward, phone.
        label: the words under the mark (masked when screen-sharing mode is on).
        exchange_id: the exchange a click selects (a phone mark selects the send or callback it came from).
        detail: the tooltip.
        ok: False draws the mark in the error colour.
        derived: a phone mark inferred from a callback (drawn hollow, at its callback's time).
    """

    lane: str
    at: float
    kind: str
    label: str
    exchange_id: str | None
    detail: str
    ok: bool = True
    derived: bool = False


@dataclass(frozen=True, slots=True)
class Link:
    """A line from one mark to a related one (indices into the marks), dashed when the relation is inferred."""

    start: int
    end: int
    dashed: bool = False


@dataclass(frozen=True, slots=True)
class LaneChart:
    """What the lanes show: the marks in time order, the links, each gap and when the verification ended.

    Attributes:
        gaps: ``gaps[i]`` is the label between mark ``i`` and mark ``i + 1`` ("" where none is drawn).
        end_at / end_label / end_state: the end line (ended_at, or when a pending window closes), or None.
    """

    marks: tuple[Mark, ...] = ()
    links: tuple[Link, ...] = ()
    gaps: tuple[str, ...] = ()
    end_at: float | None = None
    end_label: str = ""
    end_state: str = ""
    end_final: bool = False


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _same_destination(a: str, b: str) -> bool:
    da, db = _digits(a), _digits(b)
    if len(da) >= 6 and len(db) >= 6:
        return da[-9:] == db[-9:]
    return a.strip().lower() == b.strip().lower()


def phone_action(ex: Exchange) -> str:
    """What the callback ``ex`` says happened at the phone ("pressed 1", "delivered"…), or "" when nothing."""
    found = phone_action_of(ex)
    return found.label if found is not None else ""


def _outcome_words(ex: Exchange) -> str:
    return ex.error_code or ex.outcome.value.replace("_", " ")


def _detail(ex: Exchange, lane: str, what: str) -> str:
    status = f"HTTP {ex.status} · " if ex.status is not None else ""
    latency = f" · {ex.latency_ms:.0f} ms" if ex.latency_ms is not None else ""
    lines = [f"{clock(ex.started_at)} · {LANE_TITLES[lane]}", f"{what}{latency}", f"{status}{ex.summary}"]
    if ex.signature:
        lines.append(f"signature {ex.signature}" + (f" ({ex.signature_scheme})" if ex.signature_scheme else ""))
    lines.append(f"{ex.id} (click to select it in the log)")
    return "\n".join(lines)


def lay_out(
    verification: Verification | None,
    exchanges: Iterable[Exchange],
    phone_messages: Iterable[PhoneMessageLike] = (),
) -> LaneChart:
    """Place a verification's exchanges (and the phone's messages to its destination) in lanes, in time order.

    A request goes in the console lane and its answer, ``latency_ms`` later, in the provider lane; a check the
    console made itself, or a request it refused, has no answer. A callback goes in the listener lane; what it
    says the person did ("pressed 1", "delivered") also appears in the phone lane, hollow, at the callback's
    time. Messages the virtual phone received for this destination are solid phone marks.
    """
    if verification is None:
        return LaneChart()
    built: list[Mark] = []
    links: list[tuple[int, int, bool]] = []
    sends: list[tuple[float, int, str]] = []  # (answered at, index of the mark to link from, exchange id)

    def add(mark: Mark) -> int:
        built.append(mark)
        return len(built) - 1

    for ex in exchanges:
        ok = ex.outcome is Outcome.OK
        if ex.operation == "webhook":
            action = phone_action(ex)
            if action:
                phone = add(
                    Mark(
                        "phone",
                        ex.started_at,
                        "phone",
                        action,
                        ex.id,
                        f"{clock(ex.started_at)} · Phone\n{action} (read from the callback {ex.channel}; "
                        f"it happened shortly before)\n{ex.id} (click to select the callback)",
                        derived=True,
                    )
                )
            label = ex.channel or "callback"
            callback = add(
                Mark("listener", ex.started_at, "callback", label, ex.id, _detail(ex, "listener", label), ok)
            )
            if action:
                links.append((phone, callback, True))
            continue
        if ex.operation == "forward":
            label = "forwarded" + (f" · {ex.status}" if ex.status is not None else "")
            add(Mark("listener", ex.started_at, "forward", label, ex.id, _detail(ex, "listener", label), ok))
            continue
        if ex.operation == "replay":
            add(Mark("console", ex.started_at, "forward", "replayed", ex.id, _detail(ex, "console", "replayed"), ok))
            continue
        if ex.outcome is Outcome.REFUSED:
            label = f"{ex.operation} refused"
            add(Mark("console", ex.started_at, "refused", label, ex.id, _detail(ex, "console", label), False))
            continue
        if ex.checked_by == "console":
            label = "check ✓" if ok else f"check ✗ {_outcome_words(ex)}"
            add(
                Mark(
                    "console", ex.started_at, "check", label, ex.id, _detail(ex, "console", "check by the console"), ok
                )
            )
            continue
        what = step_name(ex)
        label = "check" if ex.checked_by else (f"{ex.operation} · {ex.channel}" if ex.channel else ex.operation)
        request = add(Mark("console", ex.started_at, "request", label, ex.id, _detail(ex, "console", what), ok))
        answered = ex.started_at + (ex.latency_ms or 0.0) / 1000
        if ex.status is not None:
            answer = f"HTTP {ex.status}" if ok else f"HTTP {ex.status} · {_outcome_words(ex)}"
            if ex.checked_by and ok:
                answer = f"{answer} ✓"
        else:
            answer = "no answer" if ex.outcome is Outcome.TRANSPORT_ERROR else _outcome_words(ex)
        reply = add(
            Mark("provider", answered, "answer", answer, ex.id, _detail(ex, "provider", f"answer to {what}"), ok)
        )
        links.append((request, reply, False))
        if not ex.checked_by and ex.destination:
            sends.append((answered, reply, ex.id))

    if sends:
        first = min(at for at, _, _ in sends)
        last_end = verification.end_time
        for message in phone_messages:
            if message.provider != verification.provider or not _same_destination(message.to, verification.destination):
                continue
            if message.at < first - 1.0 or (last_end is not None and message.at > last_end + 1.0):
                continue
            before = [s for s in sends if s[0] <= message.at + 1.0] or sends[:1]
            _, source, sent_id = before[-1]
            name = PHONE_KINDS.get(message.kind, message.kind)
            label = f"{name} · {message.code}" if message.code else f"{name} received"
            detail = (
                f"{clock(message.at)} · Phone\nthe virtual phone received: {label}\n"
                f"{sent_id} (click to select the send)"
            )
            index = add(Mark("phone", message.at, "phone", label, sent_id, detail))
            links.append((source, index, True))

    order = sorted(range(len(built)), key=lambda i: built[i].at)  # stable: a request before its instant answer
    where = {old: new for new, old in enumerate(order)}
    marks = tuple(
        Mark(m.lane, m.at, m.kind, PRIVACY.mask(m.label), m.exchange_id, PRIVACY.mask(m.detail), m.ok, m.derived)
        for m in (built[i] for i in order)
    )
    gaps = tuple(
        "" if (b.derived or a.derived) and a.at == b.at else gap_text(max(0.0, b.at - a.at))
        for a, b in itertools.pairwise(marks)
    )
    chart_links = tuple(Link(where[a], where[b], dashed) for a, b, dashed in links)
    start = marks[0].at if marks else verification.created_at
    end_at = verification.end_time
    if end_at is not None:
        state = verification.state.value
        end_label = f"{state.upper()} {clock(end_at)} · {gap_text(max(0.0, end_at - start))[1:]} after the start"
        return LaneChart(marks, chart_links, gaps, end_at, end_label, state, True)
    if verification.expires_at is not None:
        end_label = f"window closes {clock(verification.expires_at)[:-4]}"
        return LaneChart(marks, chart_links, gaps, verification.expires_at, end_label, "pending", False)
    return LaneChart(marks, chart_links, gaps)
