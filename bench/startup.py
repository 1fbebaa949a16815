"""Start-up benchmark: fresh ``python -m console`` to a shown main window, against a bare PySide6 window.

Run from anywhere with the project's interpreter: ``.venv/bin/python bench/startup.py [--runs 5]``.
Each sample is a new process (offscreen, its state in a temporary OTP_CONSOLE_HOME). The app is started with
``OTP_CONSOLE_EXIT_AFTER_SHOWN=1``: it prints ``shown <ms>`` at its main window's first frame (the layout, the
provider list, placeholders for the log and detail panes), builds those panes at once, prints ``ready <ms>``
and quits. The lower pane's second tab, the Verification timeline, is built when first needed (as in use: its
tab opened, a row of a verification selected), so ``ready`` does not include it. The bare sample is an inline
script doing the same with an empty QMainWindow; the binary (``dist/otp-console``, when built) is sampled as
the app is. The figures are wall times from spawning the process to reading each line, medians of the runs,
every kind interleaved after one discarded warm-up of each. The last line is the summary:
``startup_ratio=… ready_ratio=… binary_ready_ratio=… listener_ms=…`` (targets: ≤ 1.5, ≤ 1.5, ≤ 1.3).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_RATIO = 1.5
TIMEOUT_S = 60.0

BARE = """
import sys, time
started = time.perf_counter()
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
window = QMainWindow()
window.setWindowTitle("bare")
window.resize(1280, 800)
window.show()
while not (window.windowHandle() and window.windowHandle().isExposed()):
    app.processEvents()
    if time.perf_counter() - started > 30:
        break
app.processEvents()
print(f"shown {(time.perf_counter() - started) * 1000:.1f}", flush=True)
"""


def sample(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Spawn ``cmd``; return the wall ms from spawn to its ``shown`` line and to its ``ready`` line.

    The app prints ``shown`` at its window's first frame and ``ready`` once the log and detail panes are in it
    too; the bare window has nothing more to build, so its ``ready`` is its ``shown``.
    """
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    marks: dict[str, float] = {}
    try:
        for line in proc.stdout:
            word = line.split()[0] if line.split() else ""
            if word in ("shown", "ready"):
                marks[word] = (time.perf_counter() - started) * 1000
        proc.wait(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if "shown" in marks:
        return marks["shown"], marks.get("ready", marks["shown"])
    err = proc.stderr.read() if proc.stderr else ""
    raise SystemExit(
        f"no 'shown' line from {' '.join(cmd[:3])} (exit {proc.returncode}); its stderr ends:\n"
        f"{err[-2000:]}\nThe app must print 'shown <ms>' and quit when OTP_CONSOLE_EXIT_AFTER_SHOWN=1."
    )


def listener_ms(env: dict[str, str]) -> float:
    """Wall ms from spawning the console (no bench exit) to its ``started <url>`` line: the listener accepts."""
    run_env = {k: v for k, v in env.items() if k != "OTP_CONSOLE_EXIT_AFTER_SHOWN"} | {
        "OTP_CONSOLE_REPORT_STARTED": "1"
    }
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "console"], cwd=ROOT, env=run_env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            if line.startswith("started "):
                return (time.perf_counter() - started) * 1000
        raise SystemExit("the console printed no 'started' line")
    finally:
        proc.terminate()  # SIGTERM closes it as Quit does
        proc.wait(timeout=TIMEOUT_S)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="samples of each (default: %(default)s)")
    args = parser.parse_args()
    binary = ROOT / "dist" / "otp-console" / "otp-console"
    with tempfile.TemporaryDirectory(prefix="otp-console-bench-") as home:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", OTP_CONSOLE_EXIT_AFTER_SHOWN="1", OTP_CONSOLE_HOME=home)
        # A user's machine caches bytecode; without it every start compiles the console's modules again.
        if env.pop("PYTHONDONTWRITEBYTECODE", None):
            print("PYTHONDONTWRITEBYTECODE ignored: the warm-up writes .pyc files as a normal start would")
        kinds = {"app": [sys.executable, "-m", "console"], "bare": [sys.executable, "-c", BARE]}
        if binary.is_file():
            kinds["binary"] = [str(binary)]
        for cmd in kinds.values():  # warm-up: disk cache, .pyc files, the app's first-run state
            sample(cmd, env)
        walls: dict[str, list[float]] = {name: [] for name in kinds}
        readies: dict[str, list[float]] = {name: [] for name in kinds}
        listening: list[float] = []
        for i in range(args.runs):
            for name, cmd in kinds.items():
                wall, ready = sample(cmd, env)
                walls[name].append(wall)
                readies[name].append(ready)
                print(f"run {i + 1} {name:6}: {wall:7.1f} ms to the first frame, {ready:7.1f} ms to complete")
            listening.append(listener_ms(env))
            print(f"run {i + 1} listener: {listening[-1]:7.1f} ms from launch to accepting connections")
    app_ms, bare_ms = statistics.median(walls["app"]), statistics.median(walls["bare"])
    ready_ms = statistics.median(readies["app"])
    ratio, ready_ratio = app_ms / bare_ms, ready_ms / bare_ms
    binary_ready = f"{statistics.median(readies['binary']) / bare_ms:.2f}" if "binary" in kinds else "n/a"
    listen_ms = statistics.median(listening)
    print(f"python {sys.version.split()[0]}, {args.runs} runs each, offscreen")
    for name in kinds:
        values = walls[name]
        print(f"median {name:6} {statistics.median(values):.1f} ms (min {min(values):.1f}, max {max(values):.1f})")
    print(f"median app with its log and detail panes built {ready_ms:.1f} ms (ratio {ready_ratio:.2f})")
    print(f"median listener accepting {listen_ms:.1f} ms from launch")
    print(f"first frame: target ratio <= {TARGET_RATIO}: {'met' if ratio <= TARGET_RATIO else 'MISSED'}")
    print(f"complete window: target ratio <= {TARGET_RATIO}: {'met' if ready_ratio <= TARGET_RATIO else 'MISSED'}")
    print(f"startup_ratio={ratio:.2f} ready_ratio={ready_ratio:.2f} binary_ready_ratio={binary_ready} "
          f"listener_ms={listen_ms:.0f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
