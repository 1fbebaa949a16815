"""What a provider declares about its callbacks: handshakes, signatures, correlation and state moves.

The listener (``console.listener``) knows no provider: for each request it asks every provider's
:class:`WebhookRule` (``Provider.webhook``) whether it claims the request, answers a handshake if the rule has
one, verifies the signature over the raw bytes, reads the :class:`CallbackFacts` and lets the rule move the
verification the callback belongs to. Simulators use the same rule's :meth:`WebhookRule.sign` to sign the
callbacks they send, so a provider's callback contract lives in one place.
"""

from __future__ import annotations

import enum
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

from console.core.models import Verification
from console.providers.spec import FieldSpec


class Verdict(enum.StrEnum):
    """The signature verdict shown with every callback (never used to drop it)."""

    VALID = "valid"
    INVALID = "invalid"
    ABSENT = "absent"  # the provider signs, but this request carries no signature
    UNCHECKED = "unchecked"  # no rule, no secret configured, or the provider signs nothing


@dataclass(frozen=True)
class Incoming:
    """A request as the listener received it, before any interpretation.

    Attributes:
        query: the query parameters in order (names may repeat).
        headers: the headers in order, names as received.
        body: the raw body bytes, exactly as received (signatures are computed over these).
        form: the parsed form (url-encoded or multipart, text parts only), or None when not a form.
        json: the parsed JSON body, or None when the body is not JSON.
        parse_error: why the body could not be parsed as its content type says, or "".
    """

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    headers: tuple[tuple[str, str], ...]
    body: bytes
    received_at: float
    source: str = ""
    form: Mapping[str, str] | None = None
    json: Any = None
    parse_error: str = ""

    def header(self, name: str) -> str | None:
        """A header's first value, by case-insensitive name."""
        return self._header_values.get(name.lower())

    @cached_property
    def _header_values(self) -> dict[str, str]:
        """Each header's first value by lower-case name (made once: rules look several up per request)."""
        values: dict[str, str] = {}
        for key, value in self.headers:
            values.setdefault(key.lower(), value)
        return values

    def query_value(self, name: str) -> str | None:
        return next((v for k, v in self.query if k == name), None)

    @cached_property
    def params(self) -> dict[str, str]:
        """Query parameters, then form fields (the form wins), first value of each: what GET/POST callbacks carry."""
        values: dict[str, str] = {}
        for key, value in self.query:
            values.setdefault(key, value)
        values.update(self.form or {})
        return values

    @property
    def content_type(self) -> str:
        return (self.header("content-type") or "").split(";")[0].strip().lower()


@dataclass(frozen=True, slots=True)
class Reply:
    """What the listener answers (a handshake, or a configured reply)."""

    status: int = 200
    body: str = ""
    content_type: str = "text/plain"


@dataclass(frozen=True, slots=True)
class Handshake:
    """A handshake request answered by the rule itself (before parsing or verification)."""

    name: str  # e.g. "zd_echo", "hub.challenge"
    reply: Reply
    note: str = ""


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    """The verdict over the raw bytes, which rule matched and, when it failed, expected vs received."""

    verdict: Verdict
    scheme: str = ""
    detail: str = ""

    @classmethod
    def absent(cls, header: str) -> SignatureCheck:
        return cls(Verdict.ABSENT, "", f"No {header} header: the provider signs callbacks, this one is unsigned.")

    @classmethod
    def unchecked(cls, why: str) -> SignatureCheck:
        return cls(Verdict.UNCHECKED, "", why)


@dataclass(slots=True)
class CallbackFacts:
    """What a callback says, in terms the listener and the timeline understand.

    Attributes:
        event: the provider's event name (``NOTIFY_END``, ``whatsapp.message.updated``, ``incoming call``).
        summary: one line for the log pane.
        keys: correlation keys read from the callback (``destination``, ``caller``, ``message_id``, …).
        status: a provider-side status word (``delivered``, ``read``, ``answered``…), shown and used by rules.
        dedupe_key: a provider event id; the same key twice is flagged as a duplicate.
        undocumented: True when no public source documents this callback's shape.
        received_at: when the listener received it (set by the listener).
    """

    event: str
    summary: str
    keys: dict[str, str] = field(default_factory=dict)
    status: str = ""
    dedupe_key: str | None = None
    undocumented: bool = False
    received_at: float = 0.0


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A callback a simulator sends (or the replay action re-sends), relative to the callback URL.

    Attributes:
        query: the query string to append (``"zd_echo=1"``, ``"phone=7967…&id_call=…"``), or "".
        label: what it is, for the log (``NOTIFY_END press 1``).
    """

    method: str
    query: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    label: str = ""


@dataclass(frozen=True, slots=True)
class Secret:
    """One candidate secret and where it came from (``$ZADARMA_SECRET``, ``.env``, ``simulator demo``…)."""

    value: str
    source: str


class WebhookRule:
    """A provider's callback contract. Override what applies; the defaults accept and correlate nothing.

    Attributes:
        provider: the provider id (also the route ``/hooks/<provider>``).
        documented: False when no public source documents the callback (the UI labels such rows).
        secrets: the secrets this rule verifies with (``env_var`` names them for flags, env and .env).
        match_params: names of the parameters used to correlate (a setting where the shape is unknown).
        simulator_secrets: secret name -> the value the provider's simulator signs with.
    """

    provider: str = ""
    documented: bool = True
    secrets: tuple[FieldSpec, ...] = ()
    match_params: tuple[str, ...] = ()
    simulator_secrets: Mapping[str, str] = MappingProxyType({})

    def claims(self, incoming: Incoming) -> bool:
        """Whether a request that arrived outside ``/hooks/<provider>`` belongs to this provider."""
        return False

    def match_names(self, settings: Mapping[str, str]) -> tuple[str, ...]:
        """The parameter names used to correlate: the ``<provider>.match_params`` setting, else the defaults."""
        configured = settings.get(f"{self.provider}.match_params", "")
        names = tuple(n.strip() for n in configured.split(",") if n.strip())
        return names or self.match_params

    def handshake(self, incoming: Incoming, secrets: Mapping[str, Sequence[Secret]]) -> Handshake | None:
        """Answer a URL-validation handshake, or None when this is not one."""
        return None

    def verify(self, incoming: Incoming, secrets: Mapping[str, Sequence[Secret]], now: float) -> SignatureCheck:
        """The signature verdict over ``incoming.body`` as received."""
        return SignatureCheck.unchecked(f"{self.provider} does not sign its callbacks.")

    def facts(self, incoming: Incoming, settings: Mapping[str, str]) -> CallbackFacts | None:
        """What the callback says, or None when it is not one of this provider's callbacks."""
        return None

    def matches(self, verification: Verification, facts: CallbackFacts) -> bool:
        """Whether the callback belongs to ``verification`` (a candidate of this provider, newest first)."""
        return False

    def apply(self, verification: Verification, facts: CallbackFacts, now: float) -> str:
        """Move ``verification`` as the callback says; return a note of what happened (shown in the log)."""
        return ""

    def sign(self, outgoing: Outgoing, secret: str, now: float | None = None) -> Outgoing:
        """``outgoing`` with the provider's signature header added (for simulators and re-signed replays)."""
        return outgoing

    def route_url(self, base: str) -> str:
        """The URL to paste into the provider's settings, given the listener's (or tunnel's) base URL."""
        return f"{base.rstrip('/')}/hooks/{self.provider}"


def compare(expected: str, received: str) -> bool:
    """Constant-time text comparison."""
    return hmac.compare_digest(expected.encode("utf-8", "surrogatepass"), received.encode("utf-8", "surrogatepass"))


def first_valid(
    candidates: Sequence[Secret], received: str, expected_for: Any, scheme_names: Sequence[str] | None = None
) -> SignatureCheck:
    """Try every secret and every scheme; VALID with the scheme and secret source that matched, else INVALID.

    Args:
        candidates: the secrets to try.
        received: the signature as received.
        expected_for: ``secret -> {scheme: expected signature}``.
        scheme_names: restrict to these schemes (all by default).
    """
    if not candidates:
        return SignatureCheck.unchecked("No secret configured to verify with.")
    tried: list[str] = []
    for secret in candidates:
        expected: dict[str, str] = expected_for(secret.value)
        for scheme, value in expected.items():
            if scheme_names is not None and scheme not in scheme_names:
                continue
            if compare(value, received):
                return SignatureCheck(Verdict.VALID, scheme, f"matched {scheme} with the secret from {secret.source}")
            tried.append(f"{scheme} with {secret.source}: expected {value}")
    return SignatureCheck(Verdict.INVALID, "", f"received {received}; " + "; ".join(tried))
