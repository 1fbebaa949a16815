"""spawn(): a task is kept referenced until it ends, and its failure reaches sys.excepthook."""

from __future__ import annotations

import asyncio
import gc
import sys
import weakref
from types import TracebackType

import pytest

from console.ui.excepthook import spawn
from tests.helpers.qtasync import run, until


def test_a_pending_task_survives_garbage_collection_and_completes(qloop: asyncio.AbstractEventLoop) -> None:
    futures: list[weakref.ref[asyncio.Future[str]]] = []
    finished: list[str] = []

    async def work() -> None:
        # Awaits a future only this coroutine holds: the task is reachable from nothing but spawn's set.
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        futures.append(weakref.ref(future))
        finished.append(await future)

    task = weakref.ref(spawn(work()))
    run(qloop, until(lambda: bool(futures)))
    gc.collect()
    assert task() is not None
    assert not task().done()  # type: ignore[union-attr]
    future = futures[0]()
    assert future is not None
    future.set_result("done")
    del future
    run(qloop, until(lambda: finished == ["done"]))
    run(qloop, asyncio.sleep(0))  # the done callbacks run
    gc.collect()
    assert task() is None  # let go once it ended


def test_a_failing_task_reaches_the_excepthook(
    qloop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[BaseException] = []

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        seen.append(exc)

    monkeypatch.setattr(sys, "excepthook", hook)

    async def boom() -> None:
        await asyncio.sleep(0)
        raise ValueError("deliberate failure")

    spawn(boom())
    run(qloop, until(lambda: bool(seen)))
    assert [type(e) for e in seen] == [ValueError]
    assert str(seen[0]) == "deliberate failure"
    assert seen[0].__traceback__ is not None


def test_a_cancelled_task_is_not_reported(qloop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, exc, tb: seen.append(exc))
    task = spawn(asyncio.sleep(60))
    run(qloop, asyncio.sleep(0))
    task.cancel()
    run(qloop, until(task.done))
    run(qloop, asyncio.sleep(0))
    assert task.cancelled()
    assert seen == []
