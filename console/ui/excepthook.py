"""The GUI's excepthook: an unexpected exception becomes a log row and a banner, never a silent loss."""

from __future__ import annotations

import faulthandler
import sys
import time
import traceback
from collections.abc import Coroutine
from types import TracebackType
from typing import TYPE_CHECKING, Any

from console.core.logstore import LogStore
from console.ui.bridge import CoreBridge

if TYPE_CHECKING:
    import asyncio


def report(store: LogStore, bridge: CoreBridge, exc: BaseException) -> None:
    """Write an internal-error row for ``exc`` and raise the banner."""
    from console.core.models import Exchange, Outcome, new_id  # loaded with the first row, not at start-up

    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    line = f"{type(exc).__name__}: {exc}"
    store.append(
        Exchange(
            id=new_id("x"),
            seq=0,
            started_at=time.time(),
            provider="console",
            operation="internal",
            env="",
            method="",
            url="",
            request_headers=(),
            request_body="",
            outcome=Outcome.INTERNAL_ERROR,
            message=line,
            meaning="The console hit an unexpected error (a bug); nothing was lost silently.",
            notes=(("traceback", text),),
        )
    )
    bridge.internal_error.emit(line)


def install(store: LogStore, bridge: CoreBridge, loop: asyncio.AbstractEventLoop | None = None) -> None:
    """Route sys.excepthook (where qasync sends asyncSlot errors) and the loop's handler to :func:`report`."""
    faulthandler.enable()
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, exc, tb)
            return
        report(store, bridge, exc.with_traceback(tb))

    sys.excepthook = hook

    if loop is not None:

        def loop_handler(_loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
            exc = context.get("exception")
            report(store, bridge, exc if isinstance(exc, BaseException) else RuntimeError(context.get("message")))

        loop.set_exception_handler(loop_handler)


# Every task spawn() started and that has not ended: the event loop keeps only weak references to its tasks,
# so a task nobody else holds could be garbage-collected while it is still pending.
_RUNNING: set[asyncio.Task[Any]] = set()


def spawn(coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
    """Start a task, kept referenced until it ends, whose failure reaches sys.excepthook instead of vanishing."""
    import asyncio  # here, not at the top: the window is shown before the async stack loads

    task = asyncio.ensure_future(coro)
    _RUNNING.add(task)

    def done(t: asyncio.Task[Any]) -> None:
        _RUNNING.discard(t)
        if not t.cancelled() and t.exception() is not None:
            exc = t.exception()
            assert exc is not None
            sys.excepthook(type(exc), exc, exc.__traceback__)

    task.add_done_callback(done)
    return task


async def finish_tasks(timeout_s: float = 2.0) -> None:
    """Let the tasks :func:`spawn` started end (up to ``timeout_s``), then cancel the rest.

    Called at shutdown, before the client, the listener and history close under them.
    """
    import asyncio

    current = asyncio.current_task()
    pending = [task for task in _RUNNING if task is not current and not task.done()]
    if not pending:
        return
    _done, late = await asyncio.wait(pending, timeout=timeout_s)
    for task in late:
        task.cancel()
    if late:
        await asyncio.wait(late, timeout=timeout_s)
