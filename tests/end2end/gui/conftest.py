"""A running console (window + core + simulators) on a qasync loop, shut down after each test."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator

import pytest
import qasync
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from console.ui.app import ConsoleApp
from tests.helpers.qtasync import run


@pytest.fixture
def qloop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    yield loop
    loop.close()
    asyncio.set_event_loop(None)


@pytest.fixture
def console(qtbot: QtBot, qloop: asyncio.AbstractEventLoop) -> Iterator[ConsoleApp]:
    app = ConsoleApp()
    app.window.show()
    run(qloop, app.start())
    yield app
    run(qloop, app.stop())  # reads the window's state, so the window must outlive it
    app.window.close()
    app.window.deleteLater()
    qtbot.wait(1)
    gc.collect()  # Qt objects with timers must die on the GUI thread, not in a worker's garbage collection
