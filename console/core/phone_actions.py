"""What a callback says the person at the phone did: one reading for the swim lanes and the scenario recorder.

A callback's row names the event in its channel and message ("NOTIFY_END · callback · … · key 1", "incoming call
from +7…", "whatsapp.message.updated · read"). :func:`phone_action_of` reads that text once, first match wins, into
the virtual phone's action (``press_1``, ``dial``, ``deliver``… — what a scenario step replays; None when the phone
has no such action) and the words the timeline shows ("pressed 1", "called back", "delivered"…).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from console.core.models import Exchange


@dataclass(frozen=True, slots=True)
class PhoneAction:
    """What the person did, as a callback says it.

    Attributes:
        action: the virtual phone's action that does it again (``press_1``, ``hang_up``, ``dial``, ``deliver``…),
            or None when the phone has none (a line that was busy).
        label: the same in words, for the timeline ("pressed 1", "hung up", "called back", "delivered").
        words: the callback's own words that said it ("key 1", "incoming call", "delivered").
    """

    action: str | None
    label: str
    words: str


# (pattern over the callback's text, action, label), in the order tried; {0} is the pattern's first group.
_READINGS: tuple[tuple[re.Pattern[str], str | None, str], ...] = (
    (re.compile(r"\bkey ([0-9#*])(?!\S)"), "press_{0}", "pressed {0}"),
    (re.compile(r"\bkey \(none\)"), "hang_up", "hung up"),
    (re.compile(r"no answer|no_answer|noanswer"), "no_answer", "did not answer"),
    (re.compile(r"incoming call"), "dial", "called back"),
    (re.compile(r"\bread\b"), "read", "read"),
    (re.compile(r"\bundeliver\w*|\bfail(?:ed|ure)?\b"), "fail", "not delivered"),
    (re.compile(r"\bdelivered\b"), "deliver", "delivered"),
    (re.compile(r"\brejected\b"), "reject", "rejected"),
    (re.compile(r"\bbusy\b"), None, "busy"),
    (re.compile(r"notify_answer|\banswered\b"), "answer", "answered"),
    (re.compile(r"notify_end|\bhang|\bhung"), "hang_up", "hung up"),
)


def callback_text(row: Exchange) -> str:
    """The text of a callback's row that names what happened (channel, message and summary, lower case)."""
    return f"{row.channel} · {row.message} · {row.summary}".lower()


def phone_action_of(row: Exchange) -> PhoneAction | None:
    """What the callback ``row`` says happened at the phone, or None when it says nothing about the phone."""
    text = callback_text(row)
    for pattern, action, label in _READINGS:
        found = pattern.search(text)
        if found:
            groups = found.groups()
            return PhoneAction(
                action.format(*groups) if action is not None else None, label.format(*groups), found.group(0)
            )
    return None
