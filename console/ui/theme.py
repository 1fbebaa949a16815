"""Colours and small style helpers, defined once: widgets call these instead of embedding CSS."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QWidget

LIVE_RED = "#c62828"
SIM_GREEN = "#2e7d32"
CUSTOM_AMBER = "#ef6c00"
MUTED = "#6b6b6b"
ERROR_RED = "#b71c1c"
LISTENING_GREEN = "#1a7f37"
PROMPT_BORDER = "#9a6700"

OUTCOME_COLOURS = {
    "ok": "#2e7d32",
    "wrong_code": "#e65100",
    "rejected": "#e65100",
    "provider_error": "#e65100",
    "transport_error": "#c62828",
    "contract_error": "#c62828",
    "internal_error": "#6a1b9a",
    "refused": "#757575",
}

STATE_COLOURS = {  # a verification's state, as the timeline shows it
    "pending": PROMPT_BORDER,
    "delivered": "#0969da",
    "verified": LISTENING_GREEN,
    "failed": "#cf222e",
    "expired": "#6e7781",
}

BOLD_STYLE = "font-weight: bold;"
"""A label in bold, nothing else (the profile badge when no profile is chosen)."""

PROMPT_STYLE = (
    f"font-size: 15px; font-weight: bold; padding: 8px; border: 2px solid {PROMPT_BORDER}; border-radius: 6px;"
)
"""The verification prompt: the user's part, large and framed."""

FIELD_ERROR_STYLE = f"border: 2px solid {LIVE_RED}; border-radius: 3px;"
"""A field the provider refused, framed in red."""

BANNER_STYLE = f"color: {ERROR_RED}; font-weight: bold"
"""The status bar's banner for an internal error."""

WARNING_STYLE = f"color: {CUSTOM_AMBER}; font-weight: bold;"
"""A warning line in amber, bold (e.g. the API version a base URL names stops working soon)."""


def badge_style(colour: str) -> str:
    """A filled pill for labels such as the environment badge."""
    return f"QLabel {{ background: {colour}; color: white; border-radius: 4px; padding: 2px 8px; font-weight: bold; }}"


def set_badge(label: QLabel, text: str, colour: str) -> None:
    label.setText(text)
    label.setStyleSheet(badge_style(colour))


def colour_style(colour: str) -> str:
    """Text in ``colour``."""
    return f"color: {colour}"


def set_colour(widget: QWidget, colour: str) -> None:
    """Give a widget's text ``colour``."""
    widget.setStyleSheet(colour_style(colour))


def muted(label: QLabel) -> QLabel:
    """A secondary label (help, paths, numbers) in the muted grey; returns it for chaining."""
    set_colour(label, MUTED)
    return label


def profile_badge_style(elsewhere: bool) -> str:
    """The profile badge: amber when the profile is sent somewhere other than where it was made for."""
    return f"font-weight: bold; color: {CUSTOM_AMBER if elsewhere else 'palette(text)'};"


def action_button_style(live: bool) -> str:
    """The form's action button: filled red when the request goes to a real provider."""
    if live:
        return f"QPushButton {{ background: {LIVE_RED}; color: white; font-weight: bold; padding: 4px 14px; }}"
    return "QPushButton { font-weight: bold; padding: 4px 14px; }"


def coloured_html(text: str, colour: str, bold: bool = False) -> str:
    """Rich text for a label: ``text`` in ``colour`` (``bold``: in a ``<b>`` instead of a ``<span>``)."""
    tag = "b" if bold else "span"
    return f"<{tag} style='color:{colour}'>{text}</{tag}>"


def title_html(title: str, summary: str) -> str:
    """A form's heading: the title large and bold, its summary muted beside it."""
    return f"<b style='font-size:15px'>{title}</b>  {coloured_html(summary, MUTED)}"


def compact_combo(combo: QComboBox, characters: int = 24) -> QComboBox:
    """A combo whose width does not follow its longest item (long labels would widen the whole form)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)
    return combo
