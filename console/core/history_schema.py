"""History's tables: the schema, its version and the upgrade from older files, and the rows records become."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import orjson

from console.core.models import Exchange

# Bump when the tables change, with a step in upgrade from the previous version (an older file is upgraded,
# never treated as damage). 2: exchanges.destination (rows stored before have NULL until filled in from above).
SCHEMA_VERSION = 2

SCHEMA_SQL = """
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
INDEXES_SQL = "CREATE INDEX IF NOT EXISTS exchanges_destination ON exchanges(destination);"

Item = tuple[str, Any]
EXCHANGE_COLUMNS = (
    "id, started_at, provider, operation, channel, env, outcome, status, error_code, request_id, verification_id, "
    "data, destination"
)
ROW = "(?,?,?,?,?,?,?,?,?,?,?,?,?)"
INSERT_EXCHANGE = f"INSERT OR REPLACE INTO exchanges ({EXCHANGE_COLUMNS}) VALUES {ROW}"


def exchange_row(ex: Exchange) -> tuple[Any, ...]:
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
        _record_json(ex),
        ex.destination,
    )


def _record_json(ex: Exchange) -> str:
    """The whole record as JSON: orjson (3 µs, not 13: the listener stores one per callback), else the json module.

    orjson refuses text that is not valid Unicode (a header's undecodable byte arrives as a lone surrogate);
    ``json`` writes it as an escape, as history always has.
    """
    try:
        return orjson.dumps(ex).decode()
    except orjson.JSONEncodeError:
        return json.dumps(ex.to_dict())


INSERT_VERIFICATION = "INSERT OR REPLACE INTO verifications VALUES (?,?,?,?,?,?,?,?,?)"


def verification_row(v: dict[str, Any]) -> tuple[Any, ...]:
    """The verifications table's columns for one verification (its dict form)."""
    columns = ("id", "provider", "channel", "destination", "request_id", "state", "created_at", "updated_at")
    return (*(v[c] for c in columns), json.dumps(v))


def upgrade(conn: sqlite3.Connection) -> None:
    """Create the tables, or bring an older file's up to :data:`SCHEMA_VERSION` (a current one: nothing written)."""
    if int(conn.execute("PRAGMA user_version").fetchone()[0]) == SCHEMA_VERSION:
        return
    conn.executescript(SCHEMA_SQL)
    columns = {row[1] for row in conn.execute("PRAGMA table_info(exchanges)")}
    if "destination" not in columns:  # schema 1: the column comes last, NULL for the rows already there
        conn.execute("ALTER TABLE exchanges ADD COLUMN destination TEXT")
    conn.executescript(INDEXES_SQL)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
