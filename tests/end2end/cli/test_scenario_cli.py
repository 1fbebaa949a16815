"""``otp-console scenario``: step lines, a line per scenario, a summary last, exit codes, JUnit as CI reads it."""

from __future__ import annotations

from pathlib import Path

import junitparser

from tests.end2end.cli.test_cli import cli
from tests.unit.scenarios.test_parsing import EXAMPLE

FAILING = """
[[scenario]]
name = "YCloud: a wrong code is not OK"
provider = "ycloud"
  [[scenario.step]]
  send = { to = "+447911123456" }
  [[scenario.step]]
  check = { code = "000000" }
  expect = { outcome = "ok" }

[[scenario]]
name = "YCloud: acting on a phone with nothing on it"
provider = "ycloud"
  [[scenario.step]]
  phone = "deliver"
"""


def test_a_passing_file_prints_each_step_then_the_scenario_then_a_summary(tmp_path: Path) -> None:
    path = tmp_path / "ycloud.toml"
    path.write_text(EXAMPLE)
    report = tmp_path / "junit.xml"
    code, lines, err = cli("scenario", "run", str(path), "--junit", str(report))
    assert code == 0, err
    assert [line["event"] for line in lines] == ["step"] * 5 + ["scenario", "summary"]
    assert [line["step"] for line in lines[:5]] == [1, 2, 3, 4, 5]
    assert set(lines[0]) >= {
        "event",
        "scenario",
        "step",
        "action",
        "passed",
        "expected",
        "actual",
        "exchange",
        "elapsed_ms",
    }
    assert lines[5]["passed"] is True
    assert lines[-1] == {
        "event": "summary", "ok": True, "scenarios": 1, "passed": 1, "failed": 0, "errors": 0, "skipped_steps": 0,
        "junit": str(report),
    }  # fmt: skip
    xml = junitparser.JUnitXml.fromfile(str(report))
    (suite,) = list(xml)
    assert (suite.name, suite.tests, suite.failures, suite.errors) == (str(path), 1, 0, 0)
    (case,) = list(suite)
    assert (case.name, case.classname, case.is_passed) == (lines[5]["scenario"], "ycloud", True)
    assert all(line["exchange"] in case.system_out for line in lines[:5])  # the step lines, with their rows


def test_failures_and_errors_exit_1_and_read_back_as_junit_failure_and_error(tmp_path: Path) -> None:
    path = tmp_path / "bad-flows.toml"
    path.write_text(FAILING)
    report = tmp_path / "junit.xml"
    code, lines, err = cli("scenario", "run", str(path), "--junit", str(report))
    assert code == 1, err
    summary = lines[-1]
    assert (summary["ok"], summary["scenarios"], summary["failed"], summary["errors"]) == (False, 2, 1, 1)
    (suite,) = list(junitparser.JUnitXml.fromfile(str(report)))
    failed, errored = list(suite)
    (failure,) = failed.result
    assert isinstance(failure, junitparser.Failure)
    assert failure.message.startswith("step 2: check: outcome: expected 'ok', got 'wrong_code'")
    assert '"outcome": "wrong_code"' in (failure.text or "")
    (error,) = errored.result
    assert isinstance(error, junitparser.Error)
    assert error.message.startswith("step 1: phone: the virtual phone has no message")
    assert (suite.tests, suite.failures, suite.errors) == (2, 1, 1)


def test_an_invalid_file_runs_nothing_and_exits_2(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.toml", tmp_path / "bad.toml"
    good.write_text(EXAMPLE)
    bad.write_text(EXAMPLE.replace('phone = "deliver"', 'phon = "deliver"'))
    code, lines, _ = cli("scenario", "run", str(good), str(bad))
    assert code == 2
    (line,) = lines  # nothing ran, not even the good file
    assert (line["error_code"], line["file"], line["line"], line["column"]) == ("invalid_scenario", str(bad), 11, 3)
    assert "did you mean 'phone'" in line["message"]


def test_live_needs_the_numbers_on_the_allow_list(tmp_path: Path) -> None:
    path = tmp_path / "ycloud.toml"
    path.write_text(EXAMPLE)
    code, lines, _ = cli("scenario", "run", str(path), "--env", "live")
    assert code == 2
    assert lines[-1]["error_code"] == "not_allowed"
    assert "--allow-number" in lines[-1]["message"]
    code, lines, _ = cli("scenario", "run", str(path), "--env", "live", "--allow-number", "+447900000000")
    assert code == 2
    assert "+447911123456" in lines[-1]["message"]


def test_list_names_the_built_in_scenarios_and_the_files_given(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(EXAMPLE)
    code, lines, _ = cli("scenario", "list", str(path))
    assert code == 0
    mine = [line for line in lines if not line["builtin"]]
    assert mine == [
        {"event": "scenario", "name": "YCloud: delivered, wrong code, right code, reuse refused", "provider": "ycloud",
         "env": "simulator", "steps": 5, "file": str(path), "builtin": False},
    ]  # fmt: skip
    assert any(line["builtin"] for line in lines)
