"""The one HTTP client stack: the client factory, a timed provider request, and a raw byte-for-byte send."""

from __future__ import annotations

import asyncio
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from console import __version__
from console.core.errors import Received, TransportError, mapped_transport_errors
from console.core.settings import DEFAULT_TIMEOUT_S

MAX_BODY_BYTES = 4 * 1024 * 1024
LOOPBACK_PATTERNS = ("all://127.0.0.1", "all://localhost", "all://[::1]")
ACCEPT_ENCODING = "gzip, deflate"  # what send() can undo with a cap; never br or zstd, even when installed


@dataclass(frozen=True, slots=True)
class HttpSettings:
    """Client options: the deadline of one request in seconds, connect timeout, CA bundle, body cap.

    ``timeout_s`` bounds a provider request from connect to the last byte (see :func:`send`); proxies come from
    the environment.
    """

    timeout_s: float = DEFAULT_TIMEOUT_S
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
        headers={"User-Agent": f"otp-console/{__version__}", "Accept-Encoding": ACCEPT_ENCODING},
        limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
        mounts=dict.fromkeys(LOOPBACK_PATTERNS),  # the simulators, the listener, a local backend: never proxied
    )


@dataclass(frozen=True, slots=True)
class RawResponse:
    """What came back, before any provider-specific reading.

    Attributes:
        body: the decoded body (Content-Encoding undone), at most the cap given to :func:`send`.
        truncated: the body went on past the cap (the rest was not read).
        undecodable: why the body is kept as it came instead of decoded (an encoding the console does not
            undo, or a broken gzip stream), else "".
    """

    status: int
    headers: httpx.Headers
    body: bytes
    truncated: bool
    latency_ms: float
    undecodable: str = ""


class _CappedBody:
    """An answer's body read chunk by chunk, its Content-Encoding undone incrementally, never past ``cap`` + 1 bytes.

    A gzip bomb (kilobytes that inflate to gigabytes) costs at most the cap: ``zlib``'s ``max_length`` stops
    each step at the room left, so no more than ``cap`` + 1 decoded bytes ever exist.
    """

    def __init__(self, content_encoding: str, cap: int) -> None:
        self.cap = cap
        self.data = bytearray()
        self.undecodable = ""
        self._raw = bytearray()  # what came, kept in case decoding fails
        codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip().lower() not in ("", "identity")]
        self._coding = codings[0] if len(codings) == 1 else ""
        self._inflater: zlib._Decompress | None = None
        if len(codings) > 1 or (codings and self._coding not in ("gzip", "x-gzip", "deflate")):
            self.undecodable = (
                f"Content-Encoding {content_encoding!r} is not one the console undoes ({ACCEPT_ENCODING})"
            )
        elif self._coding in ("gzip", "x-gzip"):
            self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self._coding == "deflate":
            self._inflater = zlib.decompressobj()

    @property
    def full(self) -> bool:
        """More than ``cap`` bytes arrived: stop reading."""
        return len(self.data) > self.cap

    def feed(self, chunk: bytes) -> None:
        inflater = self._inflater
        if inflater is None:
            self.data += chunk
            return
        if len(self._raw) <= self.cap:
            self._raw += chunk[: self.cap + 1 - len(self._raw)]
        try:
            self._inflate(inflater, chunk)
        except zlib.error:
            if self._coding == "deflate" and not self.data:  # raw deflate without the zlib wrapper: some servers
                self._coding = "raw deflate"
                self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                try:
                    self._inflate(self._inflater, bytes(self._raw))
                    return
                except zlib.error:
                    pass
            self._give_up()

    def _inflate(self, inflater: zlib._Decompress, chunk: bytes) -> None:
        room = self.cap + 1 - len(self.data)  # >= 1 while not full; 0 would mean "no limit" to zlib
        self.data += inflater.decompress(chunk, room)

    def _give_up(self) -> None:
        """Keep the body as it came (up to the cap) and say why."""
        self.undecodable = f"the {self._coding} body does not decode"
        self._inflater = None
        self.data = bytearray(self._raw)

    def body(self) -> bytes:
        return bytes(self.data[: self.cap])


async def send(
    client: httpx.AsyncClient, request: httpx.Request, max_body: int = MAX_BODY_BYTES, deadline_s: float | None = None
) -> RawResponse:
    """Send ``request`` and read at most ``max_body`` decoded bytes of the answer, all within ``deadline_s``.

    The deadline bounds the whole exchange, connect to last byte: a server that drips a byte at a time ends at
    the deadline, not at a per-read timeout renewed by every byte. The body is read raw and decoded here with
    a cap (see :class:`_CappedBody`); redirects are not followed.

    Raises:
        TransportError: no complete HTTP answer (timeout, refused, TLS, dropped connection), carrying what had
            arrived: status and headers if they came, the body so far.
    """
    started = time.perf_counter()
    status: int | None = None
    headers = httpx.Headers()
    reading = _CappedBody("", max_body)

    def received() -> Received:
        took = (time.perf_counter() - started) * 1000
        return Received(status, tuple(headers.multi_items()), reading.body(), took)

    try:
        async with asyncio.timeout(deadline_s):
            with mapped_transport_errors():
                response = await client.send(request, stream=True)
                try:
                    status, headers = response.status_code, response.headers
                    if response.is_stream_consumed:  # an answer made in memory (a MockTransport's): read, decoded
                        reading = _CappedBody("", max_body)
                        reading.feed(response.content)
                    else:
                        reading = _CappedBody(headers.get("content-encoding", ""), max_body)
                        async for chunk in response.aiter_raw():
                            reading.feed(chunk)
                            if reading.full:
                                break
                finally:
                    await response.aclose()
            latency = (time.perf_counter() - started) * 1000
            return RawResponse(status, headers, reading.body(), reading.full, latency, reading.undecodable)
    except TimeoutError:
        got = received()
        message = f"No complete answer within {deadline_s:g} s"
        if got.status is not None:
            message += f" (HTTP {got.status} began; {len(got.body):,} bytes of the body had arrived)"
        raise TransportError(message, "timeout", got) from None
    except TransportError as exc:
        raise TransportError(str(exc), exc.kind, received()) from exc.__cause__


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
