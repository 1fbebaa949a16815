"""The user's part of a verification (e.g. "Call +7495… within 60 s"), prominent, counting down to its end."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel

from console.core.models import Verification
from console.ui import theme
from console.ui.privacy import show_text

_END_WORDS = {"verified": "Verified", "failed": "Failed", "expired": "Expired"}


class VerificationPrompt(QLabel):
    """A framed label with what the user has to do and the time left, until the verification ends.

    It stays hidden while there is nothing to prompt. When the window has passed it says so through
    ``window_closed`` (the app then marks the verification expired); the verification's final state, given to
    :meth:`verification_changed`, replaces the prompt with "Verified.", "Failed." or "Expired.".

    Attributes:
        timer: refreshes the time left twice a second while a prompt with an end is shown.

    Signals:
        window_closed(str): the prompted verification's window has passed (its id).
    """

    window_closed = Signal(str)

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        """``clock`` gives the time in seconds since the epoch (tests pass their own)."""
        super().__init__()
        self._clock = clock
        self.setObjectName("form_prompt")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setStyleSheet(theme.PROMPT_STYLE)
        self.hide()
        self._prompt: tuple[str, str, float | None] | None = None  # text, verification id, window end
        self._followed = ""  # a verification without a prompt, whose end is still shown
        self.timer = QTimer(self)
        self.timer.setInterval(500)
        self.timer.timeout.connect(self._tick)

    def start(self, text: str, verification_id: str = "", ends: float | None = None) -> None:
        """Show ``text`` for the verification ``verification_id``, with the time left until ``ends``."""
        self._prompt = (text, verification_id, ends)
        self._tick()

    def clear(self) -> None:
        """Nothing to prompt: hide the label and stop counting."""
        self._prompt = None
        self._followed = ""
        self._tick()

    def follow(self, verification_id: str) -> None:
        """No part for the user to play (a press-1 call, a message): stay hidden, but say how it ends."""
        self.clear()
        self._followed = verification_id

    def verification_changed(self, verification: Verification) -> None:
        """End the prompt once its verification is verified, failed or expired."""
        followed = self._prompt[1] if self._prompt is not None else self._followed
        if followed and followed == verification.id and verification.is_final():
            word = _END_WORDS[verification.state.value]
            colour = theme.OUTCOME_COLOURS["ok" if verification.state.value == "verified" else "provider_error"]
            self._prompt, self._followed = None, ""
            self.timer.stop()
            show_text(self, theme.coloured_html(f"{word}.", colour))
            self.show()

    def _tick(self) -> None:
        """The prompt with the time left (e.g. "Call +7495… from +7967… within 60 s · 0:42 left")."""
        if self._prompt is None:
            self.hide()
            self.timer.stop()
            return
        text, vid, ends = self._prompt
        left = ""
        if ends is not None and self._clock() >= ends:
            self.window_closed.emit(vid)  # the app marks it expired; verification_changed then ends the prompt
        if ends is not None:
            minutes, seconds = divmod(max(0, int(ends - self._clock())), 60)
            left = f" · {minutes}:{seconds:02d} left"
        show_text(self, f"{text}{left}")  # masked in screen-sharing mode: it names both numbers
        self.show()
        if not self.timer.isActive():
            self.timer.start()
