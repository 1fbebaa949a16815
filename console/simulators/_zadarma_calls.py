"""The PBX call events Zadarma posts when the virtual phone acts on a press-1 call (NOTIFY_ANSWER, the end)."""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping
from urllib.parse import urlencode

from console.providers.webhook import Outgoing
from console.simulators._records import PhoneMessage

CALL_ACTIONS = ("press_1", "press_2", "hang_up", "no_answer")


def form_callback(fields: Mapping[str, str], label: str) -> Outgoing:
    """A form-encoded POST callback, unsigned (the base signs it with the provider's rule)."""
    headers = (("Content-Type", "application/x-www-form-urlencoded"),)
    return Outgoing("POST", "", headers, urlencode(fields).encode(), label)


def call_events(message: PhoneMessage, action: str, now: float, *, pbx_number: str, end_event: str) -> list[Outgoing]:
    """NOTIFY_ANSWER (when the call was answered), then ``end_event``, for ``action`` (one of CALL_ACTIONS).

    Args:
        message: the press-1 call on the virtual phone (``extra["from"]`` is the calling number, if set).
        action: what the user did: pressed 1 or 2, hung up, or did not answer.
        now: the epoch time the call started.
        pbx_number: the calling number when the message names none.
        end_event: ``NOTIFY_END`` (the product page) or ``NOTIFY_OUT_END`` (the OpenAPI file).
    """
    call_start = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now))
    caller = message.extra.get("from", pbx_number).lstrip("+")
    called = message.to.lstrip("+")
    pbx_call_id = f"out_{secrets.token_hex(8)}"
    answered = action != "no_answer"
    dtmf = {"press_1": "1", "press_2": "2"}.get(action, "")
    end = {
        "event": end_event,
        "call_start": call_start,
        "pbx_call_id": pbx_call_id,
        "caller_id": caller,
        "called_did": called,
        "destination": called,
        "internal": "",
        "last_internal": "",
        "duration": "9" if answered else "0",
        "status_code": "16" if answered else "19",
        "is_recorded": "0",
        "calltype": "callback_leg1",
        "callback_dtmf": dtmf,
        "disposition": "answered" if answered else "no answer",
    }
    if end_event == "NOTIFY_OUT_END":
        end["internal"] = caller
    batch = []
    if answered:
        answer = {
            "event": "NOTIFY_ANSWER",
            "caller_id": caller,
            "destination": called,
            "call_start": call_start,
            "pbx_call_id": pbx_call_id,
            "internal": "",
        }
        batch.append(form_callback(answer, "NOTIFY_ANSWER"))
    batch.append(form_callback(end, f"{end_event} ({action.replace('_', ' ')})"))
    return batch
