"""The setting "store codes masked in history": the record in history hides the code; the log and checks work."""

from __future__ import annotations

from pathlib import Path

import httpx

from console.core.history import History
from console.core.logstore import LogStore
from console.providers import all_providers
from console.service.console_service import ConsoleService
from console.service.operations import OperationRequest


async def test_history_gets_the_code_masked_and_the_console_still_checks_it(tmp_path: Path) -> None:
    seen: list[bytes] = []

    def ycloud(request: httpx.Request) -> httpx.Response:
        seen.append(request.content)
        return httpx.Response(200, json={"id": "m-1", "status": "accepted", "wamid": "w-1"})

    history = History(tmp_path / "h.sqlite3")
    try:
        async with httpx.AsyncClient(transport=httpx.MockTransport(ycloud)) as client:
            service = ConsoleService(
                client,
                LogStore(),
                history,
                simulator_url=lambda pid: f"http://sim.test/{pid}",
                providers=all_providers(),
                mask_codes_in_history=True,
            )
            sent = await service.run(
                OperationRequest("ycloud", "send", "whatsapp", {"to": "+447911123456", "code": "482913"})
            )
            assert sent.ok
            assert b"482913" in seen[0]  # the provider gets the code
            assert "482913" in sent.exchange.request_body  # the log shows what was sent
            checked = await service.run(OperationRequest("ycloud", "check", fields={"code": "482913"}))
            assert checked.ok
        history.flush()
        stored = history.recent_exchanges(10)
        assert stored[0].id == sent.exchange.id
        assert "482913" not in stored[0].request_body
        assert "••••••" in stored[0].request_body
        assert all("482913" not in str(ex.to_dict()) for ex in stored)
    finally:
        history.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("h.sqlite3*"))  # noqa: ASYNC240
    assert b"482913" not in raw
