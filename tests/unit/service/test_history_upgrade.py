"""A history file of schema 1 is upgraded, not treated as damage: older sends get their destination and channel."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from console.core.history_schema import SCHEMA_VERSION
from console.core.models import Exchange, Outcome, Verification
from console.providers import all_providers
from console.service.history_upgrade import open_history

SCHEMA_1 = """
CREATE TABLE exchanges (
    id TEXT PRIMARY KEY, started_at REAL NOT NULL, provider TEXT NOT NULL, operation TEXT NOT NULL,
    channel TEXT, env TEXT, outcome TEXT NOT NULL, status INTEGER, error_code TEXT,
    request_id TEXT, verification_id TEXT, data TEXT NOT NULL);
CREATE TABLE verifications (
    id TEXT PRIMARY KEY, provider TEXT NOT NULL, channel TEXT, destination TEXT, request_id TEXT,
    state TEXT NOT NULL, created_at REAL NOT NULL, updated_at REAL NOT NULL, data TEXT NOT NULL);
PRAGMA user_version = 1;
"""


def _old_send(xid: str, provider: str, channel: str, fields: dict[str, str], vid: str) -> Exchange:
    return Exchange(
        id=xid,
        seq=1,
        started_at=1_700_000_000.0,
        provider=provider,
        operation="send",
        env="simulator",
        method="POST",
        url="http://127.0.0.1/x",
        request_headers=(),
        request_body="",
        outcome=Outcome.OK,
        channel=channel,
        status=200,
        verification_id=vid,
        fields=tuple(fields.items()),
    )


def _write_schema_1(path: Path, rows: list[Exchange], verifications: list[Verification]) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA_1)
    for ex in rows:
        data = ex.to_dict()
        for key in ("destination", "checked_by", "attempts_left", "verified_at", "warnings", "error_field"):
            data.pop(key, None)  # what 0.1.0 wrote did not have them
        conn.execute(
            "INSERT INTO exchanges VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                ex.id,
                ex.started_at,
                ex.provider,
                ex.operation,
                ex.channel,
                ex.env,
                ex.outcome.value,
                ex.status,
                None,
                None,
                ex.verification_id,
                json.dumps(data),
            ),
        )
    for v in verifications:
        d = v.to_dict()
        conn.execute(
            "INSERT INTO verifications VALUES (?,?,?,?,?,?,?,?,?)",
            (
                v.id,
                v.provider,
                v.channel,
                v.destination,
                v.request_id,
                d["state"],
                v.created_at,
                v.updated_at,
                json.dumps(d),
            ),
        )
    conn.commit()
    conn.close()


def test_a_schema_1_file_is_upgraded_and_older_sends_get_destination_and_channel(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    rows = [
        _old_send("x-ham", "hamkaran", "", {"dest": "+989123456789", "src": "2192003513"}, "v-ham"),
        _old_send("x-meta", "meta", "", {"to": "447911123456", "template": "verification_code"}, "v-meta"),
        _old_send("x-zad", "zadarma", "sms", {"to": "+48575555555"}, "v-zad"),
    ]
    verifications = [
        Verification("v-ham", "hamkaran", "", "", "simulator", exchange_ids=["x-ham"]),
        Verification("v-meta", "meta", "", "447911123456", "simulator", exchange_ids=["x-meta"]),
    ]
    _write_schema_1(path, rows, verifications)

    history = open_history(path, all_providers())
    try:
        by_id = {ex.id: ex for ex in history.recent_exchanges(10)}
        assert (by_id["x-ham"].channel, by_id["x-ham"].destination) == ("voice", "+989123456789")
        assert (by_id["x-meta"].channel, by_id["x-meta"].destination) == ("whatsapp", "+447911123456")
        assert (by_id["x-zad"].channel, by_id["x-zad"].destination) == ("sms", "+48575555555")
        ham = history.get_verification("v-ham")
        assert ham is not None
        assert (ham.channel, ham.destination) == ("voice", "+989123456789")
        meta = history.get_verification("v-meta")
        assert meta is not None
        assert (meta.channel, meta.destination) == ("whatsapp", "447911123456")  # a destination kept as it was
        assert [ex.id for ex in history.search("+989123456789")] == ["x-ham"]  # search by number finds it now
    finally:
        history.close()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("SELECT COUNT(*) FROM exchanges WHERE destination IS NULL").fetchone()[0] == 0
        assert not list(tmp_path.glob("*.damaged"))
    finally:
        conn.close()


def test_opening_again_finds_nothing_left_to_fill(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    _write_schema_1(path, [_old_send("x-1", "ssms", "push_msg", {"to": "79670311122"}, "v-1")], [])
    open_history(path, all_providers()).close()
    history = open_history(path, all_providers())
    try:
        assert history.sends_without_destination() == []
        assert history.recent_exchanges(1)[0].destination == "+79670311122"
    finally:
        history.close()
