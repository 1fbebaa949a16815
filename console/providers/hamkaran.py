"""Hamkaran cloud telephony voice OTP: multipart ``dest``/``src``/``otp`` with a ``key`` header.

Contract: ``shared/providers.md`` section 5. Any 2xx is success and the body is shown whatever it is; a bad
key is 401/403 or a body saying "Access denied". Uncertain, and so a choice: the destination's form
(``09…`` as the brief shows, or without the leading 0 as third-party code sends). No webhook: whether the call
was answered is in the day's ``GET /reports``.
"""

from __future__ import annotations

import datetime as dt
import re

import httpx

from console.core.models import Outcome, VerificationState
from console.core.phones import PhoneStyle, normalize_phone
from console.providers._answers import json_object, objects, optional_amount, optional_obj, optional_text
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

ERRORS = (
    ErrorCode(
        "bad_key",
        "Access denied: the key is wrong or lacks access.",
        "Check HCP_KEY.",
        pattern="access denied",
        kind="auth",
    ),
    ErrorCode("401", "Access denied: the key is wrong or lacks access.", "Check HCP_KEY.", kind="auth"),
    ErrorCode("403", "Access denied: the key is wrong or lacks access.", "Check HCP_KEY.", kind="auth"),
    ErrorCode("404", "No such endpoint.", "Check the base URL (…/api/hamkaran/v1)."),
    ErrorCode("422", "A field was refused.", "Read the body: it names the field (dest, src or otp)."),
    ErrorCode("429", "Too many OTP requests.", "Slow down; Hamkaran advises a rate limit per number."),
    ErrorCode("500", "Hamkaran's server failed.", "Retry later."),
)

SPEC = ProviderSpec(
    id="hamkaran",
    label="Hamkaran (voice OTP)",
    summary="A call that speaks the code from your line; multipart dest/src/otp with a key header.",
    docs_url="https://hamkaran.cloud",
    credentials=(FieldSpec("key", "API key", FieldKind.SECRET, required=True, secret=True, env_var="HCP_KEY"),),
    channels=(
        Channel(
            "voice",
            "Voice call speaking the code",
            (
                FieldSpec(
                    "dest",
                    "Destination",
                    FieldKind.PHONE,
                    required=True,
                    placeholder="09123456789",
                    help="Without + it is read as Iranian.",
                    role=FieldRole.DESTINATION,
                ),
                FieldSpec(
                    "src",
                    "Your line (src)",
                    FieldKind.DIGITS,
                    required=True,
                    default="2192003513",
                    help="The line or PBX number the call comes from.",
                ),
                FieldSpec(
                    "otp",
                    "Code",
                    FieldKind.DIGITS,
                    pattern=r"\d{4,6}",
                    pattern_message="4 to 6 digits",
                    help="Empty: the console generates one and checks it itself.",
                    role=FieldRole.CODE,
                    generated=True,
                ),
                FieldSpec(
                    "dest_format",
                    "Destination form",
                    FieldKind.CHOICE,
                    default="national",
                    choices=(
                        ("national", "09123456789 (the brief)"),
                        ("no_zero", "9123456789: strip leading 0 (third-party code)"),
                        ("international", "989123456789 (untested)"),
                    ),
                ),
            ),
            help="A call from your line (src) that speaks the code to the destination.",
        ),
    ),
    operations=(
        Operation(
            "send",
            "Call with the code",
            OperationKind.SEND,
            help="POST /send-otp (multipart); any 2xx is success.",
            path="/send-otp",
        ),
        Operation("balance", "Test credentials (balance)", OperationKind.BALANCE, path="/balance/get"),
        Operation(
            "reports",
            "Today's call report",
            OperationKind.LOOKUP,
            help="GET /reports for today: was the OTP call answered?",
            method="GET",
            path="/reports",
        ),
    ),
    errors=ERRORS,
    environments=(
        Environment("live", "Live (api.hamkaran.cloud)", "https://api.hamkaran.cloud/api/hamkaran/v1", live=True),
    ),
    home_region="IR",
    phone_style=PhoneStyle.E164_PLUS,
    home_only=True,
    sensitive_headers=("key",),
    simulator_credentials={"key": "sim_hamkaran_key"},
    simulator_prefix="/api/hamkaran/v1",
    code_checker=CodeChecker.CONSOLE,
    code_length=5,
    notes=("The destination's form (a choice) and send-otp's answer (shown as it comes).",),
)
STYLES = {
    "national": PhoneStyle.NATIONAL,
    "no_zero": PhoneStyle.NATIONAL_NO_ZERO,
    "international": PhoneStyle.E164_DIGITS,
}


WHO = "Hamkaran"


class HamkaranProvider(Provider):
    """Builds the multipart send, the balance and report calls; reads any 2xx as success."""

    spec = SPEC

    def build_request(self, call: Call) -> httpx.Request:
        headers = {"key": call.credentials.get("key", "")}
        base = call.base_url.rstrip("/")
        if call.operation == "balance":
            return httpx.Request("POST", base + "/balance/get", headers=headers, json={})
        if call.operation == "reports":
            today = dt.date.today().isoformat()
            return httpx.Request("GET", f"{base}/reports?datefrom={today}&dateto={today}&page=1", headers=headers)
        v = call.values
        dest = normalize_phone(v["dest"], STYLES.get(v.get("dest_format", "national"), PhoneStyle.NATIONAL), "IR")
        files = {"dest": (None, dest), "src": (None, v["src"]), "otp": (None, v.get("otp", ""))}
        return httpx.Request("POST", base + "/send-otp", headers=headers, files=files)

    def interpret(self, call: Call, status: int, headers: httpx.Headers, body: bytes) -> Interpretation:
        text = body.decode("utf-8", errors="replace")
        denied = re.search("access denied", text, re.IGNORECASE)
        if status in (401, 403) or denied or status >= 400:
            code = "bad_key" if denied and status < 400 else str(status)
            return self.error_interpretation(code, text.strip()[:300] or f"HTTP {status}", status)
        if call.operation == "balance":
            data = optional_obj(json_object(status, body, WHO), "data", WHO)
            balance = optional_amount(data, "balance", WHO, "data") if data is not None else None
            said = f"Credentials valid; balance {balance}" if balance is not None else "Credentials valid"
            return Interpretation(Outcome.OK, said, data={"body": text[:2000]})
        if call.operation == "reports":
            data = optional_obj(json_object(status, body, WHO), "data", WHO)
            rows = objects(data, "rows", WHO, "data") if data is not None else []
            lines = [
                " ".join(
                    optional_text(row, name, WHO, f"data.rows.{index}") or "" for name in ("time", "exten", "status")
                )
                for index, row in enumerate(rows)
            ]
            summary = f"{len(lines)} calls today" + (f"; last: {lines[-1]}" if lines else "")
            return Interpretation(Outcome.OK, summary, data={"calls": len(lines)})
        # send-otp: any 2xx is success, its body (not documented) shown as it came and never read
        shown = text.strip()[:200] or "(empty body)"
        return Interpretation(
            Outcome.OK,
            f"Accepted (HTTP {status}): {shown}",
            state=VerificationState.PENDING,
            data={"body": text[:2000]},
        )


PROVIDER = HamkaranProvider()
