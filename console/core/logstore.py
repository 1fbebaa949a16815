"""A bounded, thread-safe ring buffer of exchanges with monotonically increasing sequence numbers."""

from __future__ import annotations

import functools
import operator
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the models (and dataclasses) load with the first row: not before the window's first frame
    from console.core.models import Exchange

Listener = Callable[[list["Exchange"]], None]

DEFAULT_CAPACITY = 100_000


@functools.cache
def _numberer() -> Callable[[Exchange, int], Exchange]:
    """``dataclasses.replace(entry, seq=seq)`` in half the time, with repeated strings shared (made once)."""
    import dataclasses

    from console.core.models import Exchange

    fields = tuple(f.name for f in dataclasses.fields(Exchange))
    if not all(f.init for f in dataclasses.fields(Exchange)):
        return lambda entry, seq: dataclasses.replace(entry, seq=seq)
    seq_index = fields.index("seq")
    # Fields that repeat across rows (endpoints, error tables) but arrive as fresh strings: share one copy.
    shared = tuple(fields.index(name) for name in ("url", "error_code", "meaning", "hint"))
    values_of = operator.attrgetter(*fields)

    def numbered(entry: Exchange, seq: int) -> Exchange:
        values = list(values_of(entry))
        values[seq_index] = seq
        for index in shared:
            if type(values[index]) is str:
                values[index] = sys.intern(values[index])
        return Exchange(*values)

    return numbered


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
        self._cleared: list[Callable[[], None]] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(batch)`` after every append; returns the function that unsubscribes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def on_cleared(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call ``listener()`` after :meth:`clear`; returns the function that unsubscribes."""
        self._cleared.append(listener)
        return lambda: self._cleared.remove(listener)

    def clear(self) -> None:
        """Forget every entry held (history keeps them all); sequence numbers go on from where they were."""
        with self._lock:
            self._entries.clear()
        for listener in list(self._cleared):
            listener()

    def append(self, entry: Exchange) -> Exchange:
        """Append one entry, giving it the next sequence number; returns the stored entry."""
        return self.extend([entry])[0]

    def extend(self, entries: Iterable[Exchange]) -> list[Exchange]:
        """Append several entries at once (one listener call for the whole batch)."""
        number = _numberer()
        with self._lock:
            stored = []
            for entry in entries:
                numbered = number(entry, self._next_seq)
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
