"""History's row of an exchange: its JSON holds exactly what ``Exchange.to_dict`` says, for every field."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path

from console.core.history import History
from console.core.history_schema import EXCHANGE_COLUMNS, exchange_row
from console.core.models import Exchange, Outcome


def every_field_set() -> Exchange:
    """An exchange whose every field holds a value (pairs, text beyond ASCII, None where allowed)."""
    return Exchange(
        id="x-1", seq=7, started_at=1_700_000_000.25, provider="zadarma", operation="webhook", env="listener",
        method="POST", url="http://127.0.0.1:8765/hooks/zadarma?n=1", request_headers=(("Signature", "abc"),),
        request_body="event=NOTIFY_END&caller_id=%D9%A1", outcome=Outcome.PROVIDER_ERROR, channel="NOTIFY_END",
        status=200, response_headers=(("Content-Type", "text/plain"),), response_body="", latency_ms=0.42,
        error_code="bad_signature", meaning="Signature does not match", message="NOTIFY_END · ۱۲۳ → 48575555555",
        hint="Compare the secrets", verification_id=None, request_id="r-1", notes=(("signature", "invalid"),),
        fields=(("to", "+48575555555"),), signature="invalid", signature_scheme="zadarma-hex-b64", source="127.0.0.1",
        destination="+48575555555", checked_by="console", attempts_left=2, verified_at=None,
        provider_error_code="-1", error_field="to", warnings=("old API",), profile="staging",
        credential_sources=(("key", "flag"),), verdict="valid", body_base64="",
    )  # fmt: skip


def test_the_json_column_is_the_exchange_as_to_dict_says() -> None:
    exchange = every_field_set()
    assert all(getattr(exchange, f.name) != f.default for f in dataclasses.fields(Exchange) if f.name not in
               {"verification_id", "verified_at", "response_body", "body_base64"})  # fmt: skip
    row = exchange_row(exchange)
    data = row[EXCHANGE_COLUMNS.split(", ").index("data")]
    assert isinstance(data, str)
    assert json.loads(data) == json.loads(json.dumps(exchange.to_dict()))
    assert Exchange.from_dict(json.loads(data)) == exchange


def test_history_gives_back_what_it_stored(tmp_path: Path) -> None:
    history = History(tmp_path / "history.sqlite3")
    try:
        exchange = every_field_set()
        history.save_exchange(exchange)
        history.flush()
        with sqlite3.connect(tmp_path / "history.sqlite3") as connection:
            (data,) = connection.execute("SELECT data FROM exchanges WHERE id = 'x-1'").fetchone()
        assert Exchange.from_dict(json.loads(data)) == exchange
    finally:
        history.close()


def test_text_that_is_not_valid_unicode_is_stored_escaped_not_refused() -> None:
    """A header's undecodable byte reaches the row as a lone surrogate: history keeps the row (json's escape)."""
    exchange = dataclasses.replace(every_field_set(), request_headers=(("0", "\udc80"),), message="bad \ud800 text")
    data = exchange_row(exchange)[EXCHANGE_COLUMNS.split(", ").index("data")]
    assert "\\udc80" in data
    assert Exchange.from_dict(json.loads(data)) == exchange
