"""Zadarma's signing rules, one implementation for the provider, its simulator, the listener and the debugger.

API calls: ``http_build_query(ksort(params))`` (PHP encoding, ``format=json`` added), its MD5, HMAC-SHA1 over
path + query + MD5, hex, base64. Callbacks: HMAC-SHA1 over the event's fields, base64 of the hex (PHP SDK) or of
the raw digest (TypeScript SDK). Worked examples: ``shared/providers.md`` section 1.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote_plus


def php_urlencode(value: str) -> str:
    """PHP ``urlencode``: keep ``A-Z a-z 0-9 - _ .``, space to ``+``, every other byte to ``%XX``."""
    return quote_plus(str(value), safe="-_.").replace("~", "%7E")


def build_query(params: Mapping[str, str]) -> str:
    """``http_build_query(ksort($params))``: sorted by key in byte order, PHP-encoded."""
    return "&".join(f"{php_urlencode(k)}={php_urlencode(params[k])}" for k in sorted(params, key=lambda k: k.encode()))


@dataclass(frozen=True, slots=True)
class SignatureSteps:
    """Every intermediate value of a request signature (for tests and the signature debugger)."""

    query: str
    md5_hex: str
    to_sign: str
    hmac_hex: str
    signature: str
    header: str


def sign_request(key: str, secret: str, method_path: str, params: Mapping[str, str]) -> SignatureSteps:
    """Sign an API call: ``format=json`` is added before signing, as every SDK does."""
    query = build_query({**params, "format": "json"})
    md5_hex = hashlib.md5(query.encode()).hexdigest()
    to_sign = method_path + query + md5_hex
    hmac_hex = hmac.new(secret.encode(), to_sign.encode(), hashlib.sha1).hexdigest()
    signature = base64.b64encode(hmac_hex.encode()).decode()
    return SignatureSteps(query, md5_hex, to_sign, hmac_hex, signature, f"{key}:{signature}")


WEBHOOK_FIELDS: dict[str, tuple[str, ...]] = {
    "NOTIFY_START": ("caller_id", "called_did", "call_start"),
    "NOTIFY_INTERNAL": ("caller_id", "called_did", "call_start"),
    "NOTIFY_IVR": ("caller_id", "called_did", "call_start"),
    "NOTIFY_END": ("caller_id", "called_did", "call_start"),
    "NOTIFY_ANSWER": ("caller_id", "destination", "call_start"),
    "NOTIFY_OUT_START": ("internal", "destination", "call_start"),
    "NOTIFY_OUT_END": ("internal", "destination", "call_start"),
    "NOTIFY_RECORD": ("pbx_call_id", "call_id_with_rec"),
}


def webhook_signatures(secret: str, event: str, fields: Mapping[str, str]) -> dict[str, str]:
    """Both encodings of a webhook ``Signature``: ``zadarma-hex-b64`` (PHP SDK) and ``zadarma-raw-b64`` (TS SDK)."""
    names = WEBHOOK_FIELDS.get(event)
    if names is None:
        return {}
    text = "".join(fields.get(name, "") for name in names)
    digest = hmac.digest(secret.encode(), text.encode(), "sha1")  # one-shot, in C: the listener's path
    return {
        "zadarma-hex-b64": base64.b64encode(digest.hex().encode()).decode(),
        "zadarma-raw-b64": base64.b64encode(digest).decode(),
    }
