"""The history dialog over a real History: search, provider filter, size, confirmed pruning, row actions."""

from __future__ import annotations

import asyncio
import gc
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester

from console.core.history import History
from console.core.models import Exchange, Outcome
from console.ui.history_dialog import HistoryDialog
from tests.helpers.qtasync import run, until

DAY = 86_400


def _ex(xid: str, provider: str, age_s: float, body: str, code: str | None = None) -> Exchange:
    return Exchange(
        xid,
        0,
        time.time() - age_s,
        provider,
        "send",
        "simulator",
        "POST",
        "http://h/x",
        (),
        body,
        Outcome.PROVIDER_ERROR if code else Outcome.OK,
        status=400 if code else 200,
        error_code=code,
        request_id=f"req-{xid}",
    )


@pytest.fixture
def history(tmp_path: Path) -> Iterator[History]:
    history = History(tmp_path / "h.sqlite3")
    rows = [
        _ex("x-old-z", "zadarma", 40 * DAY, "to=%2B48575555555"),
        _ex("x-old-y", "ycloud", 40 * DAY, '{"to": "+447911123456"}', code="131026"),
        _ex("x-new-z", "zadarma", 60, "to=%2B442037691880"),
        _ex("x-new-y", "ycloud", 30, '{"to": "+447911123456"}'),
    ]
    for ex in rows:
        history.save_exchange(ex)
    history.flush(10)
    yield history
    history.close()


@pytest.fixture
def dialog(qloop: asyncio.AbstractEventLoop, history: History) -> Iterator[HistoryDialog]:
    dialog = HistoryDialog(history, ["zadarma", "ycloud"])
    yield dialog
    for timer in dialog.findChildren(QTimer):
        timer.stop()
    dialog.close()
    dialog.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # destroyed here, on the GUI thread
    gc.collect()


def _ids(dialog: HistoryDialog) -> list[str]:
    rows = (dialog.model.exchange_at(r) for r in range(dialog.model.rowCount()))
    return [ex.id for ex in rows if ex is not None]


def _answering(answer: bool, asked: list[str]) -> Callable[[str], bool]:
    """A stand-in for the confirmation box: records the question, gives ``answer``."""

    def confirm(text: str) -> bool:
        asked.append(text)
        return answer

    return confirm


def _search(loop: asyncio.AbstractEventLoop, dialog: HistoryDialog, text: str, provider: str | None = None) -> None:
    dialog.search_edit.setText(text)
    dialog.provider_combo.setCurrentIndex(dialog.provider_combo.findData(provider))
    run(loop, dialog.refresh())


def test_empty_search_lists_recent_exchanges_newest_first(
    qloop: asyncio.AbstractEventLoop, dialog: HistoryDialog, qtmodeltester: ModelTester
) -> None:
    _search(qloop, dialog, "")
    assert _ids(dialog) == ["x-new-y", "x-new-z", "x-old-y", "x-old-z"]
    assert dialog.result_label.text() == "4 shown (of 4 stored)"
    model = dialog.model
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", model.index(0, 0).data())
    assert [model.index(2, c).data() for c in range(1, 8)] == [
        "ycloud",
        "send",
        "simulator",
        "400",
        "131026",
        "req-x-old-y",
        "131026",
    ]
    qtmodeltester.check(model)


def test_search_by_number_and_provider_filter(qloop: asyncio.AbstractEventLoop, dialog: HistoryDialog) -> None:
    _search(qloop, dialog, "447911123456")
    assert _ids(dialog) == ["x-new-y", "x-old-y"]
    assert dialog.result_label.text() == "2 found for '447911123456'"
    _search(qloop, dialog, "131026")
    assert _ids(dialog) == ["x-old-y"]
    _search(qloop, dialog, "442037691880", provider="zadarma")
    assert _ids(dialog) == ["x-new-z"]
    _search(qloop, dialog, "442037691880", provider="ycloud")
    assert _ids(dialog) == []
    _search(qloop, dialog, "", provider="zadarma")
    assert _ids(dialog) == ["x-new-z", "x-old-z"]
    assert dialog.result_label.text() == "2 shown (of 2 stored)"


def test_size_label_shows_path_megabytes_and_count(
    qloop: asyncio.AbstractEventLoop, dialog: HistoryDialog, history: History
) -> None:
    _search(qloop, dialog, "", provider="ycloud")  # the count is of the whole history
    assert re.fullmatch(
        rf"History: {re.escape(str(history.path))} · \d+\.\d\d MB · 4 exchanges", dialog.info_label.text()
    )


def test_search_button_and_enter_run_off_the_gui_thread(
    qloop: asyncio.AbstractEventLoop, dialog: HistoryDialog
) -> None:
    dialog.search_edit.setText("req-x-new-z")
    dialog.search_button.click()  # only starts the query
    assert not dialog.search_button.isEnabled()
    assert dialog.result_label.text() == "Searching…"
    run(qloop, until(dialog.search_button.isEnabled))
    assert _ids(dialog) == ["x-new-z"]
    dialog.search_edit.setText("131026")
    QTest.keyClick(dialog.search_edit, Qt.Key.Key_Return)
    run(qloop, until(lambda: dialog.search_button.isEnabled() and _ids(dialog) == ["x-old-y"]))


def test_showing_the_dialog_loads_recent_rows(qloop: asyncio.AbstractEventLoop, dialog: HistoryDialog) -> None:
    dialog.show()
    run(qloop, until(lambda: dialog.search_button.isEnabled() and dialog.model.rowCount() == 4))


def test_prune_declined_deletes_nothing(
    qloop: asyncio.AbstractEventLoop, dialog: HistoryDialog, history: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(dialog, "confirm_prune", _answering(False, asked))
    dialog.provider_combo.setCurrentIndex(dialog.provider_combo.findData("ycloud"))
    assert run(qloop, dialog.prune_now()) == 0
    assert len(asked) == 1
    assert "older than 30 days" in asked[0]
    assert "of ycloud" in asked[0]
    assert str(history.path) in asked[0]
    assert history.count_exchanges() == 4


def test_prune_confirmed_deletes_only_old_rows_of_the_chosen_provider(
    qloop: asyncio.AbstractEventLoop, dialog: HistoryDialog, history: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(dialog, "confirm_prune", _answering(True, asked))
    _search(qloop, dialog, "", provider="ycloud")
    assert run(qloop, dialog.prune_now()) == 1
    assert [ex.id for ex in history.recent_exchanges()] == ["x-old-z", "x-new-z", "x-new-y"]
    assert dialog.prune_label.text() == "Removed 1 exchanges older than 30 days (ycloud)."
    assert dialog.info_label.text().endswith("· 3 exchanges")
    assert _ids(dialog) == ["x-new-y"]

    dialog.provider_combo.setCurrentIndex(0)  # all providers, through the button this time
    dialog.prune_button.click()
    run(qloop, until(lambda: dialog.prune_label.text().endswith("(all providers).")))
    assert "of all providers" in asked[-1]
    assert [ex.id for ex in history.recent_exchanges()] == ["x-new-z", "x-new-y"]
    assert dialog.info_label.text().endswith("· 2 exchanges")


def test_row_actions_emit_the_selected_exchange(qloop: asyncio.AbstractEventLoop, dialog: HistoryDialog) -> None:
    _search(qloop, dialog, "")
    assert not dialog.reopen_button.isEnabled()
    reopened: list[Exchange] = []
    shown: list[Exchange] = []
    dialog.reopen_requested.connect(reopened.append)
    dialog.show_requested.connect(shown.append)
    dialog.table.selectRow(1)
    assert dialog.reopen_button.isEnabled()
    dialog.reopen_button.click()
    assert [ex.id for ex in reopened] == ["x-new-z"]
    assert reopened[0] == dialog.model.exchange_at(1)
    dialog.show_button.click()
    dialog.table.doubleClicked.emit(dialog.model.index(3, 2))
    assert [ex.id for ex in shown] == ["x-new-z", "x-old-z"]


def test_the_time_column_shows_date_and_time_whole(qloop: asyncio.AbstractEventLoop, dialog: HistoryDialog) -> None:
    _search(qloop, dialog, "")
    dialog.show()
    run(qloop, until(lambda: dialog.search_button.isEnabled() and dialog.model.rowCount() == 4))
    index = dialog.model.index(0, 0)
    text = index.data()

    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", text)
    assert index.data(Qt.ItemDataRole.ToolTipRole) == text
    width = dialog.table.horizontalHeader().sectionSize(0)
    assert width > dialog.table.fontMetrics().horizontalAdvance(text) + 6  # the time is not elided away
    for column in range(1, dialog.model.columnCount()):  # every cell's whole text on hover
        cell = dialog.model.index(2, column)
        assert cell.data(Qt.ItemDataRole.ToolTipRole) == (cell.data() or None)
