"""The runner on the real simulators and listener (loopback HTTP, one process): each step kind, captures, faults."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from console.scenarios.model import Scenario
from console.scenarios.parsing import parse_text
from console.scenarios.results import ERROR, FAILED, PASSED, SKIPPED, ScenarioResult, StepResult
from console.scenarios.rig import Rig, open_rig
from console.scenarios.runner import ScenarioRunner
from tests.unit.scenarios.test_parsing import EXAMPLE


def scenario(text: str) -> Scenario:
    return parse_text(text, Path("t.toml")).scenarios[0]


def steps(provider: str, *bodies: str) -> Scenario:
    blocks = "\n".join(f"  [[scenario.step]]\n{body}\n" for body in bodies)
    return scenario(f'[[scenario]]\nname = "t"\nprovider = "{provider}"\n{blocks}')


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    async with open_rig() as opened:
        yield opened


async def run(rig: Rig, chosen: Scenario) -> tuple[ScenarioResult, list[StepResult]]:
    heard: list[StepResult] = []
    result = await ScenarioRunner(rig).run(chosen, heard.append)
    return result, heard


async def test_the_documented_example_passes_step_by_step(rig: Rig) -> None:
    result, heard = await run(rig, scenario(EXAMPLE))
    assert [s.status for s in result.steps] == [PASSED] * 5, [s.message for s in result.steps]
    assert heard == result.steps  # each step was reported as it ended
    assert result.passed
    send, phone, _wrong, right, again = result.steps
    assert send.actual["state"] == "pending"
    assert "delivered" in phone.actual["callback"]
    assert phone.actual["signature"] == "valid"
    assert right.actual["state"] == "verified"
    assert again.actual["error_code"] == "already_verified"
    rows = {row.id for row in rig.store.snapshot()}
    assert {s.exchange for s in result.steps} <= rows  # every step names its row in the log (the callback's too)
    line = right.line(result.scenario)
    assert (line["event"], line["step"], line["action"], line["passed"]) == ("step", 4, "check", True)
    assert line["expected"] == {"state": "verified"}
    assert line["actual"] == {"state": "verified"}


async def test_captured_values_reach_the_next_steps(rig: Rig) -> None:
    chosen = steps(
        "zadarma",
        '  send = { to = "+442037691880", channel = "sms" }',
        '  check = { code = "{phone.code}", verification = "{send.verification}" }\n  expect = { ok = true }',
    )
    result, _ = await run(rig, chosen)
    assert result.passed, [s.message for s in result.steps]
    assert result.steps[1].verification == result.steps[0].verification


async def test_a_failed_expectation_says_expected_and_actual_and_the_run_goes_on(rig: Rig) -> None:
    chosen = steps(
        "ycloud",
        '  send = { to = "+447911123456" }',
        '  check = { code = "000000" }\n  expect = { outcome = "ok", attempts_left = 4 }',
        '  check = { code = "{phone.code}" }\n  expect = { state = "verified" }',
    )
    result, _ = await run(rig, chosen)
    assert [s.status for s in result.steps] == [PASSED, FAILED, PASSED]
    assert result.steps[1].message == "outcome: expected 'ok', got 'wrong_code'"
    assert result.steps[1].line(chosen)["actual"] == {"outcome": "wrong_code", "attempts_left": 4}
    assert not result.passed
    assert result.status == FAILED


async def test_a_step_that_cannot_run_is_an_error_and_the_scenario_stops(rig: Rig) -> None:
    chosen = steps(
        "ycloud",
        '  phone = "deliver"',  # nothing was sent: no message to act on
        '  send = { to = "+447911123456" }',
    )
    result, _ = await run(rig, chosen)
    assert [s.status for s in result.steps] == [ERROR]
    assert "no message" in result.steps[0].message
    placeholder = steps("ycloud", '  send = { to = "+447911123456" }', '  check = { code = "{send.nothing}" }')
    result, _ = await run(rig, placeholder)
    assert [s.status for s in result.steps] == [PASSED, ERROR]
    assert "{send.nothing}" in result.steps[1].message


async def test_a_simulator_error_case_applies_to_the_next_request_only(rig: Rig) -> None:
    chosen = steps(
        "ycloud",
        '  fault = "no_money"',
        '  send = { to = "+447911123456" }\n  expect = { ok = false, outcome = "provider_error" }',
        '  send = { to = "+447911123456" }\n  expect = { ok = true }',
    )
    result, _ = await run(rig, chosen)
    assert result.passed, [s.message for s in result.steps]
    assert result.steps[1].actual["error_code"]


async def test_a_callback_misdelivery_shows_in_the_verdict(rig: Rig) -> None:
    chosen = steps(
        "ycloud",
        '  send = { to = "+447911123456" }',
        '  fault = "bad_signature"',
        '  phone = "deliver"\n  expect = { callback = "delivered", signature = "invalid", within_s = 5 }',
        '  phone = "read"\n  expect = { callback = "read", signature = "valid", within_s = 5 }',  # one callback only
    )
    result, _ = await run(rig, chosen)
    assert result.passed, [s.message for s in result.steps]


async def test_wait_and_a_request_deadline(rig: Rig) -> None:
    chosen = steps(
        "zadarma",
        "  wait = 0.3",
        '  fault = "timeout"',
        '  send = { to = "+442037691880", channel = "sms" }\n  timeout_s = 0.5\n'
        '  expect = { outcome = "transport_error", error_code = "timeout" }',
    )
    started = time.monotonic()
    result, _ = await run(rig, chosen)
    assert result.passed, [s.message for s in result.steps]
    assert result.steps[0].elapsed_ms >= 300
    assert time.monotonic() - started < 5  # the step's deadline, not the default 30 s


async def test_a_fallback_moves_on_when_nothing_is_delivered(rig: Rig) -> None:
    chosen = steps(
        "zadarma",
        '  send = { to = "+442037691880", channel = "sms" }\n'
        '  fallback = [{ provider = "ycloud", to = "+447911123456" }]\n'
        '  expect = { provider = "ycloud", ok = true, within_s = 0.3 }',
        '  phone = "deliver"\n  provider = "ycloud"\n  expect = { state = "delivered" }',
    )
    result, _ = await run(rig, chosen)
    assert result.passed, [s.message for s in result.steps]
    assert result.steps[0].actual["fallbacks_tried"] == 1


async def test_latency_ceiling(rig: Rig) -> None:
    chosen = steps(
        "zadarma", '  send = { to = "+442037691880", channel = "sms" }\n  expect = { latency_ms_max = 0.001 }'
    )
    result, _ = await run(rig, chosen)
    assert result.steps[0].status == FAILED
    assert result.steps[0].message.startswith("latency_ms: expected at most 0.001")


async def test_without_the_simulated_user_a_phone_step_is_skipped_or_asked(rig: Rig) -> None:
    chosen = steps("ycloud", '  send = { to = "+447911123456" }', '  phone = "deliver"')
    nobody = Rig(rig.service, None, rig.listener, rig.store)  # as live: the simulators do not play the user
    result = await ScenarioRunner(nobody).run(chosen)
    assert [s.status for s in result.steps] == [PASSED, SKIPPED]
    assert "needs the person at the phone" in result.steps[1].message
    assert result.passed  # skipped is not failed

    asked: list[str] = []

    async def person(prompt: str, step: object) -> str | None:
        asked.append(prompt)
        return "done"

    result = await ScenarioRunner(nobody, ask_user=person).run(chosen)
    assert [s.status for s in result.steps] == [PASSED, PASSED]
    assert asked == ["do 'deliver' on your phone now"]
