"""The console's own code check as a recorded exchange (providers that deliver a code but do not check it)."""

from __future__ import annotations

import copy
import time
from collections.abc import Mapping
from typing import Any

from console.core.local_verifier import MEANINGS, check_code
from console.core.models import Exchange, Outcome, Verification, new_id
from console.core.verifications import VerificationBook


def check_and_record(
    book: VerificationBook, found: Verification, code: str, base: Mapping[str, Any]
) -> tuple[Exchange, Verification]:
    """Check ``code`` against ``found`` (moving it in the book) and return the record and a snapshot."""
    xid = new_id("x")
    with book.edit(found) as live:
        verdict = check_code(live, code, time.time())
        live.exchange_ids.append(xid)
        live.updated_at = time.time()
        snapshot = copy.deepcopy(live)
    meaning, hint = MEANINGS.get(verdict.error_code or "", ("", ""))
    exchange = Exchange(
        id=xid,
        seq=0,
        method="",
        url="",
        request_headers=(),
        request_body="",
        outcome=Outcome.OK if verdict.ok else Outcome.PROVIDER_ERROR,
        error_code=verdict.error_code,
        meaning=meaning,
        hint=hint,
        message=verdict.message,
        verification_id=found.id,
        request_id=found.request_id,
        fields=(("code", "•" * len(code)),),
        notes=(("checked by", "the console (salted SHA-256 of the code sent; no code is stored)"),),
        **base,
    )
    return exchange, snapshot
