"""History in SQLite: a writer thread commits exchanges and verifications; readers use their own connections.

Nothing here may run on a GUI thread except the non-blocking ``save_*`` methods, which only enqueue.
"""

from __future__ import annotations

import asyncio
import json
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager, suppress
from itertools import chain
from pathlib import Path
from typing import Any

from console.core.history_file import (
    PRIVATE_DIR,
    HistoryError,
    explain,
    is_damage,
    make_private,
    set_aside,
)
from console.core.history_schema import (
    EXCHANGE_COLUMNS,
    INSERT_EXCHANGE,
    INSERT_VERIFICATION,
    ROW,
    Item,
    exchange_row,
    upgrade,
    verification_row,
)
from console.core.models import Exchange, Verification

_Queued = tuple[str, Any, "Future[None] | None"]


ProblemListener = Callable[[str | None], None]  # a problem to show, or None once history writes again


class History:
    """Append-only store of everything the console did; pruned only when the user asks.

    Attributes:
        notices: what opening it had to say once (a damaged file set aside and a fresh one started).

    Raises:
        HistoryError: (on creation) the file cannot be opened or created: the message says why and what to do.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.notices: list[str] = []
        self._listeners: list[ProblemListener] = []
        self._problem: str | None = None
        self._failures: list[str] = []  # writes that failed since the last flush
        self._lock = threading.Lock()
        self._open_file()
        self._queue: queue.Queue[_Queued | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="history-writer", daemon=True)
        self._thread.start()

    def _open_file(self) -> None:
        """Create or upgrade the file, owner-only; a damaged one is set aside and a fresh one started."""
        for attempt in (1, 2):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
                conn = self._connect()
                try:
                    with conn:
                        upgrade(conn)
                finally:
                    conn.close()
                make_private(self.path)
                return
            except sqlite3.Error as exc:
                if attempt == 1 and is_damage(exc):
                    self._set_aside(exc)
                    continue
                raise HistoryError(explain(exc, self.path)) from exc
            except OSError as exc:
                raise HistoryError(explain(exc, self.path)) from exc

    def _set_aside(self, exc: BaseException) -> None:
        kept = set_aside(self.path)
        self.notices.append(
            f"History at {self.path} was damaged ({exc}): it is kept as {kept} and a fresh one was started."
        )

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    @contextmanager
    def _reader(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = sqlite3.connect(self.path, timeout=30)
            try:
                yield conn
            finally:
                conn.close()
        except sqlite3.Error as exc:
            raise HistoryError(explain(exc, self.path)) from exc

    # ------------------------------------------------------------------------------------------ problems
    def on_problem(self, listener: ProblemListener) -> None:
        """Call ``listener(text)`` when writing starts failing, and ``listener(None)`` once it works again."""
        self._listeners.append(listener)

    @property
    def problem(self) -> str | None:
        """Why history is not being written now (None: it is)."""
        return self._problem

    def _tell(self, problem: str | None) -> None:
        if problem == self._problem:
            return
        self._problem = problem
        for listener in list(self._listeners):
            with suppress(Exception):  # a listener's failure must not stop the writer
                listener(problem)

    # ------------------------------------------------------------------------------------------ writing
    def save_exchange(self, exchange: Exchange) -> None:
        """Queue an exchange for writing (never blocks)."""
        self._queue.put(("exchange", exchange, None))

    def save_verification(self, verification: Verification) -> None:
        """Queue a snapshot of a verification for writing (never blocks)."""
        self._queue.put(("verification", verification.to_dict(), None))

    def flush(self, timeout: float = 30.0) -> None:
        """Block until everything queued so far is committed.

        Raises:
            HistoryError: a write since the last flush failed (what was not stored, and why).
        """
        done: Future[None] = Future()
        self._queue.put(("flush", None, done))
        with suppress(TimeoutError, sqlite3.Error, HistoryError):  # failures are reported just below
            done.result(timeout)
        with self._lock:
            failures, self._failures = self._failures, []
        if failures:
            raise HistoryError(failures[-1])

    def close(self) -> None:
        """Commit what is queued and stop the writer."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(30)

    def _run(self) -> None:
        conn: sqlite3.Connection | None = None
        running = True
        try:
            while running:
                batch = [self._queue.get()]
                while True:
                    try:
                        batch.append(self._queue.get_nowait())
                    except queue.Empty:
                        break
                running = None not in batch
                items = [item for item in batch if item is not None]
                error, conn = self._commit(conn, items)
                for _, _, future in items:
                    if future is not None and not future.done():
                        if error is None:
                            future.set_result(None)
                        else:
                            future.set_exception(HistoryError(error))
        finally:
            if conn is not None:
                conn.close()

    def _commit(
        self, conn: sqlite3.Connection | None, items: list[_Queued]
    ) -> tuple[str | None, sqlite3.Connection | None]:
        """Write ``items`` in one transaction; a damaged file is set aside once and the batch tried again.

        Returns the failure in words (None: committed) and the connection to use next.
        """
        for attempt in (1, 2):
            try:
                conn = conn or self._connect()
                with conn:
                    for kind, payload, _ in items:
                        if kind != "flush":
                            self._write(conn, (kind, payload))
                self._tell(None)
                return None, conn
            except (sqlite3.Error, OSError, TypeError, ValueError) as exc:  # keep the writer alive
                if conn is not None:
                    with suppress(sqlite3.Error):
                        conn.close()
                conn = None
                if attempt == 1 and is_damage(exc):
                    with suppress(OSError, sqlite3.Error, HistoryError):
                        self._set_aside(exc)
                        self._open_file()
                        continue
                stored = sum(1 for kind, _, _ in items if kind != "flush")
                text = f"{explain(exc, self.path)} {stored} record(s) were not stored."
                with self._lock:
                    self._failures.append(text)
                self._tell(text)
                return text, None
        return None, conn

    @staticmethod
    def _write(conn: sqlite3.Connection, item: Item) -> None:
        kind, payload = item
        if kind == "exchange":
            conn.execute(INSERT_EXCHANGE, exchange_row(payload))
        elif kind == "verification":
            conn.execute(INSERT_VERIFICATION, verification_row(payload))

    # ---------------------------------------------------------------------------------------- upgrading
    def sends_without_destination(self, limit: int = 500) -> list[Exchange]:
        """Sends stored before exchanges had a destination (schema 1), for the layer that can derive it."""
        with self._reader() as conn:
            rows = conn.execute("SELECT data FROM exchanges WHERE destination IS NULL LIMIT ?", (limit,)).fetchall()
        return [Exchange.from_dict(json.loads(r[0])) for r in rows]

    def fill_in(self, exchanges: list[Exchange], verifications: list[Verification]) -> None:
        """Store records again with what was derived for them (a destination, a channel); blocks until done."""
        with self._reader() as conn, conn:
            for ex in exchanges:
                conn.execute(INSERT_EXCHANGE, exchange_row(ex))
            for v in verifications:
                conn.execute(INSERT_VERIFICATION, verification_row(v.to_dict()))

    # ------------------------------------------------------------------------------------------ reading
    def recent_exchanges(
        self, limit: int = 1000, provider: str | None = None, operation: str | None = None
    ) -> list[Exchange]:
        """The newest exchanges (of a provider, of an operation such as ``webhook``), oldest first."""
        where, args = _filters(provider, operation)
        sql = f"SELECT data FROM exchanges{where} ORDER BY started_at DESC, rowid DESC LIMIT ?"
        with self._reader() as conn:
            rows = conn.execute(sql, (*args, limit)).fetchall()
        return [Exchange.from_dict(json.loads(r[0])) for r in reversed(rows)]

    def exchanges_of(self, verification_id: str) -> list[Exchange]:
        with self._reader() as conn:
            rows = conn.execute(
                "SELECT data FROM exchanges WHERE verification_id = ? ORDER BY started_at", (verification_id,)
            ).fetchall()
        return [Exchange.from_dict(json.loads(r[0])) for r in rows]

    def get_verification(self, verification_id: str) -> Verification | None:
        with self._reader() as conn:
            row = conn.execute("SELECT data FROM verifications WHERE id = ?", (verification_id,)).fetchone()
        return Verification.from_dict(json.loads(row[0])) if row else None

    def find_verification(self, provider: str, request_id: str) -> Verification | None:
        """The newest verification of ``provider`` with this provider request id."""
        with self._reader() as conn:
            row = conn.execute(
                "SELECT data FROM verifications WHERE provider = ? AND request_id = ? ORDER BY created_at DESC LIMIT 1",
                (provider, request_id),
            ).fetchone()
        return Verification.from_dict(json.loads(row[0])) if row else None

    def recent_verifications(self, limit: int = 100, provider: str | None = None) -> list[Verification]:
        sql = "SELECT data FROM verifications" + (" WHERE provider = ?" if provider else "")
        sql += " ORDER BY created_at DESC LIMIT ?"
        args: tuple[Any, ...] = (provider, limit) if provider else (limit,)
        with self._reader() as conn:
            rows = conn.execute(sql, args).fetchall()
        return [Verification.from_dict(json.loads(r[0])) for r in rows]

    def search(self, text: str, limit: int = 200, provider: str | None = None) -> list[Exchange]:
        """Exchanges whose record mentions ``text`` (a number, a request id, an error code, any word), newest last.

        A number also finds every row of the verifications sent to it (their checks and callbacks, which do not
        repeat the number). Records are stored masked, so a secret can never be found this way.
        """
        where, args = _filters(provider, None)
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        of_destination = (
            "SELECT id FROM verifications WHERE destination LIKE ? ESCAPE '\\' "
            "UNION SELECT verification_id FROM exchanges WHERE destination LIKE ? ESCAPE '\\' "
            "AND verification_id IS NOT NULL"
        )
        clause = (
            " AND " if where else " WHERE "
        ) + f"(data LIKE ? ESCAPE '\\' OR verification_id IN ({of_destination}))"
        sql = f"SELECT data FROM exchanges{where}{clause} ORDER BY started_at DESC, rowid DESC LIMIT ?"
        with self._reader() as conn:
            rows = conn.execute(sql, (*args, pattern, pattern, pattern, limit)).fetchall()
        return [Exchange.from_dict(json.loads(r[0])) for r in reversed(rows)]

    def prune(self, before: float, provider: str | None = None) -> int:
        """Delete exchanges (and verifications) older than ``before`` (epoch s); return the exchanges removed.

        Only when the user asks: history is never pruned on its own.
        """
        where, args = _filters(provider, None)
        clause = (" AND " if where else " WHERE ") + "started_at < ?"
        vclause = (" AND " if where else " WHERE ") + "created_at < ?"
        self.flush()
        with self._reader() as conn, conn:
            removed = conn.execute(f"DELETE FROM exchanges{where}{clause}", (*args, before)).rowcount
            conn.execute(f"DELETE FROM verifications{where}{vclause}", (*args, before))
        with self._reader() as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("VACUUM")
        return int(removed)

    def count_exchanges(self, provider: str | None = None, operation: str | None = None) -> int:
        where, args = _filters(provider, operation)
        with self._reader() as conn:
            return int(conn.execute(f"SELECT COUNT(*) FROM exchanges{where}", args).fetchone()[0])

    def size_bytes(self) -> int:
        """Size on disk, the write-ahead log included."""
        return sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*") if p.is_file())


def _filters(provider: str | None, operation: str | None) -> tuple[str, tuple[str, ...]]:
    """A WHERE clause (or "") and its arguments for the optional provider and operation filters."""
    clauses = [
        (f"{column} = ?", value) for column, value in (("provider", provider), ("operation", operation)) if value
    ]
    if not clauses:
        return "", ()
    return " WHERE " + " AND ".join(c for c, _ in clauses), tuple(v for _, v in clauses)


_CHUNK = 200  # rows per INSERT statement (13 parameters each, far below SQLite's limit)
# How long rows wait to share a commit: each commit gives the GIL away while SQLite works, and getting it back
# costs far more than the insert, so fewer, larger commits carry more callbacks per second.
GROUP_COMMIT_S = 0.002


class LoopCommitter:
    """Commits exchanges from an event loop's own thread, in groups: one transaction per loop turn.

    The listener uses it so that a reply waits for its row's commit without a hop to another thread: rows that
    arrive within ``GROUP_COMMIT_S`` share one transaction, then their futures complete.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._pending: list[tuple[Exchange, asyncio.Future[None]]] = []

    async def commit(self, exchange: Exchange) -> None:
        """Return once ``exchange`` is committed (raises the database error otherwise)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._pending.append((exchange, future))
        if len(self._pending) == 1:
            loop.call_later(GROUP_COMMIT_S, self._flush)
        await future

    def _flush(self) -> None:
        batch, self._pending = self._pending, []
        try:
            if self._conn is None:
                self._conn = sqlite3.connect(self.path, timeout=30)
                self._conn.execute("PRAGMA journal_mode=WAL")
                self._conn.execute("PRAGMA synchronous=NORMAL")
            rows = [exchange_row(exchange) for exchange, _ in batch]
            with self._conn:
                # one multi-row INSERT per chunk: one step into SQLite (and one GIL release) instead of one per row
                for start in range(0, len(rows), _CHUNK):
                    chunk = rows[start : start + _CHUNK]
                    values = ",".join([ROW] * len(chunk))
                    self._conn.execute(
                        f"INSERT OR REPLACE INTO exchanges ({EXCHANGE_COLUMNS}) VALUES {values}",
                        [*chain.from_iterable(chunk)],
                    )
        except Exception as exc:  # any failure (a bad value as well as the database) reaches every waiter
            for _, future in batch:
                if not future.done():
                    future.set_exception(HistoryError(explain(exc, self.path)))
            return
        for _, future in batch:
            if not future.done():
                future.set_result(None)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
