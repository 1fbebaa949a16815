"""A QA engineer picks a simulator error case from the list and sees how the console handles it."""

from __future__ import annotations

import asyncio

import pytest

from console.core.models import Outcome
from console.ui.app import ConsoleApp
from tests.end2end.gui.test_zadarma_gui import _press
from tests.helpers.qtasync import run, until


@pytest.mark.parametrize(
    ("provider", "operation", "case", "code"),
    [
        ("zadarma", "balance", "no_money", "no_money"),
        ("zadarma", "balance", "bad_key", "401"),
        ("ssms", "balance", "no_money", "36"),
        ("ycloud", "send", "pair_rate_limit", "131056"),
        ("meta", "send", "undeliverable", "131026"),
    ],
)
def test_a_picked_error_case_is_answered_once_and_explained(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop, provider: str, operation: str, case: str, code: str
) -> None:
    console.window.select_provider(provider)
    form = console.window.current_form()
    assert form is not None
    form.select_operation(operation)
    if operation == "send":
        form.set_field("to", "+447911123456")
    assert not form.scenario_row.isHidden()
    form.scenario.setCurrentIndex(form.scenario.findData(case))
    failed = run(qloop, _press(console, form))
    assert failed.exchange.error_code == code
    assert failed.exchange.outcome is Outcome.PROVIDER_ERROR
    assert failed.exchange.meaning
    assert "not in the console's table" not in failed.exchange.meaning
    assert form.scenario.currentData() == "none"  # applied once, then back to normal
    assert run(qloop, _press(console, form)).ok


def test_the_error_list_is_hidden_outside_the_simulator(console: ConsoleApp) -> None:
    console.window.select_provider("zadarma")
    form = console.window.current_form()
    assert form is not None
    form.set_env("live")
    assert form.scenario_row.isHidden()
    form.set_env("simulator")
    assert not form.scenario_row.isHidden()


def test_live_is_confirmed_once_per_run(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    answers = iter([False, True])
    monkeypatch.setattr(
        console.window, "ask_live_consent", lambda provider, target, *_: asked.append(target) or next(answers)
    )
    console.window.select_provider("zadarma")
    form = console.window.current_form()
    assert form is not None
    assert console.host is not None
    form.select_operation("balance")
    form.set_env("custom", console.host.base_url("zadarma"))  # "outside the simulator", served locally
    for name, value in console.host.credentials("zadarma").items():
        form.credentials[name].set(value)
    form.send()
    run(qloop, until(lambda: "not confirmed" in form.status.text()))
    assert len(asked) == 1
    assert run(qloop, _press(console, form)).exchange.env == "custom"
    assert run(qloop, _press(console, form)).ok
    assert len(asked) == 2  # once refused, once accepted; never again in this run
