"""The virtual phone: messages a simulator keeps in its state file, each announced once to its subscribers.

Clearing the phone empties the stored list and stamps ``CLEARED_KEY`` with the time, so every process sharing the
state file (the GUI, ``otp-console simulate``, ``otp-console phone --clear``) notices it and drops what it shows.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager, suppress
from typing import Any

from console.simulators._records import PhoneCallback, PhoneMessage, SimulatorError
from console.simulators._state import StateFile

log = logging.getLogger(__name__)

PHONE_KEY = "phone"
CLEARED_KEY = "phone_cleared_at"
MAX_PHONE_MESSAGES = 200

OpenState = Callable[[], AbstractContextManager[dict[str, Any]]]
ClearedCallback = Callable[[str, float], object]
"""Told ``(provider_id, cleared_at)``: the messages of that provider up to ``cleared_at`` are gone."""


def clear_stored(data: dict[str, Any], now: float) -> int:
    """Empty the phone in a state being changed (under its lock); return how many messages it held.

    ``CLEARED_KEY`` only moves forward, so every clear is newer than the one before (even on a frozen clock).
    """
    removed = len(data.get(PHONE_KEY) or [])
    before = cleared_at(data)
    data[PHONE_KEY] = []
    data[CLEARED_KEY] = now if now > before else before + 1e-6
    return removed


def cleared_at(data: dict[str, Any]) -> float:
    """When the phone stored in ``data`` was last cleared (0.0: never)."""
    try:
        return float(data.get(CLEARED_KEY) or 0.0)
    except (TypeError, ValueError):
        return 0.0


class PhoneInbox:
    """One simulator's virtual phone: stored under ``PHONE_KEY`` in its state, announced to subscribers.

    The simulator calls :meth:`announce_new` with the stored messages whenever it finishes writing its state,
    so messages added by other processes sharing the file are announced too.

    Attributes:
        provider_id: the simulator the messages come from.
    """

    def __init__(self, provider_id: str, store: StateFile, open_state: OpenState, clock: Callable[[], float]) -> None:
        self.provider_id = provider_id
        self._store = store
        self._open_state = open_state
        self._clock = clock
        self._lock = threading.Lock()
        self._callbacks: list[PhoneCallback] = []
        self._cleared_callbacks: list[ClearedCallback] = []
        stored = store.read()
        self._announced = {str(m.get("id")) for m in stored.get(PHONE_KEY, [])}
        self._cleared_seen = cleared_at(stored)
        self._seen_signature = store.last_signature

    def add(
        self,
        *,
        channel: str,
        to: str,
        kind: str,
        title: str,
        text: str,
        code: str | None = None,
        extra: dict[str, str] | None = None,
    ) -> PhoneMessage:
        """Put a message on the phone (persisted; subscribers are told after the state is written)."""
        message = PhoneMessage(
            id=uuid.uuid4().hex[:16],
            provider=self.provider_id,
            channel=channel,
            to=to,
            kind=kind,
            title=title,
            text=text,
            code=code,
            at=self._clock(),
            extra=dict(extra or {}),
        )
        with self._open_state() as data:
            phone = data.setdefault(PHONE_KEY, [])
            phone.append(message.to_dict())
            del phone[:-MAX_PHONE_MESSAGES]
        return message

    def messages(self) -> list[PhoneMessage]:
        """Everything on the phone, oldest first (including messages other processes added)."""
        return [PhoneMessage.from_dict(m) for m in self._store.read().get(PHONE_KEY, [])]

    def clear(self) -> int:
        """Empty the phone (persisted, so every process sees it); returns how many messages were removed."""
        with self._open_state() as data:
            return clear_stored(data, self._clock())

    def find(self, message_id: str) -> PhoneMessage:
        for message in self.messages():
            if message.id == message_id:
                return message
        raise SimulatorError(f"No message {message_id!r} on the {self.provider_id} virtual phone")

    def subscribe(self, callback: PhoneCallback) -> Callable[[], None]:
        """Call ``callback(message)`` for every new message; returns an unsubscriber."""
        with self._lock:
            self._callbacks.append(callback)

        def unsubscribe() -> None:
            with self._lock, suppress(ValueError):
                self._callbacks.remove(callback)

        return unsubscribe

    def subscribe_cleared(self, callback: ClearedCallback) -> Callable[[], None]:
        """Call ``callback(provider_id, cleared_at)`` whenever the phone is cleared (here or by another process)."""
        with self._lock:
            self._cleared_callbacks.append(callback)

        def unsubscribe() -> None:
            with self._lock, suppress(ValueError):
                self._cleared_callbacks.remove(callback)

        return unsubscribe

    def changed_elsewhere(self) -> bool:
        """Whether the state file changed since it was last read here (cheap: one ``stat``)."""
        return self._store.signature() != self._seen_signature

    def announce_new(self, stored: list[dict[str, Any]], cleared: float = 0.0) -> None:
        """Tell subscribers about a clear newer than the last one seen, then about messages not announced yet.

        Args:
            stored: the phone's messages as just written.
            cleared: the state's ``CLEARED_KEY`` (when the phone was last cleared; 0.0: never).
        """
        self._seen_signature = self._store.last_signature
        with self._lock:
            newly_cleared = cleared > self._cleared_seen
            self._cleared_seen = max(self._cleared_seen, cleared)
            cleared_callbacks = list(self._cleared_callbacks)
        if newly_cleared:
            for tell in cleared_callbacks:
                try:
                    tell(self.provider_id, cleared)
                except Exception:
                    log.exception("A virtual-phone listener failed on the clear of %s", self.provider_id)
        messages = [PhoneMessage.from_dict(m) for m in stored]
        with self._lock:
            fresh = [m for m in messages if m.id not in self._announced]
            current = {m.id for m in messages}
            # union, so a thread announcing an older snapshot cannot make newer messages look new again
            self._announced = current if len(self._announced) > 4 * MAX_PHONE_MESSAGES else self._announced | current
            callbacks = list(self._callbacks)
        for message in fresh:
            for callback in callbacks:
                try:
                    callback(message)
                except Exception:
                    log.exception("A virtual-phone listener failed on %s", message.id)
