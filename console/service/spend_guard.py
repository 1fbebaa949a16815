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

    def report(self, destination: str, past: Iterable[Exchange], now: float | None = None) -> SpendReport:
        """The numbers behind the rules for one send, and the rules it would break (none: it may go).

        ``past``: the provider's earlier exchanges.
        """
        now = time.time() if now is None else now
        found: list[str] = []
        wanted = _digits(destination)
        on_list = None if not self.allow else wanted in {_digits(n) for n in self.allow}
        if on_list is False:
            found.append(f"{destination} is not on the allow-list of test numbers ({', '.join(self.allow)})")
        sends = [x for x in past if x.operation == "send" and x.env != "simulator" and x.status is not None]
        to_same = [x.started_at for x in sends if _digits(x.destination) == wanted]
        last = max(to_same, default=None)
        ago = None if last is None else now - last
        if self.cooldown_s and ago is not None and ago < self.cooldown_s:
            found.append(f"{destination} got a code {ago:.0f} s ago; the cooldown is {self.cooldown_s:.0f} s")
        midnight = dt.datetime.combine(dt.date.fromtimestamp(now), dt.time()).timestamp()
        today = sum(1 for x in sends if x.started_at >= midnight)
        if self.daily_cap and today >= self.daily_cap:
            found.append(f"{today} real sends today already; the daily cap is {self.daily_cap}")
        return SpendReport(destination, today, ago, on_list, self, tuple(found))


@dataclass(frozen=True, slots=True)
class SpendReport:
    """What the guard saw for one send: today's real sends, the last one to this number, the list."""

    destination: str
    sent_today: int
    last_to_number_s: float | None  # seconds since the last real send to this number (None: never)
    on_allow_list: bool | None  # None: no allow-list
    guard: SpendGuard
    problems: tuple[str, ...]

    def summary(self) -> str:
        """One line for under the Send button: today's count and the rules, without a number."""
        guard = self.guard
        parts = [f"{self.sent_today} real sends today" + (f" of {guard.daily_cap}" if guard.daily_cap else "")]
        parts.append(f"cooldown {guard.cooldown_s:.0f} s per number" if guard.cooldown_s else "no cooldown")
        parts.append(f"allow-list of {len(guard.allow)} numbers" if guard.allow else "no allow-list")
        return " · ".join(parts)

    def lines(self) -> list[str]:
        """The numbers, one per line, as shown before a real send."""
        cap = f" of {self.guard.daily_cap} (daily cap)" if self.guard.daily_cap else " (no daily cap)"
        if self.last_to_number_s is None:
            last = f"{self.destination or 'this number'}: no real send before"
        else:
            last = f"{self.destination}: last real send {_ago(self.last_to_number_s)} ago"
        last += f" (cooldown {self.guard.cooldown_s:.0f} s)" if self.guard.cooldown_s else " (no cooldown)"
        if self.on_allow_list is None:
            listed = "allow-list of test numbers: not set"
        else:
            listed = f"allow-list: {'on it' if self.on_allow_list else 'NOT on it'} ({', '.join(self.guard.allow)})"
        return [f"Real sends today: {self.sent_today}{cap}", last, listed]


def _ago(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
