"""A provider module's behaviour: the validated call it is given, the request it builds, what the answer means."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from console.core.models import Outcome, VerificationState
from console.providers.spec import ProviderSpec

if TYPE_CHECKING:
    import httpx

    from console.providers.webhook import WebhookRule


@dataclass(frozen=True, slots=True)
class Call:
    """A validated request: what the provider module turns into HTTP."""

    provider: str
    operation: str
    channel: str
    values: Mapping[str, str]
    credentials: Mapping[str, str]
    base_url: str
    env: str


@dataclass(slots=True)
class Interpretation:
    """What a provider's answer means."""

    outcome: Outcome
    message: str = ""
    error_code: str | None = None
    meaning: str = ""
    hint: str = ""
    request_id: str | None = None
    state: VerificationState | None = None
    data: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)  # correlation keys kept on the verification
    secrets: list[str] = field(default_factory=list)  # values in the answer to mask in the record (a new secret)
    expires_in_s: float | None = None  # the provider's own window (ssms call_protection), else code_ttl_s


class Provider(ABC):
    """A provider module's behaviour: builds the HTTP request and reads the answer.

    Subclasses set ``spec`` and implement :meth:`build_request` and :meth:`interpret`; ``webhook`` describes
    the provider's callbacks (None: the listener only records them).
    """

    spec: ProviderSpec
    webhook: WebhookRule | None = None

    @property
    def id(self) -> str:
        return self.spec.id

    def validate(self, call: Call) -> None:
        """Refuse a call the field rules cannot express (e.g. "a key, or an e-mail and a password").

        Raises:
            InputError: nothing is sent and the reason is shown.
        """
        return None  # by default the field rules say everything

    @abstractmethod
    def build_request(self, call: Call) -> httpx.Request:
        """Build the exact HTTP request for ``call`` (signed, encoded), without sending it."""

    @abstractmethod
    def interpret(self, call: Call, status: int, headers: httpx.Headers, body: bytes) -> Interpretation:
        """Decode the provider's answer; raise ContractError when it is not in the promised shape."""

    def secrets_of(self, call: Call) -> list[str]:
        """Values to redact wherever they appear in the record."""
        secret_names = {f.name for f in self.spec.credentials if f.secret}
        return [v for k, v in call.credentials.items() if k in secret_names and v]

    def error_interpretation(
        self, code: str | None, message: str, status: int | None, outcome: Outcome = Outcome.PROVIDER_ERROR
    ) -> Interpretation:
        """An error Interpretation filled from the provider's error table."""
        entry = self.spec.lookup_error(code, message)
        if entry is None and status is not None:
            entry = self.spec.lookup_error(str(status))
        return Interpretation(
            outcome=outcome,
            message=message,
            error_code=code if code is not None else (entry.code if entry else None),
            meaning=entry.meaning if entry else "Not in the console's table of this provider's errors.",
            hint=entry.hint if entry else "",
        )
