"""JUnit XML as CI reads it (junitparser): passed, failed, error and skipped scenarios, totals, step lines."""

from __future__ import annotations

from pathlib import Path

import junitparser

from console.scenarios.junit import write_junit
from console.scenarios.model import Scenario, Step
from console.scenarios.results import ERROR, FAILED, PASSED, SKIPPED, ScenarioResult, StepResult


def _result(name: str, *statuses: str) -> ScenarioResult:
    steps = tuple(Step(n, "check", {"code": "1"}, "ycloud", {"ok": True}) for n in range(1, len(statuses) + 1))
    scenario = Scenario(name, "ycloud", steps)
    results = [
        StepResult(step, status, {"ok": True}, {"ok": status == PASSED}, f"x-{n}", 12.0,
                   "" if status == PASSED else f"why {status}", "v-1")
        for n, (step, status) in enumerate(zip(steps, statuses, strict=True), start=1)
    ]  # fmt: skip
    return ScenarioResult(scenario, results, 24.0)


def test_each_kind_of_scenario_result_reads_back(tmp_path: Path) -> None:
    report = tmp_path / "out" / "j.xml"
    report.parent.mkdir()
    results = [
        _result("passes", PASSED, PASSED),
        _result("fails", PASSED, FAILED),
        _result("breaks", PASSED, ERROR),
        _result("live without the person", PASSED, SKIPPED),
    ]
    write_junit(report, [("flows/a.toml", results), ("flows/b.toml", results[:1])])
    xml = junitparser.JUnitXml.fromfile(str(report))
    first, second = list(xml)
    assert (first.name, first.tests, first.failures, first.errors, first.skipped) == ("flows/a.toml", 4, 1, 1, 1)
    assert (second.name, second.tests) == ("flows/b.toml", 1)
    passes, fails, breaks, skipped = list(first)
    assert passes.is_passed
    assert passes.classname == "ycloud"
    (failure,) = fails.result
    assert isinstance(failure, junitparser.Failure)
    assert failure.message == "step 2: check: why failed"
    assert failure.text == 'step 2: check: expected {"ok": true}, actual {"ok": false}'
    (error,) = breaks.result
    assert isinstance(error, junitparser.Error)
    assert error.message == "step 2: check: why error"
    (skip,) = skipped.result
    assert isinstance(skip, junitparser.Skipped)
    assert skip.message == "step 2: check: why skipped"
    assert '"exchange": "x-2"' in fails.system_out
    assert not list(tmp_path.glob("out/.junit-*"))  # written through a temporary file, none left behind
