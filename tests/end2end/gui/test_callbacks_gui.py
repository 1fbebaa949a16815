"""Callbacks through the real widgets: the virtual phone answers, the listener records, the timeline follows."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from console.core import paths
from console.core.models import VerificationState
from console.ui.app import ConsoleApp
from tests.end2end.gui.test_zadarma_gui import _form, _press
from tests.helpers.qtasync import next_emission, run, until


def _send_call_button(console: ConsoleApp, qloop: asyncio.AbstractEventLoop) -> str:
    form = _form(console)
    form.select_operation("send")
    form.select_channel("call_button")
    greeting = form.current_page().fields["greeting_sound_id"]
    run(
        qloop,
        next_emission(
            console.window.result_shown, lambda: QTest.mouseClick(greeting.load_button, Qt.MouseButton.LeftButton)
        ),
    )
    for name in ("greeting_sound_id", "button_1_sound_id", "fallback_sound_id"):
        combo = form.current_page().fields[name].combo
        assert combo is not None
        combo.setCurrentIndex(0)
    form.set_field("to", "+48575555555")
    sent = run(qloop, _press(console, form))
    assert sent.ok
    assert sent.verification is not None
    return sent.verification.id


def _press_on_phone(console: ConsoleApp, qloop: asyncio.AbstractEventLoop, action: str) -> None:
    phone = console.window.phone
    run(qloop, until(lambda: phone.list.count() >= 1 and phone.action_button(action) is not None))
    button = phone.action_button(action)
    assert button is not None
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    run(qloop, until(lambda: "NOTIFY_END" in phone.delivery.text()))


def _state(console: ConsoleApp, vid: str) -> VerificationState | None:
    assert console.service is not None
    found = console.service.book.peek(vid)
    return found.state if found else None


def test_listener_runs_on_loopback_and_shows_its_url(console: ConsoleApp, qloop: asyncio.AbstractEventLoop) -> None:
    panel = console.window.listener_panel
    assert "LISTENING" in panel.state.text()
    assert panel.url.text().startswith("http://127.0.0.1:")
    assert httpx.get(f"{panel.url.text()}/hooks/zadarma?zd_echo=ping").text == "ping"
    run(qloop, until(lambda: "1 request" in panel.pulse.text(), timeout=5))
    assert "/hooks/zadarma" in panel.paste.toPlainText()
    panel.public.setText("https://abc.example.dev")
    panel.public.editingFinished.emit()
    assert "https://abc.example.dev/hooks/zadarma" in panel.paste.toPlainText()
    saved = paths.config_dir() / "settings.json"
    run(qloop, until(lambda: saved.exists() and "abc.example.dev" in saved.read_text()))  # remembered next run


def test_press_1_verifies_and_the_timeline_shows_every_step(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop
) -> None:
    vid = _send_call_button(console, qloop)
    assert _state(console, vid) is VerificationState.PENDING
    _press_on_phone(console, qloop, "press_1")
    run(qloop, until(lambda: _state(console, vid) is VerificationState.VERIFIED))
    assert "200" in console.window.phone.delivery.text()
    prompt = _form(console).prompt  # no prompt while the call rang (nothing to type), but the end is said
    run(qloop, until(lambda: prompt.isVisible() and "Verified." in prompt.text()))

    end = next(x for x in console.store.snapshot() if x.channel == "NOTIFY_END")
    assert end.verification_id == vid
    assert end.signature == "valid"
    console.window.log.select_exchange(end.id)
    window = console.window
    assert window.lower_tabs.currentWidget() is window.timeline  # a callback brings its verification up
    steps = ["send · call_button", "callback NOTIFY_ANSWER", "callback NOTIFY_END"]
    run(qloop, until(lambda: window.timeline.steps() == steps))
    assert "VERIFIED" in window.timeline.headline.text()
    assert window.timeline.countdown.text().startswith("Verified at ")


def test_pending_countdown_then_a_wrong_key_fails(console: ConsoleApp, qloop: asyncio.AbstractEventLoop) -> None:
    vid = _send_call_button(console, qloop)
    sent_row = next(x for x in console.store.snapshot() if x.verification_id == vid)
    console.window.log.select_exchange(sent_row.id)
    timeline = console.window.timeline
    assert "Pending: 9:5" in timeline.countdown.text() or "Pending: 10:00" in timeline.countdown.text()
    _press_on_phone(console, qloop, "press_2")
    run(qloop, until(lambda: _state(console, vid) is VerificationState.FAILED))
    run(qloop, until(lambda: "FAILED" in timeline.headline.text()))


def test_simulator_misdelivery_is_visible(console: ConsoleApp, qloop: asyncio.AbstractEventLoop) -> None:
    panel = console.window.listener_panel
    panel.fault.setCurrentIndex(panel.fault.findData("bad_signature"))
    vid = _send_call_button(console, qloop)
    _press_on_phone(console, qloop, "press_1")
    rows = [x for x in console.store.snapshot() if x.operation == "webhook" and x.verification_id == vid]
    assert {(r.signature, r.error_code) for r in rows} == {("invalid", "bad_signature")}
    assert _state(console, vid) is VerificationState.VERIFIED  # the verdict is shown, the callback still counts
    console.window.log.select_exchange(rows[-1].id)
    tree = console.window.timeline.tree
    run(qloop, until(lambda: tree.topLevelItemCount() == 3 and tree.topLevelItem(2).text(4) == "invalid"))


def test_stop_and_restart_the_listener(console: ConsoleApp, qloop: asyncio.AbstractEventLoop) -> None:
    panel = console.window.listener_panel
    QTest.mouseClick(panel.toggle, Qt.MouseButton.LeftButton)
    run(qloop, until(lambda: "STOPPED" in panel.state.text()))
    assert console.listener is not None
    assert not console.listener.running
    QTest.mouseClick(panel.toggle, Qt.MouseButton.LeftButton)
    run(qloop, until(lambda: "LISTENING" in panel.state.text()))
    assert httpx.get(f"{panel.url.text()}/?zd_echo=again").text == "again"


def test_replay_an_edited_callback_re_signed(console: ConsoleApp, qloop: asyncio.AbstractEventLoop) -> None:
    vid = _send_call_button(console, qloop)
    _press_on_phone(console, qloop, "press_1")
    end = next(x for x in console.store.snapshot() if x.channel == "NOTIFY_END" and x.verification_id == vid)
    console.window.log.select_exchange(end.id)
    detail = console.window.detail
    assert detail.replay.isEnabled()
    QTest.mouseClick(detail.replay, Qt.MouseButton.LeftButton)
    dialog = console.replay_dialog
    assert dialog is not None
    body = dialog.body.toPlainText()  # type: ignore[attr-defined]
    dialog.body.setPlainText(body.replace("callback_dtmf=1", "callback_dtmf=2"))  # type: ignore[attr-defined]
    dialog.resign.setChecked(True)  # type: ignore[attr-defined]
    before = len(console.store.snapshot())
    dialog.accept()
    run(qloop, until(lambda: any(x.operation == "replay" for x in console.store.snapshot()[before:])))
    run(qloop, until(lambda: bool([x for x in console.store.snapshot()[before:] if x.operation == "webhook"])))
    replayed = [x for x in console.store.snapshot()[before:] if x.operation == "webhook"]
    assert replayed[-1].signature == "valid"
    assert "callback_dtmf=2" in dict(replayed[-1].notes)["parameters"]
    assert "state kept" in dict(replayed[-1].notes)["verification"]  # a late duplicate cannot undo the result


def test_wait_call_prompt_dial_and_verified(console: ConsoleApp, qloop: asyncio.AbstractEventLoop) -> None:
    console.window.select_provider("ssms")
    form = console.window.current_form()
    assert form is not None
    form.select_operation("send")
    form.select_channel("wait_call")
    form.set_field("to", "89670311122")  # read as a Russian number
    sent = run(qloop, _press(console, form))
    assert sent.ok
    assert sent.verification is not None
    vid = sent.verification.id
    assert not form.prompt.isHidden()
    assert form.prompt.text().startswith("Call +74951234567 from +79670311122 within 60 s · ")
    assert "left" in form.prompt.text()
    _press_on_phone_action(console, qloop, "dial", "incoming call")
    run(qloop, until(lambda: _state(console, vid) is VerificationState.VERIFIED))
    run(qloop, until(lambda: "Verified" in form.prompt.text()))
    call = [x for x in console.store.snapshot() if x.provider == "ssms" and x.operation == "webhook"][-1]
    assert call.message.startswith("[undocumented shape]")
    console.window.log.select_exchange(call.id)
    run(qloop, until(lambda: console.window.timeline.steps() == ["send · wait_call", "callback incoming call"]))
    assert "undocumented" in console.window.detail.notes.toPlainText()


def _press_on_phone_action(console: ConsoleApp, qloop: asyncio.AbstractEventLoop, action: str, label: str) -> None:
    phone = console.window.phone
    run(qloop, until(lambda: phone.action_button(action) is not None))
    button = phone.action_button(action)
    assert button is not None
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    run(qloop, until(lambda: label in phone.delivery.text()))


def test_export_har_and_evidence_from_the_window(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    vid = _send_call_button(console, qloop)
    _press_on_phone(console, qloop, "press_1")
    end = next(x for x in console.store.snapshot() if x.channel == "NOTIFY_END" and x.verification_id == vid)
    console.window.log.select_exchange(end.id)
    run(qloop, console.window.export_to("har", str(tmp_path / "log.har")))
    har = json.loads((tmp_path / "log.har").read_text())
    assert har["log"]["version"] == "1.2"
    assert any(e["request"]["url"].endswith("/hooks/zadarma") for e in har["log"]["entries"])
    run(qloop, console.window.export_to("evidence", str(tmp_path / "evidence.json")))
    record = json.loads((tmp_path / "evidence.json").read_text())
    assert record["verification"]["id"] == vid
    assert [s["step"] for s in record["timeline"]] == [
        "send · call_button",
        "webhook · NOTIFY_ANSWER",
        "webhook · NOTIFY_END",
    ]
    assert "sim_zadarma_secret" not in (tmp_path / "log.har").read_text()


def test_a_huge_body_is_clipped_on_screen_and_opens_raw(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtGui import QDesktopServices

    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    url = console.window.listener_panel.url.text()
    body = "x" * 500_000
    assert httpx.post(f"{url}/hooks/unknown", content=body).status_code == 200
    row = next(x for x in reversed(console.store.snapshot()) if x.operation == "webhook")
    console.window.log.select_exchange(row.id)
    detail = console.window.detail
    assert "more characters not shown" in detail.request.toPlainText()
    assert not detail.open_raw.isHidden()
    path = run(qloop, detail.open_raw_body())
    assert path is not None
    assert body in path.read_text()
    assert opened == [str(path)]
    assert "MB)" in console.window.sim_status.text()  # history's size on disk, in the status bar


def test_register_the_listener_url_with_zadarma_and_ycloud(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop
) -> None:
    panel = console.window.listener_panel
    panel.public.setText("https://tunnel.example.dev")
    panel.public.editingFinished.emit()
    console.window.select_provider("zadarma")
    zadarma = console.window.current_form()
    assert zadarma is not None
    zadarma.select_operation("webhook_url")
    assert zadarma.field_value("url") == "https://tunnel.example.dev/hooks/zadarma"
    done = run(qloop, _press(console, zadarma))
    assert done.ok
    assert "tunnel.example.dev/hooks/zadarma" in done.exchange.message
    console.window.select_provider("ycloud")
    ycloud = console.window.current_form()
    assert ycloud is not None
    ycloud.select_operation("webhook_endpoint")
    assert ycloud.field_value("url") == "https://tunnel.example.dev/hooks/ycloud"
    registered = run(qloop, _press(console, ycloud))
    assert registered.ok
    assert "whsec_sim_ycloud" in ycloud.status.text()  # shown once, in the form
    assert "whsec_sim_ycloud" not in registered.exchange.response_body  # and never recorded
    assert "whsec_sim_ycloud" not in registered.exchange.message
