"""Every provider through one lifecycle in both faces, with the same outcomes: send, the phone gets the code, a
wrong check, the right check, the same check again. And the two faces send the provider the same request."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from console.core.models import Outcome, VerificationState
from console.providers.spec import OperationKind
from console.service.operations import OperationResult
from console.ui.app import ConsoleApp
from console.ui.provider_form import ProviderForm
from tests.contract.lifecycle import PROVIDERS, Lifecycle, lifecycle, wrong_code
from tests.end2end.cli.test_cli import cli
from tests.helpers.qtasync import next_emission, run, until


def _flags(life: Lifecycle) -> list[str]:
    """The send's fields as command-line flags: ``--to`` for the destination, the field's own name otherwise."""
    flags = ["--channel", life.channel]
    for name, value in life.fields.items():
        flags += ["--to" if name == life.destination_field else f"--{name}", value]
    return flags


def _phone_code(provider: str) -> str:
    code, lines, err = cli("phone", "--provider", provider, "--limit", "1")
    assert code == 0, err
    assert lines[-1]["code"], f"the virtual phone shows no code: {lines[-1]}"
    return str(lines[-1]["code"])


@pytest.mark.end2end
@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_cli_lifecycle(provider: str) -> None:
    life = lifecycle(provider)
    code, lines, err = cli("send", provider, *_flags(life))
    assert code == 0, err
    sent = lines[-1]
    assert (sent["outcome"], sent["channel"]) == ("ok", life.channel)
    assert sent["destination"].startswith("+")
    assert sent["state"] == "pending"
    right = _phone_code(provider)
    vid = sent["verification"]

    code, lines, _ = cli("check", provider, "--verification", vid, "--code", wrong_code(right))
    wrong = lines[-1]
    assert (code, wrong["outcome"], wrong["ok"]) == (1, "wrong_code", False)
    assert wrong["checked_by"] in ("provider", "console")
    assert wrong["verification"] == vid

    code, lines, _ = cli("check", provider, "--verification", vid, "--code", right)
    assert (code, lines[-1]["outcome"], lines[-1]["state"]) == (0, "ok", "verified")

    code, lines, _ = cli("check", provider, "--verification", vid, "--code", right)
    again = lines[-1]
    assert (code, again["outcome"], again["error_code"]) == (1, "rejected", "already_verified")
    assert again["verified_at"] is not None

    code, lines, _ = cli("check", provider, "--verification", "v-no-such-one", "--code", right)
    assert (code, lines[-1]["outcome"], lines[-1]["error_code"]) == (2, "refused", "unknown_verification")


async def _press(console: ConsoleApp, form: ProviderForm) -> OperationResult:
    result: OperationResult = await next_emission(console.window.result_shown, form.send)
    return result


def _form(console: ConsoleApp, provider: str) -> ProviderForm:
    console.window.select_provider(provider)
    form = console.window.current_form()
    assert form is not None
    return form


def _gui_send(console: ConsoleApp, qloop: asyncio.AbstractEventLoop, life: Lifecycle) -> OperationResult:
    form = _form(console, life.provider)
    form.select_operation("send")
    form.select_channel(life.channel)
    for name, value in life.fields.items():
        form.set_field(name, value)
    return run(qloop, _press(console, form))


def _gui_check(console: ConsoleApp, qloop: asyncio.AbstractEventLoop, life: Lifecycle, code: str) -> Any:
    form = _form(console, life.provider)
    form.enter_code(code)  # what "Use code in Check" does: the check tab, its code field
    assert form.operation_id == life.check_op
    return run(qloop, _press(console, form))


@pytest.mark.gui
@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_gui_lifecycle(console: ConsoleApp, qloop: asyncio.AbstractEventLoop, provider: str) -> None:
    life = lifecycle(provider)
    sent = _gui_send(console, qloop, life)
    assert sent.ok, sent.exchange.summary
    assert (sent.exchange.channel, sent.exchange.destination[:1]) == (life.channel, "+")
    assert sent.verification is not None
    assert (sent.verification.channel, sent.verification.destination) == (life.channel, sent.exchange.destination)
    host = console.host
    assert host is not None
    run(qloop, until(lambda: bool(host.phone_messages(provider)) and bool(host.phone_messages(provider)[-1].code)))
    right = host.phone_messages(provider)[-1].code or ""

    wrong = _gui_check(console, qloop, life, wrong_code(right))
    assert (wrong.exchange.outcome, wrong.exchange.error_code) == (Outcome.WRONG_CODE, "wrong_code")
    assert wrong.exchange.checked_by in ("provider", "console")
    form = _form(console, provider)
    assert not form.current_page().fields[_code_field_of_check(form)].widget.styleSheet()  # no field blamed

    checked = _gui_check(console, qloop, life, right)
    assert checked.ok, checked.exchange.summary
    assert checked.verification is not None
    assert checked.verification.state is VerificationState.VERIFIED

    again = _gui_check(console, qloop, life, right)
    assert (again.exchange.outcome, again.exchange.error_code) == (Outcome.REJECTED, "already_verified")
    assert again.exchange.verified_at is not None
    rows = console.window.log.model
    assert rows.rowCount() >= 4
    assert "already verified" in form.status.text()
    assert form.prompt.isVisible()
    assert form.prompt.text().endswith("Verified.</span>")
    assert again.verification is not None
    assert again.verification.end_time == checked.verification.end_time

    send_op = next(op.id for op in form.spec.operations if op.kind is OperationKind.SEND)
    form.select_operation(send_op)  # each tab keeps its own status line
    assert "already verified" not in form.status.text()
    assert form.status.text() == form.status.property("otpRawText") != ""
    form.select_operation(life.check_op)
    assert "already verified" in form.status.text()


def _code_field_of_check(form: ProviderForm) -> str:
    from console.providers.spec import FieldRole

    return next(name for name, w in form.current_page().fields.items() if w.spec.role is FieldRole.CODE)


@pytest.mark.gui
@pytest.mark.parametrize("provider", PROVIDERS)
def test_both_faces_send_the_provider_the_same_request(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop, provider: str
) -> None:
    life = lifecycle(provider)
    host = console.host
    assert host is not None
    simulator = host.simulator(provider)
    assert _gui_send(console, qloop, life).ok
    from_gui = simulator.journal[-1]
    code, _, err = cli("send", provider, *_flags(life), "--base-url", host.base_url(provider))
    assert code == 0, err
    from_cli = simulator.journal[-1]
    assert from_cli is not from_gui
    shown = (from_gui.method, from_gui.path, from_gui.query, from_gui.body)
    assert (from_cli.method, from_cli.path, from_cli.query, from_cli.body) == shown
