"""Declarative provider descriptions: fields, channels, operations, environments and error tables.

The GUI form and the CLI options are both generated from a :class:`ProviderSpec`; a provider module adds
only the odd parts (signing, token minting, body shape, answer decoding) by subclassing :class:`Provider`.
"""

from __future__ import annotations

import enum
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from console.core.models import Outcome, VerificationState
from console.core.phones import PhoneStyle

if TYPE_CHECKING:
    import httpx

    from console.providers.webhook import WebhookRule


class FieldKind(enum.StrEnum):
    """What a field holds; decides the widget, the CLI help and the validation."""

    TEXT = "text"
    MULTILINE = "multiline"
    PHONE = "phone"
    EMAIL = "email"
    DIGITS = "digits"
    INTEGER = "integer"
    NUMBER = "number"
    CHOICE = "choice"
    BOOL = "bool"
    SECRET = "secret"


class OperationKind(enum.StrEnum):
    """What an operation does, so both faces know how to present its result."""

    SEND = "send"
    CHECK = "check"
    BALANCE = "balance"
    LOOKUP = "lookup"
    SETUP = "setup"  # configures the provider's account, e.g. registers the listener's URL


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One input: a request parameter or a credential.

    Attributes:
        name: the provider's own parameter name (also the CLI's ``--field`` key and ``--<name>`` flag).
        choices: allowed values as (value, label) pairs; for CHOICE fields.
        choices_from: id of a LOOKUP operation whose result offers values (e.g. Zadarma's sound list).
        pattern: a regex the value must match in full, with ``pattern_message`` saying what is expected.
        env_var: for credentials, the environment variable that supplies it.
    """

    name: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    required: bool = False
    default: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    choices_from: str | None = None
    help: str = ""
    secret: bool = False
    pattern: str | None = None
    pattern_message: str = ""
    placeholder: str = ""
    env_var: str | None = None

    def choice_values(self) -> tuple[str, ...]:
        return tuple(value for value, _ in self.choices)

    def env_name(self, provider_id: str) -> str:
        """The environment variable that supplies this credential, e.g. ``ZADARMA_SECRET``."""
        return self.env_var or f"{provider_id.upper()}_{self.name.upper()}"


@dataclass(frozen=True, slots=True)
class Channel:
    """A way the code travels (sms, voice call, e-mail…), with the fields that apply to it."""

    id: str
    label: str
    fields: tuple[FieldSpec, ...]
    help: str = ""


@dataclass(frozen=True, slots=True)
class Operation:
    """Something the user can do: send on a channel, check a code, test credentials, look up values."""

    id: str
    label: str
    kind: OperationKind
    fields: tuple[FieldSpec, ...] = ()
    help: str = ""
    method: str = "POST"
    path: str = ""


LOCAL = "LOCAL"  # Operation.method of operations the console carries out itself, without HTTP
LOCAL_CHECK = Operation(
    "check",
    "Check code (local)",
    OperationKind.CHECK,
    fields=(
        FieldSpec(
            "code",
            "Code received",
            FieldKind.DIGITS,
            required=True,
            help="The code the user received; the console checks it against a salted hash of the code it sent.",
        ),
    ),
    help="This provider does not check codes: the console does, for the latest pending verification "
    "(or the one you pick). Codes expire with the verification, allow 5 wrong tries, and work once.",
    method=LOCAL,
)


@dataclass(frozen=True, slots=True)
class ErrorCode:
    """A provider error and what it means; ``pattern`` matches a message when the provider has no code."""

    code: str
    meaning: str
    hint: str = ""
    pattern: str | None = None
    kind: str = ""  # "auth" (wrong key or secret) or "money" (no balance): the credential check's verdict
    credential: str = ""  # with "auth": the one credential this error blames, when the provider tells them apart


@dataclass(frozen=True, slots=True)
class Environment:
    """A named target: the built-in simulator, the live API, a sandbox."""

    id: str
    label: str
    base_url: str = ""
    live: bool = False


SIMULATOR = Environment("simulator", "Simulator", "", live=False)


@dataclass(frozen=True, slots=True)
class ProviderSpec:
    """Everything the console knows about one provider, declared once."""

    id: str
    label: str
    summary: str
    docs_url: str
    credentials: tuple[FieldSpec, ...]
    operations: tuple[Operation, ...]
    channels: tuple[Channel, ...] = ()
    errors: tuple[ErrorCode, ...] = ()
    environments: tuple[Environment, ...] = ()
    home_region: str | None = None
    home_only: bool = False  # the provider calls numbers of its home region only (refused before sending)
    phone_style: PhoneStyle = PhoneStyle.E164_PLUS
    sensitive_headers: tuple[str, ...] = ()
    simulator_credentials: Mapping[str, str] = field(default_factory=dict)
    simulator_prefix: str = ""
    code_ttl_s: int = 600
    notes: tuple[str, ...] = ()
    code_field: str | None = None  # the field that carries the OTP (``code``, ``otp``…); ``--code`` sets it
    console_code: bool = False  # the console generates the code when the field is empty (and checks it locally)
    code_length: int = 6
    transport_hints: Mapping[str, str] = field(default_factory=dict)  # e.g. "tls" -> which other host to try

    def __post_init__(self) -> None:
        """Providers whose codes the console generates get the console's local check as an operation."""
        if self.console_code and not any(op.kind is OperationKind.CHECK for op in self.operations):
            object.__setattr__(self, "operations", (*self.operations, LOCAL_CHECK))

    def operation(self, op_id: str) -> Operation:
        for op in self.operations:
            if op.id == op_id:
                return op
        raise KeyError(f"{self.id} has no operation {op_id!r}; it has {', '.join(self.operation_ids())}")

    def operation_ids(self) -> tuple[str, ...]:
        return tuple(op.id for op in self.operations)

    def channel(self, channel_id: str) -> Channel:
        for ch in self.channels:
            if ch.id == channel_id:
                return ch
        raise KeyError(f"{self.id} has no channel {channel_id!r}; it has {', '.join(self.channel_ids())}")

    def channel_ids(self) -> tuple[str, ...]:
        return tuple(ch.id for ch in self.channels)

    def all_environments(self) -> tuple[Environment, ...]:
        """The simulator first (the default), then the provider's own environments, then custom."""
        return (SIMULATOR, *self.environments)

    def environment(self, env_id: str) -> Environment:
        for env in self.all_environments():
            if env.id == env_id:
                return env
        raise KeyError(env_id)

    def fields_for(self, op_id: str, channel_id: str | None = None) -> tuple[FieldSpec, ...]:
        """The request fields of an operation; for a send, those of the chosen channel."""
        op = self.operation(op_id)
        if op.kind is OperationKind.SEND and self.channels:
            return self.channel(channel_id or self.channels[0].id).fields + op.fields
        return op.fields

    def lookup_error(self, code: str | None, message: str = "") -> ErrorCode | None:
        """Find the table entry for an error code, or for a message when the provider sends no code."""
        if code is not None:
            for err in self.errors:
                if err.code == str(code):
                    return err
        for err in self.errors:
            if err.pattern and message and re.search(err.pattern, message, re.IGNORECASE):
                return err
        return None


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
