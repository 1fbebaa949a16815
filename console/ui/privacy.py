"""Screen-sharing mode: phone numbers, e-mail addresses and codes masked on screen (records stay as they are)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from PySide6.QtWidgets import QLineEdit, QStatusBar, QWidget

# A phone number: + and 7-15 digits, or 9-15 digits standing alone; a code: 4-8 digits standing alone.
_NUMBER = re.compile(r"(?<![\w/#])(\+?\d{9,15}|\+\d{7,8})(?![\w/=])|(?<=%2B)(\d{7,15})(?![\w/=])")
_CODE = re.compile(r"(?<![\w/+%.:#-])(\d{4,8})(?![\w/=%.:-])")  # not a colour (#757575)
# an e-mail address: its first character and its domain stay
_EMAIL = re.compile(r"(?<![\w.+-])([\w+-])[\w.+-]*(@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
# the same digits with spaces between them, as a voice message spells a code ("4 8 2 9")
_SPOKEN = re.compile(r"(?<!\d )(?<!\d)((?:\d ){3,7}\d)(?! ?\d)")


class Privacy:
    """Whether the GUI masks personal data on screen; ``mask`` applies it to a text."""

    def __init__(self) -> None:
        self.enabled = False

    def mask(self, text: str) -> str:
        if not self.enabled or not text:
            return text
        text = _EMAIL.sub(r"\1•••\2", text)
        text = _NUMBER.sub(lambda m: (n := m.group(1) or m.group(2))[:3] + "•••" + n[-2:], text)
        text = _SPOKEN.sub("• • • •", text)
        return _CODE.sub("••••", text)


PRIVACY = Privacy()


# ------------------------------------------------------------------------------------------- on screen
# Widgets showing data keep its raw text in these properties; the masked form is what they display, and
# turning screen-sharing on or off redraws them all (refresh) without anyone re-sending the data.
_RAW_TEXT = "otpRawText"
_RAW_TIP = "otpRawToolTip"
_PERSONAL = "otpPersonal"


def show_text(widget: Any, text: str) -> None:
    """Show ``text`` in a label or button, masked in screen-sharing mode (the raw text kept for later)."""
    widget.setProperty(_RAW_TEXT, text)
    widget.setText(PRIVACY.mask(text))


def show_tooltip(widget: Any, text: str) -> None:
    """Set a widget's tooltip, masked in screen-sharing mode."""
    widget.setProperty(_RAW_TIP, text)
    widget.setToolTip(PRIVACY.mask(text))


def personal_input(line: QLineEdit) -> QLineEdit:
    """An input that holds a number or a code: dots in screen-sharing mode except while it is being edited."""
    line.setProperty(_PERSONAL, True)
    _apply_echo(line)
    return line


def _apply_echo(line: QLineEdit) -> None:
    if line.echoMode() is QLineEdit.EchoMode.Password:
        return  # a secret stays hidden whatever the mode
    mode = QLineEdit.EchoMode.PasswordEchoOnEdit if PRIVACY.enabled else QLineEdit.EchoMode.Normal
    line.setEchoMode(mode)


def refresh(widgets: Iterable[QWidget]) -> None:
    """Redraw what :func:`show_text`, :func:`show_tooltip` and :func:`personal_input` manage, as the mode says."""
    for widget in widgets:
        raw = widget.property(_RAW_TEXT)
        if isinstance(raw, str) and hasattr(widget, "setText"):
            widget.setText(PRIVACY.mask(raw))
        tip = widget.property(_RAW_TIP)
        if isinstance(tip, str):
            widget.setToolTip(PRIVACY.mask(tip))
        if isinstance(widget, QLineEdit) and widget.property(_PERSONAL):
            _apply_echo(widget)


class PrivateStatusBar(QStatusBar):
    """A status bar whose messages are masked in screen-sharing mode."""

    def showMessage(self, text: str, timeout: int | None = 0) -> None:
        super().showMessage(PRIVACY.mask(text), timeout or 0)
