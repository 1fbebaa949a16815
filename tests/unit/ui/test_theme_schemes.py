"""Both colour schemes: every colour readable on both backgrounds (WCAG contrast), the palette follows the system."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from console.ui import theme
from console.ui.swimlanes import GUTTER, HEADER, SwimlaneView

SCHEMES = [theme.LIGHT, theme.DARK]
BACKGROUNDS = {  # where text is drawn: labels on the window, table cells on the base and its alternate rows
    f"{scheme.name} {role}": scheme.roles[role] for scheme in SCHEMES for role in ("Window", "Base", "AlternateBase")
}
TEXT = 3.0  # the floor for every shared colour used as text, on every background of both schemes
AA = 4.5  # WCAG AA for body text: each scheme's own text colours
GRAPHICS = 3.0  # WCAG 1.4.11 for marks, lines and series


@pytest.fixture
def restored_palette(qapp: QApplication) -> Iterator[QApplication]:
    before = QPalette(qapp.palette())
    yield qapp
    for follower in qapp.findChildren(theme._SchemeFollower):
        follower.setParent(None)
        follower.deleteLater()
    if hasattr(qapp, theme._FOLLOWED):
        delattr(qapp, theme._FOLLOWED)
    qapp.setPalette(before)


def test_contrast_is_wcags() -> None:
    assert theme.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert theme.contrast("#777777", "#777777") == pytest.approx(1.0)
    assert theme.contrast("#b71c1c", theme.DARK.window) < TEXT  # the old error red: why the shared colours changed


@pytest.mark.parametrize(("name", "colour"), sorted(theme.TEXT_COLOURS.items()))
def test_every_shared_text_colour_reads_on_both_schemes(name: str, colour: str) -> None:
    ratios = {where: theme.contrast(colour, background) for where, background in BACKGROUNDS.items()}
    assert min(ratios.values()) >= TEXT, f"{name} {colour}: {ratios}"


@pytest.mark.parametrize(("name", "colour"), sorted(theme.BADGE_COLOURS.items()))
def test_white_reads_on_every_badge_colour(name: str, colour: str) -> None:
    assert theme.contrast("#ffffff", colour) >= TEXT, name


@pytest.mark.parametrize(("name", "colour"), sorted(theme.BORDER_COLOURS.items()))
def test_frames_show_against_the_base_they_frame_in_both_schemes(name: str, colour: str) -> None:
    for scheme in SCHEMES:
        assert theme.contrast(colour, scheme.base) >= GRAPHICS, (name, scheme.name)


def test_every_colour_in_the_module_is_checked() -> None:
    """A colour added to theme.py outside the schemes must join one of the checked groups."""
    source = Path(theme.__file__).read_text(encoding="utf-8")
    top = source.split("# ---", 1)[0]  # the shared colours, before the schemes
    literals = set(re.findall(r'"(#[0-9a-fA-F]{6})"', top))
    checked = {*theme.TEXT_COLOURS.values(), *theme.BADGE_COLOURS.values(), *theme.BORDER_COLOURS.values()}
    assert literals <= checked
    assert theme.LIVE_RED not in theme.TEXT_COLOURS.values()  # never text: 2.7:1 on the dark window


@pytest.mark.parametrize("scheme", SCHEMES, ids=lambda s: s.name)
def test_each_scheme_reads_on_its_own_backgrounds(scheme: theme.Scheme) -> None:
    backgrounds = [scheme.window, scheme.base, scheme.roles["AlternateBase"], scheme.band]
    for background in backgrounds:
        for role in ("WindowText", "Text", "ButtonText", "PlaceholderText", "Link", "LinkVisited"):
            assert theme.contrast(scheme.roles[role], background) >= AA, (role, background)
        assert theme.contrast(scheme.muted_text, background) >= AA, background
        for state, colour in scheme.states.items():
            assert theme.contrast(colour, background) >= AA, (state, background)
        graphics = [*scheme.lanes.values(), *scheme.series, scheme.ok, scheme.error, scheme.accent, scheme.link]
        for colour in graphics:
            assert theme.contrast(colour, background) >= GRAPHICS, (colour, background)
        assert theme.contrast(scheme.roles["ButtonText"], scheme.roles["Button"]) >= AA
    assert theme.contrast(scheme.roles["HighlightedText"], scheme.roles["Highlight"]) >= AA
    assert theme.contrast(scheme.roles["ToolTipText"], scheme.roles["ToolTipBase"]) >= AA
    assert theme.contrast(scheme.disabled["Text"], scheme.window) >= 2.5  # dimmed, still there
    assert len(set(scheme.series)) == len(scheme.series)


def test_palette_for_sets_every_role() -> None:
    palette = theme.palette_for(theme.DARK)
    assert palette.color(QPalette.ColorRole.Window) == QColor(theme.DARK.window)
    assert palette.color(QPalette.ColorGroup.Inactive, QPalette.ColorRole.Text) == QColor(theme.DARK.text)
    assert palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text) == QColor(theme.DARK.disabled["Text"])
    assert theme.scheme_for(palette) is theme.DARK
    assert theme.scheme_for(theme.palette_for(theme.LIGHT)) is theme.LIGHT


def test_the_palette_follows_the_systems_scheme(restored_palette: QApplication, qtbot: QtBot) -> None:
    app = restored_palette
    lanes = SwimlaneView()
    qtbot.addWidget(lanes)
    lanes.resize(400, 200)
    lanes.show()
    system_dark = app.styleHints().colorScheme() == Qt.ColorScheme.Dark
    scheme = theme.apply_color_scheme(app)
    assert scheme is (theme.DARK if system_dark else theme.LIGHT)  # offscreen: Unknown, so light
    assert theme.is_dark() is system_dark
    theme.apply_color_scheme(app)
    assert len(app.findChildren(theme._SchemeFollower)) == 1  # applying twice follows once

    app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)  # the user switched the system to dark
    assert theme.is_dark()
    assert app.palette().color(QPalette.ColorRole.Window) == QColor(theme.DARK.window)
    qtbot.waitUntil(lambda: lanes.grab().toImage().pixelColor(GUTTER + 4, HEADER + 3) == QColor(theme.DARK.base))

    app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert not theme.is_dark()
    assert app.palette().color(QPalette.ColorRole.Base) == QColor(theme.LIGHT.base)
    qtbot.waitUntil(lambda: lanes.grab().toImage().pixelColor(GUTTER + 4, HEADER + 3) == QColor(theme.LIGHT.base))


def test_the_console_starts_in_the_systems_scheme(
    restored_palette: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    from console.ui.startup import make_qapp

    monkeypatch.setattr(theme, "system_is_dark", lambda app: True)  # a system set to dark
    assert make_qapp() is restored_palette
    assert theme.is_dark()
    assert restored_palette.palette().color(QPalette.ColorRole.Base) == QColor(theme.DARK.base)
    assert len(restored_palette.findChildren(theme._SchemeFollower)) == 1  # and it follows later switches
