"""History across restarts: search by number, request id, error code or text; size on disk; pruning on request."""

from __future__ import annotations

import time
from pathlib import Path

from console.core.history import History
from console.core.models import Exchange, Outcome


def _ex(xid: str, provider: str, at: float, body: str, code: str | None = None) -> Exchange:
    return Exchange(
        xid,
        0,
        at,
        provider,
        "send",
        "simulator",
        "POST",
        "http://h/x",
        (),
        body,
        Outcome.OK,
        error_code=code,
        request_id=f"req-{xid}",
    )


def test_search_prune_and_size(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3")
    old = time.time() - 10 * 86_400
    history.save_exchange(_ex("x-1", "zadarma", old, "to=%2B48575555555&key=sim_••••ey"))
    history.save_exchange(_ex("x-2", "ycloud", time.time(), '{"to": "+447911123456"}', code="131026"))
    history.save_exchange(_ex("x-3", "zadarma", time.time(), "to=%2B442037691880"))
    history.flush()
    history.close()

    reopened = History(tmp_path / "h.sqlite3")  # across a restart
    assert [e.id for e in reopened.search("447911123456")] == ["x-2"]
    assert [e.id for e in reopened.search("131026")] == ["x-2"]
    assert [e.id for e in reopened.search("req-x-3")] == ["x-3"]
    assert reopened.search("4%5") == []  # LIKE wildcards are taken literally, not as patterns
    assert reopened.search("sim_zadarma_secret") == []
    size = reopened.size_bytes()
    assert size > 0
    assert reopened.prune(time.time() - 86_400, provider="ycloud") == 0  # only what is older, of that provider
    assert reopened.prune(time.time() - 86_400) == 1
    assert [e.id for e in reopened.recent_exchanges()] == ["x-2", "x-3"]
    reopened.close()


def test_a_number_finds_every_row_of_its_verifications(tmp_path: Path) -> None:
    from dataclasses import replace

    from console.core.models import Verification

    history = History(tmp_path / "h.sqlite3")
    now = time.time()
    send = replace(_ex("x-s", "zadarma", now, "channel=call_button&to=%2B48575555555"), verification_id="v-1")
    send = replace(send, destination="+48575555555")
    callback = replace(_ex("x-c", "zadarma", now + 1, "event=NOTIFY_END"), operation="webhook", verification_id="v-1")
    check = replace(_ex("x-k", "zadarma", now + 2, "code=1234"), operation="check", verification_id="v-1")
    other = _ex("x-o", "zadarma", now + 3, "to=%2B442037691880")
    for ex in (send, callback, check, other):
        history.save_exchange(ex)
    history.save_verification(Verification("v-1", "zadarma", "call_button", "+48575555555", "simulator"))
    history.flush()
    try:
        assert [e.id for e in history.search("48575555555")] == ["x-s", "x-c", "x-k"]
        assert [e.id for e in history.search("+48575555555", provider="zadarma")] == ["x-s", "x-c", "x-k"]
        assert [e.id for e in history.search("442037691880")] == ["x-o"]
    finally:
        history.close()
