"""Meta Cloud API simulator: ``/<phone_number_id>/messages`` with a bearer token, Graph-style errors, statuses.

Contract: ``shared/providers.md`` section 3.6; statuses are posted in Meta's ``entry[].changes[]`` shape and
signed with ``X-Hub-Signature-256``. Every Graph API version Meta lists is served; one whose end date has passed
(by the simulator's clock) is refused with error 2635, as Meta refuses it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from types import MappingProxyType
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from console.providers.meta import API_VERSION, API_VERSIONS
from console.providers.webhook import Outgoing
from console.simulators import _whatsapp as wa
from console.simulators._records import PhoneMessage
from console.simulators.base import ProviderSimulator

DIGITS = re.compile(r"[1-9]\d{6,14}")
WABA_ID = "102290129340398"
VERSIONS = {version.name: version for version in API_VERSIONS}


class MetaSimulator(ProviderSimulator):
    """The Graph API's WhatsApp messages endpoint, under each listed version (ended ones answer error 2635)."""

    provider_id = "meta"
    scenarios = MappingProxyType(
        {
            "expired_token": "Access token expired (190)",
            "pair_rate_limit": "Pair rate limit (131056)",
            "undeliverable": "Undeliverable (131026)",
            "param_mismatch": "Template parameters do not match (132000)",
        }
    )

    def add_routes(self, app: web.Application) -> None:
        for version in API_VERSIONS:  # an unlisted version is an unknown route: 404
            app.router.add_post(f"/{version.name}/{{node}}/messages", self._send)
            app.router.add_get(f"/{version.name}/{{node}}", self._node)

    def middlewares(self) -> list[Any]:
        return [self._auth]

    def error_body(self, status: int, message: str) -> dict[str, Any]:
        return {"error": {"message": message, "type": "GraphMethodException", "code": 100, "fbtrace_id": _trace()}}

    def rate_limited_response(self, request: web.Request) -> web.StreamResponse:
        return _error(429, 130429, "Rate limit hit", "OAuthException")

    @web.middleware
    async def _auth(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if self.is_control(request) or "node" not in request.match_info:
            return await handler(request)  # control routes, and unknown ones (the base answers 404 or 405)
        if self._version_ended(request):
            # the simulator's approximation of Graph's refusal of a version past its end date (checked before
            # the token; the message names the current version)
            message = (
                "(#2635) You are calling a deprecated version of the Graph API. Please update to the latest "
                f"version: {API_VERSION}."
            )
            return _error(400, 2635, message, "OAuthException")
        creds = self.credentials()
        if request.headers.get("Authorization") != f"Bearer {creds['access_token']}":
            return _error(401, 190, "Invalid OAuth access token - Cannot parse access token", "OAuthException")
        if request.match_info.get("node") != creds["phone_number_id"]:
            node = request.match_info.get("node", "")
            return _error(
                400, 100, f"Unsupported post request. Object with ID '{node}' does not exist", "GraphMethodException"
            )
        return await handler(request)

    def _version_ended(self, request: web.Request) -> bool:
        """The request's path names a Graph API version whose end date has come, by the simulator's clock."""
        version = VERSIONS.get(self.relative_path(request).split("/")[1])
        if version is None or version.expires is None:
            return False
        return dt.date.fromtimestamp(self.clock()) >= version.expires

    async def _node(self, request: web.Request) -> web.Response:
        return web.json_response(
            {"id": request.match_info["node"], "display_phone_number": "+1 415-555-2671", "verified_name": "OTP Demo"}
        )

    async def _send(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            return _error(400, 100, "The body is not JSON", "OAuthException")
        if not isinstance(body, dict) or body.get("messaging_product") != "whatsapp":
            return _error(400, 100, "The parameter messaging_product is required.", "OAuthException")
        to = str(body.get("to", ""))
        if not DIGITS.fullmatch(to):
            return _error(
                400, 131009, f"Parameter value is not valid: to={to!r} (international digits, no +)", "OAuthException"
            )
        template: dict[str, Any] = body["template"] if isinstance(body.get("template"), dict) else {}
        name, language = str(template.get("name", "")), str((template.get("language") or {}).get("code", ""))
        if not wa.approved(name, language):
            return _error(
                404, 132001, f"Template name does not exist in the translation ({name}, {language})", "OAuthException"
            )
        code = wa.template_code(template)
        scenario = self.take_scenario()
        if code is None or scenario == "param_mismatch":
            return _error(
                400, 132000, "Number of parameters does not match the expected number of params", "OAuthException"
            )
        if scenario:
            number, status, kind = {
                "expired_token": (190, 401, "OAuthException"),
                "pair_rate_limit": (131056, 400, "OAuthException"),
                "undeliverable": (131026, 400, "OAuthException"),
            }[scenario]
            return _error(status, number, self.scenarios[scenario], kind)
        wamid = wa.new_wamid()
        wa.put_on_phone(self, "+" + to, language, code, {"wamid": wamid})
        return web.json_response(
            {"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": to}], "messages": [{"id": wamid}]}
        )

    def phone_action(self, message: PhoneMessage, action: str) -> list[Outgoing]:
        if action not in ("deliver", "read", "fail"):
            return super().phone_action(message, action)
        events = []
        for status in wa.statuses_for(action):
            entry: dict[str, Any] = {
                "id": message.extra.get("wamid", ""),
                "status": status,
                "timestamp": str(int(self.clock())),
                "recipient_id": message.to.lstrip("+"),
            }
            if status == "failed":
                entry["errors"] = [{"code": int(wa.UNDELIVERABLE[0]), "title": wa.UNDELIVERABLE[1]}]
            payload = {
                "object": "whatsapp_business_account",
                "entry": [
                    {
                        "id": WABA_ID,
                        "changes": [
                            {
                                "field": "messages",
                                "value": {
                                    "messaging_product": "whatsapp",
                                    "metadata": {"phone_number_id": self.credentials()["phone_number_id"]},
                                    "statuses": [entry],
                                },
                            }
                        ],
                    }
                ],
            }
            body = json.dumps(payload, separators=(",", ":")).encode()
            events.append(Outgoing("POST", "", (("Content-Type", "application/json"),), body, f"status {status}"))
        return events


def _error(status: int, code: int, message: str, kind: str) -> web.Response:
    error = {"message": message, "type": kind, "code": code, "fbtrace_id": _trace()}
    return web.json_response({"error": error}, status=status)


def _trace() -> str:
    return "A" + os.urandom(8).hex()


SIMULATOR = MetaSimulator
