"""The console's own code check, for providers that deliver a code but do not check it (WhatsApp, voice OTP).

Only a salted hash of the code is kept (on the verification, so in history too), never the code itself. A code
expires with its verification's window, allows a limited number of wrong attempts, and cannot be used twice.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass

from console.core.check_outcomes import (
    ALREADY_VERIFIED,
    EXPIRED,
    TOO_MANY_ATTEMPTS,
    VERIFICATION_FAILED,
    WRONG_CODE,
)
from console.core.errors import InputError
from console.core.models import Verification, VerificationState

DEFAULT_MAX_ATTEMPTS = 5
SALT_KEY, HASH_KEY, ATTEMPTS_KEY, MAX_KEY = "code_salt", "code_sha256", "attempts", "max_attempts"


def _digest(salt: str, code: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + code.encode()).hexdigest()


def remember_code(verification: Verification, code: str, max_attempts: int = DEFAULT_MAX_ATTEMPTS) -> None:
    """Keep a salted hash of ``code`` on the verification (and forget the code itself)."""
    salt = os.urandom(16).hex()
    verification.keys.update(
        {SALT_KEY: salt, HASH_KEY: _digest(salt, code), ATTEMPTS_KEY: "0", MAX_KEY: str(max_attempts)}
    )
    verification.code = None


def checks_locally(verification: Verification) -> bool:
    return HASH_KEY in verification.keys


@dataclass(frozen=True, slots=True)
class Verdict:
    """The local check's answer: ok, a code of :mod:`console.core.check_outcomes`, a message, tries left."""

    ok: bool
    error_code: str | None
    message: str
    attempts_left: int | None = None


def check_code(verification: Verification, code: str, now: float) -> Verdict:
    """Check ``code`` and move the verification (verified, expired, failed); counts wrong attempts."""
    keys = verification.keys
    attempts, allowed = int(keys.get(ATTEMPTS_KEY, "0")), int(keys.get(MAX_KEY, str(DEFAULT_MAX_ATTEMPTS)))
    if verification.state is VerificationState.VERIFIED:
        return Verdict(False, ALREADY_VERIFIED, "This code was already used: the verification is verified.")
    if attempts >= allowed:
        return Verdict(False, TOO_MANY_ATTEMPTS, f"Locked after {allowed} wrong codes.", 0)
    if verification.state is VerificationState.FAILED:
        return Verdict(False, VERIFICATION_FAILED, "This verification failed; there is nothing left to check.")
    if verification.expire_if_due(now) or verification.state is VerificationState.EXPIRED:
        return Verdict(False, EXPIRED, "The code has expired.")
    if hmac.compare_digest(_digest(keys[SALT_KEY], code.strip()), keys[HASH_KEY]):
        verification.move_to(VerificationState.VERIFIED)
        return Verdict(True, None, "Code is correct (checked by the console).", allowed - attempts)
    attempts += 1
    keys[ATTEMPTS_KEY] = str(attempts)
    left = allowed - attempts
    if left == 0:
        verification.move_to(VerificationState.FAILED)
        return Verdict(False, WRONG_CODE, f"Wrong code; locked after {allowed} wrong codes.", 0)
    return Verdict(False, WRONG_CODE, f"Wrong code; {left} attempt{'s' if left != 1 else ''} left.", left)


def generate_code(length: int = 6) -> str:
    """A one-time code of ``length`` digits (4 to 8) from the ``secrets`` module.

    Raises:
        InputError: a length outside 4 to 8.
    """
    if not 4 <= length <= 8:
        raise InputError(f"A code has 4 to 8 digits, not {length}.")
    return f"{secrets.randbelow(10**length):0{length}d}"
