"""The built-in scenario library (``resources/scenarios``): it all passes, in one process, in under a minute.

Its coverage is computed from the registries, so a new provider, or a new error case in a simulator, fails here
until the library has scenarios for it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

from console.providers import all_providers
from console.scenarios.library import builtin_folder, load_folder, scenarios_of
from console.simulators import all_simulators

WALL_TIME_LIMIT_S = 60.0


def _lines(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_the_whole_library_passes_in_one_process_in_under_a_minute(tmp_path: Path) -> None:
    report = tmp_path / "j.xml"
    env = {**os.environ, "OTP_CONSOLE_HOME": str(tmp_path / "home")}
    command = [sys.executable, "-m", "console", "scenario", "run", "--builtin", "all", "--junit", str(report)]
    started = time.monotonic()
    proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, check=False)
    elapsed = time.monotonic() - started

    lines = _lines(proc.stdout)
    failed = [line for line in lines if line.get("event") == "step" and not line["passed"]]
    assert proc.returncode == 0, (failed, proc.stderr[-2000:])
    summary = lines[-1]
    assert summary["event"] == "summary"
    expected = len(scenarios_of(load_folder(builtin_folder())))
    assert summary["scenarios"] == expected
    assert summary["ok"] is True
    assert (summary["passed"], summary["failed"], summary["errors"]) == (expected, 0, 0)
    assert summary["skipped_steps"] == 0
    ran = [line for line in lines if line.get("event") == "scenario"]
    assert len(ran) == expected
    assert all(line["status"] == "passed" for line in ran)

    suites = ET.parse(report).getroot()
    assert (suites.get("tests"), suites.get("failures"), suites.get("errors")) == (str(expected), "0", "0")
    assert elapsed < WALL_TIME_LIMIT_S, f"the built-in library took {elapsed:.1f} s"


def test_every_provider_has_builtin_scenarios() -> None:
    covered = {scenario.provider for scenario in scenarios_of(load_folder(builtin_folder()))}
    missing = sorted(set(all_providers()) - covered)
    assert not missing, f"no built-in scenario for {missing}"


def test_each_provider_file_covers_every_error_case_of_its_simulator() -> None:
    files = {found.path.stem: found for found in load_folder(builtin_folder())}
    gaps: dict[str, list[str]] = {}
    for pid in all_providers():
        simulator = all_simulators().get(pid)
        cases = list(simulator.scenarios) if simulator is not None else []
        found = files.get(pid)
        faulted = (
            {
                step.argument
                for scenario in found.scenarios
                for step in scenario.steps
                if step.action == "fault" and step.provider == pid
            }
            if found is not None
            else set()
        )
        uncovered = [case for case in cases if case not in faulted]
        if uncovered:
            gaps[f"{pid}.toml"] = uncovered
    assert not gaps, f"error cases without a fault step in their provider's file: {gaps}"


def test_builtin_scenario_names_are_unique() -> None:
    names = Counter(scenario.name for scenario in scenarios_of(load_folder(builtin_folder())))
    assert not [name for name, count in names.items() if count > 1]
