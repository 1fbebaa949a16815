"""Colours and small style helpers, defined once."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel

LIVE_RED = "#c62828"
SIM_GREEN = "#2e7d32"
CUSTOM_AMBER = "#ef6c00"
MUTED = "#6b6b6b"
ERROR_RED = "#b71c1c"

OUTCOME_COLOURS = {
    "ok": "#2e7d32",
    "provider_error": "#e65100",
    "transport_error": "#c62828",
    "contract_error": "#c62828",
    "internal_error": "#6a1b9a",
    "refused": "#757575",
}

STATE_COLOURS = {
    "pending": "#1565c0",
    "delivered": "#00838f",
    "verified": "#2e7d32",
    "failed": "#c62828",
    "expired": "#757575",
}


def badge_style(colour: str) -> str:
    """A filled pill for labels such as the environment badge."""
    return f"QLabel {{ background: {colour}; color: white; border-radius: 4px; padding: 2px 8px; font-weight: bold; }}"


def set_badge(label: QLabel, text: str, colour: str) -> None:
    label.setText(text)
    label.setStyleSheet(badge_style(colour))


def compact_combo(combo: QComboBox, characters: int = 24) -> QComboBox:
    """A combo whose width does not follow its longest item (long labels would widen the whole form)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)
    return combo
