"""What a failed call means in words: network failures, and the credential check's one-phrase verdict."""

from __future__ import annotations

from collections.abc import Mapping

from console.core.models import Outcome
from console.providers.provider import Interpretation, Provider

TRANSPORT_MEANINGS = {
    "timeout": "No answer within the timeout: the server is slow or unreachable.",
    "connect": "Nothing accepted the connection: wrong host or port, server down, or a firewall.",
    "tls": "The TLS handshake failed: certificate, CA bundle or protocol mismatch.",
    "dropped": "The server closed the connection before answering.",
    "proxy": "The proxy refused or failed the request.",
}


def credential_verdict(
    provider: Provider, interp: Interpretation, status: int | None, used: Mapping[str, str] | None = None
) -> str:
    """What a credential check says in one phrase: valid, wrong key, wrong secret, no balance, network failure.

    A refusal names the credential when it can: the provider's error blames one (Vbee's 1201 is the key, its
    401 the secret), or only one credential was sent (a single API key). Otherwise "wrong key or secret".
    """
    if interp.outcome is Outcome.OK:
        return "valid"
    if interp.outcome is Outcome.TRANSPORT_ERROR:
        return "network failure"
    if interp.outcome is Outcome.CONTRACT_ERROR:
        return "unexpected answer (not the provider's API?)"
    entry = provider.spec.lookup_error(interp.error_code)
    if entry is not None and entry.kind == "money":
        return "no balance"
    if (entry is not None and entry.kind == "auth") or status in (401, 403):
        labels = {f.name: f.label for f in provider.spec.credentials}
        secret = {f.name for f in provider.spec.credentials if f.secret}
        sent = [name for name, value in (used or {}).items() if value and name in secret]
        blamed = entry.credential if entry is not None and entry.credential in labels else ""
        blamed = blamed or (sent[0] if len(sent) == 1 else "")
        if blamed in labels:
            label = labels[blamed]
            return f"wrong {label if label[:2].isupper() else label[:1].lower() + label[1:]}"
        return "wrong key or secret"
    return "refused by the provider"
