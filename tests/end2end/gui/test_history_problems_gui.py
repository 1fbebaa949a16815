"""History that cannot be written is said in the GUI until it works again; unusable history does not stop the GUI."""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

import pytest

from console.core import paths
from console.core.settings import Settings, save_settings
from console.ui.app import ConsoleApp
from tests.end2end.gui.test_zadarma_gui import _press
from tests.helpers.qtasync import run, until


def _send(console: ConsoleApp, qloop: asyncio.AbstractEventLoop) -> Any:
    console.window.select_provider("zadarma")
    form = console.window.current_form()
    assert form is not None
    form.select_operation("send")
    form.set_field("to", "+48575555555")
    return run(qloop, _press(console, form))


def test_a_failing_write_raises_a_banner_that_stays_until_history_works(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    history = console.history
    assert history is not None
    banner = console.window.history_banner

    def full(conn: sqlite3.Connection, item: Any) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(history, "_write", full)
    assert _send(console, qloop).ok  # the send itself went through
    run(qloop, until(lambda: banner.isVisible()))
    assert "is full" in banner.text()
    assert str(paths.history_path()) in banner.text()
    monkeypatch.undo()
    assert _send(console, qloop).ok
    run(qloop, until(lambda: not banner.isVisible()))


def test_a_directory_in_the_way_keeps_the_gui_running_without_history(
    qtbot: Any, qloop: asyncio.AbstractEventLoop
) -> None:
    paths.history_path().mkdir(parents=True)
    save_settings(Settings(listener_port=0))  # any free port, not the users' default
    app = ConsoleApp()
    app.window.show()
    run(qloop, app.start())
    try:
        assert app.history is None
        banner = app.window.history_banner
        assert banner.isVisible()
        assert "is a directory" in banner.text()
        assert _send(app, qloop).ok  # sending still works; only history is not written
        assert "history is not being written" in app.window.sim_status.text()
    finally:
        run(qloop, app.stop())


def test_keep_codes_out_of_history_is_a_saved_setting(console: ConsoleApp, qloop: asyncio.AbstractEventLoop) -> None:
    from console.core.settings import load_settings

    assert console.service is not None
    assert not console.service.mask_codes_in_history
    console.window.history_masking_action.trigger()
    assert console.service.mask_codes_in_history
    run(qloop, until(lambda: load_settings().history_masks_codes))
    console.window.select_provider("ycloud")
    form = console.window.current_form()
    assert form is not None
    form.select_operation("send")
    form.set_field("to", "+447911123456")
    form.set_field("code", "482913")
    sent = run(qloop, _press(console, form))
    assert sent.ok
    assert "482913" in sent.exchange.request_body  # the log shows what was sent
    assert console.history is not None
    console.history.flush()
    stored = next(ex for ex in console.history.recent_exchanges(5) if ex.id == sent.exchange.id)
    assert "482913" not in stored.request_body
    assert "••••••" in stored.request_body
