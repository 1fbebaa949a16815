"""What YCloud and Meta's Cloud API share: the authentication template, Meta's error codes, delivery statuses.

Contract: ``shared/providers.md`` sections 3.3 to 3.6. Statuses may arrive out of order or twice (several
devices): a verification keeps the highest one seen, and ``delivered``/``read`` win over ``failed``.
"""

from __future__ import annotations

from typing import Any

from console.core.models import Verification, VerificationState
from console.providers.spec import ErrorCode, FieldKind, FieldRole, FieldSpec
from console.providers.webhook import CallbackFacts, WebhookRule

RANK = {"accepted": 0, "sent": 1, "delivered": 2, "read": 3}
FAILED = "failed"

TEMPLATE = FieldSpec(
    "template",
    "Template",
    FieldKind.TEXT,
    required=True,
    default="verification_code",
    choices_from="templates",
    help="An APPROVED authentication template (Load lists them). The code goes in its body parameter and in "
    "its URL button at index 0.",
)
LANGUAGE = FieldSpec(
    "language", "Language", FieldKind.TEXT, required=True, default="en", help="The template's language code."
)
CODE = FieldSpec(
    "code",
    "Code",
    FieldKind.DIGITS,
    pattern=r"\d{4,8}",
    pattern_message="4 to 8 digits",
    help="Empty: the console generates one (6 digits) and checks what the user types (Check code tab).",
    role=FieldRole.CODE,
    generated=True,
)

META_ERRORS = (
    ErrorCode("0", "Authentication exception.", "Mint a new access token.", kind="auth", credential="access_token"),
    ErrorCode("4", "Too many API calls for the app.", "Slow down; the app-level limit resets within an hour."),
    ErrorCode("10", "Permission denied.", "Give the token the whatsapp_business_messaging permission."),
    ErrorCode("100", "Invalid parameter.", "Check the request body against the template; see error_data."),
    ErrorCode(
        "190",
        "The access token expired or is invalid.",
        "Mint a new token (a system-user token lasts).",
        kind="auth",
        credential="access_token",
    ),
    ErrorCode("200", "Permission error.", "Check the app's permissions on the WhatsApp Business Account."),
    ErrorCode("368", "Temporarily blocked for policy violations.", "Read the Business Manager notices."),
    ErrorCode("80007", "Rate limit of the WhatsApp Business Account.", "Wait before sending again."),
    ErrorCode("130429", "Cloud API throughput reached.", "Spread the sends out; retry with backoff."),
    ErrorCode("131000", "Something went wrong (generic).", "Retry; if it persists, contact Meta support."),
    ErrorCode("131005", "Access denied.", "The token lacks permission for this phone number."),
    ErrorCode("131008", "A required parameter is missing.", "Add the parameter named in error_data."),
    ErrorCode("131009", "A parameter value is invalid.", "Check the number format and template parameters."),
    ErrorCode("131021", "Recipient cannot be the sender.", "Send to another number than your own."),
    ErrorCode(
        "131026",
        "Message undeliverable: the number is not on WhatsApp, or has not accepted the terms, or runs an old app.",
        "Confirm the number uses WhatsApp; fall back to SMS or a call.",
    ),
    ErrorCode("131042", "Business eligibility: a payment problem.", "Fix the payment method in Business Manager."),
    ErrorCode("131045", "The sender number is not registered.", "Register the phone number with the Cloud API."),
    ErrorCode(
        "131047",
        "Re-engagement: more than 24 hours since the user last replied (free-form messages need a window).",
        "Send a template message instead.",
    ),
    ErrorCode("131048", "Spam rate limit: too many messages were blocked or reported.", "Lower the volume."),
    ErrorCode("131051", "Unsupported message type.", "Use a supported type (template for OTP)."),
    ErrorCode("131052", "Media download error.", "Not used by OTP templates; check media URLs."),
    ErrorCode("131053", "Media upload error.", "Not used by OTP templates; check the media."),
    ErrorCode(
        "131056",
        "Pair rate limit: too many messages to the same user in a short time.",
        "Wait before sending this user another code.",
    ),
    ErrorCode("132000", "The number of template parameters does not match.", "Send exactly the template's variables."),
    ErrorCode(
        "132001",
        "The template does not exist in that language, or is not approved.",
        "Check the name and language (Load templates), and that it is APPROVED.",
    ),
    ErrorCode("132005", "The translated text is too long.", "Shorten the parameter values."),
    ErrorCode("132007", "The template breaks the formatting policy.", "Edit the template's format."),
    ErrorCode("132012", "A template parameter has the wrong format.", "Send the code as plain digits."),
    ErrorCode("132015", "The template is paused for low quality.", "Edit it or use another template."),
    ErrorCode("132016", "The template is disabled for low quality.", "Create a new template."),
    ErrorCode("133010", "The phone number is not registered on the Cloud API.", "Register it first."),
)


def template(name: str, language: str, code: str) -> dict[str, Any]:
    """An authentication template with the code in the body and in the URL button at index 0."""
    parameter = [{"type": "text", "text": code}]
    return {
        "name": name,
        "language": {"code": language},
        "components": [
            {"type": "body", "parameters": parameter},
            {"type": "button", "sub_type": "url", "index": "0", "parameters": parameter},
        ],
    }


class StatusRule(WebhookRule):
    """Delivery-status callbacks: tie by message ids, keep the highest status, failed only if nothing better."""

    id_keys: tuple[str, ...] = ("message_id", "external_id", "wamid")

    def matches(self, verification: Verification, facts: CallbackFacts) -> bool:
        if verification.provider != self.provider:
            return False
        known = {verification.keys.get(k) for k in self.id_keys} | {verification.request_id}
        return any(facts.keys.get(k) and facts.keys.get(k) in known for k in self.id_keys)

    def apply(self, verification: Verification, facts: CallbackFacts, now: float) -> str:
        seen = {s for s in verification.keys.get("statuses", "").split(",") if s}
        before = verification.keys.get("status", "")
        new = facts.status not in seen
        seen.add(facts.status)
        verification.keys["statuses"] = ",".join(sorted(seen, key=lambda s: RANK.get(s, 9)))
        best = max((s for s in seen if s in RANK), key=RANK.__getitem__, default="")
        delivered = RANK.get(best, 0) >= RANK["delivered"]
        current = best if delivered or FAILED not in seen else FAILED
        verification.keys["status"] = current
        if verification.state in (VerificationState.VERIFIED, VerificationState.EXPIRED):
            return f"{facts.status}: recorded; the verification stays {verification.state.value}"
        target = (
            VerificationState.DELIVERED
            if delivered
            else VerificationState.FAILED
            if current == FAILED
            else VerificationState.PENDING
        )
        if target is not verification.state:  # direct: a later "delivered" may override "failed"
            verification.state = target
        if not new:
            return f"{facts.status} was already known: nothing changes"
        if current == before:
            return f"{facts.status} arrived after {before}: kept {current} (statuses can arrive out of order)"
        return f"status now {current}"
