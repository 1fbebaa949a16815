"""The listener strip: a port typed is a choice, a port the app shows is not; stopped means no URLs to paste."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from console.ui.listener_panel import ListenerPanel


@pytest.fixture
def panel(qtbot: QtBot) -> ListenerPanel:
    widget = ListenerPanel(["zadarma"])
    qtbot.addWidget(widget)
    widget.show()
    widget.more.setChecked(True)  # the settings fold out: the port box is visible
    return widget


def type_port(panel: ListenerPanel, port: int) -> None:
    panel.port.selectAll()
    QTest.keyClicks(panel.port, str(port))


def test_a_port_the_app_shows_is_not_a_choice(panel: ListenerPanel) -> None:
    panel.set_port(8765)
    assert panel.port.value() == 8765
    assert not panel.port_chosen
    panel.set_port(8770, chosen=True)
    assert panel.port_chosen
    panel.set_port(8766)
    assert not panel.port_chosen


@pytest.mark.parametrize(
    "edit",
    [
        lambda panel: type_port(panel, 9123),
        lambda panel: QTest.keyClick(panel.port, Qt.Key.Key_Up),
    ],
    ids=["typed", "arrow"],
)
def test_a_port_the_user_edits_is_a_choice(panel: ListenerPanel, edit: Callable[[ListenerPanel], None]) -> None:
    panel.set_port(9122)
    edit(panel)
    assert panel.port.value() == 9123
    assert panel.port_chosen


def test_start_asks_for_the_port_in_the_box(panel: ListenerPanel, qtbot: QtBot) -> None:
    panel.set_port(8765)
    with qtbot.waitSignal(panel.start_requested) as blocker:
        QTest.mouseClick(panel.toggle, Qt.MouseButton.LeftButton)
    assert blocker.args == ["127.0.0.1", 8765]


def test_running_shows_why_it_moved_and_stopping_hides_it_and_the_urls(panel: ListenerPanel) -> None:
    note = "8765 was taken (by another program): listening on 8766"
    panel.set_running("http://127.0.0.1:8766", note=note)
    panel.set_paste_urls({"zadarma": "http://127.0.0.1:8766/hooks/zadarma"})
    assert "LISTENING" in panel.state.text()
    assert (panel.notice.text(), panel.notice.isVisible()) == (note, True)
    assert "8766/hooks/zadarma" in panel.paste.toPlainText()
    panel.set_running(None)
    assert "STOPPED" in panel.state.text()
    assert (panel.notice.text(), panel.notice.isVisible()) == ("", False)
    assert panel.paste.toPlainText() == ""
    assert panel.url.text() == ""


def test_a_failure_says_why_in_the_strip(panel: ListenerPanel) -> None:
    panel.set_running(None, error="Cannot start the webhook listener on 127.0.0.1:9000: the port is already in use")
    assert "FAILED" in panel.state.text()
    assert "already in use" in panel.pulse.text()
    assert "already in use" in panel.state.toolTip()
    assert panel.paste.toPlainText() == ""
    assert panel.toggle.text() == "Start"


def test_the_strip_draws_the_request_rate_from_the_heartbeat(
    panel: ListenerPanel, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = iter([100.0, 101.0, 102.0, 103.0, 104.0])
    monkeypatch.setattr("console.ui.sparkline.time.monotonic", lambda: next(clock))
    requests = [0]
    panel.set_running("http://127.0.0.1:8765")
    panel.set_heartbeat_source(lambda: (requests[0], None))  # first beat: 0 requests so far
    requests[0] = 3
    panel._beat()  # a second later: 3 more
    requests[0] = 9
    panel._beat()  # then 6 more
    assert panel.rate.isVisible()
    assert list(panel.rate.samples) == [3.0, 6.0]
    assert panel.rate.current_text() == "6/s"
    assert "now 6/s, peak 6/s" in panel.rate.toolTip()
    panel.set_running(None)
    panel._beat()
    assert panel.rate.samples[-1] == 0.0  # stopped: nothing arrives
    panel._timer.stop()
