"""Profiles, the passphrase, the spend guard and history search, driven through the real window."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from console.core.models import Outcome
from console.core.secret_store import EncryptedFileStore, secrets_file_path
from console.providers import all_providers
from console.service.profiles import Profile, ProfileBook
from console.service.spend_guard import SpendGuard
from console.ui.app import ConsoleApp
from console.ui.provider_form import ProviderForm
from tests.end2end.gui.test_zadarma_gui import _form, _press
from tests.helpers.qtasync import run, until


def _passphrases(console: ConsoleApp, monkeypatch: pytest.MonkeyPatch, *answers: str | None) -> list[str]:
    """Answer the passphrase prompts in turn; return the problems each prompt showed."""
    assert console.profiles is not None
    shown: list[str] = []
    queue = list(answers)

    def answer(creating: bool, problem: str) -> str | None:
        shown.append(problem)
        return queue.pop(0)

    monkeypatch.setattr(console.profiles, "ask_passphrase", answer)
    return shown


def _custom_simulator(console: ConsoleApp, form: ProviderForm) -> None:
    """Outside the simulator environment (real-send rules apply), but served by the local simulator."""
    assert console.host is not None
    form.set_env("custom", console.host.base_url("zadarma"))


def test_save_a_profile_from_the_form_and_send_with_it(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    _passphrases(console, monkeypatch, "first-passphrase")
    form = _form(console)
    form.select_operation("balance")
    form.set_credential("secret", "wrong-secret-4242")
    assert form.profile_badge.text() == "No profile"
    assert console.profiles is not None
    saved = run(qloop, console.profiles.save_from_form(form, "Zadarma wrong"))
    assert saved is not None
    assert saved.credentials == ["secret"]
    assert form.profile_name == "Zadarma wrong"
    assert form.credentials["secret"].get() == ""  # kept in the store now, not in the field
    assert "saved" in form.status.text()
    assert "encrypted file" in form.status.text()
    assert form.profile_badge.text() == "Profile: Zadarma wrong"
    placeholder = form.credentials["secret"].line
    assert placeholder is not None
    assert placeholder.placeholderText() == "from profile Zadarma wrong"
    assert b"wrong-secret-4242" not in secrets_file_path().read_bytes()
    form.reveal.click()  # "Show secrets" shows the profile's values on screen, outside the fields
    run(qloop, until(lambda: placeholder.placeholderText() == "wrong-secret-4242  (profile Zadarma wrong)"))
    assert form.credentials["secret"].get() == ""
    form.reveal.click()
    assert placeholder.placeholderText() == "from profile Zadarma wrong"

    refused = run(qloop, _press(console, form))
    assert refused.exchange.status == 401
    assert refused.exchange.credential_sources == (("key", "simulator demo"), ("secret", "profile Zadarma wrong"))
    assert refused.exchange.profile == "Zadarma wrong"

    form.select_profile("")
    assert run(qloop, _press(console, form)).ok


def test_a_locked_file_asks_for_the_passphrase_before_sending(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert console.host is not None
    store = EncryptedFileStore(secrets_file_path())
    store.unlock("right-one")
    creds = console.host.credentials("zadarma")
    ProfileBook(store, all_providers()).save(
        Profile("Zadarma staging", "zadarma", "custom", console.host.base_url("zadarma")), creds
    )
    assert console.profiles is not None
    run(qloop, console.profiles.refresh())
    form = _form(console)
    monkeypatch.setattr(console.window, "ask_live_consent", lambda *_: True)
    form.select_operation("balance")
    form.select_profile("Zadarma staging")
    assert form.env_id == "custom"  # the profile brings its environment
    assert form.base_url.text() == console.host.base_url("zadarma")

    shown = _passphrases(console, monkeypatch, None)
    cancelled = run(qloop, _press(console, form))
    assert cancelled.exchange.outcome is Outcome.REFUSED
    assert "locked" in cancelled.exchange.message

    shown = _passphrases(console, monkeypatch, "wrong-one", "right-one")
    result = run(qloop, _press(console, form))
    assert result.ok
    assert shown == ["", f"The passphrase does not open {secrets_file_path()}."]
    assert result.exchange.credentials_text == "key from profile Zadarma staging, secret from profile Zadarma staging"
    console.window.lock_secrets()  # File > Lock secrets: the next use asks again
    assert "Secrets locked" in console.window.statusBar().currentMessage()
    shown = _passphrases(console, monkeypatch, "right-one")
    assert run(qloop, _press(console, form)).ok
    assert shown == [""]

    form.set_env("live")
    assert "made for custom" in form.profile_badge.text()
    run(qloop, console.profiles.refresh())  # a reload of the list keeps the environment the user chose
    assert form.env_id == "live"

    form.select_profile("")  # reopening the past request brings its profile (and so its environment) back
    console.window.reopen(result.exchange)
    assert form.profile_name == "Zadarma staging"
    assert form.env_id == "custom"
    assert form.profile_badge.text() == "Profile: Zadarma staging"


def test_the_spend_guard_shows_its_numbers_and_asks_before_a_flagged_send(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert console.host is not None
    asked: list[tuple[list[str], list[str]]] = []
    answers = iter([True, False, True])
    monkeypatch.setattr(
        console.window,
        "ask_live_consent",
        lambda _p, _t, numbers, problems: asked.append((numbers, problems)) or next(answers),
    )
    console.window.set_spend_guard(SpendGuard(("+48575555555",), 600.0, 20), refuse=False)
    form = _form(console)
    _custom_simulator(console, form)
    for name, value in console.host.credentials("zadarma").items():
        form.set_credential(name, value)
    form.select_operation("send")
    form.set_field("to", "+481")
    invalid = run(qloop, _press(console, form))  # refused before anything is asked or sent
    assert invalid.exchange.outcome is Outcome.REFUSED
    assert asked == []
    form.set_field("to", "+48575555555")
    run(qloop, until(lambda: "0 real sends today of 20" in form.spend_label.text()))
    assert form.spend_label.isVisible()

    assert run(qloop, _press(console, form)).ok  # the first real send of the run: consent, with the numbers
    numbers, problems = asked[-1]
    assert problems == []
    assert numbers[0] == "Real sends today: 0 of 20 (daily cap)"
    assert "allow-list: on it" in numbers[2]
    run(qloop, until(lambda: "1 real sends today of 20" in form.spend_label.text()))

    form.send()  # the same number again, inside the cooldown: flagged, and refused by the user
    run(qloop, until(lambda: "warning was not overridden" in form.status.text()))
    numbers, problems = asked[-1]
    assert "cooldown is 600 s" in problems[0]
    assert "last real send" in numbers[1]

    form.set_field("to", "+442037691880")  # not on the allow-list: flagged, sent anyway
    flagged = run(qloop, _press(console, form))
    assert flagged.ok, (flagged.exchange.outcome, flagged.exchange.message, flagged.exchange.meaning)
    assert "not on the allow-list" in asked[-1][1][0]
    assert len(asked) == 3

    console.window.set_spend_guard(SpendGuard(("+48575555555",), 600.0, 20), refuse=True)
    refused = run(qloop, _press(console, form))  # refuse mode: the service records the refusal, nobody is asked
    assert refused.exchange.outcome is Outcome.REFUSED
    assert "Spend guard" in refused.exchange.message
    assert len(asked) == 3


def test_history_search_from_the_menu_shows_and_reopens(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    form = _form(console)
    form.select_operation("send")
    form.select_channel("sms")
    form.set_field("to", "+442037691880")
    sent = run(qloop, _press(console, form))
    form.set_field("to", "+442037691999")
    run(qloop, _press(console, form))
    form.set_field("to", "")

    console.window.open_history()
    dialog = console.window.history_dialog
    assert dialog is not None
    dialog.search_edit.setText("+442037691880")
    run(qloop, dialog.refresh())
    assert dialog.model.rowCount() == 1
    assert dialog.result_label.text() == "1 found for '+442037691880'"
    assert "MB" in dialog.info_label.text()
    console.window.set_privacy(True)  # screen sharing: the dialog masks numbers too
    run(qloop, dialog.refresh())
    assert dialog.result_label.text() == "1 found for '+44•••80'"
    console.window.set_privacy(False)
    dialog.table.selectRow(0)
    reopened: list[object] = []
    dialog.reopen_requested.connect(reopened.append)
    dialog.reopen_button.click()
    assert [getattr(x, "id", None) for x in reopened] == [sent.exchange.id]
    assert form.field_value("to") == "+442037691880"
    dialog.show_button.click()
    assert console.window.detail.exchange is not None
    assert console.window.detail.exchange.id == sent.exchange.id
    dialog.close()
    debug = console.window.detail.debug  # the signature debugger, loaded with this Zadarma request
    assert debug.isEnabled()
    debug.click()
    assert console.window.debugger.sig_path.text() == "/v1/verify/"
    assert "to=+442037691880" in console.window.debugger.sig_params.text()
    console.window.debugger.close()


def test_the_listener_verifies_with_a_profiles_secret_once_unlocked(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    import httpx

    from console.providers.ycloud import signature

    store = EncryptedFileStore(secrets_file_path())
    store.unlock("pp")
    ProfileBook(store, all_providers()).save(
        Profile("YCloud prod", "ycloud", "live"), {"webhook_secret": "whsec_gui_profile_5"}
    )
    assert console.profiles is not None
    assert console.listener is not None
    _passphrases(console, monkeypatch, "pp")
    assert run(qloop, console.profiles.ensure_unlocked())
    handler = console.listener.handler
    run(
        qloop,
        until(lambda: any(s.source == "profile YCloud prod" for s in handler.secrets["ycloud"]["webhook_secret"])),
    )

    body = b'{"type":"whatsapp.message.updated","whatsappMessage":{"id":"m-gui","status":"delivered"}}'
    stamp = str(int(time.time()))
    header = f"t={stamp},s={signature('whsec_gui_profile_5', stamp, body)}"
    url = f"{console.listener.hooks_base()}/ycloud"

    async def post() -> int:
        async with httpx.AsyncClient() as client:
            return (await client.post(url, content=body, headers={"YCloud-Signature": header})).status_code

    assert run(qloop, post()) == 200
    rows = console.store.snapshot
    run(qloop, until(lambda: any(x.operation == "webhook" and x.signature == "valid" for x in rows())))
    row = next(x for x in rows() if x.operation == "webhook")
    assert "profile YCloud prod" in " ".join(v for _, v in row.notes)
    assert "whsec_gui_profile_5" not in repr(row)


def test_import_a_dotenv_file_and_the_environment_into_profiles(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert console.profiles is not None
    _passphrases(console, monkeypatch, "import-pass")
    console.window.select_provider("hamkaran")
    form = console.window.current_form()
    assert form is not None
    form.set_env("live")
    dotenv = tmp_path / "hcp.env"
    dotenv.write_text("HCP_KEY=hcp-imported-key-1\nOTHER=1\n")
    saved = run(qloop, console.profiles.import_dotenv(form, "HCP prod", str(dotenv)))
    assert saved is not None
    assert (saved.env, saved.credentials) == ("live", ["key"])
    assert form.profile_name == "HCP prod"
    assert form.profile_badge.text() == "Profile: HCP prod"

    monkeypatch.setenv("HCP_KEY", "hcp-from-environ-2")
    again = run(qloop, console.profiles.import_dotenv(form, "HCP env", ""))
    assert again is not None
    book = console.profiles.book
    assert book is not None
    assert book.credentials("HCP env") == {"key": "hcp-from-environ-2"}
    assert book.credentials("HCP prod") == {"key": "hcp-imported-key-1"}
    assert [form.profile_combo.itemData(i) for i in range(form.profile_combo.count())] == ["", "HCP env", "HCP prod"]

    empty = tmp_path / "empty.env"
    empty.write_text("NOTHING=1\n")
    assert run(qloop, console.profiles.import_dotenv(form, "x", str(empty))) is None
    assert "nothing imported" in form.status.text()
