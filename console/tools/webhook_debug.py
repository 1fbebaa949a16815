"""A callback's signature checked by hand: paste the raw body, the headers and a secret; see every rule tried."""

from __future__ import annotations

import time
from collections.abc import Mapping

from console.providers import webhook_rules
from console.providers.webhook import Incoming, Secret, SignatureCheck
from console.providers.webhook_body import parse_body


def check_webhook(
    provider: str, body: bytes, headers: Mapping[str, str], secret: str, query: str = "", now: float | None = None
) -> SignatureCheck:
    """The verdict of ``provider``'s rule over these exact bytes, with ``secret`` as the only candidate.

    Raises:
        KeyError: the provider has no callback rule.
    """
    rule = webhook_rules()[provider]
    raw_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    form, parsed, error = parse_body(raw_type.split(";")[0].strip().lower(), raw_type, body)
    pairs = tuple((k, v) for k, _, v in (p.partition("=") for p in query.split("&") if p))
    incoming = Incoming(
        "POST",
        f"/hooks/{provider}",
        pairs,
        tuple(headers.items()),
        body,
        time.time() if now is None else now,
        form=form,
        json=parsed,
        parse_error=error,
    )
    secrets = {fld.name: [Secret(secret, "pasted")] for fld in rule.secrets}
    return rule.verify(incoming, secrets, incoming.received_at)
