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

    Attributes:
        timer: the single-shot timer between the first new batch and :attr:`ready`.

    Signals:
        ready(): batches are waiting: :meth:`take` them.
        cleared(): the store was emptied (Clear log); what was waiting is dropped.
    """

    ready = Signal()
    cleared = Signal()
    _wake = Signal()
    _clear = Signal()

    def __init__(self, store: LogStore, interval_ms: int, parent: QObject) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._pending: list[list[Exchange]] = []
        self._wake_pending = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.ready)
        self._wake.connect(self._start_timer)  # queued when put() runs off the GUI thread
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
            if self._wake_pending:
                return
            self._wake_pending = True
        self._wake.emit()

    def take(self) -> list[list[Exchange]]:
        """Every batch queued so far, oldest first (the queue is then empty)."""
        with self._lock:
            batches, self._pending = self._pending, []
            self._wake_pending = False
        return batches

    def stop(self) -> None:
        """Stop following the store (rows already taken stay with the owner)."""
        _call_each(self._forget)

    @Slot()
    def _start_timer(self) -> None:
        if not self.timer.isActive():
            self.timer.start()

    @Slot()
    def _on_clear(self) -> None:
        self.take()
        self.cleared.emit()


def _call_each(functions: Iterable[Callable[[], None]]) -> None:
    for function in functions:
        with contextlib.suppress(ValueError):  # already forgotten
            function()
