"""Hamkaran simulator: multipart ``send-otp`` checked like the service, ``balance/get``, the day's ``reports``.

Contract: ``shared/providers.md`` section 5. The answers' shapes follow the third-party code (``data`` with
``balance`` or ``rows``); send-otp answers ``{"code": "1", "message": "queued"}`` (unconfirmed for real).
"""

from __future__ import annotations

import re
import time
from types import MappingProxyType
from typing import Any

from aiohttp import web

from console.providers.webhook import Outgoing
from console.simulators._records import PhoneMessage
from console.simulators.base import ProviderSimulator

DEST = re.compile(r"0?9\d{9}|989\d{9}")


class HamkaranSimulator(ProviderSimulator):
    """``/api/hamkaran/v1``: a ``key`` header on every call."""

    provider_id = "hamkaran"
    scenarios = MappingProxyType(
        {
            "bad_key": "Access denied (403)",
            "inactive_line": "The line (src) is inactive (422)",
            "no_balance": "Not enough balance (402)",
            "server_error": "Server error (500, HTML)",
        }
    )

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/api/hamkaran/v1/send-otp", self._send)
        app.router.add_post("/api/hamkaran/v1/balance/get", self._balance)
        app.router.add_get("/api/hamkaran/v1/reports", self._reports)

    def error_body(self, status: int, message: str) -> dict[str, Any]:
        return {"code": str(status), "message": message}

    def _denied(self, request: web.Request) -> web.Response | None:
        if request.headers.get("key") != self.credentials()["key"]:
            return web.Response(status=403, text="Access denied")
        return None

    async def _send(self, request: web.Request) -> web.Response:
        denied = self._denied(request)
        if denied is not None:
            return denied
        form = await request.post()
        dest, src, otp = (str(form.get(name, "")) for name in ("dest", "src", "otp"))
        scenario = self.take_scenario()
        if scenario == "bad_key":
            return web.Response(status=403, text="Access denied")
        if scenario == "server_error":
            return web.Response(
                status=500, text="<html><title>500 Internal Server Error</title></html>", content_type="text/html"
            )
        if scenario == "no_balance":
            return web.json_response({"code": "0", "message": "insufficient balance"}, status=402)
        if scenario == "inactive_line":
            return web.json_response({"code": "0", "message": f"line {src} is not active"}, status=422)
        for name, ok in (("dest", DEST.fullmatch(dest)), ("src", src.isdigit()), ("otp", otp.isdigit())):
            if not ok:
                return web.json_response({"code": "0", "message": f"{name} is invalid"}, status=422)
        message = self.add_phone_message(
            channel="voice",
            to=dest,
            kind="voice",
            title=f"Call from {src}",
            text=f"کد تایید شما: {' '.join(otp)} — your code is {' '.join(otp)}",
            code=otp,
            extra={"src": src, "actions": "answer,reject"},
        )
        with self.state() as data:
            data.setdefault("calls", []).append(
                {"id": message.id, "dest": dest, "src": src, "status": "NOANSWER", "time": time.strftime("%H:%M:%S")}
            )
        return web.json_response({"code": "1", "message": "queued"})

    async def _balance(self, request: web.Request) -> web.Response:
        return self._denied(request) or web.json_response({"data": {"balance": 1250000}})

    async def _reports(self, request: web.Request) -> web.Response:
        denied = self._denied(request)
        if denied is not None:
            return denied
        with self.state() as data:
            calls = list(data.get("calls", []))
        rows = [
            {
                "id": c["id"],
                "time": c["time"],
                "type": "outgoing",
                "exten": c["dest"],
                "cid_num": c["src"],
                "status": c["status"],
            }
            for c in calls
        ]
        return web.json_response({"data": {"total": len(rows), "pages": 1, "page": 1, "rows": rows}})

    def phone_action(self, message: PhoneMessage, action: str) -> list[Outgoing]:
        """Answering or rejecting shows in the day's report (Hamkaran has no callback)."""
        if action not in ("answer", "reject"):
            return super().phone_action(message, action)
        with self.state() as data:
            for call in data.get("calls", []):
                if call["id"] == message.id:
                    call["status"] = "ANSWER" if action == "answer" else "Failed"
        return []


SIMULATOR = HamkaranSimulator
