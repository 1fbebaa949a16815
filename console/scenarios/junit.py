"""JUnit XML for CI: a ``<testsuite>`` per file, a ``<testcase>`` per scenario, the step lines in ``<system-out>``."""

from __future__ import annotations

import json
import os
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from console.scenarios.results import ERROR, FAILED, SKIPPED, ScenarioResult


def junit_xml(suites: Sequence[tuple[str, Sequence[ScenarioResult]]]) -> bytes:
    """The report of ``(file, results)`` pairs, as GitLab, Jenkins and GitHub's test reporters read it.

    A failed expectation is a ``<failure>`` naming its step ("step 2: check") and the expected and actual values;
    a step that could not run is an ``<error>``; a scenario with a skipped step (and nothing worse) is ``<skipped>``.
    """
    root = ET.Element("testsuites", name="otp-console scenarios")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0, "time": 0.0}
    for name, results in suites:
        suite = ET.SubElement(root, "testsuite", name=name)
        counts = {"tests": len(results), "failures": 0, "errors": 0, "skipped": 0, "time": 0.0}
        for result in results:
            case = ET.SubElement(
                suite,
                "testcase",
                name=result.scenario.name,
                classname=result.scenario.provider,
                time=f"{result.elapsed_ms / 1000:.3f}",
                file=name,
            )
            counts["time"] += result.elapsed_ms / 1000
            _outcome(case, result, counts)
            lines = [json.dumps(step.line(result.scenario), ensure_ascii=False, default=str) for step in result.steps]
            ET.SubElement(case, "system-out").text = "\n".join(lines)
        for key, value in counts.items():
            suite.set(key, f"{value:.3f}" if key == "time" else str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, f"{value:.3f}" if key == "time" else str(int(value)))
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data


def write_junit(path: Path, suites: Sequence[tuple[str, Sequence[ScenarioResult]]]) -> None:
    """Write the report to ``path`` through a temporary file (a reader never sees half of it).

    Raises:
        OSError: the folder cannot be written.
    """
    data = junit_xml(suites)
    folder = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=".junit-", suffix=".xml", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _outcome(case: ET.Element, result: ScenarioResult, counts: dict[str, float]) -> None:
    errors = [s for s in result.steps if s.status == ERROR]
    failures = [s for s in result.steps if s.status == FAILED]
    if errors:
        step = errors[0]
        counts["errors"] += 1
        error = ET.SubElement(case, "error", message=f"{step.step.title}: {step.message}", type="step_error")
        error.text = step.message
    elif failures:
        counts["failures"] += 1
        first = failures[0]
        failure = ET.SubElement(
            case, "failure", message=f"{first.step.title}: {first.message}", type="expectation_not_met"
        )
        failure.text = "\n".join(
            f"{s.step.title}: expected {json.dumps(s.expected, default=str)}, "
            f"actual {json.dumps(s.line(result.scenario)['actual'], ensure_ascii=False, default=str)}"
            for s in failures
        )
    elif skipped := [s for s in result.steps if s.status == SKIPPED]:  # live, without the person at the phone
        counts["skipped"] += 1
        ET.SubElement(case, "skipped", message="; ".join(f"{s.step.title}: {s.message}" for s in skipped))
    elif not result.steps:
        counts["errors"] += 1
        ET.SubElement(case, "error", message="the scenario did not run", type="not_run")
