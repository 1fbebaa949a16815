"""Which verification a virtual-phone message belongs to: by the ids the simulators put in ``extra``, else by time."""

from __future__ import annotations

import pytest

from console.core.models import Verification, VerificationState
from console.simulators._records import PhoneMessage
from console.simulators._ties import same_destination, verification_of

T0 = 1_700_000_000.0


def _message(provider: str, to: str, at: float = T0 + 0.2, extra: dict[str, str] | None = None) -> PhoneMessage:
    return PhoneMessage("m1", provider, "sms", to, "sms", "title", "text", "1234", at, dict(extra or {}))


def _verification(
    vid: str,
    provider: str,
    destination: str,
    created: float = T0,
    request_id: str | None = None,
    state: VerificationState = VerificationState.PENDING,
    ended: float | None = None,
    keys: dict[str, str] | None = None,
) -> Verification:
    return Verification(
        vid,
        provider,
        "sms",
        destination,
        "simulator",
        created_at=created,
        request_id=request_id,
        state=state,
        keys=dict(keys or {}),
        ended_at=ended,
    )


@pytest.mark.parametrize(
    ("provider", "extra", "request_id", "keys"),
    [
        ("zadarma", {"request_id": "rq+/=", "language": "en"}, "rq+/=", {}),
        ("ssms", {"id_call": "123456", "waiting_call_from": "79670311122"}, "123456", {"id_call": "123456"}),
        ("vbee", {"contact_id": "c0ffee"}, "c0ffee", {"contact_id": "c0ffee"}),
        ("ycloud", {"message_id": "18a", "wamid": "wamid.X", "external_id": ""}, "18a", {"wamid": "wamid.X"}),
        ("meta", {"wamid": "wamid.Y"}, "wamid.Y", {"wamid": "wamid.Y"}),
    ],
)
def test_tied_by_the_id_the_simulator_put_in_extra(
    provider: str, extra: dict[str, str], request_id: str, keys: dict[str, str]
) -> None:
    message = _message(provider, "+79670311122", extra=extra)
    mine = _verification("v-mine", provider, "+10000000000", created=T0 - 1000, request_id=request_id, keys=keys)
    # same provider, destination and time, but another id: an id beats time, and is never overridden by it
    other = _verification("v-other", provider, "+79670311122", request_id="not-it", keys={"id_call": "0"})
    assert verification_of(message, [other, mine]) is mine
    assert verification_of(message, [other]) is None


def test_the_id_must_come_from_the_same_provider() -> None:
    message = _message("meta", "+447911123456", extra={"wamid": "wamid.Z"})
    ycloud = _verification("v", "ycloud", "+447911123456", keys={"wamid": "wamid.Z"})
    assert verification_of(message, [ycloud]) is None


def test_without_ids_tied_by_destination_and_time() -> None:
    message = _message("hamkaran", "09123456789")  # Hamkaran's national form; the console keeps E.164
    right = _verification("v-right", "hamkaran", "+989123456789", created=T0)
    older = _verification("v-older", "hamkaran", "+989123456789", created=T0 - 30)
    elsewhere = _verification("v-elsewhere", "hamkaran", "+989120000000", created=T0)
    other_provider = _verification("v-vbee", "vbee", "+989123456789", created=T0)
    assert verification_of(message, [older, right, elsewhere, other_provider]) is right
    assert verification_of(message, [older]) is older
    assert verification_of(message, [elsewhere, other_provider]) is None


def test_time_window_and_a_verification_ended_before_the_message() -> None:
    message = _message("ssms", "79670311122", at=T0 + 5)
    assert verification_of(message, [_verification("v", "ssms", "+79670311122", created=T0 - 600)]) is None
    assert verification_of(message, [_verification("v", "ssms", "+79670311122", created=T0 + 60)]) is None
    # created a moment after the message (clocks): taken only when nothing was created before it
    late = _verification("v-late", "ssms", "+79670311122", created=T0 + 5.5)
    assert verification_of(message, [late]) is late
    before = _verification("v-before", "ssms", "+79670311122", created=T0 + 4)
    assert verification_of(message, [late, before]) is before
    # a verification that had already ended when the message arrived cannot be its send
    done = _verification(
        "v-done", "ssms", "+79670311122", created=T0 + 4, state=VerificationState.VERIFIED, ended=T0 + 4.5
    )
    assert verification_of(message, [done]) is None
    still = _verification(
        "v-still", "ssms", "+79670311122", created=T0 + 4, state=VerificationState.VERIFIED, ended=T0 + 50
    )
    assert verification_of(message, [still]) is still


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("09123456789", "+989123456789", True),
        ("79670311122", "+7 967 031-11-22", True),
        ("+48575555555", "+48575555556", False),
        ("123", "+1123", False),  # too few digits to say
        ("QA@Example.com", "qa@example.com", True),
        ("qa@example.com", "+10000000000", False),
    ],
)
def test_destinations_compared(a: str, b: str, same: bool) -> None:
    assert same_destination(a, b) is same
