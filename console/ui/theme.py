"""Colours and small style helpers, defined once: widgets call these instead of embedding CSS.

Two colour schemes, light and dark, follow the system's (:func:`apply_color_scheme`). The shared colours
below (``MUTED``, ``OUTCOME_COLOURS``…) are single values that read on the window and base backgrounds
of *both* schemes (WCAG contrast of 3:1 or more, and white text on the badge colours too): widgets bake them
into style sheets and brushes once, so they must not disappear when the system switches scheme while the
console runs. The pictures (swim lanes, charts, sparkline) repaint on a switch and pick stronger colours from
the scheme in use (:func:`scheme_for`).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QComboBox, QLabel, QToolTip, QWidget

# Every shared text colour has a relative luminance near 0.2: about 3.6:1 against the light window (#efefef)
# and against the dark one (#262626), and at least 4.1:1 under white badge text. test_theme_schemes checks
# them all. LIVE_RED is never text: it fills the live badge and button under white text (5.6:1) and frames a
# refused field (3:1 or more against the field's base in both schemes).
LIVE_RED = "#c62828"
SIM_GREEN = "#348c38"
CUSTOM_AMBER = "#c95b00"
MUTED = "#7b7b7b"
ERROR_RED = "#e0403f"
LISTENING_GREEN = "#1d8f3e"
PROMPT_BORDER = "#a87100"

OUTCOME_COLOURS = {
    "ok": SIM_GREEN,
    "wrong_code": "#d94d00",
    "rejected": "#d94d00",
    "provider_error": "#d94d00",
    "transport_error": ERROR_RED,
    "contract_error": ERROR_RED,
    "internal_error": "#ab52e1",
    "refused": "#808080",  # was #757575: 2.8:1 on the dark window
}

STATE_COLOURS = {  # a verification's state, as the timeline shows it
    "pending": PROMPT_BORDER,
    "delivered": "#2b7de9",
    "verified": LISTENING_GREEN,
    "failed": "#e03f4b",
    "expired": "#737d87",
}

TEXT_COLOURS: Mapping[str, str] = MappingProxyType(
    {
        "SIM_GREEN": SIM_GREEN,
        "CUSTOM_AMBER": CUSTOM_AMBER,
        "MUTED": MUTED,
        "ERROR_RED": ERROR_RED,
        "LISTENING_GREEN": LISTENING_GREEN,
        "PROMPT_BORDER": PROMPT_BORDER,
        **{f"OUTCOME_COLOURS[{k}]": v for k, v in OUTCOME_COLOURS.items()},
        **{f"STATE_COLOURS[{k}]": v for k, v in STATE_COLOURS.items()},
    }
)
"""Every shared colour that is used as text somewhere (on the window or on a table's base)."""

BADGE_COLOURS: Mapping[str, str] = MappingProxyType(
    {"LIVE_RED": LIVE_RED, "SIM_GREEN": SIM_GREEN, "CUSTOM_AMBER": CUSTOM_AMBER}
)
"""Shared colours used as a filled background under white text (badges, the live send button)."""

BORDER_COLOURS: Mapping[str, str] = MappingProxyType({"LIVE_RED": LIVE_RED, "PROMPT_BORDER": PROMPT_BORDER})
"""Shared colours used as frames (a refused field, the verification prompt): 3:1 against the base they frame."""

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


# ----------------------------------------------------------------------------------------------- schemes
class Scheme(NamedTuple):  # not a dataclass: the module is on the first frame's path, dataclasses is not
    """One colour scheme: the application palette's roles, and the colours the pictures draw with.

    Attributes:
        name: "light" or "dark".
        dark: whether the backgrounds are dark.
        roles: the palette (QPalette role name -> colour) for the active and inactive groups.
        disabled: the disabled group's text colours.
        muted_text: secondary text in pictures (gap labels, axis ticks); 4.5:1 on ``base``.
        grid: lane separators and grid lines (decoration).
        band: every other lane's background.
        link: lines between related marks.
        lanes: the swim lanes' mark colours (console, provider, phone, listener); 3:1 on ``base``.
        ok / error: a mark that went well / badly.
        states: a verification's state (the timeline's end line and its label); 4.5:1 on ``base``.
        series: one colour per provider in charts, in order; 3:1 on ``base``.
        accent: the sparkline's line.
    """

    name: str
    dark: bool
    roles: Mapping[str, str]
    disabled: Mapping[str, str]
    muted_text: str
    grid: str
    band: str
    link: str
    lanes: Mapping[str, str]
    ok: str
    error: str
    states: Mapping[str, str]
    series: tuple[str, ...]
    accent: str

    @property
    def window(self) -> str:
        return self.roles["Window"]

    @property
    def base(self) -> str:
        return self.roles["Base"]

    @property
    def text(self) -> str:
        return self.roles["Text"]

    def series_colour(self, index: int) -> str:
        return self.series[index % len(self.series)]


LIGHT = Scheme(
    name="light",
    dark=False,
    roles=MappingProxyType(
        {  # Qt's Fusion palette, spelled out so contrasts can be checked
            "Window": "#efefef",
            "WindowText": "#000000",
            "Base": "#ffffff",
            "AlternateBase": "#f7f7f7",
            "ToolTipBase": "#ffffdc",
            "ToolTipText": "#000000",
            "PlaceholderText": "#666666",
            "Text": "#000000",
            "Button": "#efefef",
            "ButtonText": "#000000",
            "BrightText": "#ffffff",
            "Light": "#ffffff",
            "Midlight": "#cacaca",
            "Mid": "#b8b8b8",
            "Dark": "#9f9f9f",
            "Shadow": "#767676",
            "Highlight": "#2a6fba",
            "HighlightedText": "#ffffff",
            "Link": "#0b57c2",
            "LinkVisited": "#7a2ea8",
        }
    ),
    disabled=MappingProxyType({"WindowText": "#808080", "Text": "#808080", "ButtonText": "#808080"}),
    muted_text="#595959",
    grid="#c9c9c9",
    band="#f4f6f9",
    link="#6b6b6b",
    lanes=MappingProxyType({"console": "#1f5fbf", "provider": "#7b3fb2", "phone": "#0d7a6b", "listener": "#a85300"}),
    ok="#2e7d32",
    error="#c62828",
    states=MappingProxyType(
        {
            "pending": "#8a5a00",
            "delivered": "#0b5cc7",
            "verified": "#177a33",
            "failed": "#c2202c",
            "expired": "#5c6570",
        }
    ),
    series=("#1f5fbf", "#c45a00", "#2e7d32", "#a01f8a", "#00798c", "#7a6300", "#c62828", "#5b3fbf"),
    accent="#1f5fbf",
)

DARK = Scheme(
    name="dark",
    dark=True,
    roles=MappingProxyType(
        {
            "Window": "#262626",
            "WindowText": "#e8e8e8",
            "Base": "#1c1c1c",
            "AlternateBase": "#242424",
            "ToolTipBase": "#333333",
            "ToolTipText": "#eeeeee",
            "PlaceholderText": "#9a9a9a",
            "Text": "#e8e8e8",
            "Button": "#333333",
            "ButtonText": "#e8e8e8",
            "BrightText": "#ffffff",
            "Light": "#4a4a4a",
            "Midlight": "#3c3c3c",
            "Mid": "#2e2e2e",
            "Dark": "#181818",
            "Shadow": "#000000",
            "Highlight": "#2f6fb3",
            "HighlightedText": "#ffffff",
            "Link": "#6cb4ff",
            "LinkVisited": "#c49bff",
        }
    ),
    disabled=MappingProxyType({"WindowText": "#7a7a7a", "Text": "#7a7a7a", "ButtonText": "#7a7a7a"}),
    muted_text="#a6a6a6",
    grid="#4a4a4a",
    band="#242629",
    link="#9a9a9a",
    lanes=MappingProxyType({"console": "#6aa6ff", "provider": "#c08cf0", "phone": "#3cc8b4", "listener": "#f0a040"}),
    ok="#5fcf68",
    error="#ff6b6b",
    states=MappingProxyType(
        {
            "pending": "#e8b040",
            "delivered": "#6aa6ff",
            "verified": "#5fcf68",
            "failed": "#ff6b6b",
            "expired": "#a6afb8",
        }
    ),
    series=("#6aa6ff", "#ffa24a", "#6fd36f", "#f07ad8", "#4fd0e0", "#e8c43a", "#ff7070", "#a993ff"),
    accent="#6aa6ff",
)


def luminance(colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    qc = QColor(colour)
    return 0.2126 * channel(qc.red()) + 0.7152 * channel(qc.green()) + 0.0722 * channel(qc.blue())


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two colours, from 1 (none) to 21 (black on white)."""
    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def palette_for(scheme: Scheme) -> QPalette:
    """The application palette of ``scheme``."""
    palette = QPalette()
    for role_name, colour in scheme.roles.items():
        role = getattr(QPalette.ColorRole, role_name)
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            palette.setColor(group, role, QColor(colour))
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(scheme.disabled.get(role_name, colour)))
    return palette


def scheme_for(palette: QPalette) -> Scheme:
    """The scheme whose colours suit a widget with this palette (dark when its window is dark)."""
    return DARK if palette.color(QPalette.ColorRole.Window).lightness() < 128 else LIGHT


def system_is_dark(app: QGuiApplication) -> bool:
    """Whether the system asks for dark colours (Qt 6.5+ style hints; an unknown scheme counts as light)."""
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


def is_dark() -> bool:
    """Whether the application's palette is dark now (what :func:`apply_color_scheme` set, or Qt's default)."""
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return False
    return scheme_for(app.palette()).dark


def use_scheme(app: QGuiApplication, dark: bool) -> Scheme:
    """Set the application palette (and the tooltips') to the dark or light scheme; returns the scheme."""
    scheme = DARK if dark else LIGHT
    palette = palette_for(scheme)
    app.setPalette(palette)
    QToolTip.setPalette(palette)
    return scheme


_FOLLOWED = "_otp_console_scheme_follower"  # the app's attribute holding its follower


class _SchemeFollower(QObject):
    """Re-applies the palette when the system's colour scheme changes (lives as long as the application)."""

    def __init__(self, app: QGuiApplication) -> None:
        super().__init__(app)
        self.app = app
        app.styleHints().colorSchemeChanged.connect(self.on_scheme_changed)

    def on_scheme_changed(self, scheme: Qt.ColorScheme) -> None:
        use_scheme(self.app, scheme == Qt.ColorScheme.Dark)


def apply_color_scheme(app: QGuiApplication) -> Scheme:
    """Give ``app`` the palette of the system's colour scheme and follow the system when it changes.

    Safe to call more than once (one follower per application). Widgets are told through Qt's palette-change
    events; the pictures repaint in the new scheme's colours. A light system keeps Qt's default palette.
    """
    # Marked on the app rather than looked up with findChild: its first call costs ~6 ms of start-up
    if getattr(app, _FOLLOWED, None) is None:
        setattr(app, _FOLLOWED, _SchemeFollower(app))
    if system_is_dark(app) or is_dark():
        return use_scheme(app, system_is_dark(app))
    return LIGHT  # Qt's own light palette is LIGHT's (spelled out above): setting it would only cost start-up


# ----------------------------------------------------------------------------------------------- helpers
def badge_style(colour: str) -> str:
    """A filled pill for labels such as the environment badge."""
    return f"QLabel {{ background: {colour}; color: white; border-radius: 4px; padding: 2px 8px; font-weight: bold; }}"


def set_badge(label: QLabel, text: str, colour: str) -> None:
    label.setText(text)
    label.setStyleSheet(badge_style(colour))


def status_style(outcome: str) -> str:
    """The status line under Send for an outcome: its colour; a refusal in the text colour, marked in amber.

    A refusal is the user's next thing to fix, so it must read like text in both schemes (a grey that read on
    one background faded on the other); the amber bar beside it says "not sent".
    """
    if outcome == "refused":
        return f"color: palette(window-text); border-left: 3px solid {CUSTOM_AMBER}; padding-left: 6px;"
    return colour_style(OUTCOME_COLOURS.get(outcome, MUTED))


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
