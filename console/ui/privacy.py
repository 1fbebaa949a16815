"""Screen-sharing mode: phone numbers and codes masked in what the console shows (records stay as they are)."""

from __future__ import annotations

import re

# A phone number: + and 7-15 digits, or 9-15 digits standing alone; a code: 4-8 digits standing alone.
_NUMBER = re.compile(r"(?<![\w/])(\+?\d{9,15}|\+\d{7,8})(?![\w/=])|(?<=%2B)(\d{7,15})(?![\w/=])")
_CODE = re.compile(r"(?<![\w/+%.:-])(\d{4,8})(?![\w/=%.:-])")
# the same digits with spaces between them, as a voice message spells a code ("4 8 2 9")
_SPOKEN = re.compile(r"(?<!\d )(?<!\d)((?:\d ){3,7}\d)(?! ?\d)")


class Privacy:
    """Whether the GUI masks personal data on screen; ``mask`` applies it to a text."""

    def __init__(self) -> None:
        self.enabled = False

    def mask(self, text: str) -> str:
        if not self.enabled or not text:
            return text
        text = _NUMBER.sub(lambda m: (n := m.group(1) or m.group(2))[:3] + "•••" + n[-2:], text)
        text = _SPOKEN.sub("• • • •", text)
        return _CODE.sub("••••", text)


PRIVACY = Privacy()
