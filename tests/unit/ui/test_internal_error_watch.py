"""A crash the app's excepthook turns into a log row fails a GUI test (unless the test expects it)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

CRASHING_TEST = """
import asyncio

import qasync

from console.core.logstore import LogStore
from console.ui import excepthook
from console.ui.bridge import CoreBridge

MARK


def test_a_background_task_crashes(qapp):
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    store = LogStore()
    excepthook.install(store, CoreBridge(), loop)

    async def boom():
        raise RuntimeError("hidden in the log")

    async def main():
        excepthook.spawn(boom())
        await asyncio.sleep(0.05)

    with loop:
        loop.run_until_complete(main())
    assert len(store) == 1  # the app did its part: the crash is a row, and the test alone would pass
"""


@pytest.mark.internal_error_expected  # the inner run shares this process: this test's own watch sees its crash
@pytest.mark.parametrize(("mark", "outcome"), [("", "errors"), ("@pytest.mark.internal_error_expected", "passed")])
def test_an_internal_error_fails_a_gui_test(pytester: pytest.Pytester, mark: str, outcome: str) -> None:
    pytester.makeconftest((ROOT / "tests" / "conftest.py").read_text())
    pytester.makeini(
        "[pytest]\nqt_api = pyside6\nasyncio_default_fixture_loop_scope = function\nmarkers =\n"
        "    gui: Qt\n    end2end: processes\n    internal_error_expected: on purpose\n"
    )
    gui = pytester.mkpydir("gui")
    (gui / "test_crash.py").write_text(CRASHING_TEST.replace("MARK", f"import pytest\n\n{mark}" if mark else ""))
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(**{outcome: 1, **({"passed": 1} if outcome == "errors" else {})})
    if outcome == "errors":
        result.stdout.fnmatch_lines(["*The app recorded internal errors*", "*RuntimeError: hidden in the log*"])
