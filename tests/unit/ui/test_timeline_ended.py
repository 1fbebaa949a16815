"""The timeline says when a verification was verified: the moment it ended, not its last change."""

from __future__ import annotations

import datetime as dt

from pytestqt.qtbot import QtBot

from console.core.logstore import LogStore
from console.core.models import Verification, VerificationState
from console.ui.timeline_view import TimelineView, ended_text

T0 = 1_764_000_000.0


def _verified_then_checked_again() -> Verification:
    """Verified 1.0 s after the start; a wrong code checked 0.8 s later changed the record, not its end."""
    return Verification(
        id="v-1",
        provider="zadarma",
        channel="sms",
        destination="+442037691880",
        env="simulator",
        created_at=T0,
        state=VerificationState.VERIFIED,
        exchange_ids=[],
        expires_at=T0 + 600,
        ended_at=T0 + 1.0,
        updated_at=T0 + 1.8,
    )


def test_the_timeline_says_when_it_was_verified(qtbot: QtBot) -> None:
    view = TimelineView(LogStore())
    qtbot.addWidget(view)
    view.show_verification(_verified_then_checked_again())
    when = dt.datetime.fromtimestamp(T0 + 1.0).strftime("%H:%M:%S.%f")[:-3]
    assert view.countdown.text() == f"Verified at {when}, 1.0 s after the start."
    assert "1.8" not in view.countdown.text()


def test_a_verification_without_an_end_time_uses_its_last_change() -> None:
    old = Verification(
        id="v-2", provider="zadarma", channel="sms", destination="+1", env="simulator", created_at=T0,
        state=VerificationState.FAILED, exchange_ids=[], ended_at=None, updated_at=T0 + 3.0,
    )  # fmt: skip
    assert ended_text(old).startswith("Failed at ")
    assert ended_text(old).endswith("3.0 s after the start.")


def test_a_later_failed_check_does_not_move_the_end() -> None:
    verification = _verified_then_checked_again()
    ended = verification.ended_at
    assert not verification.move_to(VerificationState.FAILED)
    assert verification.ended_at == ended
    assert verification.end_time == T0 + 1.0
