"""What the YCloud and Meta simulators share: templates, the WhatsApp message on the virtual phone, statuses."""

from __future__ import annotations

import os
from typing import Any

from console.simulators._records import PhoneMessage
from console.simulators.base import ProviderSimulator

TEMPLATES = (
    {"name": "verification_code", "language": "en", "category": "AUTHENTICATION", "status": "APPROVED"},
    {"name": "verification_code", "language": "ru", "category": "AUTHENTICATION", "status": "APPROVED"},
    {"name": "login_code", "language": "en", "category": "AUTHENTICATION", "status": "APPROVED"},
    {"name": "welcome_offer", "language": "en", "category": "MARKETING", "status": "PENDING"},
)
BODY = {
    "en": "{code} is your verification code. For your security, do not share this code.",
    "ru": "{code} — ваш код подтверждения. В целях безопасности никому его не сообщайте.",
}
ACTIONS = "deliver,read,fail"
UNDELIVERABLE = ("131026", "Message undeliverable")


def approved(name: str, language: str) -> bool:
    return any(t["name"] == name and t["language"] == language and t["status"] == "APPROVED" for t in TEMPLATES)


def template_code(template: Any) -> str | None:
    """The code in the body parameter, checked against the URL button's (both must carry it)."""
    if not isinstance(template, dict):
        return None
    components = template.get("components") or []
    texts = {
        c.get("type"): (c.get("parameters") or [{}])[0].get("text")
        for c in components
        if isinstance(c, dict) and isinstance(c.get("parameters"), list) and c["parameters"]
    }
    code = texts.get("body")
    return str(code) if code and code == texts.get("button") else None


def new_wamid() -> str:
    return "wamid.HBgM" + os.urandom(12).hex().upper()


def put_on_phone(sim: ProviderSimulator, to: str, language: str, code: str, keys: dict[str, str]) -> PhoneMessage:
    """The WhatsApp message the user sees, with its copy-code button; statuses are sent from its actions."""
    text = BODY.get(language, BODY["en"]).format(code=code) + "\n[ Copy code ]"
    return sim.add_phone_message(
        channel="whatsapp",
        to=to,
        kind="whatsapp",
        title="WhatsApp from your business",
        text=text,
        code=code,
        extra={**keys, "actions": ACTIONS},
    )


def statuses_for(action: str) -> list[str]:
    """The statuses a real send produces for what the user did: delivered, read, or failed."""
    return {"deliver": ["sent", "delivered"], "read": ["sent", "delivered", "read"], "fail": ["sent", "failed"]}[action]
