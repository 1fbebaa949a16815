"""Every bench run_all.py knows runs on a clean clone and ends with its summary line: every figure it promises.

Only the format is asserted (a name, then a number, or ``n/a`` where the bench says a figure cannot be taken
here), never a value: benches measure, tests do not time. Each runs with the fewest rounds it accepts.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("bench_run_all", ROOT / "bench" / "run_all.py")
assert _spec is not None
assert _spec.loader is not None
run_all = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(run_all)  # bench/ is not a package, nor put on sys.path: its names stay its own

# The fewest rounds each bench accepts; a bench added to run_all.py needs its line here (the test says so).
SMOKE_ARGS = {
    "startup.py": ["--runs", "1"],
    "cli.py": ["--rounds", "1"],
    "listener.py": ["--rounds", "1", "--seconds", "1"],
    "figures.py": ["--rounds", "2"],
    "log_pane.py": ["--rows", "3000"],
}
MAY_BE_ABSENT = {"binary_ready_ratio"}  # n/a until `pyinstaller build.spec` has made dist/otp-console


@pytest.mark.parametrize(("script", "checks"), [pytest.param(b[0], b[3], id=b[0]) for b in run_all.BENCHES])
def test_the_bench_prints_every_figure_it_promises(script: str, checks: list[tuple[str, str, object]]) -> None:
    assert script in SMOKE_ARGS, f"bench/{script}: give it its fewest rounds in SMOKE_ARGS"
    env = {k: v for k, v in os.environ.items() if k != "OTP_CONSOLE_HOME"}  # each bench makes its own
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *SMOKE_ARGS[script]],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    last = done.stdout.strip().splitlines()[-1]
    summary = run_all.summary_of(done.stdout)
    missing = [name for name, _, _ in checks if name not in summary]
    assert not missing, f"bench/{script}'s last line lacks {missing}: {last}"
    for name, value in summary.items():
        if name in MAY_BE_ABSENT and value == "n/a":
            continue
        if name == "load":
            assert value in ("wrk", "python"), last
            continue
        assert float(value) >= 0, f"{name}={value}"
    if "lost" in summary:  # not a timing: every request answered 2xx is in history (store before answer)
        assert float(summary["lost"]) == 0, last
