"""What a code check ended with, in the same words for every provider and whoever checked the code.

A wrong code is ``wrong_code``; a check of a verification that is over is ``rejected`` with why (already
verified, expired, locked after too many wrong codes, failed); a check of a verification nobody knows is
``refused`` with ``unknown_verification`` (nothing was checked).
"""

from __future__ import annotations

from console.core.models import Outcome, Verification, VerificationState

WRONG_CODE = "wrong_code"
ALREADY_VERIFIED = "already_verified"
EXPIRED = "expired"
TOO_MANY_ATTEMPTS = "too_many_attempts"
VERIFICATION_FAILED = "verification_failed"
UNKNOWN_VERIFICATION = "unknown_verification"

MEANINGS = {
    WRONG_CODE: ("The code does not match the one sent.", "Check the digits; each wrong try counts."),
    ALREADY_VERIFIED: ("This verification is already verified: a code works only once.", "Send a new code."),
    EXPIRED: ("The verification's window has closed.", "Send a new code."),
    TOO_MANY_ATTEMPTS: ("Too many wrong codes: this verification is locked.", "Send a new code."),
    VERIFICATION_FAILED: ("This verification already failed (see its timeline).", "Send a new code."),
    UNKNOWN_VERIFICATION: (
        "No such verification: nothing was checked.",
        "Send a code first, or name the verification (--verification ID) or the provider's request id.",
    ),
}


def outcome_of(error_code: str) -> Outcome:
    """The outcome of a check that ended with ``error_code`` (one of the codes above)."""
    if error_code == WRONG_CODE:
        return Outcome.WRONG_CODE
    if error_code == UNKNOWN_VERIFICATION:
        return Outcome.REFUSED
    return Outcome.REJECTED


def why_over(verification: Verification) -> str:
    """Why a check of this verification cannot succeed, now that it has ended (or "" while it is open)."""
    if verification.state is VerificationState.VERIFIED:
        return ALREADY_VERIFIED
    if verification.state is VerificationState.EXPIRED:
        return EXPIRED
    if verification.state is VerificationState.FAILED:
        return VERIFICATION_FAILED
    return ""
