"""A guard for real sends: an allow-list of test numbers, a per-number cooldown, a daily cap per provider.

Off unless configured (CLI flags); it looks at history, so separate commands share the count. Simulator
sends never count and are never stopped.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass

from console.core.models import Exchange


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


@dataclass(frozen=True, slots=True)
class SpendGuard:
    """Rules a real send must pass. Empty allow-list, zero cooldown and zero cap each mean "no limit"."""

    allow: tuple[str, ...] = ()
    cooldown_s: float = 0.0
    daily_cap: int = 0

    @property
    def active(self) -> bool:
        return bool(self.allow or self.cooldown_s or self.daily_cap)

    def problems(self, destination: str, past: Iterable[Exchange], now: float | None = None) -> list[str]:
        """Why this send would break a rule (empty: it may go). ``past``: the provider's earlier exchanges."""
        now = time.time() if now is None else now
        found: list[str] = []
        wanted = _digits(destination)
        if self.allow and wanted not in {_digits(n) for n in self.allow}:
            found.append(f"{destination} is not on the allow-list of test numbers ({', '.join(self.allow)})")
        sends = [x for x in past if x.operation == "send" and x.env != "simulator" and x.status is not None]
        if self.cooldown_s:
            to_same = [x.started_at for x in sends if _digits(dict(x.fields).get("to", "")) == wanted]
            last = max(to_same, default=None)
            if last is not None and now - last < self.cooldown_s:
                found.append(
                    f"{destination} got a code {now - last:.0f} s ago; the cooldown is {self.cooldown_s:.0f} s"
                )
        if self.daily_cap:
            midnight = dt.datetime.combine(dt.date.fromtimestamp(now), dt.time()).timestamp()
            today = sum(1 for x in sends if x.started_at >= midnight)
            if today >= self.daily_cap:
                found.append(f"{today} real sends today already; the daily cap is {self.daily_cap}")
        return found
