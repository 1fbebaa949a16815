"""The shared HTTP client and one timed request, with every failure mapped to a typed error."""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

from console import __version__
from console.core.errors import mapped_transport_errors

MAX_BODY_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class HttpSettings:
    """Client options: timeouts in seconds and an optional CA bundle; proxies come from the environment."""

    timeout_s: float = 20.0
    connect_timeout_s: float = 6.0
    ca_bundle: str | None = None
    max_body_bytes: int = MAX_BODY_BYTES


def make_client(settings: HttpSettings | None = None) -> httpx.AsyncClient:
    """The one AsyncClient the whole console shares (proxy variables honoured through trust_env)."""
    settings = settings or HttpSettings()
    return httpx.AsyncClient(
        timeout=httpx.Timeout(settings.timeout_s, connect=settings.connect_timeout_s),
        verify=settings.ca_bundle or True,
        trust_env=True,
        follow_redirects=False,
        headers={"User-Agent": f"otp-console/{__version__}"},
        limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
    )


@dataclass(frozen=True, slots=True)
class RawResponse:
    """What came back, before any provider-specific reading."""

    status: int
    headers: httpx.Headers
    body: bytes
    truncated: bool
    latency_ms: float


async def send(client: httpx.AsyncClient, request: httpx.Request, max_body: int = MAX_BODY_BYTES) -> RawResponse:
    """Send ``request`` and read at most ``max_body`` bytes of the answer.

    Raises:
        TransportError: no complete HTTP answer (timeout, refused, TLS, dropped connection).
    """
    started = time.perf_counter()
    with mapped_transport_errors():
        response = await client.send(request, stream=True)
        try:
            chunks: list[bytes] = []
            size = 0
            truncated = False
            async for chunk in response.aiter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if size > max_body:
                    truncated = True
                    break
        finally:
            await response.aclose()
    body = b"".join(chunks)[:max_body]
    latency = (time.perf_counter() - started) * 1000
    return RawResponse(response.status_code, response.headers, body, truncated, latency)
