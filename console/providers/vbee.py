"""Vbee AICall voice OTP: a fresh HS256 JWT per call carries the code; the body says whom to call and how.

Contract: ``shared/providers.md`` sections 4 and 9. Uncertain, and so offered as choices: the phone field's
name (``phone_number`` documented, ``phoneNumber`` in a Java sample) and the number's form (national ``0…``
or ``84…``). No balance call and no documented callback: the listener records any status call and ties it
by ``contact_id`` when one appears.
"""

from __future__ import annotations

import re
import time
import warnings
from collections.abc import Mapping
from typing import Any

import httpx

from console.core.errors import ContractError
from console.core.models import Outcome, Verification, VerificationState
from console.core.phones import PhoneStyle, normalize_phone
from console.providers._answers import (
    describe,
    json_object,
    optional_ident,
    optional_items,
    optional_obj,
    optional_text,
)
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
from console.providers.webhook import CallbackFacts, Incoming, WebhookRule

PATH = "/api/v1/public-api/voice-otp"
SCENARIOS_PATH = "/api/v1/public-api/scenarios"
VOICES = (
    ("hn_female_ngochuyen_full_48k-fhg", "Ngọc Huyền — north (Hà Nội), female"),
    ("hue_female_huonggiang_full_48k-fhg", "Hương Giang — central (Huế), female"),
    ("sg_female_thaotrinh_full_48k-fhg", "Thảo Trinh — south (Sài Gòn), female"),
)

ERRORS = (
    ErrorCode(
        "401",
        "Unauthorized: the access token is invalid (its signature does not check out with Vbee's secret).",
        "Check VBEE_API_SECRET (and that the token is minted per request).",
        kind="auth",
        credential="api_secret",
    ),
    ErrorCode("500", "Vbee's system error.", "Retry later; nothing was called."),
    ErrorCode(
        "1104", "Portal wallet is expired: the prepaid wallet's validity ran out.", "Renew the wallet.", kind="money"
    ),
    ErrorCode(
        "1201",
        "Application is not found.",
        "Check the API key: it names the AICall application.",
        kind="auth",
        credential="api_key",
    ),
    ErrorCode("1204", "OTP content is not found for the application.", "Configure the OTP content in AICall."),
    ErrorCode("1501", "Hotline is empty or inactive: no active outgoing number.", "Activate a hotline."),
    ErrorCode("1603", "Portal wallet is out of money.", "Top up the prepaid balance.", kind="money"),
    ErrorCode("2301", "Pool hotline does not exist.", "Create the outgoing number pool."),
    ErrorCode("2302", "Pool hotline is inactive.", "Enable the outgoing number pool."),
)

SPEC = ProviderSpec(
    id="vbee",
    label="Vbee AICall (voice OTP)",
    summary="A voice call that speaks the code; HS256 JWT bearer minted per call with the code inside.",
    docs_url="https://aicall.vbee.ai",
    credentials=(
        FieldSpec("api_key", "API key", FieldKind.SECRET, required=True, secret=True, env_var="VBEE_API_KEY"),
        FieldSpec("api_secret", "API secret", FieldKind.SECRET, required=True, secret=True, env_var="VBEE_API_SECRET"),
    ),
    channels=(
        Channel(
            "voice",
            "Voice call speaking the code",
            (
                FieldSpec(
                    "to",
                    "Phone",
                    FieldKind.PHONE,
                    required=True,
                    placeholder="0912345678",
                    help="Without + it is read as Vietnamese.",
                    role=FieldRole.DESTINATION,
                    aliases=("phone_number",),
                ),
                FieldSpec("voice", "Voice", FieldKind.CHOICE, default=VOICES[0][0], choices=VOICES),
                FieldSpec(
                    "rate",
                    "Speaking rate",
                    FieldKind.NUMBER,
                    default="1.0",
                    pattern=r"\d(\.\d+)?",
                    pattern_message="a number such as 1.0",
                ),
                FieldSpec(
                    "otpCode",
                    "Code",
                    FieldKind.DIGITS,
                    pattern=r"\d{4,8}",
                    pattern_message="4 to 8 digits",
                    help="Goes only into the JWT; empty: the console generates one and checks it itself.",
                    role=FieldRole.CODE,
                    generated=True,
                ),
                FieldSpec(
                    "phone_number_field",
                    "Phone field name",
                    FieldKind.CHOICE,
                    default="phone_number",
                    choices=(
                        ("phone_number", "phone_number (documented)"),
                        ("phoneNumber", "phoneNumber (Java sample)"),
                    ),
                    help="Uncertain: the docs and a sample disagree.",
                ),
                FieldSpec(
                    "phone_format",
                    "Number format",
                    FieldKind.CHOICE,
                    default="national",
                    choices=(("national", "national 09… (likely)"), ("international", "84… (untested)")),
                ),
            ),
            help="Vbee calls the number and a voice reads the code; the code travels only inside the JWT.",
        ),
    ),
    operations=(
        Operation(
            "send",
            "Call with the code",
            OperationKind.SEND,
            help="POST /api/v1/public-api/voice-otp; the code is spoken to the user.",
            path=PATH,
        ),
        Operation(
            "balance",
            "Test credentials",
            OperationKind.BALANCE,
            help="GET /api/v1/public-api/scenarios with a token of {apiKey, iat}, as Vbee's own samples call it: "
            "a harmless read, nothing is called or billed. Uncertain: Vbee documents no credential check; a "
            "401 blames the secret, 1201 the key.",
            method="GET",
            path=SCENARIOS_PATH,
        ),
    ),
    errors=ERRORS,
    environments=(Environment("live", "Live (aicall.vbee.ai)", "https://aicall.vbee.ai", live=True),),
    home_region="VN",
    phone_style=PhoneStyle.E164_PLUS,
    home_only=True,
    sensitive_headers=("authorization",),
    simulator_credentials={"api_key": "sim_vbee_key", "api_secret": "sim_vbee_secret_of_the_console_simulator"},
    code_checker=CodeChecker.CONSOLE,
    notes=(
        "The phone field's name and the number's form (both are choices); no balance call exists "
        "(Test credentials reads the scenario list instead); call-status callbacks are undocumented.",
    ),
)


def mint(api_key: str, api_secret: str, code: str, now: float | None = None) -> str:
    """The bearer token: HS256 over ``{"apiKey", "otpCode", "iat"}`` (a new one per call: the code is inside).

    Without a code (the credential check) the claims are ``{"apiKey", "iat"}``, as Vbee's Node samples sign.
    """
    claims: dict[str, Any] = {"apiKey": api_key, "iat": int(time.time() if now is None else now)}
    if code:
        claims = {"apiKey": api_key, "otpCode": code, "iat": claims["iat"]}
    import jwt  # here: every other command starts without pyjwt and the cryptography it loads
    from jwt.warnings import InsecureKeyLengthWarning

    with warnings.catch_warnings():  # Vbee issues the secrets; a short one is theirs to choose
        warnings.simplefilter("ignore", InsecureKeyLengthWarning)
        return str(jwt.encode(claims, api_secret, algorithm="HS256"))


WHO = "Vbee"


def _flag(data: dict[str, Any], key: str) -> str | None:
    """A success flag (``1``/``0``, as a number or a string), or None when absent.

    Raises:
        ContractError: anything but digits.
    """
    value = optional_ident(data, key, WHO)
    if value is not None and not value.isdigit():
        raise ContractError(f'{WHO}\'s "{key}" is {describe(value)}, not a flag (1 or 0).', field=key)
    return value


class VbeeProvider(Provider):
    """Mints the JWT, builds the JSON body, reads ``{"status": 1|0, …}`` (or ``result``) answers."""

    spec = SPEC

    def build_request(self, call: Call) -> httpx.Request:
        if call.operation == "balance":
            token = mint(call.credentials.get("api_key", ""), call.credentials.get("api_secret", ""), "")
            url = call.base_url.rstrip("/") + SCENARIOS_PATH
            return httpx.Request("GET", url, headers={"Authorization": f"Bearer {token}"})
        v = call.values
        style = PhoneStyle.NATIONAL if v.get("phone_format", "national") == "national" else PhoneStyle.E164_DIGITS
        number = normalize_phone(v["to"], style, "VN")
        token = mint(call.credentials.get("api_key", ""), call.credentials.get("api_secret", ""), v.get("otpCode", ""))
        body = {v.get("phone_number_field", "phone_number"): number, "voice": v["voice"], "rate": float(v["rate"])}
        headers = {"Authorization": f"Bearer {token}"}
        return httpx.Request("POST", call.base_url.rstrip("/") + PATH, headers=headers, json=body)

    def interpret(self, call: Call, status: int, headers: httpx.Headers, body: bytes) -> Interpretation:
        data = json_object(status, body, WHO)
        nested = isinstance(data.get("result"), (dict, list))  # voice-otp: an object; scenarios: a list
        flag = _flag(data, "status")
        result_flag = None if nested else _flag(data, "result")  # some endpoints answer {"result": 1}
        flag = result_flag if flag is None else flag
        if status >= 400 or flag == "0" or (flag is None and not nested):
            code = optional_ident(data, "code", WHO) or str(status)
            return self.error_interpretation(code, optional_text(data, "message", WHO) or "", status)
        if call.operation == "balance":
            scenarios = optional_items(data, "result", WHO) if nested else None
            count = len(scenarios) if scenarios is not None else None
            text = f"Credentials accepted; {count} scenarios" if count is not None else "Credentials accepted"
            return Interpretation(Outcome.OK, text, data={"scenarios": count} if count is not None else {})
        result = optional_obj(data, "result", WHO) if nested else None
        contact = optional_ident(result, "contact_id", WHO, "result") if result is not None else None
        return Interpretation(
            Outcome.OK,
            f"Calling; contact_id {contact}" if contact else "Calling (no contact_id in the answer)",
            request_id=contact or None,
            state=VerificationState.PENDING,
            data={"contact_id": contact} if contact else {},
            keys={"contact_id": contact} if contact else {},
        )


PROVIDER = VbeeProvider()


class VbeeWebhook(WebhookRule):
    """Any call-status request: undocumented, so tied by ``contact_id`` when present and read cautiously."""

    provider = "vbee"
    documented = False
    match_params = ("contact_id", "contactId")

    def facts(self, incoming: Incoming, settings: Mapping[str, str]) -> CallbackFacts | None:
        body: dict[str, Any] = incoming.json if isinstance(incoming.json, dict) else dict(incoming.params)
        flat = {k: str(v) for k, v in body.items() if isinstance(v, (str, int, float, bool))}
        keys = {n: flat[n] for n in self.match_names(settings) if n in flat}
        status = str(flat.get("status") or flat.get("call_status") or flat.get("state") or "").lower()
        contact = next(iter(keys.values()), "?")
        return CallbackFacts(
            "call status",
            f"contact {contact}: {status or 'no status field'}",
            keys=flat | keys,
            status=status,
            undocumented=True,
        )

    def matches(self, verification: Verification, facts: CallbackFacts) -> bool:
        wanted = verification.keys.get("contact_id") or verification.request_id
        return bool(wanted) and any(facts.keys.get(n) == wanted for n in self.match_params)

    def apply(self, verification: Verification, facts: CallbackFacts, now: float) -> str:
        if re.search(r"answer|complete|success|delivered", facts.status):
            verification.move_to(VerificationState.DELIVERED)
            return f"read {facts.status!r} as: the call was answered (the console's reading of an undocumented shape)"
        if re.search(r"fail|busy|no.?answer|reject|cancel", facts.status):
            verification.move_to(VerificationState.FAILED)
            return f"read {facts.status!r} as: the call failed (the console's reading of an undocumented shape)"
        return f"status {facts.status!r} not understood: recorded only"


PROVIDER.webhook = VbeeWebhook()
