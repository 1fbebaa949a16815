"""The action row: environment badge and target, the profile badge, the red live button, the spend guard line."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from console.service.profiles import CUSTOM_ENV, Profile
from console.ui import theme
from console.ui.action_row import ActionRow


@pytest.fixture
def row(qtbot: QtBot) -> ActionRow:
    widget = ActionRow()
    qtbot.addWidget(widget)
    return widget


def test_the_simulator_keeps_a_plain_button(row: ActionRow) -> None:
    row.show_environment("SIMULATOR", theme.SIM_GREEN, "http://127.0.0.1:1/demo", live=False)

    assert row.env_badge.text() == "SIMULATOR"
    assert theme.SIM_GREEN in row.env_badge.styleSheet()
    assert row.target.text() == "→ http://127.0.0.1:1/demo"
    assert row.target.toolTip() == "http://127.0.0.1:1/demo"
    assert theme.LIVE_RED not in row.button.styleSheet()
    assert "font-weight: bold" in row.button.styleSheet()


def test_a_live_environment_turns_the_button_red(row: ActionRow) -> None:
    row.show_environment("LIVE", theme.LIVE_RED, "https://api.example/v1", live=True)

    assert row.env_badge.text() == "LIVE"
    assert row.button.styleSheet() == theme.action_button_style(True)
    assert theme.LIVE_RED in row.button.styleSheet()


def test_the_spend_guard_line_shows_only_for_live_environments(row: ActionRow) -> None:
    assert row.spend_label.isHidden()

    row.set_spend_text("Spend guard · 2 of 10 today", live=True)
    assert not row.spend_label.isHidden()
    assert row.spend_label.text() == "Spend guard · 2 of 10 today"

    row.show_environment("SIMULATOR", theme.SIM_GREEN, "http://127.0.0.1:1/demo", live=False)
    assert row.spend_label.isHidden()
    row.show_environment("LIVE", theme.LIVE_RED, "https://api.example/v1", live=True)
    assert not row.spend_label.isHidden()

    row.set_spend_text("", live=True)
    assert row.spend_label.isHidden()


def test_no_profile_is_said_plainly(row: ActionRow) -> None:
    row.show_profile(None, "simulator", "")

    assert row.profile_badge.text() == "No profile"
    assert row.profile_badge.styleSheet() == theme.BOLD_STYLE


def test_a_profile_used_where_it_was_made_is_plain(row: ActionRow) -> None:
    row.show_profile(Profile("prod", "demo", "live"), "live", "")

    assert row.profile_badge.text() == "Profile: prod"
    assert theme.CUSTOM_AMBER not in row.profile_badge.styleSheet()


def test_a_profile_sent_elsewhere_is_amber_and_says_where_it_was_made_for(row: ActionRow) -> None:
    row.show_profile(Profile("prod", "demo", "live"), "simulator", "")

    assert row.profile_badge.text() == "Profile: prod (made for live)"
    assert theme.CUSTOM_AMBER in row.profile_badge.styleSheet()


def test_a_custom_profile_compares_its_url_without_the_trailing_slash(row: ActionRow) -> None:
    profile = Profile("mine", "demo", CUSTOM_ENV, "https://mine.example")

    row.show_profile(profile, CUSTOM_ENV, " https://mine.example/ ")
    assert row.profile_badge.text() == "Profile: mine"

    row.show_profile(profile, CUSTOM_ENV, "https://other.example")
    assert row.profile_badge.text() == "Profile: mine (made for custom https://mine.example)"
