"""ssms.su: reverse flash call (``wait_call``: the user calls a number we are given) and SMS (``push_msg``).

Contract: ``shared/providers.md`` section 2. Much is undocumented: which base URL accepts HTTPS (four presets
are offered as environments), ``api_v`` 2.0 vs 1.1 (a field), and the incoming-call GET the platform sends to
your URL (its parameters are unknown: the listener records all of them and matches on names that are a
setting). Requests are form-encoded POSTs to ``/`` with ``method``, ``format=json`` and ``api_v``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

import httpx

from console.core.errors import ContractError, CredentialsError
from console.core.models import Outcome, Verification, VerificationState
from console.core.phones import PhoneStyle
from console.providers._answers import (
    json_object,
    obj,
    optional_amount,
    optional_ident,
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
from console.providers.webhook import CallbackFacts, Incoming, Secret, SignatureCheck, WebhookRule

CODE_PLACEHOLDER = "{code}"
DEFAULT_WINDOW_S = 60
REPORT_STATES = {
    "0": "queued",
    "1": "delivered",
    "2": "not delivered",
    "4": "accepted by the operator",
    "8": "accepted by the SMSC",
    "16": "rejected by the SMSC",
    "32": "undeliverable",
}

# -------------------------------------------------------------------------------------------- description
_TO = FieldSpec(
    "to",
    "Phone",
    FieldKind.PHONE,
    required=True,
    placeholder="+79670311122",
    help="Sent as `phone` in international digits without + (79670311122); without + it is read as Russian.",
    role=FieldRole.DESTINATION,
    aliases=("phone",),
)
_WINDOW = FieldSpec(
    "call_protection",
    "Window (s)",
    FieldKind.INTEGER,
    default=str(DEFAULT_WINDOW_S),
    pattern=r"\d{1,4}",
    pattern_message="seconds, e.g. 60 (the product page's example is 200; no limits are documented)",
    help="How long the platform waits for the user's call.",
)
CHANNELS = (
    Channel(
        "wait_call",
        "Reverse call: the user calls a number",
        (_TO, _WINDOW),
        help="The answer gives a number; the user calls it from their phone within the window. The platform "
        "hangs up and sends an HTTP GET to your URL (the listener): the verification is then verified.",
    ),
    Channel(
        "push_msg",
        "SMS with a code",
        (
            _TO,
            FieldSpec(
                "text",
                "Text",
                FieldKind.MULTILINE,
                required=True,
                default=f"Your code: {CODE_PLACEHOLDER}",
                help=f"{CODE_PLACEHOLDER} is replaced by the code.",
            ),
            FieldSpec(
                "code",
                "Code",
                FieldKind.DIGITS,
                pattern=r"\d{4,8}",
                pattern_message="4 to 8 digits",
                help="Empty: the console generates one and checks it itself (Check code tab).",
                role=FieldRole.CODE,
                generated=True,
            ),
            FieldSpec("sender_name", "Sender name", help="An approved sender name, if you have one."),
            FieldSpec(
                "call_protection",
                "Call protection (s)",
                FieldKind.INTEGER,
                pattern=r"\d{1,4}",
                pattern_message="seconds",
                help="Optional: also returns a number the user may call instead of typing the code.",
            ),
        ),
        help="An SMS carrying the code; the console keeps a salted hash of it to check what the user types.",
    ),
)
_API_V = FieldSpec(
    "api_v",
    "API version",
    FieldKind.CHOICE,
    default="2.0",
    choices=(("2.0", "2.0 (newer PHP helper)"), ("1.1", "1.1 (older sms24x7 clients)")),
    help="Uncertain: the helpers disagree; the answer says which one the server accepted.",
)
OPERATIONS = (
    Operation("send", "Send verification", OperationKind.SEND, (_API_V,), method="POST", path="/"),
    Operation(
        "balance",
        "Test credentials (get_profile)",
        OperationKind.BALANCE,
        help="get_profile: checks the key (or e-mail and password) and shows the balance.",
        path="/",
    ),
    Operation(
        "report",
        "Message report",
        OperationKind.LOOKUP,
        (FieldSpec("id", "Message id", FieldKind.DIGITS, required=True, help="The id push_msg returned."),),
        help="get_msg_report: the delivery state of an SMS.",
        path="/",
    ),
)
METHOD_OF = {"wait_call": "wait_call", "push_msg": "push_msg", "balance": "get_profile", "report": "get_msg_report"}

ERRORS = (
    ErrorCode("2", "Authorisation failed.", "Check SSMS_KEY, or SSMS_EMAIL and SSMS_PASSWORD.", kind="auth"),
    ErrorCode("18", "The session expired.", "Log in again (or use the API key, which has no session).", kind="auth"),
    ErrorCode("29", "No gateway or route for this number.", "Check the number's country and your tariff."),
    ErrorCode("35", "Text encoding error.", "Send the text as UTF-8."),
    ErrorCode("36", "Not enough money on the account.", "Top up the balance (get_profile shows it).", kind="money"),
    ErrorCode("37", "Stopped by the spam filter.", "Change the text, or ask support to approve it."),
    ErrorCode("38", "Stopped by the spam filter (repeated text or number).", "Wait, or vary the text."),
    ErrorCode("42", "Authorisation failed (login or password).", "Check SSMS_EMAIL and SSMS_PASSWORD.", kind="auth"),
)
TLS_HINT = (
    "When TLS fails on one host, try another environment: api.ssms.su, ssl.bs00.ru, or http://api2.ssms.su "
    "(unencrypted, what the official PHP helper uses)."
)

SPEC = ProviderSpec(
    id="ssms",
    label="ssms.su",
    summary="Reverse flash call (the user calls a number) and SMS; form-encoded POST with an API key.",
    docs_url="https://ssms.su/avtorizatsiya-zvonkom",
    credentials=(
        FieldSpec("key", "API key", FieldKind.SECRET, secret=True, env_var="SSMS_KEY", help="Or e-mail + password."),
        FieldSpec("email", "Login e-mail", FieldKind.TEXT, env_var="SSMS_EMAIL"),
        FieldSpec("password", "Password", FieldKind.SECRET, secret=True, env_var="SSMS_PASSWORD"),
    ),
    channels=CHANNELS,
    operations=OPERATIONS,
    errors=ERRORS,
    environments=(
        Environment("live", "Live: https://api2.ssms.su (default)", "https://api2.ssms.su", live=True),
        Environment("live-api", "Live: https://api.ssms.su", "https://api.ssms.su", live=True),
        Environment("live-bs00", "Live: https://ssl.bs00.ru", "https://ssl.bs00.ru", live=True),
        Environment("live-http", "Live: http://api2.ssms.su (unencrypted)", "http://api2.ssms.su", live=True),
    ),
    home_region="RU",
    phone_style=PhoneStyle.E164_DIGITS,
    simulator_credentials={"key": "sim_ssms_key"},
    code_checker=CodeChecker.CONSOLE,
    transport_hints={"tls": TLS_HINT, "connect": TLS_HINT},
    notes=(
        "which host accepts HTTPS is not documented; the environments offer the four base-URL presets. " + TLS_HINT,
        "the incoming-call GET's parameters: the listener records every one and matches on names you can "
        "change in the listener settings.",
    ),
)


# ----------------------------------------------------------------------------------------------- behaviour
WHO = "ssms.su"
MSG, DATA = "response.msg", "response.data"


def envelope(status: int, body: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    """(msg, data) of ``{"response": {"msg": {...}, "data": {...}}}``; ContractError for anything else.

    ``data`` may be absent, null or ``[]`` (PHP's empty array) when there is nothing in it.
    """
    response = obj(json_object(status, body, WHO), "response", WHO)
    msg = obj(response, "msg", WHO, "response")
    if response.get("data") == []:
        return msg, {}
    return msg, optional_obj(response, "data", WHO, "response") or {}


class SsmsProvider(Provider):
    """Builds form-encoded ssms.su calls and reads the response envelope."""

    spec = SPEC

    def validate(self, call: Call) -> None:
        creds = call.credentials
        if not creds.get("key") and not (creds.get("email") and creds.get("password")):
            raise CredentialsError(
                "ssms.su needs an API key ($SSMS_KEY), or an e-mail and a password ($SSMS_EMAIL, $SSMS_PASSWORD).",
                field="key",
            )

    def build_request(self, call: Call) -> httpx.Request:
        values = dict(call.values)
        method = METHOD_OF[call.channel if call.operation == "send" else call.operation]
        params: dict[str, str] = {"method": method, "format": "json", "api_v": values.pop("api_v", "2.0")}
        creds = call.credentials
        if creds.get("key"):
            params["key"] = creds["key"]
        else:
            params["email"], params["password"] = creds.get("email", ""), creds.get("password", "")
        if "to" in values:
            params["phone"] = values.pop("to")
        code = values.pop("code", "")
        if "text" in values:
            values["text"] = values["text"].replace(CODE_PLACEHOLDER, code)
        params.update(values)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return httpx.Request("POST", call.base_url.rstrip("/") + "/", headers=headers, content=urlencode(params))

    def interpret(self, call: Call, status: int, headers: httpx.Headers, body: bytes) -> Interpretation:
        msg, data = envelope(status, body)
        err = (optional_ident(msg, "err_code", WHO, MSG) or "").strip()  # a string or a number, both documented
        text = optional_text(msg, "text", WHO, MSG) or ""
        if err not in ("0", "") or status >= 400:
            result = self.error_interpretation(err or str(status), text, status)
            if self.spec.lookup_error(err) is None:
                result.meaning = f"ssms.su error {err or status}, not in the console's table: {text}"
            return result
        kind = self.spec.operation(call.operation).kind
        if kind is OperationKind.BALANCE:
            credits = optional_amount(data, "credits", WHO, DATA) or "?"
            currency = optional_text(data, "currency", WHO, DATA) or ""
            return Interpretation(Outcome.OK, f"Credentials valid; balance {credits} {currency}".strip(), data=data)
        if kind is OperationKind.LOOKUP:
            state = optional_ident(data, "state", WHO, DATA) or ""
            words = optional_text(data, "state_text", WHO, DATA) or REPORT_STATES.get(state, f"state {state}")
            return Interpretation(
                Outcome.OK, f"Message {optional_ident(data, 'id', WHO, DATA) or '?'}: {words}", data=data
            )
        return self._sent(call, data, text)

    def _sent(self, call: Call, data: dict[str, Any], text: str) -> Interpretation:
        phone = call.values.get("to", "")
        window = call.values.get("call_protection")
        keys = {"waiting_call_from": optional_text(data, "waiting_call_from", WHO, DATA) or phone}
        number = optional_text(data, "call_to_number", WHO, DATA)
        if number:
            keys["call_to_number"] = number
        out = {k: v for k, v in data.items() if isinstance(v, (str, int, float))}
        if call.channel == "wait_call":
            id_call = optional_ident(data, "id_call", WHO, DATA)
            if not number or not id_call:
                raise ContractError("wait_call answered without call_to_number or id_call.")
            keys["id_call"] = id_call
            seconds = int(window or DEFAULT_WINDOW_S)
            prompt = f"Call +{number} from +{phone} within {seconds} s"
            return Interpretation(
                Outcome.OK,
                prompt,
                request_id=id_call,
                state=VerificationState.PENDING,
                data={**out, "prompt": prompt},
                keys=keys,
                expires_in_s=float(seconds),
            )
        sms_id = optional_ident(data, "id", WHO, DATA) or ""
        parts = optional_amount(data, "n_raw_sms", WHO, DATA) or "?"
        cost = optional_amount(data, "credits", WHO, DATA) or "?"
        message = f"SMS sent: id {sms_id}, {parts} part(s), cost {cost}"
        extra: dict[str, Any] = {}
        if number and window:
            extra["prompt"] = f"Type the code, or call +{number} from +{phone} within {window} s"
            message += f"; or call +{number} within {window} s"
        return Interpretation(
            Outcome.OK,
            message,
            request_id=sms_id or None,
            state=VerificationState.PENDING,
            data={**out, **extra},
            keys=keys,
            expires_in_s=float(window) if window else None,
        )


PROVIDER = SsmsProvider()


# ---------------------------------------------------------------------------------------------- callbacks
def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


class SsmsWebhook(WebhookRule):
    """The incoming-call GET: undocumented, so every parameter is kept and the match names are a setting."""

    provider = "ssms"
    documented = False
    match_params = ("phone", "caller", "from", "number", "id_call")

    def claims(self, incoming: Incoming) -> bool:
        return incoming.method == "GET" and incoming.query_value("id_call") is not None

    def verify(self, incoming: Incoming, secrets: Mapping[str, Sequence[Secret]], now: float) -> SignatureCheck:
        return SignatureCheck.unchecked(
            "ssms.su is not known to sign callbacks: use a hard-to-guess path; the call window is the real control."
        )

    def facts(self, incoming: Incoming, settings: Mapping[str, str]) -> CallbackFacts | None:
        params = incoming.params
        names = self.match_names(settings)
        keys = {name: params[name] for name in names if params.get(name)}
        caller = next((keys[n] for n in names if n != "id_call" and n in keys), "")
        summary = f"incoming call from +{_digits(caller)}" if caller else "incoming call (no caller parameter found)"
        return CallbackFacts("incoming call", summary, keys=keys, undocumented=True)

    def matches(self, verification: Verification, facts: CallbackFacts) -> bool:
        if verification.provider != "ssms" or "call_to_number" not in verification.keys:
            return False
        id_call = facts.keys.get("id_call")
        if id_call and id_call == verification.keys.get("id_call"):
            return True
        wanted = _digits(verification.keys.get("waiting_call_from") or verification.destination)
        return bool(wanted) and any(_digits(v) == wanted for k, v in facts.keys.items() if k != "id_call")

    def apply(self, verification: Verification, facts: CallbackFacts, now: float) -> str:
        if verification.is_final():
            return f"the call came after the verification ended ({verification.state.value}): state kept"
        ends = verification.expires_at
        if ends is None or now <= ends:
            verification.move_to(VerificationState.VERIFIED)
            inside = f" {ends - now:.0f} s before the window closed" if ends is not None else ""
            return f"verified: the expected caller called{inside}"
        verification.move_to(VerificationState.EXPIRED)
        return f"expired: the call came {now - ends:.0f} s after the window closed"


PROVIDER.webhook = SsmsWebhook()
