"""Zadarma's call notifications: the ``zd_echo`` handshake, the ``Signature`` per event, press-1 results."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType
from urllib.parse import parse_qsl

from console.core.models import Verification, VerificationState
from console.providers.spec import FieldKind, FieldSpec
from console.providers.webhook import (
    CallbackFacts,
    Handshake,
    Incoming,
    Outgoing,
    Reply,
    Secret,
    SignatureCheck,
    WebhookRule,
    first_valid,
)
from console.providers.zadarma.signing import WEBHOOK_FIELDS, webhook_signatures

CALL_END_EVENTS = ("NOTIFY_END", "NOTIFY_OUT_END")
MATCH_SLACK_S = 120.0  # a call's end may be reported a little after the code's window closed


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


class ZadarmaWebhook(WebhookRule):
    """Zadarma's call notifications: ``zd_echo`` handshake, ``Signature`` per event, call_button results."""

    provider = "zadarma"
    secrets = (FieldSpec("secret", "API secret", FieldKind.SECRET, secret=True, env_var="ZADARMA_SECRET"),)
    simulator_secrets = MappingProxyType({"secret": "sim_zadarma_secret"})
    match_params = ("caller_id", "called_did", "destination")

    def claims(self, incoming: Incoming) -> bool:
        return incoming.query_value("zd_echo") is not None or incoming.params.get("event", "").startswith("NOTIFY_")

    def handshake(self, incoming: Incoming, secrets: Mapping[str, Sequence[Secret]]) -> Handshake | None:
        echo = incoming.query_value("zd_echo")
        if echo is None:
            return None
        return Handshake("zd_echo", Reply(200, echo), "Zadarma URL validation: answered with the zd_echo value.")

    def verify(self, incoming: Incoming, secrets: Mapping[str, Sequence[Secret]], now: float) -> SignatureCheck:
        params = incoming.params
        event = params.get("event", "")
        received = incoming.header("Signature")
        if received is None:
            return SignatureCheck.absent("Signature")
        if event not in WEBHOOK_FIELDS:
            return SignatureCheck.unchecked(f"No signing rule is known for event {event or '(none)'}.")
        return first_valid(secrets.get("secret", ()), received, lambda s: webhook_signatures(s, event, params))

    def facts(self, incoming: Incoming, settings: Mapping[str, str]) -> CallbackFacts | None:
        params = incoming.params
        event = params.get("event", "")
        if not event.startswith("NOTIFY_"):
            return None
        names = (*self.match_params, "pbx_call_id", "internal", "calltype")
        keys = {name: params[name] for name in names if params.get(name)}
        if "callback_dtmf" in params:
            keys["callback_dtmf"] = params["callback_dtmf"]
        numbers = (params.get("caller_id", ""), params.get("called_did") or params.get("destination", ""))
        parts = [event, params.get("calltype", ""), " → ".join(n for n in numbers if n), params.get("disposition", "")]
        if event in CALL_END_EVENTS and "callback_dtmf" in params:
            parts.append(f"key {params['callback_dtmf'] or '(none)'}")
        summary = " · ".join(p for p in parts if p)
        return CallbackFacts(event=event, summary=summary, keys=keys, status=params.get("disposition", ""))

    def matches(self, verification: Verification, facts: CallbackFacts) -> bool:
        if verification.channel != "call_button":
            return False
        wanted = _digits(verification.destination)
        numbers = {_digits(facts.keys.get(name, "")) for name in self.match_params}
        if not wanted or wanted not in numbers:
            return False
        ends = (verification.expires_at or verification.created_at + 600) + MATCH_SLACK_S
        return verification.created_at - 5 <= facts.received_at <= ends

    def apply(self, verification: Verification, facts: CallbackFacts, now: float) -> str:
        if facts.event == "NOTIFY_ANSWER":
            verification.move_to(VerificationState.DELIVERED)
            return "call answered"
        if facts.event not in CALL_END_EVENTS:
            return ""
        if verification.is_final():
            return f"{facts.event} after the verification ended ({verification.state.value}): state kept"
        dtmf = facts.keys.get("callback_dtmf", "")
        if dtmf == "1" and facts.status in ("answered", ""):
            verification.move_to(VerificationState.VERIFIED)
            return "confirmed: the user pressed 1"
        verification.move_to(VerificationState.FAILED)
        why = f"key {dtmf}" if dtmf else "no key pressed"
        return f"not confirmed: {facts.status or 'no disposition'}, {why}"

    def sign(self, outgoing: Outgoing, secret: str, now: float | None = None) -> Outgoing:
        fields = dict(parse_qsl(outgoing.body.decode(), keep_blank_values=True))
        signature = webhook_signatures(secret, fields.get("event", ""), fields).get("zadarma-hex-b64")
        if signature is None:
            return outgoing
        headers = tuple((k, v) for k, v in outgoing.headers if k.lower() != "signature")
        return replace(outgoing, headers=(*headers, ("Signature", signature)))
