"""The listener keeps its port: 8765 by default, the port bound remembered, a taken one moved (and said) unless typed.

Other processes run beside these tests: they use ports they pick themselves, except the two that must check the
default, which hold 8765 themselves (or find it held) and accept the next free port when it is not theirs to take.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from console.core.settings import DEFAULT_LISTENER_PORT, Settings, load_settings, save_settings
from console.ui.app import ConsoleApp
from console.ui.listener_panel import ListenerPanel
from tests.helpers.gui_app import _stop_timers
from tests.helpers.qtasync import run, until
from tests.unit.listener.test_port_choice import free_block, occupy

MOVED = re.compile(r"^8765(-\d+)? (was|were) taken \(by (another program|other programs)\): listening on (\d+)")


@contextmanager
def running_app(qloop: asyncio.AbstractEventLoop) -> Iterator[ConsoleApp]:
    """A console on this test's OTP_CONSOLE_HOME, as the GUI starts it, stopped and closed afterwards."""
    app = ConsoleApp()
    app.window.show()
    run(qloop, app.start())
    try:
        yield app
    finally:
        run(qloop, app.stop())
        _stop_timers(app.window)
        app.window.close()
        app.window.deleteLater()


@contextmanager
def default_port_held() -> Iterator[None]:
    """8765 held by another program: this test's socket, or whoever holds it already."""
    try:
        sock = occupy(DEFAULT_LISTENER_PORT)
    except OSError:
        yield
        return
    with sock:
        yield


def bound(app: ConsoleApp) -> int:
    assert app.listener is not None
    assert app.listener.running
    return app.listener.server.port


def click(panel: ListenerPanel) -> None:
    QTest.mouseClick(panel.toggle, Qt.MouseButton.LeftButton)


def type_port(panel: ListenerPanel, port: int) -> None:
    panel.more.setChecked(True)
    panel.port.selectAll()
    QTest.keyClicks(panel.port, str(port))


def remembered() -> int:
    return load_settings().listener_port


def test_the_default_is_8765_or_the_next_free_port_said_in_the_strip(qtbot: Any, qloop: Any) -> None:
    with running_app(qloop) as app:
        panel = app.window.listener_panel
        port = bound(app)
        if port == DEFAULT_LISTENER_PORT:  # 8765 was free
            assert panel.notice.text() == ""
            assert not panel.notice.isVisible()
        else:  # another program (another test run) holds it here
            found = MOVED.match(panel.notice.text())
            assert found is not None, panel.notice.text()
            assert int(found.group(4)) == port
        assert panel.url.text() == f"http://127.0.0.1:{port}"
        assert (panel.port.value(), panel.port_chosen) == (port, False)


def test_the_default_port_taken_moves_to_the_next_free_one_and_remembers_it(qtbot: Any, qloop: Any) -> None:
    with default_port_held(), running_app(qloop) as app:
        panel = app.window.listener_panel
        port = bound(app)
        assert port != DEFAULT_LISTENER_PORT
        found = MOVED.match(panel.notice.text())
        assert found is not None, panel.notice.text()
        assert int(found.group(4)) == port
        assert panel.notice.isVisible()
        assert "LISTENING" in panel.state.text()
        assert httpx.get(f"{panel.url.text()}/?zd_echo=moved").text == "moved"
        assert panel.port.value() == port
        run(qloop, until(lambda: remembered() == port))  # the next run starts there


def test_a_remembered_port_taken_moves_on_too(qtbot: Any, qloop: Any) -> None:
    base = free_block(2)
    save_settings(Settings(listener_port=base))
    with occupy(base), running_app(qloop) as app:
        panel = app.window.listener_panel
        assert bound(app) == base + 1
        assert panel.notice.text() == f"{base} was taken (by another program): listening on {base + 1}"
        run(qloop, until(lambda: remembered() == base + 1))


def test_the_port_bound_is_remembered_across_a_restart(qtbot: Any, qloop: Any) -> None:
    save_settings(Settings(listener_port=0))  # any free port the first time
    with running_app(qloop) as first:
        port = bound(first)
        run(qloop, until(lambda: remembered() == port))
        chosen = free_block(1)
        panel = first.window.listener_panel
        click(panel)
        run(qloop, until(lambda: "STOPPED" in panel.state.text()))
        type_port(panel, chosen)
        click(panel)
        run(qloop, until(lambda: "LISTENING" in panel.state.text()))
        assert bound(first) == chosen
        run(qloop, until(lambda: remembered() == chosen))
    with running_app(qloop) as second:  # same OTP_CONSOLE_HOME: the next launch
        panel = second.window.listener_panel
        assert bound(second) == chosen
        assert panel.url.text() == f"http://127.0.0.1:{chosen}"
        assert (panel.port.value(), panel.port_chosen, panel.notice.text()) == (chosen, False, "")


def test_a_typed_port_that_is_taken_is_an_error_and_does_not_move(console: ConsoleApp, qloop: Any) -> None:
    panel = console.window.listener_panel
    before = remembered()
    click(panel)
    run(qloop, until(lambda: "STOPPED" in panel.state.text()))
    with occupy() as other:
        taken = other.getsockname()[1]
        type_port(panel, taken)
        assert panel.port_chosen
        click(panel)
        run(qloop, until(lambda: "FAILED" in panel.state.text()))
        assert "already in use" in panel.pulse.text()
        assert str(taken) in panel.state.toolTip()
        assert console.listener is not None
        assert not console.listener.running  # not moved to another port
        assert panel.url.text() == ""
        assert panel.notice.text() == ""
        assert panel.paste.toPlainText() == ""
        assert (panel.port.value(), panel.port_chosen) == (taken, True)  # the choice stays for another try
        assert remembered() == before
    click(panel)  # freed: the same choice now binds exactly it
    run(qloop, until(lambda: "LISTENING" in panel.state.text()))
    assert bound(console) == taken
    run(qloop, until(lambda: remembered() == taken))


def test_a_typed_port_that_is_free_is_used_exactly(console: ConsoleApp, qloop: Any) -> None:
    panel = console.window.listener_panel
    click(panel)
    run(qloop, until(lambda: "STOPPED" in panel.state.text()))
    chosen = free_block(1)
    type_port(panel, chosen)
    click(panel)
    run(qloop, until(lambda: "LISTENING" in panel.state.text()))
    assert panel.url.text() == f"http://127.0.0.1:{chosen}"
    assert httpx.get(f"{panel.url.text()}/?zd_echo=exact").text == "exact"


def test_stop_and_start_keep_the_port_and_the_paste_urls_follow(console: ConsoleApp, qloop: Any) -> None:
    panel = console.window.listener_panel
    port = bound(console)
    assert f":{port}/hooks/zadarma" in panel.paste.toPlainText()
    click(panel)
    run(qloop, until(lambda: "STOPPED" in panel.state.text()))
    assert panel.paste.toPlainText() == ""  # nothing to paste while nothing listens
    assert panel.url.text() == ""
    click(panel)
    run(qloop, until(lambda: "LISTENING" in panel.state.text()))
    assert bound(console) == port  # the same URL: a tunnel or a registered URL keeps working
    assert f":{port}/hooks/zadarma" in panel.paste.toPlainText()
    panel.public.setText("https://abc.example.dev")
    panel.public.editingFinished.emit()
    assert "https://abc.example.dev/hooks/zadarma" in panel.paste.toPlainText()
    click(panel)
    run(qloop, until(lambda: "STOPPED" in panel.state.text()))
    assert panel.paste.toPlainText() == ""  # the public URL's too: it reaches no listener now
    panel.public.setText("https://def.example.dev")
    panel.public.editingFinished.emit()
    assert panel.paste.toPlainText() == ""


def test_a_stopped_listener_never_refuses_its_own_port(console: ConsoleApp, qloop: Any) -> None:
    """Stop then Start at once rebinds the same port, even right after serving a request, many times over."""
    panel = console.window.listener_panel
    port = bound(console)
    for turn in range(3):
        assert httpx.get(f"http://127.0.0.1:{port}/?zd_echo=t{turn}").text == f"t{turn}"
        run(qloop, console.stop_listener())
        run(qloop, console.start_listener("127.0.0.1", port, explicit=True))
        assert "LISTENING" in panel.state.text(), panel.pulse.text()
        assert bound(console) == port
