"""The one HTTP client stack: raw sends keep the captured request as it is, loopback is never proxied."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from aiohttp import web

from console.core.http import make_client, send_raw


@pytest.fixture
async def echo() -> AsyncIterator[tuple[str, list[web.Request], list[bytes]]]:
    """A loopback server that keeps each request and its body, answers gzip bytes, or stalls on /slow."""
    seen: list[web.Request] = []
    bodies: list[bytes] = []

    async def handle(request: web.Request) -> web.StreamResponse:
        seen.append(request)
        bodies.append(await request.read())
        if request.path == "/slow":
            await asyncio.sleep(1)
        if request.path == "/redirect":
            raise web.HTTPFound("/elsewhere")
        if request.path == "/hook":
            return web.Response(body=b"\x1f\x8b raw", headers={"Content-Encoding": "gzip", "X-Seen": "1"})
        return web.Response(text="plain")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}", seen, bodies
    await runner.cleanup()


async def test_raw_send_passes_headers_and_bytes_as_given(echo: tuple[str, list[web.Request], list[bytes]]) -> None:
    url, seen, bodies = echo
    async with make_client() as client:
        sent = await send_raw(client, "POST", f"{url}/hook?a=1", [("X-Signature", "abc"), ("X-Dup", "1")], b"\xff\x00")
    assert sent.status == 200
    assert sent.error == ""
    assert sent.body == "\x1f\ufffd raw"  # undecoded: the gzip magic bytes as sent, not a decompression error
    assert ("x-seen", "1") in sent.headers
    request = seen[0]
    assert bodies == [b"\xff\x00"]
    assert request.query_string == "a=1"
    assert request.headers["X-Signature"] == "abc"
    assert "otp-console" not in request.headers.get("User-Agent", "")  # the client's defaults are not added


async def test_raw_send_never_raises(echo: tuple[str, list[web.Request], list[bytes]]) -> None:
    url, _seen, _bodies = echo
    async with make_client() as client:
        late = await send_raw(client, "GET", f"{url}/slow", [], b"", timeout_s=0.3)
        refused = await send_raw(client, "GET", "http://127.0.0.1:9/", [], b"")
        moved = await send_raw(client, "GET", f"{url}/redirect", [], b"")
    assert late.status is None
    assert "No answer within" in late.error
    assert late.latency_ms is not None
    assert late.latency_ms < 3000
    assert refused.status is None
    assert "ConnectError" in refused.error
    assert moved.status == 302  # redirects are reported, not followed


async def test_loopback_is_never_proxied(
    echo: tuple[str, list[web.Request], list[bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, seen, _bodies = echo
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there: a proxied request fails
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:9")
    async with make_client() as client:
        answer = await client.get(f"{url}/direct")
        assert client._transport_for_url(httpx.URL("https://example.com/")) is not client._transport
    assert answer.status_code == 200
    assert seen[0].path == "/direct"
