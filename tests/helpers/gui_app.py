"""A running console (window + core + simulators) on a qasync loop, shut down after each test (GUI fixtures)."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from console.core.settings import Settings, save_settings
from console.ui.app import ConsoleApp
from tests.helpers.qtasync import run


@pytest.fixture
def console(qtbot: QtBot, qloop: asyncio.AbstractEventLoop) -> Iterator[ConsoleApp]:
    save_settings(Settings(listener_port=0))  # any free port: tests leave 8765, the users' default, alone
    app = ConsoleApp()
    app.window.show()
    run(qloop, app.start())
    yield app
    run(qloop, app.stop())  # reads the window's state, so the window must outlive it
    _stop_timers(app.window)
    app.window.close()
    app.window.deleteLater()
    qtbot.wait(1)
    gc.collect()  # Qt objects with timers must die on the GUI thread, not in a worker's garbage collection


@pytest.fixture(autouse=True)
def _quiet_windows_afterwards(qapp: QApplication) -> Iterator[None]:
    """After each test, destroy every window left (run_gui's own) on the GUI thread, timers stopped first.

    Otherwise a later garbage collection on a worker thread would destroy them there, and Qt's warning about
    stopping timers from another thread would fail whichever test happened to be running.
    """
    yield
    for widget in qapp.topLevelWidgets():
        _stop_timers(widget)
        widget.close()
        widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # destroyed here, on the GUI thread
    gc.collect()


def _stop_timers(widget: QWidget) -> None:
    for timer in widget.findChildren(QTimer):
        timer.stop()
