"""Vbee's JWT, inspected: decoded, ``iat`` as a date with the clock skew, verified, or minted for a code.

pyjwt throughout; a token is decoded without trust first, so a broken one is still explained.
"""

from __future__ import annotations

import datetime as dt
import time
import warnings
from dataclasses import dataclass, field
from typing import Any

import jwt
from jwt.warnings import InsecureKeyLengthWarning

from console.providers.vbee import mint

SKEW_WARNING_S = 300


@dataclass(slots=True)
class Inspection:
    """What a token says, and what is wrong with it."""

    header: dict[str, Any] = field(default_factory=dict)
    claims: dict[str, Any] = field(default_factory=dict)
    issued: str = ""
    skew_s: float | None = None
    signature: str = "unchecked"  # valid | invalid | unchecked
    problems: list[str] = field(default_factory=list)


def inspect(token: str, secret: str = "", api_key: str = "", now: float | None = None) -> Inspection:
    """Decode ``token`` without trusting it, then check it as Vbee would (HS256, apiKey, otpCode, iat)."""
    now = time.time() if now is None else now
    found = Inspection()
    token = token.strip().removeprefix("Bearer ").strip()
    try:
        found.header = jwt.get_unverified_header(token)
        found.claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        found.problems.append(f"Not a JWT: {exc}")
        return found
    if found.header.get("alg") != "HS256":
        found.problems.append(f"alg is {found.header.get('alg')!r}; Vbee expects HS256.")
    for claim in ("apiKey", "otpCode", "iat"):
        if claim not in found.claims:
            found.problems.append(f"The {claim} claim is missing.")
    iat = found.claims.get("iat")
    if isinstance(iat, (int, float)):
        found.issued = dt.datetime.fromtimestamp(iat, dt.UTC).isoformat()
        found.skew_s = now - iat
        if abs(found.skew_s) > SKEW_WARNING_S:
            found.problems.append(f"iat is {found.skew_s:+.0f} s from now: a stale token or a clock off.")
    if api_key and found.claims.get("apiKey") != api_key:
        found.problems.append("apiKey is not the configured key.")
    if "otpCode" in found.claims and not str(found.claims["otpCode"]).isdigit():
        found.problems.append("otpCode is not digits.")
    if secret:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", InsecureKeyLengthWarning)
                jwt.decode(token, secret, algorithms=["HS256"], options={"verify_iat": False})
            found.signature = "valid"
        except jwt.InvalidSignatureError:
            found.signature = "invalid"
            found.problems.append("The signature does not match this secret (VBEE_API_SECRET).")
        except jwt.PyJWTError as exc:
            found.signature = "invalid"
            found.problems.append(f"Rejected: {exc}")
    return found


def mint_for(api_key: str, secret: str, code: str, now: float | None = None) -> str:
    """A token for ``code``, exactly as the console sends it."""
    return mint(api_key, secret, code, now)
