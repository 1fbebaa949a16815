"""Code checks as records, with the same outcomes whoever checks: the console itself, or the provider."""

from __future__ import annotations

import copy
import dataclasses
import time
from collections.abc import Mapping
from typing import Any

from console.core import check_outcomes as co
from console.core.local_verifier import check_code
from console.core.models import Exchange, Outcome, Verification, new_id
from console.core.verifications import VerificationBook
from console.providers.spec import ProviderSpec

CONSOLE, PROVIDER = "console", "provider"


def check_locally(
    book: VerificationBook, found: Verification, code_field: str, code: str, base: Mapping[str, Any]
) -> tuple[Exchange, Verification]:
    """Check ``code`` against ``found`` (moving it in the book); return the record and a snapshot.

    The record keeps the code masked, under the check's ``code_field``.
    """
    xid = new_id("x")
    with book.edit(found) as live:
        verdict = check_code(live, code, time.time())
        live.exchange_ids.append(xid)
        live.updated_at = time.time()
        snapshot = copy.deepcopy(live)
    meaning, hint = co.MEANINGS.get(verdict.error_code or "", ("", ""))
    exchange = Exchange(
        id=xid,
        seq=0,
        method="",
        url="",
        request_headers=(),
        request_body="",
        outcome=Outcome.OK if verdict.ok else co.outcome_of(verdict.error_code or ""),
        error_code=verdict.error_code,
        meaning=meaning,
        hint=hint,
        message=verdict.message,
        verification_id=found.id,
        request_id=found.request_id,
        attempts_left=verdict.attempts_left,
        verified_at=snapshot.end_time if verdict.error_code == co.ALREADY_VERIFIED else None,
        fields=((code_field, "•" * len(code)),),
        notes=(("checked by", "the console (salted SHA-256 of the code sent; no code is stored)"),),
        **{**base, "destination": found.destination, "channel": found.channel, "checked_by": CONSOLE},
    )
    return exchange, snapshot


def in_common_words(exchange: Exchange, spec: ProviderSpec, found: Verification | None) -> Exchange:
    """A provider's refusal of a check, said as every check says it (the provider's own code kept beside).

    A code the provider says is wrong is ``wrong_code``; "no such verification" from the provider means, by
    what the console knows of it: already verified, expired, or unknown.
    """
    entry = spec.lookup_error(exchange.error_code, exchange.message)
    if exchange.outcome is not Outcome.PROVIDER_ERROR or entry is None or entry.kind not in ("wrong_code", "gone"):
        return exchange
    if entry.kind == "wrong_code":
        code = co.WRONG_CODE
    elif found is None:
        code = co.UNKNOWN_VERIFICATION
    else:
        code = co.why_over(found) or co.EXPIRED
    meaning, hint = co.MEANINGS[code]
    return dataclasses.replace(
        exchange,
        outcome=Outcome.WRONG_CODE if code == co.WRONG_CODE else Outcome.REJECTED,
        error_code=code,
        provider_error_code=exchange.error_code or entry.code,
        meaning=meaning,
        hint=hint,
        verified_at=found.end_time if found is not None and code == co.ALREADY_VERIFIED else None,
    )
