"""The window fits the screen it opens on: every primary action on screen at 1280x720, 1366x768 and 1920x1080.

Each screen size is a separate process (tests/end2end/gui/layout_probe.py): Qt's offscreen platform reads its
screen from the file named in QT_QPA_PLATFORM before the QApplication exists. The probe starts the whole
console on its simulators and reports rectangles in window coordinates as JSON; each size runs once per session.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from console.providers import all_providers

ROOT = Path(__file__).resolve().parents[3]
PROBE = Path(__file__).with_name("layout_probe.py")
SIZES = ["1280x720", "1366x768", "1920x1080"]
PRIMARY = (
    "provider_list",
    "log",
    "log_filter",
    "latency_chart_button",
    "detail",
    "listener_toggle",
    "listener_settings",
    "listener_rate",
    "status_bar",
)

_reports: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = {}


def probe(size: str, tmp: pytest.TempPathFactory, *args: str) -> dict[str, Any]:
    """The probe's report for a screen of ``size`` ("WxH"), run once per size and arguments."""
    key = (size, args)
    if key not in _reports:
        folder = tmp.mktemp(f"screen-{size}")
        width, height = (int(n) for n in size.split("x"))
        screen = {"name": "s", "x": 0, "y": 0, "width": width, "height": height, "logicalDpi": 96, "dpr": 1}
        config = folder / "screens.json"
        config.write_text(json.dumps({"screens": [screen]}))
        env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}", OTP_CONSOLE_HOME=str(folder / "home"))
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
        done = subprocess.run(
            [sys.executable, str(PROBE), "--phone", *args],
            env=env,
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        _reports[key] = json.loads(done.stdout.splitlines()[-1])
    return _reports[key]


def _inside(rect: list[int], outer: list[int]) -> bool:
    x, y, w, h = rect
    ox, oy, ow, oh = outer
    return w > 0 and h > 0 and x >= ox and y >= oy and x + w <= ox + ow and y + h <= oy + oh


def _window(report: dict[str, Any]) -> list[int]:
    return [0, 0, *report["window_size"]]


@pytest.mark.parametrize("size", SIZES)
def test_the_window_lies_inside_the_screen(size: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    report = probe(size, tmp_path_factory)
    assert _inside(report["window"], report["screen"]), report["window"]
    width, height = report["window"][2:]
    assert width >= 0.85 * report["screen"][2]  # it uses the screen, not a corner of it
    assert height >= 0.85 * report["screen"][3]


@pytest.mark.parametrize("size", SIZES)
def test_every_primary_action_is_on_screen(size: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    report = probe(size, tmp_path_factory)
    for name in PRIMARY:
        action = report["actions"][name]
        assert action["shown"], name
        assert action["unclipped"], f"{name} is cut off or scrolled away: {action['rect']}"
        assert _inside(action["rect"], _window(report)), f"{name} at {action['rect']} outside {_window(report)}"


@pytest.mark.parametrize("size", SIZES)
def test_every_forms_action_button_is_on_screen_without_scrolling(
    size: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    report = probe(size, tmp_path_factory)
    assert set(report["providers"]) == set(all_providers())
    for pid, entry in report["providers"].items():
        send = entry["send"]
        assert send["unclipped"], f"{pid}'s Send button is cut off or scrolled away: {send['rect']}"
        assert _inside(send["rect"], _window(report)), pid


@pytest.mark.parametrize("size", SIZES)
def test_every_operation_shows_whole_in_the_picker(size: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    report = probe(size, tmp_path_factory)
    for pid, provider in all_providers().items():
        shown = report["providers"][pid]["operations"]
        assert list(shown) == list(provider.spec.operation_ids())
        for op in provider.spec.operations:
            button = shown[op.id]
            assert button["unclipped"], f"{pid}: {op.label!r} is hidden or cut off"
            assert _inside(button["rect"], _window(report)), f"{pid}: {op.label!r}"
            assert button["text"].replace("&&", "&") == op.label
            assert button["rect"][2] >= button["text_width"], f"{pid}: {op.label!r} does not fit its button"


@pytest.mark.parametrize("size", SIZES)
def test_the_log_columns_fit_the_pane(size: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    report = probe(size, tmp_path_factory)
    shown = [(position, width) for position, width, hidden in report["log_columns"] if not hidden]
    assert max(position + width for position, width in shown) <= report["log_viewport"]
    assert shown[-1][1] >= 48  # the Result column keeps some room


@pytest.mark.parametrize("size", SIZES)
def test_the_latency_chart_opens_beside_the_log_with_room_for_both(
    size: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    chart = probe(size, tmp_path_factory)["chart"]
    assert chart["built"]
    for name in ("chart", "log"):
        assert chart[name]["unclipped"], f"{name} at {chart[name]['rect']}"
    x, _y, width, _h = chart["chart"]["rect"]
    log_x, _ly, log_width, _lh = chart["log"]["rect"]
    assert x >= log_x + log_width  # beside the log
    assert width >= 240, (width, log_width)
    assert log_width >= 300, (width, log_width)


@pytest.mark.parametrize("size", SIZES)
def test_phone_messages_do_not_widen_the_left_pane(size: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    phone = probe(size, tmp_path_factory)["phone"]
    assert phone["after"] == phone["before"]
    assert phone["list_width"] == phone["before"]


@pytest.mark.parametrize("legacy", [(), ("--legacy",)], ids=["saved", "saved-before-window-rect"])
def test_a_saved_window_too_large_for_this_screen_is_fitted_again(
    tmp_path_factory: pytest.TempPathFactory, legacy: tuple[str, ...]
) -> None:
    report = probe("1366x768", tmp_path_factory, "--saved", "1600x940+0+0", *legacy)  # the old fixed size
    assert _inside(report["window"], report["screen"]), report["window"]
    assert report["actions"]["status_bar"]["unclipped"]


def test_a_saved_window_that_fits_comes_back(tmp_path_factory: pytest.TempPathFactory) -> None:
    report = probe("1366x768", tmp_path_factory, "--saved", "1300x700+30+30")
    assert report["window_size"] == [1300, 700]
    assert _inside(report["window"], report["screen"])
