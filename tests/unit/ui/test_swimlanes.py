"""SwimlaneView: marks in their lanes in time order, gap labels, the end line, clicks, PNG export, both schemes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from console.core.logstore import LogStore
from console.core.models import Exchange, Outcome, Verification, VerificationState
from console.ui import png_export, theme
from console.ui.lane_chart import clock, lay_out, phone_action
from console.ui.privacy import PRIVACY
from console.ui.swimlanes import GUTTER, HEADER, HEIGHT, SwimlaneView
from console.ui.timeline_view import TimelineView
from tests.helpers.exchanges import exchange

T0 = 1_764_000_000.0


def _ex(xid: str, at: float, operation: str = "send", **changes: Any) -> Exchange:
    return exchange(**({"id": xid, "started_at": at, "operation": operation, "verification_id": "v-1"} | changes))


@dataclass
class _Message:
    """The fields of the simulators' PhoneMessage the lanes read."""

    provider: str
    to: str
    kind: str
    code: str | None
    at: float


def _verification(**changes: Any) -> Verification:
    values: dict[str, Any] = {
        "id": "v-1",
        "provider": "zadarma",
        "channel": "sms",
        "destination": "+442037691880",
        "env": "simulator",
        "created_at": T0,
        "state": VerificationState.VERIFIED,
        "exchange_ids": ["x-1", "x-2", "x-3", "x-4"],
        "expires_at": T0 + 600,
        "ended_at": T0 + 9.43,
    }
    return Verification(**(values | changes))


def _exchanges() -> list[Exchange]:
    return [
        _ex("x-1", T0, channel="sms", latency_ms=182.0, destination="+442037691880"),
        _ex("x-2", T0 + 2.1, "webhook", channel="delivered", latency_ms=0.4, message="sms delivered"),
        _ex(
            "x-3",
            T0 + 6.0,
            "check",
            latency_ms=95.0,
            checked_by="provider",
            outcome=Outcome.WRONG_CODE,
            error_code="wrong_code",
        ),
        _ex("x-4", T0 + 9.2, "check", latency_ms=230.0, checked_by="provider"),
    ]


SMS = _Message("zadarma", "442037691880", "sms", "4821", T0 + 0.61)


@pytest.fixture
def make_lanes(qtbot: QtBot) -> Callable[..., SwimlaneView]:
    def make(*args: Any) -> SwimlaneView:
        lanes = SwimlaneView()
        qtbot.addWidget(lanes)
        if args:
            lanes.show_verification(*args)
        lanes.resize(lanes.sizeHint())
        lanes.show()
        qtbot.waitExposed(lanes)
        return lanes

    return make


@pytest.fixture
def privacy_on() -> Iterator[None]:
    PRIVACY.enabled = True
    yield
    PRIVACY.enabled = False


def test_each_step_is_a_mark_in_its_lane_in_time_order() -> None:
    chart = lay_out(_verification(), list(reversed(_exchanges())), [SMS])
    assert [(m.lane, m.label) for m in chart.marks] == [
        ("console", "send · sms"),
        ("provider", "HTTP 200"),  # the answer, latency_ms after the request
        ("phone", "SMS · 4821"),  # what the virtual phone received
        ("phone", "delivered"),  # what the callback says happened at the phone
        ("listener", "delivered"),
        ("console", "check"),
        ("provider", "HTTP 200 · wrong_code"),
        ("console", "check"),
        ("provider", "HTTP 200 ✓"),
    ]
    assert [m.at for m in chart.marks] == sorted(m.at for m in chart.marks)
    assert chart.marks[1].at == pytest.approx(T0 + 0.182)
    assert [m.exchange_id for m in chart.marks] == ["x-1", "x-1", "x-1", "x-2", "x-2", "x-3", "x-3", "x-4", "x-4"]
    assert [m.ok for m in chart.marks].count(False) == 2  # the wrong code's request and answer
    assert chart.marks[3].derived
    assert not chart.marks[2].derived
    links = {(chart.marks[link.start].label, chart.marks[link.end].label, link.dashed) for link in chart.links}
    assert ("send · sms", "HTTP 200", False) in links  # request -> answer
    assert ("HTTP 200", "SMS · 4821", True) in links  # the send's answer -> the phone
    assert ("delivered", "delivered", True) in links  # the phone -> the callback


def test_the_gaps_between_consecutive_marks_are_labelled() -> None:
    chart = lay_out(_verification(), _exchanges(), [SMS])
    assert chart.gaps == ("+182 ms", "+428 ms", "+1.5 s", "", "+3.9 s", "+95 ms", "+3.1 s", "+230 ms")
    # "" between a phone mark read from a callback and that callback: the same instant, no gap to tell.
    assert len(chart.gaps) == len(chart.marks) - 1


def test_the_end_line_says_when_the_verification_ended() -> None:
    chart = lay_out(_verification(), _exchanges())
    assert chart.end_at == T0 + 9.43
    assert chart.end_final
    assert chart.end_label == f"VERIFIED {clock(T0 + 9.43)} · 9.4 s after the start"
    failed = lay_out(_verification(state=VerificationState.FAILED, ended_at=None, updated_at=T0 + 3.0), _exchanges())
    assert failed.end_at == T0 + 3.0  # a record from before ended_at existed: its last change
    assert failed.end_label.startswith("FAILED ")
    pending = lay_out(_verification(state=VerificationState.PENDING, ended_at=None), _exchanges()[:1])
    assert not pending.end_final
    assert pending.end_at == T0 + 600
    assert pending.end_label == f"window closes {clock(T0 + 600)[:-4]}"


def test_checks_the_console_made_and_refused_requests_have_no_answer() -> None:
    rows = [
        _ex("x-1", T0, channel="sms", latency_ms=100.0, destination="+442037691880"),
        _ex("x-2", T0 + 1, "check", status=None, checked_by="console"),
        _ex("x-3", T0 + 2, "check", status=None, outcome=Outcome.REFUSED),
        _ex("x-4", T0 + 3, "status", status=None, latency_ms=30_000.0, outcome=Outcome.TRANSPORT_ERROR),
    ]
    chart = lay_out(_verification(), rows)
    assert [(m.lane, m.kind, m.label) for m in chart.marks] == [
        ("console", "request", "send · sms"),
        ("provider", "answer", "HTTP 200"),
        ("console", "check", "check ✓"),
        ("console", "refused", "check refused"),
        ("console", "request", "status"),
        ("provider", "answer", "no answer"),  # the timeout, 30 s later
    ]


@pytest.mark.parametrize(
    ("channel", "message", "action"),
    [
        ("NOTIFY_END", "NOTIFY_END · callback · 7967 → 4420 · answered · key 1", "pressed 1"),
        ("NOTIFY_ANSWER", "NOTIFY_ANSWER · callback", "answered"),
        ("incoming call", "incoming call from +79670000000", "called back"),
        ("statuses", "read wamid.1", "read"),
        ("whatsapp.message.updated", "whatsapp.message.updated · failed · message 1", "not delivered"),
        ("event", "a Meta event without statuses", ""),
    ],
)
def test_what_a_callback_says_happened_at_the_phone(channel: str, message: str, action: str) -> None:
    assert phone_action(_ex("x", T0, "webhook", channel=channel, message=message)) == action


def test_phone_messages_to_other_destinations_or_providers_are_left_out() -> None:
    others = [
        _Message("zadarma", "+79670000000", "sms", "1111", T0 + 0.5),
        _Message("ssms", "+442037691880", "sms", "2222", T0 + 0.5),
        _Message("zadarma", "+442037691880", "sms", "3333", T0 - 60),  # before this verification
    ]
    chart = lay_out(_verification(), _exchanges()[:1], others)
    assert [m.lane for m in chart.marks] == ["console", "provider"]


def test_screen_sharing_mode_masks_codes_in_the_lanes(privacy_on: None) -> None:
    chart = lay_out(_verification(), _exchanges()[:1], [SMS])
    assert chart.marks[-1].label == "SMS · ••••"
    assert "4821" not in chart.marks[-1].detail


def test_clicking_a_mark_selects_its_exchange(make_lanes: Callable[..., SwimlaneView], qtbot: QtBot) -> None:
    lanes = make_lanes(_verification(), _exchanges(), [SMS])
    for index, expected in ((0, "x-1"), (4, "x-2"), (7, "x-4")):
        with qtbot.waitSignal(lanes.exchange_chosen, timeout=2000) as chosen:
            qtbot.mouseClick(lanes, Qt.MouseButton.LeftButton, pos=lanes.mark_centre(index))
        assert chosen.args == [expected]
        assert lanes.selected == expected
    with qtbot.assertNotEmitted(lanes.exchange_chosen):
        qtbot.mouseClick(lanes, Qt.MouseButton.LeftButton, pos=QPoint(GUTTER // 2, HEIGHT // 2))


def test_the_keyboard_moves_between_steps_and_enter_selects(
    make_lanes: Callable[..., SwimlaneView], qtbot: QtBot
) -> None:
    lanes = make_lanes(_verification(), _exchanges())
    lanes.setFocus()
    qtbot.keyClick(lanes, Qt.Key.Key_Right)
    qtbot.keyClick(lanes, Qt.Key.Key_Right)  # x-1's answer has the same exchange: the next mark is x-2's
    with qtbot.waitSignal(lanes.exchange_chosen, timeout=2000) as chosen:
        qtbot.keyClick(lanes, Qt.Key.Key_Return)
    assert chosen.args == ["x-1"]


def test_the_picture_saves_as_a_png_of_its_size(make_lanes: Callable[..., SwimlaneView], tmp_path: Path) -> None:
    lanes = make_lanes(_verification(), _exchanges(), [SMS])
    path = tmp_path / "lanes.png"
    assert lanes.save_png(str(path)).result(timeout=10) == str(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = QImage(str(path))
    assert (image.width(), image.height()) == (lanes.width(), lanes.height())
    assert lanes.height() == HEIGHT
    assert not list(tmp_path.glob(".png-*"))  # the temporary file was renamed into place


def test_the_context_menu_action_asks_where_then_saves(
    make_lanes: Callable[..., SwimlaneView], qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lanes = make_lanes(_verification(), _exchanges())
    asked: list[str] = []

    def ask(parent: Any, suggested: str) -> str:
        asked.append(suggested)
        return str(tmp_path / "chosen.png")

    monkeypatch.setattr(png_export, "ask_png_path", ask)
    action = lanes._saver.action(lanes)
    assert action.text() == "Save as PNG…"
    with qtbot.waitSignal(lanes.png_saved, timeout=10_000) as saved:
        action.trigger()
    assert saved.args == [str(tmp_path / "chosen.png"), ""]
    assert asked == ["timeline-v-1.png"]


def test_a_failed_write_is_reported_not_raised(make_lanes: Callable[..., SwimlaneView], qtbot: QtBot) -> None:
    lanes = make_lanes(_verification(), _exchanges())
    with qtbot.waitSignal(lanes.png_saved, timeout=10_000) as saved:
        future = lanes.save_png("/nonexistent-folder/x.png")
    assert isinstance(future.exception(timeout=10), OSError)
    assert saved.args[0] == "/nonexistent-folder/x.png"
    assert saved.args[1]


@pytest.mark.parametrize("scheme", [theme.LIGHT, theme.DARK], ids=["light", "dark"])
def test_both_schemes_draw_in_their_own_colours(make_lanes: Callable[..., SwimlaneView], scheme: theme.Scheme) -> None:
    lanes = make_lanes(_verification(), _exchanges())
    lanes.setPalette(theme.palette_for(scheme))
    image = lanes.grab().toImage()
    assert image.pixelColor(GUTTER + 4, HEADER + 3) == QColor(scheme.base)  # the console lane's background
    first = lanes.mark_centre(0)
    assert image.pixelColor(first) == QColor(scheme.lanes["console"])
    wrong = lanes.mark_centre(4)  # the wrong code's check request
    assert image.pixelColor(wrong) == QColor(scheme.error)


def test_the_timeline_tab_shows_the_lanes_over_the_steps(qtbot: QtBot) -> None:
    store = LogStore()
    store.extend(_exchanges())
    timeline = TimelineView(store)
    qtbot.addWidget(timeline)
    timeline.resize(900, 420)
    timeline.show()
    timeline.show_verification(_verification())
    assert [m.lane for m in timeline.lanes.marks()][:2] == ["console", "provider"]
    assert timeline.steps() == ["send · sms", "callback delivered", "check by the provider", "check by the provider"]
    timeline.add_phone_message(SMS)
    assert "SMS · 4821" in [m.label for m in timeline.lanes.marks()]
    lanes = timeline.lanes
    with qtbot.waitSignal(timeline.exchange_chosen, timeout=2000) as chosen:
        qtbot.mouseClick(lanes, Qt.MouseButton.LeftButton, pos=lanes.mark_centre(len(lanes.marks()) - 1))
    assert chosen.args == ["x-4"]
    item = timeline.tree.topLevelItem(1)
    assert item is not None
    timeline.tree.itemClicked.emit(item, 0)
    assert lanes.selected == "x-2"
    timeline.show_verification(None)
    assert lanes.marks() == ()
