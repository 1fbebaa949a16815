"""The one HTTP client stack: the client factory, a timed provider request, and a raw byte-for-byte send."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from console import __version__
from console.core.errors import mapped_transport_errors

MAX_BODY_BYTES = 4 * 1024 * 1024
LOOPBACK_PATTERNS = ("all://127.0.0.1", "all://localhost", "all://[::1]")


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
        mounts=dict.fromkeys(LOOPBACK_PATTERNS),  # the simulators, the listener, a local backend: never proxied
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


RAW_TIMEOUT_S = 10.0
MAX_RAW_ANSWER_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class Sent:
    """What the other side answered to a raw request, or why it did not."""

    status: int | None
    headers: tuple[tuple[str, str], ...] = ()
    body: str = ""
    latency_ms: float | None = None
    error: str = ""


async def send_raw(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    headers: Sequence[tuple[str, str]],
    body: bytes,
    timeout_s: float = RAW_TIMEOUT_S,
) -> Sent:
    """Send the bytes and headers as they are (forwarding, replay, simulated callbacks); never raises.

    The client's own default headers are not added (the request is what was captured), redirects are not
    followed, the answer is read undecoded up to :data:`MAX_RAW_ANSWER_BYTES`, and ``timeout_s`` bounds the
    whole exchange, not each read.
    """
    started = time.perf_counter()

    def took() -> float:
        return (time.perf_counter() - started) * 1000

    try:
        request = httpx.Request(method, url, headers=list(headers), content=body)
        async with asyncio.timeout(timeout_s):
            response = await client.send(request, stream=True)
            try:
                answer = bytearray()
                async for chunk in response.aiter_raw():
                    answer += chunk
                    if len(answer) >= MAX_RAW_ANSWER_BYTES:
                        break
            finally:
                await response.aclose()
        text = bytes(answer[:MAX_RAW_ANSWER_BYTES]).decode("utf-8", errors="replace")
        return Sent(response.status_code, tuple(response.headers.multi_items()), text, took())
    except TimeoutError:
        return Sent(None, error=f"No answer within {timeout_s:.0f} s", latency_ms=took())
    except (httpx.HTTPError, OSError, ValueError) as exc:
        return Sent(None, error=f"{type(exc).__name__}: {exc}", latency_ms=took())
