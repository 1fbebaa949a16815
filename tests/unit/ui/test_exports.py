"""Exports through the real window: HAR, JSON lines and evidence files, written off the GUI thread."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu
from pytestqt.qtbot import QtBot

from console.core.logstore import LogStore
from console.core.models import Exchange, Outcome, Verification, VerificationState
from console.ui.bridge import CoreBridge
from console.ui.main_window import MainWindow
from tests.helpers.qtasync import run, until


def _exchange(xid: str, at: float, operation: str = "send", channel: str = "sms", **more: Any) -> Exchange:
    return Exchange(
        id=xid,
        seq=0,
        started_at=at,
        provider="ssms",
        operation=operation,
        env="simulator",
        method="POST",
        url="http://127.0.0.1:1/ssms/send",
        request_headers=(("Content-Type", "application/json"),),
        request_body='{"to": "+442037691880"}',
        outcome=Outcome.OK,
        channel=channel,
        status=200,
        response_body='{"ok": true}',
        **more,
    )


@pytest.fixture
def window(qtbot: QtBot) -> MainWindow:
    window = MainWindow(LogStore(), CoreBridge())
    qtbot.addWidget(window)
    window.store.extend(
        [
            _exchange("x-1", 1_700_000_000.0, verification_id="v-1"),
            _exchange("x-2", 1_700_000_002.5, operation="webhook", channel="delivered", verification_id="v-1"),
            _exchange("x-3", 1_700_000_010.0),
        ]
    )
    return window


@pytest.fixture
def writers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of the thread each file is written on."""
    from console.core import jsonfile

    seen: list[str] = []
    original = jsonfile.write_text_atomically

    def write_text(path: Path, *args: Any, **kwargs: Any) -> None:
        seen.append(threading.current_thread().name)
        original(path, *args, **kwargs)

    monkeypatch.setattr(jsonfile, "write_text_atomically", write_text)
    return seen


def _message(window: MainWindow) -> str:
    return window.statusBar().currentMessage()


def _action(window: MainWindow, text: str) -> QAction:
    for menu in window.menuBar().findChildren(QMenu):
        for action in menu.actions():
            if action.text() == text:
                return action
    raise LookupError(text)


def test_har_is_written_off_the_gui_thread(
    window: MainWindow, qloop: asyncio.AbstractEventLoop, tmp_path: Path, writers: list[str]
) -> None:
    path = tmp_path / "log.har"
    run(qloop, window.export_to("har", str(path)))
    har = json.loads(path.read_text("utf-8"))
    assert har["log"]["version"] == "1.2"
    assert [e["request"]["url"] for e in har["log"]["entries"]] == ["http://127.0.0.1:1/ssms/send"] * 3
    assert writers
    assert threading.main_thread().name not in writers
    assert _message(window) == f"Exported {path.stat().st_size:,} bytes to {path}"


def test_json_lines_hold_one_exchange_per_line(
    window: MainWindow, qloop: asyncio.AbstractEventLoop, tmp_path: Path, writers: list[str]
) -> None:
    path = tmp_path / "log.jsonl"
    run(qloop, window.export_to("jsonl", str(path)))
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["x-1", "x-2", "x-3"]
    assert rows[1]["operation"] == "webhook"
    assert threading.main_thread().name not in writers
    assert _message(window) == f"Exported {path.stat().st_size:,} bytes to {path}"


def test_evidence_is_the_shown_verification_with_its_steps(
    window: MainWindow, qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    verification = Verification(
        id="v-1",
        provider="ssms",
        channel="sms",
        destination="+442037691880",
        env="simulator",
        state=VerificationState.VERIFIED,
        exchange_ids=["x-1", "x-2"],
        keys={"message_id": "m-1", "code_sha256": "hidden"},
    )
    window.timeline.show_verification(verification)
    path = tmp_path / "evidence.json"
    run(qloop, window.export_to("evidence", str(path)))
    record = json.loads(path.read_text("utf-8"))
    assert record["verification"]["id"] == "v-1"
    assert record["verification"]["keys"] == {"message_id": "m-1"}
    assert [(s["step"], s["gap_s"]) for s in record["timeline"]] == [("send · sms", None), ("webhook · delivered", 2.5)]
    assert len(record["har"]["log"]["entries"]) == 2
    assert _message(window) == f"Exported {path.stat().st_size:,} bytes to {path}"


def test_the_menu_asks_where_then_writes(
    window: MainWindow, qloop: asyncio.AbstractEventLoop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "chosen.jsonl"
    asked: list[tuple[str, str]] = []

    def choose(parent: object, title: str, name: str, pattern: str) -> tuple[str, str]:
        asked.append((name, pattern))
        return str(path), pattern

    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose)
    _action(window, "Export log as JSON lines…").trigger()
    run(qloop, until(lambda: _message(window).endswith(f" bytes to {path}")))
    assert asked == [("otp-console.jsonl", "*.jsonl")]
    assert len(path.read_text("utf-8").splitlines()) == 3


def test_a_cancelled_dialog_writes_nothing(
    window: MainWindow, qloop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch, writers: list[str]
) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: ("", ""))
    _action(window, "Export log as HAR…").trigger()
    run(qloop, asyncio.sleep(0.05))
    assert writers == []
    assert _message(window) == ""


def test_evidence_without_a_verification_asks_nothing(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    def never(*args: object) -> tuple[str, str]:
        raise AssertionError("no dialog without a verification")

    monkeypatch.setattr(QFileDialog, "getSaveFileName", never)
    _action(window, "Export this verification's evidence…").trigger()
    assert _message(window) == "Select a row of a verification first: its timeline is what is exported."
