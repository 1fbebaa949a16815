"""The console's exception hierarchy and the translator from library errors to it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the errors are imported by screens that open long before the first request (no network stack)
    import httpx


class ConsoleError(Exception):
    """Base of every error the console reports to the user."""


class InputError(ConsoleError):
    """The user's input was refused before anything was sent."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class CredentialsError(InputError):
    """A credential the operation needs is missing."""


@dataclass(frozen=True, slots=True)
class Received:
    """What had arrived when an exchange failed: the status line and headers (if they came) and the body so far.

    Attributes:
        status: the HTTP status, or None when no answer had begun.
        headers: the answer's headers as they came (empty when no answer had begun).
        body: the (decoded) bytes of the body received before the failure.
        latency_ms: from sending to the failure.
    """

    status: int | None = None
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    latency_ms: float | None = None


class TransportError(ConsoleError):
    """The request never got a complete HTTP answer: timeout, refused connection, TLS, dropped connection.

    Attributes:
        kind: ``timeout``, ``connect``, ``tls``, ``dropped``, ``proxy`` or ``network`` (the record's error code).
        received: what had arrived before the failure (a dripping server's first bytes, a reset's partial body).
    """

    def __init__(self, message: str, kind: str, received: Received | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.received = received or Received()


class ContractError(ConsoleError):
    """The provider answered, but not in the shape its contract promises (HTML page, non-JSON body, wrong type).

    Attributes:
        field: the answer's field at fault (``response.msg.err_code``), when one is.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _root_cause(exc: BaseException) -> str:
    """The innermost error under ``exc`` in words (``ConnectionResetError: [Errno 104] Connection reset by peer``)."""
    seen: list[BaseException] = [exc]
    while (inner := seen[-1].__cause__ or seen[-1].__context__) is not None and inner not in seen:
        seen.append(inner)
    root = seen[-1]
    return f"{type(root).__name__}: {root}" if str(root) else type(root).__name__


def _transport_kind(exc: httpx.TransportError) -> tuple[str, str]:
    import ssl

    import httpx

    if isinstance(exc, httpx.TimeoutException):
        return "timeout", f"No answer in time ({type(exc).__name__})"
    if isinstance(exc, httpx.ConnectError):
        text = str(exc)
        cause = exc.__cause__ or exc.__context__
        if "SSL" in text or "CERTIFICATE" in text.upper() or isinstance(cause, ssl.SSLError):
            return "tls", f"TLS handshake failed: {text}"
        return "connect", f"Could not connect: {text or 'connection refused'}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "dropped", f"The server closed the connection without a complete answer: {exc}"
    if isinstance(exc, (httpx.ReadError, httpx.WriteError)):  # e.g. a connection reset mid-body
        return "dropped", f"The connection broke before the answer was complete ({_root_cause(exc)})"
    if isinstance(exc, httpx.ProxyError):
        return "proxy", f"The proxy refused the request: {exc}"
    return "network", f"{type(exc).__name__}: {exc}"


@contextmanager
def mapped_transport_errors() -> Iterator[None]:
    """Turn httpx transport failures into :class:`TransportError`."""
    import ssl

    import httpx

    try:
        yield
    except httpx.TransportError as exc:
        kind, message = _transport_kind(exc)
        raise TransportError(message, kind) from exc
    except ssl.SSLError as exc:
        raise TransportError(f"TLS error: {exc}", "tls") from exc
