"""Callback delivery: signing a simulator's callbacks, misdelivering them on request, sending them in order."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx

from console.core.http import send_raw
from console.providers.webhook import Outgoing, WebhookRule
from console.simulators._records import CallbackFault, Delivery

WRONG_SECRET = "not-the-configured-secret"


def signing_secret(rule: WebhookRule | None, wrong: bool = False) -> str:
    """The secret callbacks are signed with: the rule's first secret (simulator value), or a wrong one."""
    if wrong:
        return WRONG_SECRET
    if rule is None or not rule.secrets:
        return ""
    return str(rule.simulator_secrets.get(rule.secrets[0].name, ""))


def prepare(
    outgoing: list[Outgoing], rule: WebhookRule | None, secret: str, fault: CallbackFault, now: float
) -> list[Outgoing]:
    """Sign ``outgoing`` with ``rule`` (when there is one) and apply ``fault`` (twice, out of order)."""
    signed = [rule.sign(o, secret, now) if rule is not None else o for o in outgoing]
    if fault is CallbackFault.TWICE:
        signed = [o for o in signed for _ in (0, 1)]
    elif fault is CallbackFault.OUT_OF_ORDER:
        signed.reverse()
    return signed


async def deliver(
    batch: list[Outgoing],
    url: str | None,
    client: httpx.AsyncClient | None,
    *,
    late_seconds: float | None,
    clock: Callable[[], float],
) -> list[Delivery]:
    """Send a prepared batch to ``url`` one after the other (after ``late_seconds`` when given).

    Every callback ends as a :class:`Delivery`: the receiver's status, the transport error, or why nothing was
    sent (no listener URL, or no client because the simulator is stopped).
    """
    if not url or client is None:
        why = "No listener URL: start the listener to receive callbacks" if client else "The simulator is stopped"
        return [Delivery(o.label, "", None, why, clock()) for o in batch]
    if late_seconds is not None:
        await asyncio.sleep(late_seconds)
    results: list[Delivery] = []
    for item in batch:  # one after the other, in order: the order is part of what is being tested
        target = f"{url}?{item.query}" if item.query else url
        sent = await send_raw(client, item.method, target, item.headers, item.body)
        results.append(Delivery(item.label, target, sent.status, sent.error, clock()))
    return results
