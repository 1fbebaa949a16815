"""History in SQLite: a writer thread commits exchanges and verifications; readers use their own connections.

Nothing here may run on a GUI thread except the non-blocking ``save_*`` methods, which only enqueue.
"""

from __future__ import annotations

import asyncio
import json
import queue
import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager, suppress
from itertools import chain
from pathlib import Path
from typing import Any

from console.core.models import Exchange, Verification

# Bump when the tables change, with a step in _upgrade from the previous version (an older file is upgraded,
# never treated as damage). 2: exchanges.destination (rows stored before have NULL until filled in from above).
SCHEMA_VERSION = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS exchanges (
    id TEXT PRIMARY KEY, started_at REAL NOT NULL, provider TEXT NOT NULL, operation TEXT NOT NULL,
    channel TEXT, env TEXT, outcome TEXT NOT NULL, status INTEGER, error_code TEXT,
    request_id TEXT, verification_id TEXT, data TEXT NOT NULL, destination TEXT);
CREATE INDEX IF NOT EXISTS exchanges_started ON exchanges(started_at);
CREATE INDEX IF NOT EXISTS exchanges_verification ON exchanges(verification_id);
CREATE TABLE IF NOT EXISTS verifications (
    id TEXT PRIMARY KEY, provider TEXT NOT NULL, channel TEXT, destination TEXT, request_id TEXT,
    state TEXT NOT NULL, created_at REAL NOT NULL, updated_at REAL NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS verifications_request ON verifications(provider, request_id);
"""
_INDEXES = "CREATE INDEX IF NOT EXISTS exchanges_destination ON exchanges(destination);"

_Item = tuple[str, Any]
_EXCHANGE_COLUMNS = (
    "id, started_at, provider, operation, channel, env, outcome, status, error_code, request_id, verification_id, "
    "data, destination"
)
_ROW = "(?,?,?,?,?,?,?,?,?,?,?,?,?)"
_INSERT_EXCHANGE = f"INSERT OR REPLACE INTO exchanges ({_EXCHANGE_COLUMNS}) VALUES {_ROW}"


def _exchange_row(ex: Exchange) -> tuple[Any, ...]:
    """The exchanges table's columns for one exchange (the indexed ones, then the whole record as JSON)."""
    return (
        ex.id,
        ex.started_at,
        ex.provider,
        ex.operation,
        ex.channel,
        ex.env,
        ex.outcome.value,
        ex.status,
        ex.error_code,
        ex.request_id,
        ex.verification_id,
        json.dumps(ex.to_dict()),
        ex.destination,
    )


_Queued = tuple[str, Any, "Future[None] | None"]


class History:
    """Append-only store of everything the console did; pruned only when the user asks."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            _upgrade(conn)
        self._queue: queue.Queue[_Queued | None] = queue.Queue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="history-writer", daemon=True)
        self._thread.start()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    @contextmanager
    def _reader(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=30)
        try:
            yield conn
        finally:
            conn.close()

    # ------------------------------------------------------------------------------------------ writing
    def save_exchange(self, exchange: Exchange) -> None:
        """Queue an exchange for writing (never blocks)."""
        self._queue.put(("exchange", exchange, None))

    def save_verification(self, verification: Verification) -> None:
        """Queue a snapshot of a verification for writing (never blocks)."""
        self._queue.put(("verification", verification.to_dict(), None))

    def flush(self, timeout: float = 30.0) -> None:
        """Block until everything queued so far is committed."""
        done: Future[None] = Future()
        self._queue.put(("flush", None, done))
        with suppress(TimeoutError, sqlite3.Error):  # a failed batch is reported just below
            done.result(timeout)
        if self._error:
            raise RuntimeError(f"history writer failed: {self._error}") from self._error

    def close(self) -> None:
        """Commit what is queued and stop the writer."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(30)

    def _run(self) -> None:
        conn = self._connect()
        try:
            running = True
            while running:
                batch = [self._queue.get()]
                while True:
                    try:
                        batch.append(self._queue.get_nowait())
                    except queue.Empty:
                        break
                waiting: list[Future[None]] = []
                error: BaseException | None = None
                try:
                    with conn:
                        for item in batch:
                            if item is None:
                                running = False
                                continue
                            kind, payload, future = item
                            if future is not None:
                                waiting.append(future)
                            if kind != "flush":
                                self._write(conn, (kind, payload))
                except sqlite3.Error as exc:  # keep the writer alive; report to the waiters and the next flush
                    self._error = error = exc
                for future in waiting:
                    if error is not None and not future.done():
                        future.set_exception(error)
                    elif not future.done():
                        future.set_result(None)
        finally:
            conn.close()

    @staticmethod
    def _write(conn: sqlite3.Connection, item: _Item) -> None:
        kind, payload = item
        if kind == "exchange":
            conn.execute(_INSERT_EXCHANGE, _exchange_row(payload))
        elif kind == "verification":
            conn.execute(_INSERT_VERIFICATION, _verification_row(payload))

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
                conn.execute(_INSERT_EXCHANGE, _exchange_row(ex))
            for v in verifications:
                conn.execute(_INSERT_VERIFICATION, _verification_row(v.to_dict()))

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

        Records are stored masked, so a secret can never be found this way.
        """
        where, args = _filters(provider, None)
        clause = (" AND " if where else " WHERE ") + "data LIKE ? ESCAPE '\\'"
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        sql = f"SELECT data FROM exchanges{where}{clause} ORDER BY started_at DESC, rowid DESC LIMIT ?"
        with self._reader() as conn:
            rows = conn.execute(sql, (*args, pattern, limit)).fetchall()
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


_INSERT_VERIFICATION = "INSERT OR REPLACE INTO verifications VALUES (?,?,?,?,?,?,?,?,?)"


def _verification_row(v: dict[str, Any]) -> tuple[Any, ...]:
    """The verifications table's columns for one verification (its dict form)."""
    columns = ("id", "provider", "channel", "destination", "request_id", "state", "created_at", "updated_at")
    return (*(v[c] for c in columns), json.dumps(v))


def _upgrade(conn: sqlite3.Connection) -> None:
    """Create the tables, or bring an older file's up to :data:`SCHEMA_VERSION`."""
    conn.executescript(_SCHEMA)
    columns = {row[1] for row in conn.execute("PRAGMA table_info(exchanges)")}
    if "destination" not in columns:  # schema 1: the column comes last, NULL for the rows already there
        conn.execute("ALTER TABLE exchanges ADD COLUMN destination TEXT")
    conn.executescript(_INDEXES)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


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
            rows = [_exchange_row(exchange) for exchange, _ in batch]
            with self._conn:
                # one multi-row INSERT per chunk: one step into SQLite (and one GIL release) instead of one per row
                for start in range(0, len(rows), _CHUNK):
                    chunk = rows[start : start + _CHUNK]
                    values = ",".join([_ROW] * len(chunk))
                    self._conn.execute(
                        f"INSERT OR REPLACE INTO exchanges ({_EXCHANGE_COLUMNS}) VALUES {values}",
                        [*chain.from_iterable(chunk)],
                    )
        except sqlite3.Error as exc:
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for _, future in batch:
            if not future.done():
                future.set_result(None)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
