"""YCloud WhatsApp: an authentication template carrying the code, ``X-API-Key``, statuses by webhook.

Contract: ``shared/providers.md`` sections 3.2 to 3.5. Uncertain, and so offered as choices: the send endpoint
(``sendDirectly``, documented for OTP, or the queued one) and the cheap GET that proves a key works.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType
from typing import Any

import httpx

from console.core.models import Outcome, VerificationState
from console.core.phones import PhoneStyle
from console.providers._answers import (
    json_object,
    objects,
    optional_amount,
    optional_ident,
    optional_obj,
    optional_text,
)
from console.providers._whatsapp import CODE, LANGUAGE, META_ERRORS, TEMPLATE, StatusRule, template
from console.providers.provider import Call, Interpretation, Provider
from console.providers.spec import (
    Channel,
    CodeChecker,
    Environment,
    ErrorCode,
    FieldKind,
    FieldRole,
    FieldSpec,
    Operation,
    OperationKind,
    ProviderSpec,
)
from console.providers.webhook import (
    CallbackFacts,
    Incoming,
    Outgoing,
    Secret,
    SignatureCheck,
    Verdict,
    compare,
)

TOLERANCE_S = 300
ENDPOINTS = {"sendDirectly": "/whatsapp/messages/sendDirectly", "queued": "/whatsapp/messages"}

CHANNELS = (
    Channel(
        "whatsapp",
        "WhatsApp authentication template",
        (
            FieldSpec(
                "to", "To", FieldKind.PHONE, required=True, placeholder="+447911123456", role=FieldRole.DESTINATION
            ),
            FieldSpec(
                "from",
                "From",
                FieldKind.PHONE,
                required=True,
                default="+14155552671",
                help="The business phone number that sends, in E.164 with +.",
            ),
            TEMPLATE,
            LANGUAGE,
            CODE,
            FieldSpec(
                "externalId", "External id", help="Your correlation id; empty: the console makes one.", generated=True
            ),
            FieldSpec(
                "endpoint",
                "Endpoint",
                FieldKind.CHOICE,
                default="sendDirectly",
                choices=(
                    ("sendDirectly", "sendDirectly: synchronous, WhatsApp's rejection in the answer (for OTP)"),
                    ("queued", "messages: queued, failures only by webhook"),
                ),
            ),
        ),
        help="The code goes in the template's body and in its URL button; the result arrives by webhook.",
    ),
)

OPERATIONS = (
    Operation(
        "send",
        "Send code (WhatsApp template)",
        OperationKind.SEND,
        help="The code goes in the template's body and in its URL button; the result arrives by webhook.",
        path="/whatsapp/messages/sendDirectly",
    ),
    Operation(
        "balance",
        "Test credentials",
        OperationKind.BALANCE,
        (
            FieldSpec(
                "check_path",
                "Checked with",
                FieldKind.CHOICE,
                default="/balance",
                choices=(
                    ("/balance", "GET /balance (inferred)"),
                    ("/whatsapp/phoneNumbers", "GET /whatsapp/phoneNumbers"),
                    ("/whatsapp/templates", "GET /whatsapp/templates"),
                ),
                help="No credential-check call is documented: any authenticated GET answers 401 to a bad key.",
            ),
        ),
        method="GET",
        path="/balance",
    ),
    Operation("templates", "List templates", OperationKind.LOOKUP, method="GET", path="/whatsapp/templates"),
    Operation(
        "webhook_endpoint",
        "Register webhook URL",
        OperationKind.SETUP,
        (
            FieldSpec(
                "url",
                "Webhook URL",
                required=True,
                placeholder="https://your-tunnel.example/hooks/ycloud",
                help="Filled with the listener's URL (its public URL when set).",
                role=FieldRole.CALLBACK_URL,
            ),
        ),
        path="/webhookEndpoints",
        help="POST /v2/webhookEndpoints for whatsapp.message.updated. The signing secret is shown once, here: "
        "put it in YCLOUD_WEBHOOK_SECRET. It is not kept in the log or in history.",
    ),
)

YCLOUD_ERRORS = (
    ErrorCode(
        "UNAUTHORIZED", "The API key is missing or wrong.", "Check YCLOUD_API_KEY (Developer > API keys).", kind="auth"
    ),
    ErrorCode("401", "The API key is missing or wrong.", "Check YCLOUD_API_KEY (Developer > API keys).", kind="auth"),
    ErrorCode("BALANCE_INSUFFICIENT", "Not enough balance.", "Top up the YCloud wallet.", kind="money"),
    ErrorCode("TOO_MANY_REQUESTS", "Rate limit hit.", "Slow down; see whatsappApiError for WhatsApp's own limit."),
    ErrorCode("INVALID_PARAMETER", "A parameter is invalid.", "The target field names it."),
    ErrorCode("TEMPLATE_NOT_FOUND", "No such template in that language.", "Load the templates and pick one."),
    ErrorCode("NOT_FOUND", "Not found.", "Check the path and the ids."),
)

SPEC = ProviderSpec(
    id="ycloud",
    label="YCloud WhatsApp",
    summary="WhatsApp authentication templates through YCloud; statuses arrive by webhook.",
    docs_url="https://docs.ycloud.com/reference/whatsapp-messages",
    credentials=(
        FieldSpec("api_key", "API key", FieldKind.SECRET, required=True, secret=True, env_var="YCLOUD_API_KEY"),
    ),
    operations=OPERATIONS,
    errors=YCLOUD_ERRORS + META_ERRORS,
    environments=(Environment("live", "Live (api.ycloud.com/v2)", "https://api.ycloud.com/v2", live=True),),
    phone_style=PhoneStyle.E164_PLUS,
    sensitive_headers=("x-api-key",),
    simulator_credentials={"api_key": "sim_ycloud_key"},
    simulator_prefix="/v2",
    channels=CHANNELS,
    code_checker=CodeChecker.CONSOLE,
    notes=(
        "The credential check (no documented call; the choices are authenticated GETs) and whether "
        "YCloud accepts numbers without + (the console always sends +).",
    ),
)


WHO = "YCloud"


class YCloudProvider(Provider):
    """Builds YCloud's JSON calls and reads its message objects and ``{"error": …}`` answers."""

    spec = SPEC

    def build_request(self, call: Call) -> httpx.Request:
        headers = {"X-API-Key": call.credentials.get("api_key", ""), "Accept": "application/json"}
        base = call.base_url.rstrip("/")
        if call.operation == "balance":
            return httpx.Request("GET", base + call.values.get("check_path", "/balance"), headers=headers)
        if call.operation == "templates":
            return httpx.Request("GET", base + "/whatsapp/templates?limit=100", headers=headers)
        if call.operation == "webhook_endpoint":
            endpoint = {"url": call.values["url"], "enabledEvents": ["whatsapp.message.updated"], "status": "active"}
            return httpx.Request("POST", base + "/webhookEndpoints", headers=headers, json=endpoint)
        v = call.values
        body = {
            "from": v["from"],
            "to": v["to"],
            "type": "template",
            "externalId": v.get("externalId") or f"otp-console-{os.urandom(6).hex()}",
            "template": template(v["template"], v["language"], v.get("code", "")),
        }
        url = base + ENDPOINTS.get(v.get("endpoint", "sendDirectly"), ENDPOINTS["sendDirectly"])
        return httpx.Request("POST", url, headers=headers, json=body)

    def interpret(self, call: Call, status: int, headers: httpx.Headers, body: bytes) -> Interpretation:
        data = json_object(status, body, WHO)
        error = optional_obj(data, "error", WHO)
        if status >= 400 or error is not None:
            return self._error(error or {}, status)
        if call.operation == "templates":
            choices = []
            for index, found in enumerate(objects(data, "items", WHO)):
                where = f"items.{index}"
                name = optional_text(found, "name", WHO, where)
                language = optional_text(found, "language", WHO, where)
                state = optional_text(found, "status", WHO, where)
                choices.append((str(name), f"{name} ({language}, {state})"))
            return Interpretation(Outcome.OK, f"{len(choices)} templates", data={"choices": choices})
        if call.operation == "webhook_endpoint":
            secret = optional_text(data, "secret", WHO) or ""
            endpoint = optional_ident(data, "id", WHO)
            shown = f"; secret {secret[:6]}…{secret[-2:]} (full value in this result only)" if secret else ""
            return Interpretation(
                Outcome.OK,
                f"Registered endpoint {endpoint or '?'} for {optional_text(data, 'url', WHO) or '?'}{shown}",
                data={"endpoint": endpoint, "secret": secret} if secret else {"endpoint": endpoint},
                secrets=[secret] if secret else [],
            )
        if call.operation == "balance":
            amount = optional_amount(data, "amount", WHO)
            currency = optional_text(data, "currency", WHO) or ""
            shown = f"; balance {amount} {currency}".rstrip() if amount is not None else ""
            return Interpretation(Outcome.OK, f"Credentials valid{shown}", data=data)
        first = optional_text(data, "status", WHO) or ""
        message_id = optional_ident(data, "id", WHO)
        if first in ("failed", "deleted") or message_id is None:
            failed = self._error(
                {"code": optional_ident(data, "errorCode", WHO), "message": optional_text(data, "errorMessage", WHO)},
                status,
            )
            failed.message = failed.message or f"YCloud answered status {first or None!r}"
            return failed
        keys = {"message_id": message_id, "status": first, "statuses": first}
        external_id = optional_text(data, "externalId", WHO)
        wamid = optional_text(data, "wamid", WHO)
        if external_id:
            keys["external_id"] = external_id
        if wamid:
            keys["wamid"] = wamid
        return Interpretation(
            Outcome.OK,
            f"Accepted: message {message_id} ({first or '?'}); delivery arrives by webhook",
            request_id=message_id,
            state=VerificationState.PENDING,
            data={k: v for k, v in data.items() if isinstance(v, (str, int, float))},
            keys=keys,
        )

    def _error(self, error: Mapping[str, Any], status: int) -> Interpretation:
        wa = optional_obj(error, "whatsappApiError", WHO, "error")
        wa_code = optional_ident(wa, "code", WHO, "error.whatsappApiError") if wa is not None else None
        own_code = optional_ident(error, "code", WHO, "error")
        code = wa_code or own_code
        message = optional_text(error, "message", WHO, "error") or ""
        result = self.error_interpretation(code or None, message, status)
        if wa is not None:
            result.notes["whatsappApiError"] = json.dumps(wa, ensure_ascii=False)
            result.message = f"{own_code or ''}: {result.message}".strip(": ")
        target = optional_text(error, "target", WHO, "error")
        if target:
            result.notes["target"] = target
        return result


PROVIDER = YCloudProvider()


# ---------------------------------------------------------------------------------------------- callbacks
def signed_payload(timestamp: str, body: bytes, trailing_dot: bool = False) -> bytes:
    """What YCloud signs: ``t + "." + raw body`` (and the helpdocs' form with a trailing dot)."""
    return timestamp.encode() + b"." + body + (b"." if trailing_dot else b"")


def signature(secret: str, timestamp: str, body: bytes, trailing_dot: bool = False) -> str:
    return hmac.new(secret.encode(), signed_payload(timestamp, body, trailing_dot), hashlib.sha256).hexdigest()


class YCloudWebhook(StatusRule):
    """``whatsapp.message.updated``: ``YCloud-Signature: t=…,s=…`` over the raw body, five minutes' tolerance."""

    provider = "ycloud"
    secrets = (
        FieldSpec("webhook_secret", "Webhook secret", FieldKind.SECRET, secret=True, env_var="YCLOUD_WEBHOOK_SECRET"),
    )
    simulator_secrets = MappingProxyType({"webhook_secret": "whsec_sim_ycloud"})

    def claims(self, incoming: Incoming) -> bool:
        event = incoming.json if isinstance(incoming.json, dict) else {}
        return incoming.header("YCloud-Signature") is not None or str(event.get("type", "")).startswith("whatsapp.")

    def verify(self, incoming: Incoming, secrets: Mapping[str, Sequence[Secret]], now: float) -> SignatureCheck:
        header = incoming.header("YCloud-Signature")
        if header is None:
            return SignatureCheck.absent("YCloud-Signature")
        parts = dict(p.strip().split("=", 1) for p in header.split(",") if "=" in p)
        stamp, received = parts.get("t", ""), parts.get("s", "")
        if not stamp.isdigit() or not received:
            return SignatureCheck(Verdict.INVALID, "", f"Malformed header {header!r}: expected t=<unix>,s=<hex>.")
        candidates = secrets.get("webhook_secret", ())
        if not candidates:
            return SignatureCheck.unchecked("No YCloud webhook secret configured (YCLOUD_WEBHOOK_SECRET).")
        tried = []
        for secret in candidates:
            for scheme, dot in (("ycloud", False), ("ycloud-trailing-dot", True)):
                expected = signature(secret.value, stamp, incoming.body, dot)
                if compare(expected, received):
                    skew = now - int(stamp)
                    if abs(skew) > TOLERANCE_S:
                        return SignatureCheck(
                            Verdict.INVALID,
                            scheme,
                            f"signature matches ({secret.source}) but t is {skew:+.0f} s from now: over the "
                            f"{TOLERANCE_S} s tolerance (a replay, or a clock off)",
                        )
                    return SignatureCheck(
                        Verdict.VALID, scheme, f"matched {scheme} with the secret from {secret.source}"
                    )
                tried.append(f"{scheme} with {secret.source}: expected {expected}")
        return SignatureCheck(Verdict.INVALID, "", f"received {received}; " + "; ".join(tried))

    def facts(self, incoming: Incoming, settings: Mapping[str, str]) -> CallbackFacts | None:
        event = incoming.json if isinstance(incoming.json, dict) else None
        message = event.get("whatsappMessage") if event else None
        if event is None or not isinstance(message, dict):
            return None
        keys = {
            name: str(message[field])
            for name, field in (("message_id", "id"), ("wamid", "wamid"), ("external_id", "externalId"))
            if message.get(field)
        }
        status = str(message.get("status", ""))
        summary = f"{event.get('type', 'event')} · {status} · message {message.get('id', '?')}"
        if message.get("errorCode"):
            summary += f" · error {message['errorCode']}: {message.get('errorMessage', '')}"
        return CallbackFacts(
            str(event.get("type", "")), summary, keys=keys, status=status, dedupe_key=str(event.get("id") or "") or None
        )

    def sign(self, outgoing: Outgoing, secret: str, now: float | None = None) -> Outgoing:
        stamp = str(int(time.time() if now is None else now))
        header = f"t={stamp},s={signature(secret, stamp, outgoing.body)}"
        headers = tuple((k, v) for k, v in outgoing.headers if k.lower() != "ycloud-signature")
        return replace(outgoing, headers=(*headers, ("YCloud-Signature", header)))


PROVIDER.webhook = YCloudWebhook()
