"""Masking of secrets in everything the console records, shows or exports."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from console.core.models import Exchange

MASK = "••••"


def mask(value: str) -> str:
    """Keep just enough of a secret to recognise it: ``test…01`` for long values, ``••••`` otherwise."""
    if len(value) >= 12:
        return f"{value[:4]}{MASK}{value[-2:]}"
    return MASK


def redact_text(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of each secret (longest first) with its mask."""
    for secret in sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, mask(secret))
    return text


def redact_headers(
    headers: Iterable[tuple[str, str]], secrets: Iterable[str], sensitive: Iterable[str] = ()
) -> tuple[tuple[str, str], ...]:
    """Redact header values: known secrets anywhere, and sensitive headers entirely beyond a prefix."""
    secret_list = list(secrets)
    sensitive_names = {name.lower() for name in sensitive}
    out = []
    for name, value in headers:
        if name.lower() in sensitive_names:
            scheme, _, rest = value.partition(" ")
            value = f"{scheme} {mask(rest)}" if rest and scheme.lower() in {"bearer", "basic"} else mask(value)
        else:
            value = redact_text(value, secret_list)
        out.append((name, value))
    return tuple(out)


def without_code(exchange: Exchange, code: str) -> Exchange:
    """The exchange with ``code`` replaced wherever it stands alone (bodies, URL, fields, message).

    For history, when the setting keeps codes out of it (the console's own check keeps only a salted hash, so it
    is unaffected).
    """
    if not code:
        return exchange
    pattern = re.compile(rf"(?<!\d){re.escape(code)}(?!\d)")
    hidden = "•" * len(code)

    def clean(text: str) -> str:
        return pattern.sub(hidden, text)

    return dataclasses.replace(
        exchange,
        url=clean(exchange.url),
        request_body=clean(exchange.request_body),
        response_body=clean(exchange.response_body),
        message=clean(exchange.message),
        fields=tuple((k, clean(v)) for k, v in exchange.fields),
    )
