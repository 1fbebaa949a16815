"""Validation before consent: a live send the console would refuse is refused without asking to spend."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from console.core.models import Outcome
from console.ui.app import ConsoleApp
from tests.end2end.gui.test_zadarma_gui import _press
from tests.helpers.qtasync import run


def _asked(console: ConsoleApp, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    asked: list[Any] = []
    monkeypatch.setattr(console.window, "ask_live_consent", lambda *question: asked.append(question) or True)
    return asked


def test_missing_live_credentials_are_said_in_the_forms_words_before_any_question(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = _asked(console, monkeypatch)
    console.window.select_provider("zadarma")
    form = console.window.current_form()
    assert form is not None
    form.set_env("live")
    form.select_operation("balance")
    refused = run(qloop, _press(console, form))
    assert refused.exchange.outcome is Outcome.REFUSED
    assert asked == []  # nothing to agree to: the console would not send it
    text = form.status.text()
    assert "API key" in text
    assert "API secret" in text
    assert "--key" not in text  # the CLI's flags belong to the CLI
    assert "color: palette(window-text)" in form.status.styleSheet()  # full contrast in either scheme, not grey
    assert form.credentials["key"].widget.styleSheet()  # the field at fault is marked


def test_a_refused_field_is_said_before_any_question(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = _asked(console, monkeypatch)
    console.window.select_provider("zadarma")
    form = console.window.current_form()
    assert form is not None
    form.set_env("live")
    form.set_credential("key", "live-key-1234567")
    form.set_credential("secret", "live-secret-1234567")
    form.select_operation("send")
    form.set_field("to", "not a number")
    refused = run(qloop, _press(console, form))
    assert (refused.exchange.outcome, refused.exchange.error_field) == (Outcome.REFUSED, "to")
    assert asked == []
    assert form.current_page().fields["to"].widget.styleSheet()


def test_good_live_input_still_asks_once(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = _asked(console, monkeypatch)
    assert console.host is not None
    console.window.select_provider("zadarma")
    form = console.window.current_form()
    assert form is not None
    form.set_env("custom", console.host.base_url("zadarma"))
    for name, value in console.host.credentials("zadarma").items():
        form.set_credential(name, value)
    form.select_operation("balance")
    assert run(qloop, _press(console, form)).ok
    assert len(asked) == 1
    assert run(qloop, _press(console, form)).ok
    assert len(asked) == 1  # once per run
