"""Running coroutines on a qasync loop from synchronous pytest-qt tests (never block inside a coroutine)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from PySide6.QtCore import SignalInstance

T = TypeVar("T")


def run(loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
    """Run ``coro`` to completion on ``loop`` with a hard timeout."""
    return loop.run_until_complete(asyncio.wait_for(coro, timeout))


async def next_emission(
    signal: SignalInstance,
    trigger: Callable[[], object],
    timeout: float = 20.0,
    accept: Callable[[Any], bool] = lambda value: True,
) -> Any:
    """Call ``trigger`` and wait, without blocking the loop, for the first accepted emission of ``signal``."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()

    def on_emit(*args: Any) -> None:
        value = args[0] if len(args) == 1 else args
        if not future.done() and accept(value):
            future.set_result(value)

    signal.connect(on_emit)
    try:
        trigger()
        return await asyncio.wait_for(future, timeout)
    finally:
        signal.disconnect(on_emit)


async def until(predicate: Callable[[], bool], timeout: float = 10.0, step: float = 0.02) -> None:
    """Poll ``predicate`` on the loop until it holds (assert-friendly: raises TimeoutError otherwise)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(step)
