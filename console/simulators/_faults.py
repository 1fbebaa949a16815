"""Misbehaviour on request: the fault and the error scenario in force, counted per request, and the fault middleware."""

from __future__ import annotations

import asyncio
import threading
from typing import Protocol

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from console.simulators._records import DEFAULT_FAULT_SECONDS, Fault, FaultState

HTML_500 = (
    "<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>\n"
    "<body><h1>500 Internal Server Error</h1><hr><p>nginx</p></body></html>\n"
)
TRUNCATED_JSON = b'{"status": "success", "request_id": "dHJ1bmNhdGVk'


class FaultSwitch:
    """The fault in force for one simulator, counted down by the requests it spoils; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state = FaultState()

    def set(self, fault: Fault | str, count: int | None = None, seconds: float | None = None) -> None:
        """Misbehave for the next ``count`` requests (None: until cleared); ``Fault.NONE`` clears."""
        fault = Fault(fault)
        if count is not None and count < 1:
            raise ValueError("count must be at least 1 (or None for 'until cleared')")
        with self._lock:
            self._state = FaultState() if fault is Fault.NONE else FaultState(fault, count, seconds)

    @property
    def current(self) -> FaultState:
        with self._lock:
            return self._state

    def take(self) -> FaultState:
        """The fault for this request, counted (call once per request); ``Fault.NONE`` when there is none."""
        with self._lock:
            current = self._state
            if current.fault is Fault.NONE:
                return current
            if current.remaining is not None:
                left = current.remaining - 1
                self._state = FaultState(current.fault, left, current.seconds) if left else FaultState()
            return current


class ScenarioSwitch:
    """The error scenario in force (an id from the simulator's ``scenarios``), counted down per request."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._scenario: tuple[str, int | None] | None = None

    def set(self, scenario: str | None, count: int | None = 1) -> None:
        """Answer the next ``count`` requests (None: until cleared) with ``scenario``; None clears."""
        with self._lock:
            self._scenario = None if scenario is None else (scenario, count)

    @property
    def current(self) -> str | None:
        with self._lock:
            return self._scenario[0] if self._scenario else None

    def take(self) -> str | None:
        """The scenario in force for this request (counted), or None."""
        with self._lock:
            if self._scenario is None:
                return None
            name, left = self._scenario
            if left is not None:
                self._scenario = (name, left - 1) if left > 1 else None
            return name


class Dropped(web.Response):
    """Returned after the connection was closed on purpose; aiohttp's write then fails silently."""


class FaultySite(Protocol):
    """What the fault middleware needs from its simulator."""

    def is_control(self, request: web.Request) -> bool: ...

    def rate_limited_response(self, request: web.Request) -> web.StreamResponse: ...


def fault_middleware(faults: FaultSwitch, site: FaultySite) -> Middleware:
    """A middleware that spoils provider requests while ``faults`` says so (control routes are never spoilt)."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if site.is_control(request):
            return await handler(request)
        current = faults.take()
        fault = current.fault
        if fault in (Fault.DELAY, Fault.TIMEOUT):
            seconds = current.seconds if current.seconds is not None else DEFAULT_FAULT_SECONDS[fault]
            await asyncio.sleep(seconds)
        elif fault is Fault.HTML500:
            return web.Response(status=500, text=HTML_500, content_type="text/html")
        elif fault is Fault.MALFORMED_JSON:
            return web.Response(status=200, body=TRUNCATED_JSON, content_type="application/json")
        elif fault is Fault.DROP:
            if request.transport is not None:
                request.transport.close()
            return Dropped(status=500)  # never written: the connection is gone
        elif fault is Fault.RATE_LIMIT:
            return site.rate_limited_response(request)
        return await handler(request)

    return middleware
