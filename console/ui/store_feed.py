"""A LogStore's new rows for a Qt object: collected from any thread, delivered in batches on the GUI thread."""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from console.core.logstore import LogStore
from console.core.models import Exchange


class StoreFeed(QObject):
    """Follows a store without keeping its owner alive; at most one wake-up per ``interval_ms``.

    Appending threads only queue their batch (and, for the first since the last :meth:`take`, post one
    queued signal); the GUI thread's timer then emits :attr:`ready` and the owner takes every batch at once.
    Once ``max_pending`` rows wait, :attr:`ready` comes at once instead: the rows the store drops meanwhile are
    still held by the owner until it takes the new ones, so a long wait under a flood costs memory.

    Attributes:
        timer: the single-shot timer between the first new batch and :attr:`ready`.

    Signals:
        ready(): batches are waiting: :meth:`take` them.
        cleared(): the store was emptied (Clear log); what was waiting is dropped.
    """

    ready = Signal()
    cleared = Signal()
    _wake = Signal()
    _hurry = Signal()
    _clear = Signal()

    def __init__(self, store: LogStore, interval_ms: int, parent: QObject, max_pending: int = 2_000) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._pending: list[list[Exchange]] = []
        self._pending_rows = 0
        self.max_pending = max_pending
        self._wake_pending = False
        self._hurried = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.ready)
        self._wake.connect(self._start_timer)  # queued when put() runs off the GUI thread
        self._hurry.connect(self._ready_now)
        self._clear.connect(self._on_clear)
        reference = weakref.ref(self)  # the store must not keep a dropped owner (and its feed) alive

        def appended(batch: list[Exchange]) -> None:
            feed = reference()
            if feed is not None:
                feed.put(batch)

        def cleared() -> None:
            feed = reference()
            if feed is not None:
                feed._clear.emit()

        forget = self._forget = (store.subscribe(appended), store.on_cleared(cleared))
        self.destroyed.connect(lambda *_: _call_each(forget))

    def put(self, batch: list[Exchange]) -> None:
        """Queue a batch (any thread); the first since the last :meth:`take` wakes the GUI thread."""
        with self._lock:
            self._pending.append(batch)
            self._pending_rows += len(batch)
            hurry = self._pending_rows >= self.max_pending and not self._hurried
            self._hurried = self._hurried or hurry
            wake = not self._wake_pending
            self._wake_pending = True
        if hurry:
            self._hurry.emit()
        elif wake:
            self._wake.emit()

    def take(self) -> list[list[Exchange]]:
        """Every batch queued so far, oldest first (the queue is then empty)."""
        with self._lock:
            batches, self._pending = self._pending, []
            self._pending_rows = 0
            self._wake_pending = self._hurried = False
        return batches

    def stop(self) -> None:
        """Stop following the store (rows already taken stay with the owner)."""
        _call_each(self._forget)

    @Slot()
    def _start_timer(self) -> None:
        if not self.timer.isActive():
            self.timer.start()

    @Slot()
    def _ready_now(self) -> None:
        self.timer.stop()
        QTimer.singleShot(0, self, self.ready.emit)  # the loop's next turn (the timer keeps its interval)

    @Slot()
    def _on_clear(self) -> None:
        self.take()
        self.cleared.emit()


def _call_each(functions: Iterable[Callable[[], None]]) -> None:
    for function in functions:
        with contextlib.suppress(ValueError):  # already forgotten
            function()
