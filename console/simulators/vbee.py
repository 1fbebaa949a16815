"""Vbee AICall simulator: verifies the JWT like the service would, speaks the code on the virtual phone.

Contract: ``shared/providers.md`` sections 4 and 9. The call-status callback it sends when the virtual phone
answers or rejects is the simulator's own shape (the real one is undocumented): ``contact_id``, ``status``.
"""

from __future__ import annotations

import json
import os
import re
from types import MappingProxyType
from typing import Any

import jwt
from aiohttp import web

from console.providers.vbee import ERRORS, PATH, SCENARIOS_PATH, VOICES
from console.providers.webhook import Outgoing
from console.simulators._records import PhoneMessage
from console.simulators.base import ProviderSimulator

NATIONAL = re.compile(r"0[35789]\d{8}")
INTERNATIONAL = re.compile(r"84[35789]\d{8}")
MESSAGES = {e.code: e.meaning.split(":")[0].rstrip(".") for e in ERRORS}


class VbeeSimulator(ProviderSimulator):
    """``POST /api/v1/public-api/voice-otp`` with ``Authorization: Bearer <HS256 JWT>``."""

    provider_id = "vbee"
    scenarios = MappingProxyType(
        {
            "wallet_expired": "Portal wallet is expired (1104)",
            "app_not_found": "Application is not found (1201)",
            "otp_content_missing": "OTP content is not found (1204)",
            "hotline_inactive": "Hotline is empty or inactive (1501)",
            "out_of_money": "Portal wallet is out of money (1603)",
            "pool_missing": "Pool hotline does not exist (2301)",
            "pool_inactive": "Pool hotline is inactive (2302)",
        }
    )
    _CODES = MappingProxyType(
        {"wallet_expired": 1104, "app_not_found": 1201, "otp_content_missing": 1204, "hotline_inactive": 1501}
        | {"out_of_money": 1603, "pool_missing": 2301, "pool_inactive": 2302}
    )

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post(PATH, self._voice_otp)
        app.router.add_get(SCENARIOS_PATH, self._scenarios)

    def error_body(self, status: int, message: str) -> dict[str, Any]:
        return {"status": 0, "code": status, "message": message}

    def _claims(self, request: web.Request) -> dict[str, Any] | web.Response:
        """The bearer token's claims, or the refusal Vbee answers (401 bad signature, 1201 unknown key)."""
        creds = self.credentials()
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        try:
            claims = jwt.decode(token, creds["api_secret"], algorithms=["HS256"], options={"require": ["iat"]})
        except jwt.PyJWTError:
            return _fail(401, "Unauthorized", http=401)
        if claims.get("apiKey") != creds["api_key"]:
            return _fail(1201, "Application is not found")
        return dict(claims)

    async def _scenarios(self, request: web.Request) -> web.Response:
        """The credential check: the application's scenarios (the simulator has one)."""
        claims = self._claims(request)
        if isinstance(claims, web.Response):
            return claims
        scenario = self.take_scenario()
        if scenario is not None:
            number = self._CODES[scenario]
            return _fail(number, MESSAGES[str(number)])
        return web.json_response({"status": 1, "result": [{"id": 1, "name": "Voice OTP (simulator)"}]})

    async def _voice_otp(self, request: web.Request) -> web.Response:
        claims = self._claims(request)
        if isinstance(claims, web.Response):
            return claims
        code = str(claims.get("otpCode", ""))
        if not code.isdigit():
            return _fail(1204, "OTP content is not found")
        scenario = self.take_scenario()
        if scenario is not None:
            number = self._CODES[scenario]
            return _fail(number, MESSAGES[str(number)])
        try:
            body = await request.json()
        except ValueError:
            return _fail(400, "Body is not JSON", http=400)
        phone = str(body.get("phone_number") or body.get("phoneNumber") or "")
        if not (NATIONAL.fullmatch(phone) or INTERNATIONAL.fullmatch(phone)):
            return _fail(400, f"phone_number is invalid: {phone!r}", http=400)
        voice = str(body.get("voice", VOICES[0][0]))
        if voice not in dict(VOICES):
            return _fail(400, f"voice is invalid: {voice!r}", http=400)
        contact = os.urandom(12).hex()
        self.add_phone_message(
            channel="voice",
            to=phone,
            kind="voice",
            title=f"Call from Vbee AICall ({dict(VOICES)[voice].split(' — ')[0]})",
            text=f"Mã xác thực của bạn là {' '.join(code)}. Xin nhắc lại: {' '.join(code)}.",
            code=code,
            extra={"contact_id": contact, "actions": "answer,reject"},
        )
        return web.json_response({"message": "success", "result": {"contact_id": contact}, "status": 1})

    def phone_action(self, message: PhoneMessage, action: str) -> list[Outgoing]:
        if action not in ("answer", "reject"):
            return super().phone_action(message, action)
        status = "answered" if action == "answer" else "rejected"
        body = json.dumps(
            {"contact_id": message.extra.get("contact_id", ""), "status": status, "phone_number": message.to}
        )
        return [Outgoing("POST", "", (("Content-Type", "application/json"),), body.encode(), f"call {status}")]


def _fail(code: int, message: str, http: int = 200) -> web.Response:
    return web.json_response({"status": 0, "code": code, "message": message}, status=http)


SIMULATOR = VbeeSimulator
