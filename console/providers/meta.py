"""Meta's WhatsApp Cloud API: the same authentication template, sent straight to graph.facebook.com.

Contract: ``shared/providers.md`` section 3.6. The base URL includes the Graph API version
(``https://graph.facebook.com/v26.0``, each version's end date below); the phone number id is a credential
(``META_PHONE_NUMBER_ID``). A version past its end date is refused with error 2635.
Callbacks: the ``hub.challenge`` subscription handshake and ``X-Hub-Signature-256`` over the raw body.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType
from typing import Any

import httpx

from console.core.errors import ContractError
from console.core.models import Outcome, VerificationState
from console.core.phones import PhoneStyle
from console.providers._answers import ident, json_object, objects, optional_ident, optional_obj, optional_text
from console.providers._whatsapp import CODE, LANGUAGE, META_ERRORS, RANK, TEMPLATE, StatusRule, template
from console.providers.provider import Call, Interpretation, Provider
from console.providers.spec import (
    ApiVersion,
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
    Handshake,
    Incoming,
    Outgoing,
    Reply,
    Secret,
    SignatureCheck,
    compare,
    first_valid,
)

# Meta's versions changelog (read 2026-11-30): each Graph API version stops working on a set day.
API_VERSIONS = (
    ApiVersion("v26.0", dt.date(2026, 7, 29)),
    ApiVersion("v25.0", dt.date(2026, 2, 18), dt.date(2028, 7, 29)),
    ApiVersion("v24.0", dt.date(2025, 10, 8), dt.date(2028, 2, 18)),
    ApiVersion("v23.0", dt.date(2025, 5, 29), dt.date(2027, 10, 8)),
    ApiVersion("v22.0", dt.date(2025, 1, 21), dt.date(2027, 5, 20)),
    ApiVersion("v21.0", dt.date(2024, 10, 2), dt.date(2027, 1, 21)),
    ApiVersion("v20.0", None, dt.date(2026, 9, 24)),
)
API_VERSION = API_VERSIONS[0].name  # the current version: the default, and what the simulator serves first
GRAPH = "https://graph.facebook.com"
VERSION_ENDED = ErrorCode(
    "2635",
    "The API version has ended: Meta refuses every request to a Graph API version after its end date.",
    f"Choose the current version ({API_VERSION}): the Live environment, or a base URL ending in /{API_VERSION}.",
)


def _environments() -> tuple[Environment, ...]:
    """Live on the current version, then each older one (a profile naming one keeps it; the console warns)."""
    found = [Environment("live", f"Live (graph.facebook.com/{API_VERSION})", f"{GRAPH}/{API_VERSION}", live=True)]
    for version in API_VERSIONS[1:]:
        until = f", ends {version.expires.isoformat()}" if version.expires else ""
        url = f"{GRAPH}/{version.name}"
        found.append(Environment(f"live-{version.name}", f"Live ({version.name}{until})", url, live=True))
    return tuple(found)


SPEC = ProviderSpec(
    id="meta",
    label="Meta WhatsApp Cloud API",
    summary="WhatsApp authentication templates straight through graph.facebook.com, with a bearer token.",
    docs_url="https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages",
    credentials=(
        FieldSpec(
            "access_token", "Access token", FieldKind.SECRET, required=True, secret=True, env_var="META_ACCESS_TOKEN"
        ),
        FieldSpec(
            "phone_number_id",
            "Phone number id",
            FieldKind.DIGITS,
            required=True,
            env_var="META_PHONE_NUMBER_ID",
            help="The sender's id in WhatsApp Manager (not the phone number itself).",
        ),
    ),
    channels=(
        Channel(
            "whatsapp",
            "WhatsApp authentication template",
            (
                FieldSpec(
                    "to", "To", FieldKind.PHONE, required=True, placeholder="+447911123456", role=FieldRole.DESTINATION
                ),
                TEMPLATE,
                LANGUAGE,
                CODE,
            ),
            help="An approved authentication template carrying the code; statuses arrive by webhook.",
        ),
    ),
    operations=(
        Operation(
            "send",
            "Send code (WhatsApp template)",
            OperationKind.SEND,
            help="Sent with `to` in international digits without +; statuses arrive by webhook.",
            path="/<phone_number_id>/messages",
        ),
        Operation(
            "balance",
            "Test credentials",
            OperationKind.BALANCE,
            help="GET /<phone_number_id>: a bad token answers error 190.",
            method="GET",
            path="/<phone_number_id>",
        ),
    ),
    errors=(*META_ERRORS, VERSION_ENDED),
    environments=_environments(),
    api_versions=API_VERSIONS,
    phone_style=PhoneStyle.E164_DIGITS,
    sensitive_headers=("authorization",),
    simulator_credentials={"access_token": "sim_meta_token", "phone_number_id": "106540352242922"},
    simulator_prefix=f"/{API_VERSION}",
    code_checker=CodeChecker.CONSOLE,
    notes=(
        f"The Graph API version is part of the base URL ({API_VERSION} by default); older ones are environments "
        "of their own until Meta retires them, and the console warns 90 days before.",
    ),
)


WHO = "Meta"


class MetaProvider(Provider):
    """Builds Graph API calls and reads ``{"messages": [...]}`` and ``{"error": {...}}`` answers."""

    spec = SPEC

    def build_request(self, call: Call) -> httpx.Request:
        headers = {"Authorization": f"Bearer {call.credentials.get('access_token', '')}"}
        node = f"{call.base_url.rstrip('/')}/{call.credentials.get('phone_number_id', '')}"
        if call.operation == "balance":
            return httpx.Request("GET", f"{node}?fields=display_phone_number,verified_name", headers=headers)
        v = call.values
        body = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": v["to"],
            "type": "template",
            "template": template(v["template"], v["language"], v.get("code", "")),
        }
        return httpx.Request("POST", f"{node}/messages", headers=headers, json=body)

    def interpret(self, call: Call, status: int, headers: httpx.Headers, body: bytes) -> Interpretation:
        data = json_object(status, body, WHO)
        error = optional_obj(data, "error", WHO)
        if status >= 400 or error is not None:
            return self._error(error or {}, status)
        if call.operation == "balance":
            names = (
                optional_text(data, "verified_name", WHO),
                optional_text(data, "display_phone_number", WHO),
                optional_ident(data, "id", WHO),
            )
            name = next((n for n in names if n), "?")
            return Interpretation(Outcome.OK, f"Credentials valid; sender {name}", data=data)
        messages = objects(data, "messages", WHO)
        if not messages:
            raise ContractError(f'HTTP {status}: no "messages": [{{"id": …}}] in Meta\'s answer.', field="messages")
        wamid = ident(messages[0], "id", WHO, "messages.0")
        return Interpretation(
            Outcome.OK,
            f"Accepted: {wamid}; delivery arrives by webhook",
            request_id=wamid,
            state=VerificationState.PENDING,
            data={"wamid": wamid},
            keys={"wamid": wamid},
        )

    def _error(self, error: Mapping[str, Any], status: int) -> Interpretation:
        code = optional_ident(error, "code", WHO, "error")
        result = self.error_interpretation(code, optional_text(error, "message", WHO, "error") or "", status)
        error_data = optional_obj(error, "error_data", WHO, "error")
        details = optional_text(error_data, "details", WHO, "error.error_data") if error_data is not None else None
        for name, value in (
            ("type", optional_text(error, "type", WHO, "error")),
            ("details", details),
            ("fbtrace_id", optional_text(error, "fbtrace_id", WHO, "error")),
        ):
            if value:
                result.notes[name] = value
        return result


PROVIDER = MetaProvider()


# ---------------------------------------------------------------------------------------------- callbacks
def hub_signature(app_secret: str, body: bytes) -> str:
    """``X-Hub-Signature-256``: ``sha256=`` + hex HMAC-SHA256 of the raw body with the app secret."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


class MetaWebhook(StatusRule):
    """Subscription handshake with the verify token; statuses in ``entry[].changes[].value.statuses[]``."""

    provider = "meta"
    id_keys = ("wamid",)
    secrets = (
        FieldSpec("app_secret", "App secret", FieldKind.SECRET, secret=True, env_var="META_APP_SECRET"),
        FieldSpec("verify_token", "Verify token", FieldKind.SECRET, secret=True, env_var="META_VERIFY_TOKEN"),
    )
    simulator_secrets = MappingProxyType({"app_secret": "sim_meta_app_secret", "verify_token": "sim_meta_verify"})

    def claims(self, incoming: Incoming) -> bool:
        body = incoming.json if isinstance(incoming.json, dict) else {}
        return (
            incoming.header("X-Hub-Signature-256") is not None
            or body.get("object") == "whatsapp_business_account"
            or incoming.query_value("hub.mode") is not None
        )

    def handshake(self, incoming: Incoming, secrets: Mapping[str, Sequence[Secret]]) -> Handshake | None:
        if incoming.query_value("hub.mode") != "subscribe":
            return None
        token = incoming.query_value("hub.verify_token") or ""
        challenge = incoming.query_value("hub.challenge") or ""
        match = next((s for s in secrets.get("verify_token", ()) if compare(s.value, token)), None)
        if match is None:
            configured = "no verify token is configured (META_VERIFY_TOKEN)"
            if secrets.get("verify_token"):
                configured = "it matches none of the configured tokens"
            return Handshake("hub.challenge", Reply(403, "verify token mismatch"), f"Refused with 403: {configured}.")
        return Handshake("hub.challenge", Reply(200, challenge), f"Subscribed: token from {match.source} matches.")

    def verify(self, incoming: Incoming, secrets: Mapping[str, Sequence[Secret]], now: float) -> SignatureCheck:
        received = incoming.header("X-Hub-Signature-256")
        if received is None:
            return SignatureCheck.absent("X-Hub-Signature-256")
        return first_valid(secrets.get("app_secret", ()), received, lambda s: {"meta": hub_signature(s, incoming.body)})

    def facts(self, incoming: Incoming, settings: Mapping[str, str]) -> CallbackFacts | None:
        body = incoming.json if isinstance(incoming.json, dict) else None
        if body is None:
            return None
        statuses = [
            s
            for entry in body.get("entry") or []
            if isinstance(entry, dict)
            for change in entry.get("changes") or []
            if isinstance(change, dict) and isinstance(change.get("value"), dict)
            for s in change["value"].get("statuses") or []
            if isinstance(s, dict)
        ]
        if not statuses:
            return CallbackFacts("event", "a Meta event without statuses (messages, template updates…)")
        top = max(statuses, key=lambda s: RANK.get(str(s.get("status")), -1))
        wamid, status = str(top.get("id", "")), str(top.get("status", ""))
        summary = " · ".join(f"{s.get('status')} {s.get('id', '')}" for s in statuses)
        errors = top.get("errors") or []
        if errors and isinstance(errors[0], dict):
            summary += f" · error {errors[0].get('code')}: {errors[0].get('title', '')}"
        keys = {"wamid": wamid, "recipient": str(top.get("recipient_id", ""))}
        return CallbackFacts(
            "statuses", summary, keys=keys, status=status, dedupe_key=f"{wamid}:{status}:{top.get('timestamp', '')}"
        )

    def sign(self, outgoing: Outgoing, secret: str, now: float | None = None) -> Outgoing:
        headers = tuple((k, v) for k, v in outgoing.headers if k.lower() != "x-hub-signature-256")
        return replace(outgoing, headers=(*headers, ("X-Hub-Signature-256", hub_signature(secret, outgoing.body))))


PROVIDER.webhook = MetaWebhook()
