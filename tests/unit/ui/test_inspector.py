"""InspectorTabs: the selected row in the detail pane, its verification in the timeline, kept current."""

from __future__ import annotations

import asyncio
import threading
import time
from types import SimpleNamespace
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from console.core.logstore import LogStore
from console.core.models import Exchange, Outcome, Verification, VerificationState
from console.core.verifications import VerificationBook
from console.ui.inspector import InspectorTabs
from tests.helpers.qtasync import run, until


def _exchange(xid: str, operation: str = "send", verification_id: str | None = "v-1") -> Exchange:
    return Exchange(
        id=xid,
        seq=0,
        started_at=1_700_000_000.0,
        provider="ssms",
        operation=operation,
        env="simulator",
        method="POST",
        url="http://127.0.0.1:1/ssms/send",
        request_headers=(),
        request_body="{}",
        outcome=Outcome.OK,
        status=200,
        verification_id=verification_id,
    )


def _verification(vid: str = "v-1", **changes: Any) -> Verification:
    values: dict[str, Any] = {
        "id": vid,
        "provider": "ssms",
        "channel": "sms",
        "destination": "+442037691880",
        "env": "simulator",
        "state": VerificationState.VERIFIED,
        "exchange_ids": ["x-1"],
    }
    return Verification(**(values | changes))


class _HistoryBook(VerificationBook):
    """Nothing in memory; ``get`` reads "history" and notes the thread it ran on."""

    def __init__(self) -> None:
        super().__init__()
        self.read_on: list[str] = []

    def get(self, verification_id: str) -> Verification | None:
        self.read_on.append(threading.current_thread().name)
        return _verification(verification_id, state=VerificationState.FAILED)


def _shown(tabs: InspectorTabs) -> Verification | None:
    return tabs.timeline.verification


@pytest.fixture
def book() -> VerificationBook:
    return VerificationBook()


@pytest.fixture
def tabs(qtbot: QtBot, book: VerificationBook) -> InspectorTabs:
    service = SimpleNamespace(book=book)
    tabs = InspectorTabs(LogStore(), lambda: service)  # type: ignore[arg-type,return-value]
    qtbot.addWidget(tabs)
    return tabs


def test_a_row_without_a_verification_shows_only_in_the_detail_pane(tabs: InspectorTabs) -> None:
    row = _exchange("x-1", verification_id=None)
    tabs.show_exchange(row)
    assert tabs.detail.exchange is row
    assert tabs.timeline.verification is None
    assert tabs.objectName() == "lower_tabs"
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["Exchange", "Verification timeline"]


def test_a_sent_row_shows_its_verification_and_a_callback_brings_the_timeline_up(
    tabs: InspectorTabs, book: VerificationBook
) -> None:
    book.put(_verification())
    tabs.show_exchange(_exchange("x-1"))
    assert tabs.timeline.verification is not None
    assert tabs.timeline.verification.id == "v-1"
    assert tabs.currentWidget() is tabs.detail
    tabs.show_exchange(_exchange("x-2", operation="webhook"))
    assert tabs.currentWidget() is tabs.timeline
    assert tabs.detail.exchange is not None
    assert tabs.detail.exchange.id == "x-2"


def test_an_earlier_runs_verification_is_read_off_the_gui_thread(
    qtbot: QtBot, qloop: asyncio.AbstractEventLoop
) -> None:
    book = _HistoryBook()
    service = SimpleNamespace(book=book)
    tabs = InspectorTabs(LogStore(), lambda: service)  # type: ignore[arg-type,return-value]
    qtbot.addWidget(tabs)
    tabs.show_exchange(_exchange("x-1", verification_id="v-old"))
    assert _shown(tabs) is None  # not in memory: cleared at once, then read from history
    run(qloop, until(lambda: _shown(tabs) is not None))
    found = _shown(tabs)
    assert found is not None
    assert found.state is VerificationState.FAILED
    assert book.read_on
    assert threading.main_thread().name not in book.read_on


def test_without_the_core_only_the_detail_pane_follows(qtbot: QtBot) -> None:
    tabs = InspectorTabs(LogStore(), lambda: None)
    qtbot.addWidget(tabs)
    tabs.show_exchange(_exchange("x-1", operation="webhook"))
    assert tabs.detail.exchange is not None
    assert tabs.timeline.verification is None
    assert tabs.currentWidget() is tabs.detail
    tabs.expire("v-1")  # nothing to expire yet: no error


def test_a_change_refreshes_only_the_shown_verification(tabs: InspectorTabs, book: VerificationBook) -> None:
    book.put(_verification(state=VerificationState.PENDING))
    tabs.show_exchange(_exchange("x-1"))
    tabs.refresh(_verification("v-other"))
    assert [v.state for v in [_shown(tabs)] if v is not None] == [VerificationState.PENDING]
    tabs.refresh(_verification())
    assert [v.state for v in [_shown(tabs)] if v is not None] == [VerificationState.VERIFIED]


def test_a_closed_window_expires_a_pending_verification(tabs: InspectorTabs, book: VerificationBook) -> None:
    book.put(_verification(state=VerificationState.PENDING, expires_at=time.time() - 1))
    tabs.timeline.expired.emit("v-1")
    found = book.peek("v-1")
    assert found is not None
    assert found.state is VerificationState.EXPIRED


def test_a_final_verification_is_left_as_it_is(tabs: InspectorTabs, book: VerificationBook) -> None:
    book.put(_verification(expires_at=time.time() - 1))
    changes: list[Verification] = []
    book.subscribe(changes.append)
    tabs.expire("v-1")
    assert changes == []
    found = book.peek("v-1")
    assert found is not None
    assert found.state is VerificationState.VERIFIED


def test_the_timeline_is_built_when_its_tab_is_opened(tabs: InspectorTabs) -> None:
    built: list[object] = []
    tabs.when_timeline_built(built.append)
    assert not tabs.timeline_built  # start-up does not pay for the swim lanes
    assert tabs.shown_verification is None
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["Exchange", "Verification timeline"]

    tabs.setCurrentIndex(1)  # as a click on its tab does

    assert tabs.timeline_built
    assert built == [tabs.timeline]  # the hooks ran once, with the view now in the tab
    assert tabs.currentWidget() is tabs.timeline
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["Exchange", "Verification timeline"]
    late: list[object] = []
    tabs.when_timeline_built(late.append)  # once built, a hook runs at once
    assert late == [tabs.timeline]


def test_a_row_of_a_verification_builds_the_timeline_behind_the_detail_tab(
    tabs: InspectorTabs, book: VerificationBook
) -> None:
    tabs.show_exchange(_exchange("x-0", verification_id=None))
    tabs.refresh(_verification())
    tabs.refresh_privacy()
    assert not tabs.timeline_built  # nothing for it to show yet

    book.put(_verification())
    tabs.show_exchange(_exchange("x-1"))

    assert tabs.timeline_built
    assert tabs.currentWidget() is tabs.detail  # built behind, not brought up
    assert tabs.shown_verification is not None
    assert tabs.shown_verification.id == "v-1"


def test_a_phone_message_before_the_timeline_exists_reaches_its_phone_lane(qtbot: QtBot) -> None:
    from tests.unit.ui.test_swimlanes import SMS, _exchanges
    from tests.unit.ui.test_swimlanes import _verification as lanes_verification

    store, book = LogStore(), VerificationBook()
    store.extend(_exchanges())
    service = SimpleNamespace(book=book)
    tabs = InspectorTabs(store, lambda: service)  # type: ignore[arg-type,return-value]
    qtbot.addWidget(tabs)
    tabs.add_phone_message(SMS)  # the phone received it while the timeline tab was still a stand-in
    verification = lanes_verification()
    book.put(verification)
    tabs.show_exchange(store.snapshot()[0])
    assert tabs.shown_verification is not None
    assert "SMS · 4821" in [m.label for m in tabs.timeline.lanes.marks()]
