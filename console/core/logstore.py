"""A bounded, thread-safe ring buffer of exchanges with monotonically increasing sequence numbers."""

from __future__ import annotations

import dataclasses
import operator
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable

from console.core.models import Exchange

Listener = Callable[[list[Exchange]], None]

DEFAULT_CAPACITY = 100_000

_FIELDS = tuple(f.name for f in dataclasses.fields(Exchange))
_FAST_COPY = all(f.init for f in dataclasses.fields(Exchange))
_SEQ = _FIELDS.index("seq")
# Fields that repeat across rows (endpoints, error tables) but arrive as fresh strings: share one copy.
_SHARED = tuple(_FIELDS.index(name) for name in ("url", "error_code", "meaning", "hint"))
_values = operator.attrgetter(*_FIELDS)


def _numbered(entry: Exchange, seq: int) -> Exchange:
    """``dataclasses.replace(entry, seq=seq)`` in half the time, with repeated strings shared."""
    if not _FAST_COPY:
        return dataclasses.replace(entry, seq=seq)
    values = list(_values(entry))
    values[_SEQ] = seq
    for index in _SHARED:
        if type(values[index]) is str:
            values[index] = sys.intern(values[index])
    return Exchange(*values)


class LogStore:
    """Holds the newest ``capacity`` exchanges; older ones fall off the front (history keeps them).

    Every appended entry gets the next sequence number, which is its stable key: entry ``seq`` sits at
    index ``seq - first_seq`` while it is in the buffer. Listeners are called on the appending thread with
    each batch; UI adapters must hop to their own thread themselves.
    """

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self.capacity = capacity
        self._entries: deque[Exchange] = deque(maxlen=capacity)
        self._next_seq = 1
        self._lock = threading.Lock()
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(batch)`` after every append; returns the function that unsubscribes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def append(self, entry: Exchange) -> Exchange:
        """Append one entry, giving it the next sequence number; returns the stored entry."""
        return self.extend([entry])[0]

    def extend(self, entries: Iterable[Exchange]) -> list[Exchange]:
        """Append several entries at once (one listener call for the whole batch)."""
        with self._lock:
            stored = []
            for entry in entries:
                numbered = _numbered(entry, self._next_seq)
                self._next_seq += 1
                self._entries.append(numbered)
                stored.append(numbered)
        for listener in list(self._listeners):
            listener(stored)
        return stored

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def first_seq(self) -> int:
        """Sequence number of the oldest entry still held (``next_seq`` when empty)."""
        with self._lock:
            return self._next_seq - len(self._entries)

    @property
    def next_seq(self) -> int:
        return self._next_seq

    def by_seq(self, seq: int) -> Exchange | None:
        """The entry with this sequence number, or None if it fell off or never existed."""
        with self._lock:
            index = seq - (self._next_seq - len(self._entries))
            if 0 <= index < len(self._entries):
                return self._entries[index]
            return None

    def at(self, index: int) -> Exchange:
        """The entry at ``index`` (0 is the oldest held)."""
        return self._entries[index]

    def snapshot(self) -> list[Exchange]:
        with self._lock:
            return list(self._entries)

    def find(self, exchange_id: str) -> Exchange | None:
        """Search from the newest end for an entry by its id."""
        with self._lock:
            for entry in reversed(self._entries):
                if entry.id == exchange_id:
                    return entry
        return None
