"""Which verification a virtual-phone message belongs to: by the provider's ids, else by destination and time.

The tie, in order:

1. **By id.** A message whose ``extra`` holds one of :data:`ID_KEYS` (Zadarma's ``request_id``, ssms.su's
   ``id_call``, Vbee's ``contact_id``, YCloud's ``message_id``, a WhatsApp ``wamid``) belongs to the verification of
   the same provider that has that value under the same key in ``keys``, or as its ``request_id``. Such a message
   is never tied by time: the ids are what the provider answered, so no match means the console does not know the
   send (another process made it, or history was cleared).
2. **By destination and time**, for messages without ids (Zadarma's press-1 call, ssms.su's SMS, Hamkaran's
   call): the verification of the same provider, to the same destination (phone numbers compared by their
   trailing digits, so ``09121234567`` is ``+989121234567``; e-mail addresses without case), created at most
   :data:`SEND_LAG_S` before the message (the simulator writes it while answering the send) and not ended before
   it arrived. Among several, the newest created before the message wins (one created within
   :data:`CLOCK_SLACK_S` after it only when none was created before).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from console.core.models import Verification
from console.simulators._records import PhoneMessage

ID_KEYS = ("request_id", "id_call", "contact_id", "message_id", "wamid")
SEND_LAG_S = 120.0
CLOCK_SLACK_S = 1.0
MIN_NUMBER_DIGITS = 7

_NOT_DIGITS = re.compile(r"\D")


def message_ids(message: PhoneMessage) -> dict[str, str]:
    """The provider ids a message carries (the keys of :data:`ID_KEYS` it has, non-empty)."""
    return {key: message.extra[key] for key in ID_KEYS if message.extra.get(key)}


def same_destination(a: str, b: str) -> bool:
    """Whether two destinations name the same phone (trailing digits, at least 7) or e-mail address."""
    if "@" in a or "@" in b:
        return a.strip().casefold() == b.strip().casefold()
    da, db = _NOT_DIGITS.sub("", a).lstrip("0"), _NOT_DIGITS.sub("", b).lstrip("0")
    short, long = sorted((da, db), key=len)
    return len(short) >= MIN_NUMBER_DIGITS and long.endswith(short)


def tied_by_id(message: PhoneMessage, verification: Verification) -> bool:
    """The message carries an id the verification has (under the same key, or as its request id)."""
    if verification.provider != message.provider:
        return False
    return any(
        value in (verification.keys.get(key), verification.request_id) for key, value in message_ids(message).items()
    )


def tied_by_time(message: PhoneMessage, verification: Verification) -> bool:
    """Same provider and destination, created shortly before the message, not ended before it arrived."""
    if verification.provider != message.provider or not same_destination(message.to, verification.destination):
        return False
    if not verification.created_at - CLOCK_SLACK_S <= message.at <= verification.created_at + SEND_LAG_S:
        return False
    ended = verification.end_time
    return ended is None or ended >= message.at


def verification_of(message: PhoneMessage, verifications: Iterable[Verification]) -> Verification | None:
    """The verification ``message`` belongs to, among ``verifications`` (see the module's rules), or None."""
    mine = [v for v in verifications if v.provider == message.provider]
    if message_ids(message):
        found = [v for v in mine if tied_by_id(message, v)]
        return max(found, key=lambda v: v.created_at, default=None)
    found = [v for v in mine if tied_by_time(message, v)]
    return max(found, key=lambda v: (v.created_at <= message.at, v.created_at), default=None)
