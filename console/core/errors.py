"""The console's exception hierarchy and the translator from library errors to it."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import contextmanager

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


class TransportError(ConsoleError):
    """The request never got an HTTP answer: timeout, refused connection, TLS, dropped connection."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


class ContractError(ConsoleError):
    """The provider answered, but not in the shape its contract promises (HTML page, non-JSON body)."""


def _transport_kind(exc: httpx.TransportError) -> tuple[str, str]:
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
    if isinstance(exc, httpx.ProxyError):
        return "proxy", f"The proxy refused the request: {exc}"
    return "network", f"{type(exc).__name__}: {exc}"


@contextmanager
def mapped_transport_errors() -> Iterator[None]:
    """Turn httpx transport failures into :class:`TransportError`."""
    try:
        yield
    except httpx.TransportError as exc:
        kind, message = _transport_kind(exc)
        raise TransportError(message, kind) from exc
    except ssl.SSLError as exc:
        raise TransportError(f"TLS error: {exc}", "tls") from exc
