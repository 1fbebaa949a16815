"""SendPipeline: consent, unlocking, running with the form busy, and showing the result in the form and the log."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import pytest
from PySide6.QtCore import QObject, Signal
from pytestqt.qtbot import QtBot

from console.core.logstore import LogStore
from console.core.models import Exchange, Outcome
from console.service.operations import OperationRequest, OperationResult
from console.ui.bridge import CoreBridge
from console.ui.main_window import MainWindow
from console.ui.send_pipeline import SendPipeline
from tests.helpers.qtasync import next_emission, run, until


def _result(env: str = "simulator", status: int | None = 200, **data: Any) -> OperationResult:
    exchange = Exchange(
        id="x-42",
        seq=0,
        started_at=1_700_000_000.0,
        provider="ssms",
        operation="send",
        env=env,
        method="POST",
        url="http://127.0.0.1:1/ssms/send",
        request_headers=(),
        request_body="{}",
        outcome=Outcome.OK,
        status=status,
    )
    return OperationResult(exchange, data=data)


class _Form(QObject):
    """Records what the pipeline does to a form, in order, into ``events``."""

    submitted = Signal(object)
    lookup_requested = Signal(str)
    env_changed = Signal(str)

    def __init__(self, events: list[Any]) -> None:
        super().__init__()
        self.events = events

    def set_busy(self, busy: bool) -> None:
        self.events.append(("busy", busy))

    def set_choices(self, op_id: str, choices: list[Any]) -> None:
        self.events.append(("choices", op_id, choices))

    def show_result(self, result: OperationResult) -> None:
        self.events.append(("shown", result.exchange.id))

    def scenario_used(self) -> None:
        self.events.append("scenario used")

    def build_request(self) -> OperationRequest:
        return OperationRequest("ssms", "send", "sms", {"to": "+442037691880"}, env="simulator")


class _Gate:
    def __init__(self, events: list[Any], consent: bool = True) -> None:
        self.events = events
        self.consent = consent
        self.service: Any = None

    async def confirm(self, form: _Form, request: OperationRequest) -> bool:
        self.events.append(("confirm", request.operation))
        return self.consent

    async def show(self, form: _Form) -> None:
        self.events.append("spend shown")

    def show_soon(self, form: _Form) -> None:
        self.events.append("spend soon")


class _Service:
    def __init__(self, events: list[Any], result: OperationResult) -> None:
        self.events = events
        self.result = result
        self.requests: list[OperationRequest] = []

    async def run(self, request: OperationRequest) -> OperationResult:
        self.events.append("run")
        self.requests.append(request)
        await asyncio.sleep(0)
        return self.result


class _Profiles:
    def __init__(self, events: list[Any]) -> None:
        self.events = events

    async def ensure_unlocked(self) -> None:
        self.events.append("unlocked")


class _Setup:
    def __init__(self, result: OperationResult, consent: bool = True) -> None:
        self.events: list[Any] = []
        self.form = _Form(self.events)
        self.gate = _Gate(self.events, consent)
        self.service = _Service(self.events, result)
        self.selected: list[str] = []
        self.pipeline = SendPipeline(self.gate, {"ssms": self.form}.__getitem__, self.selected.append)  # type: ignore[arg-type]
        self.pipeline.use_service(self.service)  # type: ignore[arg-type]
        self.pipeline.wire(self.form)  # type: ignore[arg-type]


def _request(**changes: Any) -> OperationRequest:
    return OperationRequest("ssms", "send", "sms", {"to": "+442037691880"}, **changes)


def test_a_simulator_send_is_shown_in_the_form_and_the_log(qloop: asyncio.AbstractEventLoop) -> None:
    s = _Setup(_result(choices=[["a", "A"]]))
    request = _request()
    shown = run(qloop, next_emission(s.pipeline.result_shown, lambda: s.form.submitted.emit(request)))
    assert shown is s.service.result
    assert s.service.requests == [request]
    assert s.gate.service is s.service
    assert s.events == [
        ("confirm", "send"),
        ("busy", True),
        "run",
        ("busy", False),
        ("choices", "send", [["a", "A"]]),
        ("shown", "x-42"),
        "scenario used",
    ]
    assert s.selected == ["x-42"]


def test_no_status_means_no_scenario_was_used(qloop: asyncio.AbstractEventLoop) -> None:
    s = _Setup(_result(status=None))
    run(qloop, next_emission(s.pipeline.result_shown, lambda: s.form.submitted.emit(_request())))
    assert "scenario used" not in s.events
    assert not any(e[0] == "choices" for e in s.events if isinstance(e, tuple))


def test_a_real_send_shows_the_spend_guard_afterwards(qloop: asyncio.AbstractEventLoop) -> None:
    s = _Setup(_result(env="live"))
    run(qloop, next_emission(s.pipeline.result_shown, lambda: s.form.submitted.emit(_request(env="live"))))
    run(qloop, until(lambda: "spend shown" in s.events))
    assert s.events[-2:] == [("shown", "x-42"), "spend shown"]


def test_no_consent_sends_nothing(qloop: asyncio.AbstractEventLoop) -> None:
    s = _Setup(_result(), consent=False)
    shown: list[Any] = []
    s.pipeline.result_shown.connect(shown.append)
    run(qloop, s.pipeline.send(_request(env="live")))
    assert s.events == [("confirm", "send")]
    assert shown == []
    assert s.selected == []


def test_a_profile_is_unlocked_before_the_consent_question(qloop: asyncio.AbstractEventLoop) -> None:
    s = _Setup(_result())
    s.pipeline.profiles = _Profiles(s.events)  # type: ignore[assignment]
    run(qloop, s.pipeline.send(_request(profile="staging")))
    assert s.events[:3] == ["unlocked", ("confirm", "send"), ("busy", True)]  # its credentials are checked first
    s.events.clear()
    run(qloop, s.pipeline.send(_request()))  # no profile: nothing to unlock
    assert "unlocked" not in s.events


def test_without_a_service_nothing_runs(qloop: asyncio.AbstractEventLoop) -> None:
    events: list[Any] = []
    form = _Form(events)
    pipeline = SendPipeline(_Gate(events), lambda pid: form, lambda xid: None)  # type: ignore[arg-type,return-value]
    run(qloop, pipeline.send(_request()))
    assert events == [("confirm", "send")]


def test_a_failing_run_leaves_the_form_usable_and_reaches_the_excepthook(
    qloop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = _Setup(_result())

    async def broken(request: OperationRequest) -> OperationResult:
        raise RuntimeError("service broke")

    s.service.run = broken  # type: ignore[method-assign]
    seen: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, exc, tb: seen.append(exc))
    s.form.submitted.emit(_request())
    run(qloop, until(lambda: bool(seen)))
    assert str(seen[0]) == "service broke"
    assert s.events == [("confirm", "send"), ("busy", True), ("busy", False)]


def test_a_lookup_fills_the_choices(qloop: asyncio.AbstractEventLoop) -> None:
    s = _Setup(_result(choices=[["s-1", "Sender one"]]))
    shown = run(qloop, next_emission(s.pipeline.result_shown, lambda: s.form.lookup_requested.emit("senders")))
    assert shown is s.service.result
    (request,) = s.service.requests
    assert (request.operation, request.channel, request.fields) == ("senders", None, {})
    assert s.events == [
        ("busy", True),
        "run",
        ("busy", False),
        ("choices", "senders", [["s-1", "Sender one"]]),
        ("shown", "x-42"),
    ]
    assert s.selected == []  # a lookup's row is not selected


def test_a_lookup_without_choices_clears_them(qloop: asyncio.AbstractEventLoop) -> None:
    s = _Setup(_result())
    run(qloop, next_emission(s.pipeline.result_shown, lambda: s.form.lookup_requested.emit("senders")))
    assert ("choices", "senders", []) in s.events


def test_changing_the_environment_shows_the_spend_guard(qtbot: QtBot) -> None:
    s = _Setup(_result())
    s.form.env_changed.emit("live")
    assert s.events == ["spend soon"]


def test_the_window_announces_what_the_pipeline_shows(qtbot: QtBot) -> None:
    window = MainWindow(LogStore(), CoreBridge())
    qtbot.addWidget(window)
    result = _result()
    with qtbot.waitSignal(window.result_shown) as blocker:
        window.pipeline.result_shown.emit(result)
    assert blocker.args == [result]
    assert window.pipeline.gate is window.gate
    window.profiles = _Profiles([])  # type: ignore[assignment]
    assert window.pipeline.profiles is window.profiles
