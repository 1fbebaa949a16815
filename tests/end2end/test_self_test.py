"""``otp-console --self-test``, as the packaged binary runs it in CI: every operation of every provider, offscreen."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from console.providers import all_providers


def test_the_self_test_drives_every_provider_and_passes() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    proc = subprocess.run(
        [sys.executable, "-m", "console", "--self-test"], capture_output=True, text=True, timeout=180, env=env
    )
    report = json.loads(proc.stdout)
    failed = [c for c in report["checks"] if not c["ok"]]
    assert (proc.returncode, report["ok"], failed, report.get("error")) == (0, True, [], None), proc.stderr[-2000:]
    assert {c["provider"] for c in report["checks"]} - {"*"} == set(all_providers())
    pictures = next(c for c in report["checks"] if c["operation"] == "pictures")  # the chart, from pyqtgraph
    assert set(pictures["series"]) == set(all_providers())
    assert pictures["png_saved"] == [True, True, True]
    assert any(c["operation"].startswith("callback") for c in report["checks"])  # the virtual phone's callbacks
    loop = next(c for c in report["checks"] if c["operation"] == "event loop")
    assert loop["loop"] == ("asyncio" if sys.platform == "win32" else "uvloop")
