"""Declarative provider descriptions: fields, channels, operations, environments and error tables.

The GUI form and the CLI options are both generated from a :class:`ProviderSpec`; a provider module adds
only the odd parts (signing, token minting, body shape, answer decoding) by subclassing :class:`Provider`.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from console.core.phones import PhoneStyle

if TYPE_CHECKING:
    pass


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


class FieldRole(enum.StrEnum):
    """What a field is to the console, declared so nothing looks a field up by a conventional name."""

    DESTINATION = "destination"  # who receives the code: a phone number or an e-mail address (one per channel)
    CODE = "code"  # the code a send carries or a check compares
    REQUEST_ID = "request_id"  # the provider's id of a verification, given back to check it
    CALLBACK_URL = "callback_url"  # where the provider should send its callbacks (setup operations)


class CodeChecker(enum.StrEnum):
    """Who checks the codes of a provider's verifications."""

    PROVIDER = "provider"  # a check operation asks the provider
    CONSOLE = "console"  # the console makes the code, keeps a salted hash and checks what the user types


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One input: a request parameter or a credential.

    Attributes:
        name: the provider's own parameter name (also the CLI's ``--field`` key and ``--<name>`` flag).
        choices: allowed values as (value, label) pairs; for CHOICE fields.
        choices_from: id of a LOOKUP operation whose result offers values (e.g. Zadarma's sound list).
        pattern: a regex the value must match in full, with ``pattern_message`` saying what is expected.
        env_var: for credentials, the environment variable that supplies it.
        default: the value sent when a request leaves the field out (forms show it as the field's text).
        role: what the field is to the console (destination, code, request id, callback URL), if anything.
        aliases: other names the command line accepts for it, e.g. the name the provider's API uses.
        generated: left empty, the console makes a value (a code, a correlation id): two requests with the field
            empty differ in it.
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
    role: FieldRole | None = None
    aliases: tuple[str, ...] = ()
    generated: bool = False

    def choice_values(self) -> tuple[str, ...]:
        return tuple(value for value, _ in self.choices)

    def env_name(self, provider_id: str) -> str:
        """The environment variable that supplies this credential, e.g. ``ZADARMA_SECRET``."""
        return self.env_var or f"{provider_id.upper()}_{self.name.upper()}"


@dataclass(frozen=True, slots=True)
class Channel:
    """A way the code travels, with the fields that apply to it; exactly one of them is the destination.

    Channel ids name the way for every provider alike: ``sms``, ``call_code``, ``call_button``, ``email``,
    ``wait_call``, ``push_msg``, ``whatsapp``, ``voice``.
    """

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
            role=FieldRole.CODE,
        ),
    ),
    help="This provider does not check codes: the console does, for the latest verification (or the one you "
    "pick). Codes expire with the verification, allow 5 wrong tries, and work once.",
    method=LOCAL,
)


@dataclass(frozen=True, slots=True)
class ErrorCode:
    """A provider error and what it means; ``pattern`` matches a message when the provider has no code."""

    code: str
    meaning: str
    hint: str = ""
    pattern: str | None = None
    # "auth" (wrong key or secret) or "money" (no balance): the credential check's verdict; "wrong_code" or
    # "gone" (no such verification: used, expired or unknown): what a check's refusal means
    kind: str = ""
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
class ApiVersion:
    """A dated fact about a provider's API: a version named in base URLs, and when it stops working.

    Attributes:
        name: as it appears in the URL, e.g. ``v26.0``.
        released: when the provider released it.
        expires: the day requests to it start failing (None: not announced yet).
    """

    name: str
    released: dt.date | None
    expires: dt.date | None = None


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
    code_checker: CodeChecker = CodeChecker.PROVIDER
    code_length: int = 6
    transport_hints: Mapping[str, str] = field(default_factory=dict)  # e.g. "tls" -> which other host to try
    api_versions: tuple[ApiVersion, ...] = ()  # versions named in base URLs, with when each stops working

    def __post_init__(self) -> None:
        """Check the description is complete; providers whose codes the console checks get its check operation.

        Raises:
            ValueError: a send without channels, or a channel without exactly one phone or e-mail destination.
        """
        for op in self.operations:
            if op.kind is OperationKind.SEND and not self.channels:
                raise ValueError(f"{self.id}: the send {op.id!r} needs channels (every send names its channel)")
        for ch in self.channels:
            found = [f for f in ch.fields if f.role is FieldRole.DESTINATION]
            if len(found) != 1 or found[0].kind not in (FieldKind.PHONE, FieldKind.EMAIL):
                raise ValueError(f"{self.id}: channel {ch.id!r} needs exactly one phone or e-mail destination field")
        if self.console_code and not any(op.kind is OperationKind.CHECK for op in self.operations):
            object.__setattr__(self, "operations", (*self.operations, LOCAL_CHECK))

    @property
    def console_code(self) -> bool:
        """The console makes the codes and checks them (the provider only delivers them)."""
        return self.code_checker is CodeChecker.CONSOLE

    @property
    def code_field(self) -> str | None:
        """The field a send's code goes in (``code``, ``otp``, ``otpCode``…), or None when sends carry none."""
        for ch in self.channels:
            for fld in ch.fields:
                if fld.role is FieldRole.CODE:
                    return fld.name
        return None

    def destination_field(self, channel_id: str) -> FieldSpec:
        """The field of ``channel_id`` that holds who receives the code."""
        return next(f for f in self.channel(channel_id).fields if f.role is FieldRole.DESTINATION)

    def field_with_role(self, op_id: str, channel_id: str | None, role: FieldRole) -> FieldSpec | None:
        """The operation's (and channel's) field with ``role``, if it has one."""
        return next((f for f in self.fields_for(op_id, channel_id) if f.role is role), None)

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
