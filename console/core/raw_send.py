"""Send raw bytes to a URL and report what came back, never raising: forwarding, replay, simulated callbacks."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import aiohttp

SEND_TIMEOUT_S = 10.0
MAX_ANSWER_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class Sent:
    """What the other side answered, or why it did not."""

    status: int | None
    headers: tuple[tuple[str, str], ...] = ()
    body: str = ""
    latency_ms: float | None = None
    error: str = ""


async def send_raw(
    method: str, url: str, headers: Sequence[tuple[str, str]], body: bytes, timeout_s: float = SEND_TIMEOUT_S
) -> Sent:
    """Send the bytes as they are; every failure becomes a :class:`Sent` with an error, never an exception."""
    started = time.perf_counter()
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout_s), auto_decompress=False) as session,
            session.request(method, url, headers=list(headers), data=body or None, allow_redirects=False) as resp,
        ):
            answer = await resp.content.read(MAX_ANSWER_BYTES)
            latency = (time.perf_counter() - started) * 1000
            return Sent(resp.status, tuple(resp.headers.items()), answer.decode("utf-8", errors="replace"), latency)
    except TimeoutError:
        return Sent(
            None, error=f"No answer within {timeout_s:.0f} s", latency_ms=(time.perf_counter() - started) * 1000
        )
    except (aiohttp.ClientError, OSError, ValueError) as exc:
        return Sent(None, error=f"{type(exc).__name__}: {exc}", latency_ms=(time.perf_counter() - started) * 1000)
