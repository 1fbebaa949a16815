"""YCloud simulator: ``sendDirectly`` and queued sends, templates, a balance, signed status callbacks.

Contract: ``shared/providers.md`` sections 3.2 to 3.5; the answers use YCloud's message object and its
``{"error": {status, code, message, target, whatsappApiError}}`` shape.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from console.providers.webhook import Outgoing
from console.simulators import _whatsapp as wa
from console.simulators._records import PhoneMessage
from console.simulators.base import ProviderSimulator

E164 = re.compile(r"\+[1-9]\d{6,14}")
WABA_ID = "whatsapp-business-account-demo"


class YCloudSimulator(ProviderSimulator):
    """The YCloud v2 API under ``/v2``: ``X-API-Key`` checked on every call."""

    provider_id = "ycloud"
    scenarios = MappingProxyType(
        {
            "no_money": "Balance insufficient (BALANCE_INSUFFICIENT)",
            "pair_rate_limit": "WhatsApp pair rate limit (429, #131056)",
            "undeliverable": "Undeliverable number (#131026 in whatsappApiError)",
            "spam_limit": "Spam rate limit (#131048)",
        }
    )

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/v2/whatsapp/messages/sendDirectly", self._send)
        app.router.add_post("/v2/whatsapp/messages", self._send)
        app.router.add_get("/v2/whatsapp/templates", self._templates)
        app.router.add_get("/v2/whatsapp/phoneNumbers", self._numbers)
        app.router.add_get("/v2/balance", self._balance)
        app.router.add_post("/v2/webhookEndpoints", self._webhook_endpoint)

    def middlewares(self) -> list[Any]:
        return [self._auth]

    def error_body(self, status: int, message: str) -> dict[str, Any]:
        return {"error": {"status": status, "code": "NOT_FOUND" if status == 404 else str(status), "message": message}}

    def rate_limited_response(self, request: web.Request) -> web.StreamResponse:
        return _error(429, "TOO_MANY_REQUESTS", "Too many requests")

    @web.middleware
    async def _auth(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if self.is_control(request):
            return await handler(request)
        if request.headers.get("X-API-Key") != self.credentials()["api_key"]:
            return _error(401, "UNAUTHORIZED", "Invalid API key")
        return await handler(request)

    async def _send(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            return _error(400, "INVALID_PARAMETER", "The body is not JSON", "body")
        if not isinstance(body, dict):
            return _error(400, "INVALID_PARAMETER", "The body must be an object", "body")
        for field in ("from", "to"):
            if not E164.fullmatch(str(body.get(field, ""))):
                return _error(400, "INVALID_PARAMETER", f"{field} must be an E.164 number with +", field)
        template: dict[str, Any] = body["template"] if isinstance(body.get("template"), dict) else {}
        name, language = str(template.get("name", "")), str((template.get("language") or {}).get("code", ""))
        if not wa.approved(name, language):
            return _error(404, "TEMPLATE_NOT_FOUND", f"No approved template {name!r} in {language!r}", "template")
        code = wa.template_code(template)
        if code is None:
            return _error(400, "INVALID_PARAMETER", "The code must be in the body and the URL button", "template")
        scenario = self.take_scenario()
        if scenario == "no_money":
            return _error(402, "BALANCE_INSUFFICIENT", "Your balance is insufficient")
        if scenario in ("pair_rate_limit", "undeliverable", "spam_limit"):
            meta = {"pair_rate_limit": "131056", "undeliverable": "131026", "spam_limit": "131048"}[scenario]
            status = 429 if scenario == "pair_rate_limit" else 400
            return _error(
                status,
                "WHATSAPP_API_ERROR",
                f"(#{meta}) WhatsApp refused the message",
                "whatsappApiError",
                {"code": meta, "type": "OAuthException", "message": f"(#{meta})", "fbtrace_id": "Asim"},
            )
        message_id = f"{int(self.clock() * 1000):x}{len(self.phone_messages()):04x}"
        wamid = wa.new_wamid()
        external = str(body.get("externalId", ""))
        direct = request.path.endswith("sendDirectly")
        wa.put_on_phone(
            self, body["to"], language, code, {"message_id": message_id, "wamid": wamid, "external_id": external}
        )
        answer = {
            "id": message_id,
            "wabaId": WABA_ID,
            "from": body["from"],
            "to": body["to"],
            "type": "template",
            "status": "sent" if direct else "accepted",
            "externalId": external,
            "createTime": _now(self.clock()),
        }
        if direct:
            answer["wamid"] = wamid
        return web.json_response(answer)

    async def _templates(self, request: web.Request) -> web.Response:
        return web.json_response({"items": [dict(t, wabaId=WABA_ID) for t in wa.TEMPLATES], "total": len(wa.TEMPLATES)})

    async def _numbers(self, request: web.Request) -> web.Response:
        return web.json_response({"items": [{"phoneNumber": "+14155552671", "wabaId": WABA_ID, "status": "CONNECTED"}]})

    async def _webhook_endpoint(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            return _error(400, "INVALID_PARAMETER", "The body is not JSON", "body")
        url = str(body.get("url", "")) if isinstance(body, dict) else ""
        if not url.startswith(("http://", "https://")):
            return _error(400, "INVALID_PARAMETER", "url must be an http(s) URL", "url")
        endpoint = {
            "id": f"we_{int(self.clock())}",
            "url": url,
            "status": "active",
            "enabledEvents": body.get("enabledEvents", []),
            "secret": "whsec_sim_ycloud",
        }
        return web.json_response(endpoint)

    async def _balance(self, request: web.Request) -> web.Response:
        return web.json_response({"amount": 42.5, "currency": "USD"})

    # -------------------------------------------------------------------------------------------- callbacks
    def phone_action(self, message: PhoneMessage, action: str) -> list[Outgoing]:
        if action not in ("deliver", "read", "fail"):
            return super().phone_action(message, action)
        events = []
        for i, status in enumerate(wa.statuses_for(action)):
            whatsapp = {
                "id": message.extra.get("message_id", ""),
                "wamid": message.extra.get("wamid", ""),
                "wabaId": WABA_ID,
                "to": message.to,
                "status": status,
                "externalId": message.extra.get("external_id", ""),
            }
            if status == "failed":
                whatsapp |= {"errorCode": wa.UNDELIVERABLE[0], "errorMessage": wa.UNDELIVERABLE[1]}
            event = {
                "id": f"evt_{message.extra.get('message_id', '')}_{i}_{status}",
                "type": "whatsapp.message.updated",
                "apiVersion": "v2",
                "createTime": _now(self.clock()),
                "whatsappMessage": whatsapp,
            }
            body = json.dumps(event, separators=(",", ":")).encode()
            events.append(Outgoing("POST", "", (("Content-Type", "application/json"),), body, f"status {status}"))
        return events


def _error(
    status: int, code: str, message: str, target: str = "", whatsapp: dict[str, Any] | None = None
) -> web.Response:
    error: dict[str, Any] = {"status": status, "code": code, "message": message}
    if target:
        error["target"] = target
    if whatsapp is not None:
        error["whatsappApiError"] = whatsapp
    return web.json_response({"error": error}, status=status)


def _now(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


SIMULATOR = YCloudSimulator
