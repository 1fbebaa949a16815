"""The ``/_sim/`` control routes every simulator serves: virtual phone, fault, journal and reset."""

from __future__ import annotations

from typing import Protocol

from aiohttp import web

from console.simulators._records import Fault, FaultState, JournalEntry, PhoneMessage

CONTROL_PREFIX = "/_sim/"


class Controlled(Protocol):
    """What the control routes need from their simulator."""

    @property
    def provider_id(self) -> str: ...

    @property
    def journal(self) -> list[JournalEntry]: ...

    @property
    def fault(self) -> FaultState: ...

    def phone_messages(self) -> list[PhoneMessage]: ...

    def set_fault(self, fault: Fault | str, count: int | None = None, seconds: float | None = None) -> None: ...

    def reset(self) -> None: ...


class ControlRoutes:
    """The handlers of one simulator's control routes (never journalled, never faulted).

    Attributes:
        sim: the simulator they read and drive.
    """

    def __init__(self, sim: Controlled) -> None:
        self.sim = sim

    def add_to(self, app: web.Application) -> None:
        """Add ``GET /_sim/phone``, ``POST /_sim/fault``, ``GET /_sim/journal`` and ``POST /_sim/reset``."""
        app.router.add_get(f"{CONTROL_PREFIX}phone", self.phone)
        app.router.add_post(f"{CONTROL_PREFIX}fault", self.fault)
        app.router.add_get(f"{CONTROL_PREFIX}journal", self.journal)
        app.router.add_post(f"{CONTROL_PREFIX}reset", self.reset)

    async def phone(self, request: web.Request) -> web.Response:
        return web.json_response({"messages": [m.to_dict() for m in self.sim.phone_messages()]})

    async def journal(self, request: web.Request) -> web.Response:
        return web.json_response({"entries": [e.to_dict() for e in self.sim.journal]})

    async def reset(self, request: web.Request) -> web.Response:
        self.sim.reset()
        return web.json_response({"reset": self.sim.provider_id})

    async def fault(self, request: web.Request) -> web.Response:
        try:
            data = await request.json()
            count = data.get("count")
            seconds = data.get("seconds")
            self.sim.set_fault(
                Fault(data.get("fault", "none")),
                None if count is None else int(count),
                None if seconds is None else float(seconds),
            )
        except (ValueError, TypeError, AttributeError) as exc:
            return web.json_response(
                {"error": f"bad fault request: {exc}", "faults": [f.value for f in Fault]}, status=400
            )
        current = self.sim.fault
        return web.json_response({"fault": current.fault.value, "count": current.remaining, "seconds": current.seconds})
