"""Foreground work first: background threads pause (bounded) while the GUI marks work under way."""

from __future__ import annotations

import threading
import time

from console.core.foreground import Foreground


def test_pause_returns_at_once_when_nothing_is_under_way() -> None:
    foreground = Foreground()
    started = time.perf_counter()
    foreground.pause(limit=1.0)
    assert time.perf_counter() - started < 0.05


def test_pause_waits_for_the_work_to_end_nested_or_not() -> None:
    foreground = Foreground()
    waited: list[float] = []
    entered = threading.Event()

    def background() -> None:
        entered.wait(1)
        started = time.perf_counter()
        foreground.pause(limit=2.0)
        waited.append(time.perf_counter() - started)

    thread = threading.Thread(target=background)
    thread.start()
    with foreground.working():
        with foreground.working():  # nested: the outer one still holds the background thread
            entered.set()
            time.sleep(0.1)
        time.sleep(0.1)
    thread.join(2)
    assert 0.15 <= waited[0] < 1.5


def test_a_pause_never_outlasts_its_limit() -> None:
    foreground = Foreground()
    with foreground.working():
        started = time.perf_counter()
        foreground.pause(limit=0.05)
        assert 0.04 <= time.perf_counter() - started < 0.5
