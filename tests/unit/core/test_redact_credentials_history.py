"""Redaction, credential precedence and the SQLite history."""

from __future__ import annotations

import time
from pathlib import Path

from console.core.history import History
from console.core.models import Exchange, Outcome, Verification, VerificationState
from console.core.redact import mask, redact_headers, redact_text
from console.providers.zadarma import SPEC
from console.service.credentials import resolve_credentials


def test_mask_and_redact() -> None:
    assert mask("short") == "••••"
    assert mask("test_user_key_0001") == "test••••01"
    text = "key=test_user_key_0001&secret=test_secret_0001&other=1"
    out = redact_text(text, ["test_user_key_0001", "test_secret_0001", ""])
    assert "test_user_key_0001" not in out
    assert "test_secret_0001" not in out
    assert out.endswith("&other=1")


def test_redact_headers_sensitive_and_embedded() -> None:
    headers = (("Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig"), ("X-Other", "k=supersecret1"))
    out = dict(redact_headers(headers, ["supersecret1"], sensitive=["authorization"]))
    assert out["Authorization"].startswith("Bearer eyJh")
    assert "payload" not in out["Authorization"]
    assert "supersecret1" not in out["X-Other"]


def test_credentials_precedence(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("ZADARMA_KEY=from_dotenv\nZADARMA_SECRET=secret_dotenv\n")
    environ = {"ZADARMA_KEY": "from_environ"}
    values, sources = resolve_credentials(SPEC, "live", {"key": "from_flag"}, environ, dotenv)
    assert values == {"key": "from_flag", "secret": "secret_dotenv"}
    assert sources == {"key": "flag", "secret": ".env"}
    values, sources = resolve_credentials(SPEC, "live", {}, environ, dotenv)
    assert values["key"] == "from_environ"
    assert sources["key"] == "$ZADARMA_KEY"


def test_simulator_uses_demo_credentials_unless_flags_given(tmp_path: Path) -> None:
    environ = {"ZADARMA_KEY": "live_key", "ZADARMA_SECRET": "live_secret"}
    values, sources = resolve_credentials(SPEC, "simulator", {}, environ, None)
    assert values == {"key": "sim_zadarma_key", "secret": "sim_zadarma_secret"}
    assert set(sources.values()) == {"simulator demo"}
    values, _ = resolve_credentials(SPEC, "simulator", {"secret": "wrong"}, environ, None)
    assert values["secret"] == "wrong"


def _exchange(i: int, verification: str | None = None) -> Exchange:
    return Exchange(
        id=f"x-{i}",
        seq=i,
        started_at=time.time() + i,
        provider="zadarma",
        operation="send",
        env="simulator",
        method="POST",
        url="http://127.0.0.1/v1/verify/",
        request_headers=(("A", "b"),),
        request_body="to=%2B1",
        outcome=Outcome.OK,
        status=200,
        verification_id=verification,
        notes=(("X-RateLimit-Remaining", "99"),),
    )


def test_history_round_trip(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3")
    try:
        v = Verification(
            id="v-1",
            provider="zadarma",
            channel="sms",
            destination="+442037691880",
            env="simulator",
            request_id="abc+/=",
        )
        for i in range(5):
            history.save_exchange(_exchange(i, "v-1" if i == 2 else None))
        history.save_verification(v)
        v.state = VerificationState.VERIFIED
        history.save_verification(v)
        history.flush()
        rows = history.recent_exchanges(3)
        assert [r.id for r in rows] == ["x-2", "x-3", "x-4"]
        assert rows[0].notes == (("X-RateLimit-Remaining", "99"),)
        assert history.count_exchanges() == 5
        assert [e.id for e in history.exchanges_of("v-1")] == ["x-2"]
        found = history.find_verification("zadarma", "abc+/=")
        assert found is not None
        assert found.state is VerificationState.VERIFIED
        assert history.size_bytes() > 0
    finally:
        history.close()
    reopened = History(tmp_path / "h.sqlite3")
    try:
        assert reopened.count_exchanges() == 5
    finally:
        reopened.close()
