"""The verifications of this process, shared by the service (sends, checks) and the listener (callbacks).

The service runs on the GUI's (or the CLI's) event loop and the listener on its own thread, so every change goes
through :meth:`VerificationBook.edit`, which holds a lock, saves the result to history and tells the listeners
with a snapshot (never the live object).
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from console.core.history import History
from console.core.models import Verification

Listener = Callable[[Verification], None]
HISTORY_CANDIDATES = 50
HISTORY_REFRESH_S = 2.0


class VerificationBook:
    """Thread-safe verifications by id, backed by history so other processes' verifications are found too."""

    def __init__(self, history: History | None = None) -> None:
        self.history = history
        self._lock = threading.RLock()
        self._items: dict[str, Verification] = {}
        self._listeners: list[Listener] = []
        self._read_at: dict[str, float] = {}

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(snapshot)`` (on the thread that made the change) after each change."""
        with self._lock:
            self._listeners.append(listener)

    def get(self, verification_id: str) -> Verification | None:
        """A snapshot of one verification (memory first, then history)."""
        with self._lock:
            found = self._items.get(verification_id)
            if found is not None:
                return copy.deepcopy(found)
        return self.history.get_verification(verification_id) if self.history else None

    def peek(self, verification_id: str) -> Verification | None:
        """A snapshot from memory only (no disk: safe on a GUI thread)."""
        with self._lock:
            found = self._items.get(verification_id)
            return copy.deepcopy(found) if found is not None else None

    def all(self) -> list[Verification]:
        """Snapshots of the verifications held in memory, oldest first."""
        with self._lock:
            return [copy.deepcopy(v) for v in self._items.values()]

    def put(self, verification: Verification) -> None:
        """Add or replace a verification, then save and announce it."""
        with self._lock:
            self._items[verification.id] = verification
        self._changed(verification)

    @contextmanager
    def edit(self, verification: Verification) -> Iterator[Verification]:
        """Change a verification under the lock (adopting it if new); saved and announced on exit."""
        with self._lock:
            live = self._items.setdefault(verification.id, verification)
            yield live
        self._changed(live)

    def candidates(self, provider: str) -> list[Verification]:
        """The live verifications of ``provider``, newest first, including recent ones from history.

        History holds what other processes created (``otp-console send`` before ``otp-console listen``);
        those are adopted so later callbacks find the same object. History is read at most every 2 s.
        """
        now = time.monotonic()
        if self.history is not None and now - self._read_at.get(provider, -HISTORY_REFRESH_S) >= HISTORY_REFRESH_S:
            self._read_at[provider] = now  # at most one read per provider every 2 s, however many callbacks
            stored = self.history.recent_verifications(HISTORY_CANDIDATES, provider)
            with self._lock:
                for v in stored:
                    self._items.setdefault(v.id, v)
        with self._lock:
            mine = [v for v in self._items.values() if v.provider == provider]
        return sorted(mine, key=lambda v: v.created_at, reverse=True)

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the book's lock (to read and change live verifications as one step)."""
        with self._lock:
            yield

    def _changed(self, verification: Verification) -> None:
        with self._lock:
            snapshot = copy.deepcopy(verification)
            listeners = list(self._listeners)
        if self.history is not None:
            self.history.save_verification(snapshot)
        for listener in listeners:
            listener(snapshot)
