"""The form's amber line about the API version its requests go to, and the exchange's warnings in its status."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time

import pytest
from pytestqt.qtbot import QtBot

from console.core.models import Exchange, Outcome
from console.providers.meta import SPEC as META
from console.providers.spec import Environment, Operation, OperationKind, ProviderSpec
from console.service.operations import OperationResult
from console.service.profiles import CUSTOM_ENV
from console.ui import theme
from console.ui.provider_form import ProviderForm

NEAR_THE_END = dt.date(2026, 12, 1)  # 51 days before Graph API v21.0 stops working (2027-01-21)
SIMULATOR_URL = "http://127.0.0.1:4321/meta/v26.0"


@pytest.fixture
def form(qtbot: QtBot) -> ProviderForm:
    widget = ProviderForm(META, {}, SIMULATOR_URL, today=lambda: NEAR_THE_END)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _pick(form: ProviderForm, env_id: str) -> None:
    index = form.env_combo.findData(env_id)
    assert index >= 0, env_id
    form.env_combo.setCurrentIndex(index)


def test_built_on_the_simulator_there_is_nothing_to_say(form: ProviderForm) -> None:
    assert form.env_id == "simulator"
    assert form.version_warning is form.environment.version_warning
    assert form.version_warning.isHidden()
    assert form.version_warning.text() == ""


def test_an_older_version_near_its_end_warns_in_amber_then_the_current_one_does_not(
    qtbot: QtBot, form: ProviderForm
) -> None:
    _pick(form, "live-v21.0")

    assert form.version_warning.isVisible()
    assert form.version_warning.text() == (
        "⚠ Meta WhatsApp Cloud API v21.0 stops working on 2027-01-21, in 51 days. Move to v26.0."
    )
    assert form.version_warning.styleSheet() == theme.WARNING_STYLE
    assert theme.CUSTOM_AMBER in theme.WARNING_STYLE
    assert form.target.text() == "→ https://graph.facebook.com/v21.0"

    _pick(form, "live")

    assert form.version_warning.isHidden()
    assert form.target.text() == "→ https://graph.facebook.com/v26.0"


def test_a_custom_base_url_is_read_as_it_is_typed(qtbot: QtBot, form: ProviderForm) -> None:
    _pick(form, CUSTOM_ENV)
    assert form.version_warning.isHidden()  # no URL yet

    qtbot.keyClicks(form.base_url, "https://graph.facebook.com/v20.0")

    assert form.version_warning.isVisible()
    assert form.version_warning.text() == (
        "⚠ Meta WhatsApp Cloud API v20.0 stopped working on 2026-09-24: its requests are refused. Move to v26.0."
    )

    form.base_url.clear()
    qtbot.keyClicks(form.base_url, "https://graph.facebook.com/v25.0")
    assert form.version_warning.isHidden()  # ends 2028-07-29: far off


def test_a_profile_bringing_an_old_version_warns_too(form: ProviderForm) -> None:
    form.set_env(CUSTOM_ENV, "https://graph.facebook.com/v21.0")
    assert "v21.0 stops working" in form.version_warning.text()
    form.set_env("simulator")
    assert form.version_warning.isHidden()


def test_the_date_counts(qtbot: QtBot) -> None:
    early = ProviderForm(META, {}, SIMULATOR_URL, today=lambda: dt.date(2026, 10, 1))
    qtbot.addWidget(early)
    _pick(early, "live-v21.0")
    assert early.version_warning.isHidden()  # 112 days before the end: not yet
    _pick(early, "live-v20.0")
    assert "v20.0 stopped working on 2026-09-24" in early.version_warning.text()


def test_a_provider_without_versions_never_shows_the_line(qtbot: QtBot) -> None:
    plain = ProviderSpec(
        "demo",
        "Demo",
        "A provider for tests",
        "https://docs.example",
        credentials=(),
        operations=(Operation("balance", "Balance", OperationKind.BALANCE),),
        environments=(Environment("live", "Live API", "https://api.example/v1", live=True),),
    )
    widget = ProviderForm(plain, {}, "http://127.0.0.1:4321/demo/v1", today=lambda: NEAR_THE_END)
    qtbot.addWidget(widget)
    for env_id in ("simulator", "live", CUSTOM_ENV):
        _pick(widget, env_id)
        assert widget.version_warning.isHidden()


def test_the_status_after_a_request_carries_the_exchanges_warnings(form: ProviderForm) -> None:
    warning = "Meta WhatsApp Cloud API v21.0 stops working on 2027-01-21, in 51 days. Move to v26.0."
    exchange = Exchange(
        "x-1",
        0,
        time.time(),
        "meta",
        "balance",
        "live-v21.0",
        "GET",
        "https://graph.facebook.com/v21.0/1",
        (),
        "",
        Outcome.OK,
        status=200,
        message="Credentials valid; sender OTP Demo",
        warnings=(warning,),
    )
    form.show_result(OperationResult(exchange))
    assert form.status.text().endswith(f"\n⚠ {warning}")

    form.show_result(OperationResult(dataclasses.replace(exchange, warnings=())))
    assert "⚠" not in form.status.text()
