"""Every bench, one after the other (each in its own processes), and one table: figure, value, target, held.

``.venv/bin/python bench/run_all.py [--quick]`` (``--quick``: fewer rounds, for a first look). Each bench's own
output is shown as it runs; the table is built from their summary lines (``name=value …``).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# (bench, its arguments (full, quick), figure, target text, held)
Check = tuple[str, str, Callable[[float], bool]]
BENCHES: list[tuple[str, list[str], list[str], list[Check]]] = [
    (
        "startup.py", [], ["--runs", "3"],
        [
            ("startup_ratio", "≤ 1.5 (first frame / bare PySide6)", lambda v: v <= 1.5),
            ("ready_ratio", "≤ 1.5 (complete window / bare)", lambda v: v <= 1.5),
            ("binary_ready_ratio", "≤ 1.3 (the binary's complete window / bare)", lambda v: v <= 1.3),
            ("listener_ms", "reported (launch to accepting)", lambda v: True),
        ],
    ),
    (
        "cli.py", [], ["--rounds", "3"],
        [
            ("version_ratio", "≤ 1.3 (--version / import console)", lambda v: v <= 1.3),
            ("help_ratio", "close to version_ratio", lambda v: v <= 1.6),
            ("cli_ratio", "≤ 1.5 (balance / the floor script)", lambda v: v <= 1.5),
        ],
    ),
    (
        "listener.py", [], ["--rounds", "2", "--seconds", "3"],
        [
            ("listener_ratio", "≥ 0.8 (listen / same-work floor)", lambda v: v >= 0.8),
            ("gui_ratio", "≥ 0.8 (the GUI's listener / listen)", lambda v: v >= 0.8),
            ("stored_ratio", "reported (listen / bare aiohttp)", lambda v: True),
            ("lost", "0", lambda v: v == 0),
            ("max_stall_ms", "≤ 50 (GUI under load)", lambda v: v <= 50),
            ("cpu_ratio", "reported (floor's CPU per request / listen's)", lambda v: True),
            ("uv_floor_ratio", "reported (listen / the floor on uvloop)", lambda v: True),
        ],
    ),
    (
        "figures.py", [], ["--rounds", "20"],
        [
            ("detail_stall_ms", "≤ 100 (a 2 MB body selected)", lambda v: v <= 100),
            ("send_ratio", "≤ 1.3 (the service's send / raw httpx)", lambda v: v <= 1.3),
        ],
    ),
    (
        "log_pane.py", [], [],
        [
            ("rows_per_s", "≥ 20,000", lambda v: v >= 20_000),
            ("max_stall_ms", "≤ 50", lambda v: v <= 50),
            ("peak_mb", "≤ 150", lambda v: v <= 150),
        ],
    ),
]  # fmt: skip


def summary_of(output: str) -> dict[str, str]:
    """The last line's ``name=value`` pairs."""
    lines = [line for line in output.splitlines() if "=" in line]
    return dict(pair.split("=", 1) for pair in lines[-1].split() if "=" in pair) if lines else {}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    args = parser.parse_args()
    rows: list[tuple[str, str, str, str]] = []
    for script, full, quick, checks in BENCHES:
        print(f"=== bench/{script}", flush=True)
        done = subprocess.run(
            [sys.executable, str(ROOT / "bench" / script), *(quick if args.quick else full)],
            cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
        print(done.stdout[-3000:], end="", flush=True)
        figures = summary_of(done.stdout) if done.returncode == 0 else {}
        for name, target, held in checks:
            value = figures.get(name, "")
            try:
                verdict = "held" if held(float(value)) else "NOT held"
            except ValueError:
                verdict = "n/a" if value == "n/a" else "no figure"
            rows.append((f"{script[:-3]}: {name}", value or "—", target, verdict))
    width = max(len(row[0]) for row in rows)
    print(f"\n{'figure':{width}}  {'value':>8}  target  →  held")
    for figure, value, target, verdict in rows:
        print(f"{figure:{width}}  {value:>8}  {target}  →  {verdict}")
    held = sum(row[3] == "held" for row in rows)
    print(f"benches_held={held}/{len(rows)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
