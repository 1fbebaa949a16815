"""LogTableModel (batched inserts and trims) and LogFilterProxy."""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt

from console.core.logstore import LogStore
from console.core.models import Exchange, Outcome
from console.ui.log_filter import LogFilterProxy
from console.ui.log_model import OUTCOME_COLORS, Column, ExchangeRole, LogTableModel, SeqRole

_ids = itertools.count(1)


def make_exchange(provider: str = "ssms", outcome: Outcome = Outcome.OK, **overrides: Any) -> Exchange:
    """An Exchange with plausible defaults; ``overrides`` replace any field."""
    n = next(_ids)
    ok = outcome is Outcome.OK
    values: dict[str, Any] = {
        "id": f"x-{n:06d}",
        "seq": 0,
        "started_at": 1_700_000_000.0 + n,
        "provider": provider,
        "operation": "send",
        "env": "sandbox",
        "method": "POST",
        "url": f"https://api.{provider}.example/v1/send",
        "request_headers": (("Content-Type", "application/json"),),
        "request_body": '{"to": "+989120000000"}',
        "outcome": outcome,
        "channel": "sms",
        "status": 200 if ok else (None if outcome is Outcome.TRANSPORT_ERROR else 422),
        "latency_ms": 231.4,
        "error_code": None if ok else "E42",
        "meaning": "" if ok else "Invalid destination",
        "message": "queued" if ok else "",
        "hint": "" if ok else "Check the number's country code",
        "request_id": f"req-{n}",
        "verification_id": f"v-{n}",
    }
    values.update(overrides)
    return Exchange(**values)


@pytest.fixture(autouse=True)
def _app(qapp: Any) -> None:
    """Every model here starts timers, which needs the QApplication."""


@pytest.fixture
def store() -> LogStore:
    return LogStore(capacity=50)


@pytest.fixture
def model(store: LogStore, qtmodeltester: Any) -> LogTableModel:
    model = LogTableModel(store)
    qtmodeltester.check(model)  # keeps watching the model through every later insert and trim
    return model


def seqs(model: LogTableModel) -> list[int]:
    return [model.index(r, 0).data(SeqRole) for r in range(model.rowCount())]


def test_display_roles(store: LogStore, model: LogTableModel) -> None:
    ex = store.append(make_exchange(started_at=1_700_000_000.25, latency_ms=231.4))
    err = store.append(make_exchange(outcome=Outcome.PROVIDER_ERROR, channel="", status=None, latency_ms=None))
    model.flush_now()

    def row(r: int) -> list[str]:
        return [model.index(r, c).data() for c in range(model.columnCount())]

    expected_time = time.strftime("%H:%M:%S", time.localtime(1_700_000_000)) + ".250"
    assert row(0) == [expected_time, "ssms", "send · sms", "sandbox", "POST", "200", "231 ms", "OK", "", "queued"]
    assert row(1)[2:] == ["send", "sandbox", "POST", "—", "—", "Provider error", "E42", "E42 — Invalid destination"]
    assert model.headerData(Column.RESULT, Qt.Orientation.Horizontal) == "Result"
    assert model.index(0, 0).data(ExchangeRole) == ex
    assert model.index(1, 3).data(SeqRole) == err.seq == 2
    tooltip = model.index(1, Column.RESULT).data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip == "E42 — Invalid destination\nCheck the number's country code"  # the whole cell, then the hint
    assert model.exchange_at(1) == err


@pytest.mark.parametrize("outcome", list(Outcome))
def test_outcome_colours(store: LogStore, model: LogTableModel, outcome: Outcome) -> None:
    store.append(make_exchange(outcome=outcome))
    model.flush_now()
    brush = model.index(0, Column.OUTCOME).data(Qt.ItemDataRole.ForegroundRole)
    assert brush.color().name() == OUTCOME_COLORS[outcome]
    assert model.index(0, Column.PROVIDER).data(Qt.ItemDataRole.ForegroundRole) is None


def test_appends_are_batched_into_one_insert(qtbot: Any, store: LogStore, model: LogTableModel) -> None:
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    with qtbot.assertNotEmitted(model.modelReset):
        for _ in range(3):
            store.extend([make_exchange() for _ in range(4)])
        store.append(make_exchange())
        qtbot.waitUntil(lambda: model.rowCount() == 13)
    assert inserted == [(0, 12)]
    assert seqs(model) == list(range(1, 14))


def test_trim_removes_front_then_inserts(store: LogStore, model: LogTableModel) -> None:
    events: list[tuple[str, int, int]] = []
    model.rowsRemoved.connect(lambda _p, f, last: events.append(("removed", f, last)))
    model.rowsInserted.connect(lambda _p, f, last: events.append(("inserted", f, last)))
    store.extend([make_exchange() for _ in range(40)])
    model.flush_now()
    store.extend([make_exchange() for _ in range(25)])
    model.flush_now()
    assert events == [("inserted", 0, 39), ("removed", 0, 14), ("inserted", 25, 49)]
    assert model.rowCount() == 50
    assert model.first_seq == store.first_seq == 16
    assert seqs(model) == list(range(16, 66))
    assert model.row_of_seq(16) == 0
    assert model.row_of_seq(15) is None


def test_burst_bigger_than_capacity(store: LogStore, model: LogTableModel) -> None:
    store.extend([make_exchange() for _ in range(10)])
    model.flush_now()
    for _ in range(6):
        store.extend([make_exchange() for _ in range(20)])
    model.flush_now()
    assert seqs(model) == list(range(81, 131))
    assert [model.exchange_at(r) for r in range(50)] == store.snapshot()


def test_many_small_trims_keep_mapping(store: LogStore, model: LogTableModel) -> None:
    for i in range(300):
        store.append(make_exchange())
        if i % 7 == 0:
            model.flush_now()
    model.flush_now()
    assert seqs(model) == list(range(251, 301))
    assert model.row_of_id(store.at(0).id) == 0
    assert model.row_of_id("nope") is None


def test_rows_present_before_the_model(store: LogStore, qtmodeltester: Any) -> None:
    store.extend([make_exchange() for _ in range(5)])
    model = LogTableModel(store)
    qtmodeltester.check(model)
    store.append(make_exchange())
    model.flush_now()
    assert seqs(model) == [1, 2, 3, 4, 5, 6]


def test_appends_from_other_threads(qtbot: Any, qtmodeltester: Any) -> None:
    store = LogStore(capacity=500)
    model = LogTableModel(store)
    qtmodeltester.check(model)

    def produce() -> None:
        for _ in range(100):
            store.extend([make_exchange() for _ in range(3)])

    threads = [threading.Thread(target=produce) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    qtbot.waitUntil(lambda: model.next_seq == 901)
    assert model.rowCount() == 500
    assert seqs(model) == list(range(401, 901))
    assert [model.exchange_at(r) for r in range(500)] == store.snapshot()


def test_out_of_order_listener_batches_fill_gaps(store: LogStore, model: LogTableModel) -> None:
    # Two appending threads can call listeners in the opposite order of their seqs: feed them that way.
    model.detach()
    first = store.extend([make_exchange() for _ in range(3)])
    second = store.extend([make_exchange() for _ in range(3)])
    model._feed.put(second)
    model.flush_now()
    assert seqs(model) == [1, 2, 3, 4, 5, 6]  # the gap was read from the store
    model._feed.put(first)  # the late call must not duplicate rows
    model.flush_now()
    assert seqs(model) == [1, 2, 3, 4, 5, 6]


def test_detach_and_deleted_model_stop_listening(store: LogStore, model: LogTableModel) -> None:
    model.detach()
    store.append(make_exchange())
    model.flush_now()
    assert model.rowCount() == 0
    other = LogTableModel(store)
    other.deleteLater()
    del other
    store.append(make_exchange())  # must not raise on a dead model


# -- proxy ------------------------------------------------------------------------------------------


@pytest.fixture
def proxy(model: LogTableModel, qtmodeltester: Any) -> LogFilterProxy:
    proxy = LogFilterProxy(model)
    qtmodeltester.check(proxy)
    return proxy


@pytest.fixture
def mixed(store: LogStore, model: LogTableModel) -> list[Exchange]:
    rows = store.extend(
        [
            make_exchange("ssms"),
            make_exchange("ycloud", Outcome.PROVIDER_ERROR, error_code="INVALID_NUMBER"),
            make_exchange("ssms", Outcome.TRANSPORT_ERROR, meaning="Connection timed out"),
            make_exchange("zadarma", Outcome.OK, request_id="ABC-123"),
            make_exchange("ycloud", Outcome.REFUSED, message="Number is not E.164"),
        ]
    )
    model.flush_now()
    return rows


def shown(proxy: LogFilterProxy) -> list[str]:
    return [proxy.index(r, 0).data(ExchangeRole).id for r in range(proxy.rowCount())]


def test_filter_by_provider(proxy: LogFilterProxy, mixed: list[Exchange]) -> None:
    proxy.set_provider("ycloud")
    assert shown(proxy) == [mixed[1].id, mixed[4].id]
    proxy.set_provider(None)
    assert proxy.rowCount() == 5


def test_filter_by_outcome_group(proxy: LogFilterProxy, mixed: list[Exchange]) -> None:
    proxy.set_outcome_group("errors")
    assert shown(proxy) == [mixed[1].id, mixed[2].id, mixed[4].id]
    proxy.set_outcome_group("ok")
    assert shown(proxy) == [mixed[0].id, mixed[3].id]
    with pytest.raises(ValueError, match="unknown outcome group"):
        proxy.set_outcome_group("bad")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("invalid_number", [1]), ("TIMED out", [2]), ("abc-1", [3]), ("e.164", [4]), ("zadarma.example", [3])],
)
def test_filter_by_text(proxy: LogFilterProxy, mixed: list[Exchange], text: str, expected: list[int]) -> None:
    proxy.set_text(text)
    assert shown(proxy) == [mixed[i].id for i in expected]
    assert proxy.is_filtering()
    proxy.set_text("")
    assert proxy.rowCount() == 5
    assert not proxy.is_filtering()


def test_filters_combine_and_apply_to_new_rows(
    store: LogStore, model: LogTableModel, proxy: LogFilterProxy, mixed: list[Exchange]
) -> None:
    proxy.set_provider("ssms")
    proxy.set_outcome_group("errors")
    assert shown(proxy) == [mixed[2].id]
    late = store.extend([make_exchange("ssms", Outcome.CONTRACT_ERROR), make_exchange("ssms")])
    model.flush_now()
    assert shown(proxy) == [mixed[2].id, late[0].id]


def test_proxy_survives_trims(store: LogStore, model: LogTableModel, proxy: LogFilterProxy) -> None:
    proxy.set_outcome_group("errors")
    for i in range(12):
        store.extend([make_exchange(outcome=Outcome.PROVIDER_ERROR if i % 2 else Outcome.OK) for _ in range(9)])
        model.flush_now()
    assert model.rowCount() == 50
    assert proxy.rowCount() == sum(1 for e in store.snapshot() if not e.ok)
    assert proxy.mapToSource(proxy.index(0, 0)).isValid()
    assert not proxy.index(0, 0).parent().isValid()
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.data(QModelIndex()) is None


def test_a_flood_of_rows_slows_the_flushes_and_a_trickle_speeds_them_up() -> None:
    """Under a listener's load the log repaints twice a second, not twenty times (each repaint pauses the listener)."""
    from console.ui import log_model

    store = LogStore(capacity=1000)
    model = LogTableModel(store)
    timer = model._feed.timer
    assert timer.interval() == log_model.FLUSH_INTERVAL_MS
    store.extend([make_exchange() for _ in range(log_model.BUSY_ROWS)])
    model.flush_now()
    assert timer.interval() == log_model.BUSY_FLUSH_INTERVAL_MS
    store.extend([make_exchange() for _ in range(3)])
    model.flush_now()
    assert timer.interval() == log_model.FLUSH_INTERVAL_MS
    assert model.rowCount() == log_model.BUSY_ROWS + 3


def test_long_lived_rows_are_moved_out_of_the_collectors_sight() -> None:
    """After FREEZE_EVERY_ROWS rows, a full collection no longer walks them (bench/log_pane.py: 60 → 19 ms)."""
    import gc

    from console.ui import log_model

    big = LogStore(capacity=log_model.FREEZE_EVERY_ROWS + 10)
    model = LogTableModel(big)
    before = gc.get_freeze_count()
    big.extend([make_exchange() for _ in range(log_model.FREEZE_EVERY_ROWS - 1)])
    model.flush_now()
    assert gc.get_freeze_count() == before  # not yet
    big.append(make_exchange())
    model.flush_now()
    assert gc.get_freeze_count() > before
    assert model.rowCount() == log_model.FREEZE_EVERY_ROWS
    gc.unfreeze()  # the rest of the test session collects as usual


def test_a_flood_is_taken_at_once_past_the_feeds_limit(qtbot: Any) -> None:
    """Rows the store drops stay held by the model until it takes the new ones: a long wait under a flood is memory."""
    from console.ui import log_model

    store = LogStore(capacity=10_000)
    model = LogTableModel(store)
    feed = model._feed
    feed.timer.setInterval(60_000)  # the slow pace: only the limit can bring the rows in time
    feed.max_pending = 500
    store.extend([make_exchange() for _ in range(100)])
    qtbot.wait(50)
    assert model.rowCount() == 0  # below the limit: the rows wait for the timer
    store.extend([make_exchange() for _ in range(450)])
    qtbot.waitUntil(lambda: model.rowCount() == 550, timeout=2000)
    assert feed.timer.interval() in (60_000, log_model.BUSY_FLUSH_INTERVAL_MS, log_model.FLUSH_INTERVAL_MS)
