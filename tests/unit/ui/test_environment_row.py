"""The environment row: the environments offered, the custom base URL field, the badge and target it describes."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from console.providers.spec import Environment, Operation, OperationKind, ProviderSpec
from console.service.profiles import CUSTOM_ENV
from console.ui import theme
from console.ui.environment_row import EnvironmentRow

SPEC = ProviderSpec(
    "demo",
    "Demo",
    "A provider for tests",
    "https://docs.example",
    credentials=(),
    operations=(Operation("balance", "Balance", OperationKind.BALANCE),),
    environments=(
        Environment("live", "Live API", "https://api.example/v1", live=True),
        Environment("sandbox", "Sandbox (test accounts)", "https://sandbox.example/v1"),
    ),
)


@pytest.fixture
def row(qtbot: QtBot) -> EnvironmentRow:
    widget = EnvironmentRow(SPEC, "http://127.0.0.1:4321/demo")
    qtbot.addWidget(widget)
    return widget


def test_offers_the_simulator_first_then_the_providers_environments_then_custom(row: EnvironmentRow) -> None:
    ids = [row.combo.itemData(i) for i in range(row.combo.count())]
    labels = [row.combo.itemText(i) for i in range(row.combo.count())]

    assert ids == ["simulator", "live", "sandbox", CUSTOM_ENV]
    assert labels[1] == "Live API  (https://api.example/v1)"  # a live one shows where it goes
    assert labels[2] == "Sandbox (test accounts)"
    assert row.env_id == "simulator"
    assert row.combo.objectName() == "env_combo"


def test_the_simulator_is_described_green_with_its_url(row: EnvironmentRow) -> None:
    assert row.describe() == ("SIMULATOR", theme.SIM_GREEN, "http://127.0.0.1:4321/demo")
    assert row.base_url.isHidden()


def test_a_live_environment_is_red_and_a_sandbox_amber(row: EnvironmentRow) -> None:
    row.select("live")
    assert row.describe() == ("LIVE", theme.LIVE_RED, "https://api.example/v1")

    row.select("sandbox")
    assert row.describe() == ("SANDBOX", theme.CUSTOM_AMBER, "https://sandbox.example/v1")


def test_custom_shows_the_base_url_field_and_asks_for_one(row: EnvironmentRow) -> None:
    row.select(CUSTOM_ENV)

    assert not row.base_url.isHidden()
    assert row.describe() == ("CUSTOM", theme.CUSTOM_AMBER, "enter a base URL")
    row.base_url.setText("https://mine.example")
    assert row.describe() == ("CUSTOM", theme.CUSTOM_AMBER, "https://mine.example")

    row.select("simulator")
    assert row.base_url.isHidden()


def test_select_sets_the_custom_url_and_picking_announces_the_id(qtbot: QtBot, row: EnvironmentRow) -> None:
    with qtbot.waitSignal(row.chosen, timeout=0, check_params_cb=lambda env: env == CUSTOM_ENV):
        row.select(CUSTOM_ENV, "https://mine.example")
    assert row.base_url.text() == "https://mine.example"

    with qtbot.waitSignal(row.chosen, timeout=0, check_params_cb=lambda env: env == "live"):
        row.combo.setCurrentIndex(1)
