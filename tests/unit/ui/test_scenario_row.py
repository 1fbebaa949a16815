"""The "Simulate an error" row: a case for the next request only, or kept on (with its amber badge) until turned off."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from console.ui import theme
from console.ui.scenario_row import ScenarioRow


@pytest.fixture
def row(qtbot: QtBot) -> ScenarioRow:
    widget = ScenarioRow()
    qtbot.addWidget(widget)
    widget.add_scenarios({"no_money": "Not enough money", "bad_key": "Wrong key"})
    widget.show_for("simulator")
    return widget


def _choose(row: ScenarioRow, case: str) -> None:
    row.combo.setCurrentIndex(row.combo.findData(case))


def test_next_request_only_is_the_default_and_is_spent_once(row: ScenarioRow, qtbot: QtBot) -> None:
    assert row.duration.currentText() == "next request only"
    with qtbot.waitSignal(row.chosen, timeout=0, check_params_cb=lambda c, s: (c, s) == ("no_money", False)):
        _choose(row, "no_money")
    assert row.badge.isHidden()
    with qtbot.assertNotEmitted(row.chosen, wait=0):
        row.used()
    assert row.case == "none"


def test_until_turned_off_stays_with_an_amber_badge(row: ScenarioRow, qtbot: QtBot) -> None:
    with qtbot.assertNotEmitted(row.chosen, wait=0):  # no case yet: nothing to say
        row.duration.setCurrentIndex(row.duration.findData("sticky"))
    assert row.badge.isHidden()
    with qtbot.waitSignal(row.chosen, timeout=0, check_params_cb=lambda c, s: (c, s) == ("no_money", True)):
        _choose(row, "no_money")
    assert not row.badge.isHidden()
    assert row.badge.text() == "SIMULATING: no_money"
    assert row.badge.styleSheet() == theme.badge_style(theme.CUSTOM_AMBER)
    for _ in range(3):
        row.used()  # the simulator answered: a kept case stays
    assert (row.case, row.sticky) == ("no_money", True)
    assert not row.badge.isHidden()
    with qtbot.waitSignal(row.chosen, timeout=0, check_params_cb=lambda c, s: (c, s) == ("none", True)):
        _choose(row, "none")  # "answers normally" turns it off
    assert row.badge.isHidden()


def test_changing_the_duration_of_a_chosen_case_says_it_again(row: ScenarioRow, qtbot: QtBot) -> None:
    _choose(row, "bad_key")
    with qtbot.waitSignal(row.chosen, timeout=0, check_params_cb=lambda c, s: (c, s) == ("bad_key", True)):
        row.duration.setCurrentIndex(row.duration.findData("sticky"))
    assert row.badge.text() == "SIMULATING: bad_key"
    with qtbot.waitSignal(row.chosen, timeout=0, check_params_cb=lambda c, s: (c, s) == ("bad_key", False)):
        row.duration.setCurrentIndex(row.duration.findData("once"))
    assert row.badge.isHidden()
    row.used()
    assert row.case == "none"
