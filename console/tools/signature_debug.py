"""Why does my Zadarma signature not match? Every step of the official algorithm, and where a header differs.

Given the call (path and parameters) and the credentials, :func:`explain` lists the steps: the sorted,
PHP-encoded parameter string, its MD5, the string signed, the HMAC-SHA1 hex, its base64, the header. Given a
header produced by the user's own code, it says at which step that header parts ways, by recomputing with the
usual mistakes (no ``format=json``, unsorted parameters, RFC 3986 encoding, base64 of the raw digest, a missing
MD5, another path) until one matches.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from console.providers.zadarma.signing import build_query, sign_request


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the computation and, when a header was pasted, whether it agrees there."""

    name: str
    value: str
    agrees: bool | None = None


@dataclass(frozen=True, slots=True)
class Explanation:
    """The steps, and the verdict on a pasted header (empty when none was pasted)."""

    steps: tuple[Step, ...]
    verdict: str = ""
    matches: bool | None = None


def _hmac_b64(secret: str, text: str, raw: bool = False) -> str:
    digest = hmac.new(secret.encode(), text.encode(), hashlib.sha1)
    return base64.b64encode(digest.digest() if raw else digest.hexdigest().encode()).decode()


def _variants(secret: str, path: str, params: Mapping[str, str]) -> list[tuple[str, str]]:
    """(mistake, signature it produces): the usual ways a hand-written signer goes wrong."""
    with_format = {**params, "format": "json"}
    ordered = build_query(with_format)
    unsorted = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in with_format.items())
    rfc3986 = "&".join(f"{quote(k, safe='-_.~')}={quote(with_format[k], safe='-_.~')}" for k in sorted(with_format))
    plain = urlencode(sorted(with_format.items()))
    no_format = build_query(dict(params))

    def signed(query: str) -> str:
        return path + query + hashlib.md5(query.encode()).hexdigest()

    mistakes: list[tuple[str, Callable[[], str]]] = [
        ("base64 of the raw 20-byte digest instead of the hex text", lambda: _hmac_b64(secret, signed(ordered), True)),
        ("format=json was not added before signing", lambda: _hmac_b64(secret, signed(no_format))),
        ("parameters were not sorted by key", lambda: _hmac_b64(secret, signed(unsorted))),
        (
            "RFC 3986 encoding (%20, ~ kept) instead of PHP urlencode (+, %7E)",
            lambda: _hmac_b64(secret, signed(rfc3986)),
        ),
        ("Python urlencode instead of PHP urlencode (~ and * differ)", lambda: _hmac_b64(secret, signed(plain))),
        ("the MD5 of the query was not appended", lambda: _hmac_b64(secret, path + ordered)),
        (
            "the path was left out of the string signed",
            lambda: _hmac_b64(secret, ordered + hashlib.md5(ordered.encode()).hexdigest()),
        ),
        (
            "the path lacks its trailing slash",
            lambda: _hmac_b64(secret, signed(ordered).replace(path, path.rstrip("/"), 1)),
        ),
    ]
    return [(name, make()) for name, make in mistakes]


def explain(key: str, secret: str, path: str, params: Mapping[str, str], pasted: str = "") -> Explanation:
    """The signing steps for this call; with ``pasted`` (``KEY:SIGNATURE``), where that header differs."""
    steps = sign_request(key, secret, path, params)
    rows = [
        Step("1. parameters, format=json added, sorted, PHP-encoded", steps.query),
        Step("2. MD5 of that string", steps.md5_hex),
        Step("3. string signed: path + parameters + MD5", steps.to_sign),
        Step("4. HMAC-SHA1 with the secret, as hex", steps.hmac_hex),
        Step("5. base64 of the hex text", steps.signature),
        Step("6. Authorization header", steps.header),
    ]
    if not pasted:
        return Explanation(tuple(rows))
    their_key, sep, their_signature = pasted.strip().removeprefix("Authorization:").strip().partition(":")
    if not sep:
        return Explanation(tuple(rows), "The pasted header is not KEY:SIGNATURE.", False)
    if their_key != key:
        return Explanation(tuple(rows), f"The key differs: {their_key!r} instead of {key!r}.", False)
    if hmac.compare_digest(their_signature, steps.signature):
        agreed = tuple(Step(r.name, r.value, True) for r in rows)
        return Explanation(agreed, "The pasted header matches: this call is signed correctly.", True)
    try:
        decoded = base64.b64decode(their_signature, validate=True)
    except (binascii.Error, ValueError):
        return Explanation(tuple(rows), "The signature is not base64 (step 5).", False)
    for mistake, produced in _variants(secret, path, params):
        if hmac.compare_digest(their_signature, produced):
            return Explanation(tuple(rows), f"It matches when {mistake}: fix that step.", False)
    hex_like = decoded.decode("ascii", errors="replace")
    detail = "a 40-character hex text" if len(hex_like) == 40 else f"{len(decoded)} bytes"
    return Explanation(
        tuple(rows),
        f"No known mistake reproduces it (its base64 decodes to {detail}): check the secret and the exact "
        "parameter values, compared with step 1.",
        False,
    )
