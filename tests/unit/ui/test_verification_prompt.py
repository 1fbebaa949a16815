"""The verification prompt: hidden until asked, counts down to the window's end, says so when it passes, ends."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from console.core.models import Verification, VerificationState
from console.ui import theme
from console.ui.verification_prompt import VerificationPrompt

NOW = 1_000_000.0
TEXT = "Call +74951234567 from +79670311122 within 60 s"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def prompt(qtbot: QtBot, clock: Clock) -> VerificationPrompt:
    widget = VerificationPrompt(clock=clock)
    qtbot.addWidget(widget)
    return widget


def _verification(state: VerificationState, vid: str = "v-1") -> Verification:
    return Verification(vid, "zadarma", "voice", "+79670311122", "simulator", state=state)


def test_hidden_and_idle_until_a_prompt_starts(prompt: VerificationPrompt) -> None:
    assert prompt.isHidden()
    assert not prompt.timer.isActive()
    assert prompt.objectName() == "form_prompt"
    assert prompt.styleSheet() == theme.PROMPT_STYLE


def test_shows_the_text_with_the_time_left(prompt: VerificationPrompt) -> None:
    prompt.start(TEXT, "v-1", NOW + 65)

    assert not prompt.isHidden()
    assert prompt.text() == f"{TEXT} · 1:05 left"
    assert prompt.timer.isActive()


def test_the_countdown_follows_the_clock(qtbot: QtBot, prompt: VerificationPrompt, clock: Clock) -> None:
    prompt.start(TEXT, "v-1", NOW + 65)
    clock.now = NOW + 6.5

    qtbot.waitUntil(lambda: prompt.text() == f"{TEXT} · 0:58 left", timeout=2000)


def test_a_prompt_without_an_end_has_no_countdown(prompt: VerificationPrompt) -> None:
    prompt.start("Reply with the code", "v-1", None)

    assert prompt.text() == "Reply with the code"
    assert not prompt.isHidden()


def test_window_closed_is_emitted_once_the_end_passes(qtbot: QtBot, prompt: VerificationPrompt, clock: Clock) -> None:
    with qtbot.assertNotEmitted(prompt.window_closed, wait=0):
        prompt.start(TEXT, "v-1", NOW + 30)
    clock.now = NOW + 31

    with qtbot.waitSignal(prompt.window_closed, timeout=2000, check_params_cb=lambda vid: vid == "v-1"):
        pass  # the next tick of the half-second timer notices

    assert prompt.text() == f"{TEXT} · 0:00 left"


def test_a_prompt_already_past_its_end_says_so_at_once(qtbot: QtBot, prompt: VerificationPrompt) -> None:
    with qtbot.waitSignal(prompt.window_closed, timeout=0, check_params_cb=lambda vid: vid == "v-9"):
        prompt.start(TEXT, "v-9", NOW - 1)


@pytest.mark.parametrize(
    ("state", "word", "colour"),
    [
        (VerificationState.VERIFIED, "Verified.", theme.OUTCOME_COLOURS["ok"]),
        (VerificationState.FAILED, "Failed.", theme.OUTCOME_COLOURS["provider_error"]),
        (VerificationState.EXPIRED, "Expired.", theme.OUTCOME_COLOURS["provider_error"]),
    ],
)
def test_the_final_state_ends_the_prompt(
    qtbot: QtBot, prompt: VerificationPrompt, clock: Clock, state: VerificationState, word: str, colour: str
) -> None:
    prompt.start(TEXT, "v-1", NOW + 60)

    prompt.verification_changed(_verification(state))

    assert prompt.text() == f"<span style='color:{colour}'>{word}</span>"
    assert not prompt.isHidden()
    assert not prompt.timer.isActive()
    clock.now = NOW + 120  # the window passes: nothing is counted or announced any more
    with qtbot.assertNotEmitted(prompt.window_closed, wait=700):
        pass
    assert word in prompt.text()


def test_other_verifications_and_pending_states_leave_the_prompt(prompt: VerificationPrompt) -> None:
    prompt.start(TEXT, "v-1", NOW + 60)

    prompt.verification_changed(_verification(VerificationState.VERIFIED, vid="v-2"))
    prompt.verification_changed(_verification(VerificationState.DELIVERED))

    assert prompt.text() == f"{TEXT} · 1:00 left"
    assert prompt.timer.isActive()


def test_clear_hides_the_prompt_and_stops_counting(prompt: VerificationPrompt) -> None:
    prompt.start(TEXT, "v-1", NOW + 60)

    prompt.clear()

    assert prompt.isHidden()
    assert not prompt.timer.isActive()


def test_a_final_state_after_clear_changes_nothing(prompt: VerificationPrompt) -> None:
    prompt.start(TEXT, "v-1", NOW + 60)
    prompt.clear()

    prompt.verification_changed(_verification(VerificationState.VERIFIED))

    assert prompt.isHidden()
    assert "Verified" not in prompt.text()
