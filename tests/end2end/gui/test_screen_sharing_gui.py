"""Screen-sharing mode: after a send on every provider's every channel, no full number or code is on screen.

The mask is turned on first, then a send runs on each channel (the virtual phone receives it, the log, the
detail pane and the timeline show it). Every visible widget's text, tooltip, items, the status bar and the
window title are read; the swim lanes' marks too. What the user copies may stay whole: that is not read here.
"""

from __future__ import annotations

import asyncio
import re

import pytest

from console.core.models import Outcome
from console.providers import all_providers
from console.providers.spec import OperationKind
from console.ui.app import ConsoleApp
from console.ui.privacy import PRIVACY
from tests.contract.lifecycle import fixed_value
from tests.end2end.gui.test_zadarma_gui import _press
from tests.helpers.qtasync import run, until
from tests.helpers.screen_text import visible_texts

SENDS = [
    (pid, channel.id)
    for pid, provider in all_providers().items()
    for op in provider.spec.operations
    if op.kind is OperationKind.SEND
    for channel in provider.spec.channels
]


def _someone(placeholder: str) -> str:
    """A destination like the field's example but not it (the help texts quote the example itself)."""
    if "@" in placeholder:
        return "qa.tester@example.org"
    head, tail = placeholder[:-3], placeholder[-3:]
    return head + "".join(str((int(d) + 3) % 10) for d in tail)


def _digits(text: str) -> str:
    return re.sub(r"[\s\-().+]", "", text)


def _leaks(secrets_numbers: set[str], codes: set[str]) -> list[str]:
    found = []
    for where, text in visible_texts():
        squeezed = _digits(text)
        for number in secrets_numbers:
            if number in squeezed:
                found.append(f"{where}: {number} in {text!r}")
        for code in codes:
            spaced = " ".join(code)
            if re.search(rf"(?<!\d){code}(?!\d)", text) or spaced in text:
                found.append(f"{where}: code {code} in {text!r}")
    return found


@pytest.mark.parametrize(("provider", "channel"), SENDS)
def test_nothing_on_screen_shows_a_number_or_a_code(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop, provider: str, channel: str
) -> None:
    window = console.window
    window.mask_action.setChecked(True)
    try:
        spec = all_providers()[provider].spec
        window.select_provider(provider)
        form = window.current_form()
        assert form is not None
        form.select_operation(next(op.id for op in spec.operations if op.kind is OperationKind.SEND))
        form.select_channel(channel)
        destination = spec.destination_field(channel)
        to = _someone(destination.placeholder)
        form.set_field(destination.name, to)
        for field in next(ch for ch in spec.channels if ch.id == channel).fields:
            if field.generated:
                form.set_field(field.name, fixed_value(field))
        sent = run(qloop, _press(console, form))
        assert sent.exchange.outcome is not Outcome.INTERNAL_ERROR, sent.exchange.summary
        host = console.host
        assert host is not None
        if sent.ok:
            run(qloop, until(lambda: bool(host.phone_messages(provider)), timeout=5))
        window.log.select_exchange(sent.exchange.id)  # the detail pane and the timeline show it
        window.lower_tabs.setCurrentWidget(window.timeline)
        window.open_history()  # a dialog too: the history of every run, searched by that number
        dialog = window.history_dialog
        assert dialog is not None
        dialog.search_edit.setText(to)
        run(qloop, dialog.refresh())
        assert dialog.model.rowCount() >= 1

        numbers = {_digits(to)}
        codes: set[str] = set()
        for message in host.phone_messages(provider):
            numbers.add(_digits(message.to))
            numbers.update(re.findall(r"\d{9,15}", _digits(message.title + " " + message.text)))
            if message.code:
                codes.add(message.code)
        raw_prompt = str(form.prompt.property("otpRawText") or "")
        numbers.update(re.findall(r"\d{9,15}", _digits(raw_prompt)))
        numbers = {n for n in numbers if len(n) >= 9 and "@" not in n}
        numbers |= {n[-9:] for n in numbers}  # a national spelling shares the last nine digits
        if "@" in to:  # an address: its name must not show (the domain may)
            numbers.add(_digits(to.split("@")[0]))
        assert numbers, "the test must look for something"

        leaks = _leaks(numbers, codes)
        for mark in window.timeline.lanes.marks():  # painted text: the lanes' labels and tooltips
            for text in (mark.label, mark.detail):
                if any(n in _digits(text) for n in numbers) or any(
                    re.search(rf"(?<!\d){c}(?!\d)", text) for c in codes
                ):
                    leaks.append(f"swim lane mark: {text!r}")
        assert not leaks, "\n".join(leaks[:20])
        window.mask_action.setChecked(False)
        assert _leaks(numbers, codes), "unmasked, the same walk finds them (it reads what is on screen)"
    finally:
        window.mask_action.setChecked(False)
        if window.history_dialog is not None:
            window.history_dialog.close()
    assert not PRIVACY.enabled
