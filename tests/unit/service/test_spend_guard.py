"""The spend guard for real sends: allow-list, per-number cooldown, daily cap; the simulator never counts."""

from __future__ import annotations

import time

import httpx

from console.core.logstore import LogStore
from console.core.models import Exchange, Outcome
from console.providers import all_providers
from console.service.console_service import ConsoleService
from console.service.operations import OperationRequest
from console.service.spend_guard import SpendGuard


def _sent(to: str, ago: float, env: str = "live") -> Exchange:
    return Exchange(
        f"x-{to}-{ago}",
        0,
        time.time() - ago,
        "zadarma",
        "send",
        env,
        "POST",
        "u",
        (),
        "",
        Outcome.OK,
        status=200,
        fields=(("to", to),),
        destination=to,
    )


def test_rules_each_off_by_default() -> None:
    assert not SpendGuard().active
    assert SpendGuard().report("+48575555555", [_sent("+48575555555", 1)]).problems == ()


def test_allow_list_cooldown_and_cap() -> None:
    guard = SpendGuard(allow=("+48575555555",), cooldown_s=60, daily_cap=2)
    assert "not on the allow-list" in guard.report("+442037691880", []).problems[0]
    assert "cooldown is 60 s" in guard.report("+48 575 555 555", [_sent("+48575555555", 10)]).problems[0]
    assert guard.report("+48575555555", [_sent("+48575555555", 120)]).problems == ()
    capped = guard.report("+48575555555", [_sent("+48575555555", 300), _sent("+48575555556", 200)])
    assert "daily cap is 2" in capped.problems[0]
    assert guard.report("+48575555555", [_sent("+48575555555", 5, env="simulator")]).problems == ()


async def test_a_guarded_real_send_is_refused_before_anything_is_sent() -> None:
    sent: list[httpx.Request] = []
    client = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: (sent.append(r), httpx.Response(200))[1]))
    environ = {"ZADARMA_KEY": "k", "ZADARMA_SECRET": "s"}
    service = ConsoleService(
        client,
        LogStore(),
        None,
        None,
        environ=environ,
        guard=SpendGuard(allow=("+48575555555",)),
        providers=all_providers(),
    )
    result = await service.run(OperationRequest("zadarma", "send", "sms", {"to": "+442037691880"}, env="live"))
    await client.aclose()
    assert result.exchange.outcome is Outcome.REFUSED
    assert "Spend guard" in result.exchange.message
    assert sent == []


async def test_a_send_history_has_not_committed_yet_still_counts() -> None:
    """The newest sends are in this run's log before the history writer commits them: both are read."""

    class LaggingHistory:
        def recent_exchanges(self, limit: int, provider: str | None = None) -> list[Exchange]:
            return [older]  # the one just sent is not written yet

    older, newest = _sent("+48575555555", 3600), _sent("+48575555555", 5)
    store = LogStore()
    store.extend([older, newest])  # the older one is in both: counted once
    async with httpx.AsyncClient() as client:
        service = ConsoleService(client, store, LaggingHistory(), None, providers=all_providers())  # type: ignore[arg-type]
        report = await service.spend_report("zadarma", "+48575555555", SpendGuard(cooldown_s=60, daily_cap=10))
    assert report.last_to_number_s is not None
    assert report.last_to_number_s < 60
    assert report.problems[0].startswith("+48575555555 got a code ")
    assert report.sent_today == sum(  # the hour-old one may fall before midnight
        1 for x in (older, newest) if x.started_at >= _midnight()
    )


def _midnight() -> float:
    import datetime as dt

    return dt.datetime.combine(dt.date.today(), dt.time()).timestamp()
