"""start_near: a preferred port that is taken moves to the next free one; a port chosen explicitly never moves."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import httpx
import pytest
from aiohttp import web

from console.core.serverthread import PortChoice, ServerError, ServerThread, port_in_use, start_near
from console.core.settings import DEFAULT_LISTENER_PORT, Settings, load_settings
from console.listener.handling import CallbackHandler
from console.listener.secrets import resolve_webhook_secrets
from console.listener.server import WebhookListener
from console.providers import webhook_rules


def occupy(port: int = 0) -> socket.socket:
    """A socket listening on 127.0.0.1:``port`` (0: a free one), as another program would hold it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(("127.0.0.1", port))
        sock.listen()
    except OSError:
        sock.close()
        raise
    return sock


def free_block(size: int, attempts: int = 50) -> int:
    """The first of ``size`` consecutive ports free right now (other processes run too: they are checked)."""
    for _ in range(attempts):
        with occupy() as probe:
            base = probe.getsockname()[1]
        if base + size > 65535:
            continue
        try:
            with ExitStack() as stack:
                for port in range(base, base + size):
                    stack.enter_context(occupy(port))
        except OSError:
            continue
        return base
    raise AssertionError(f"no {size} consecutive free ports found")


@contextmanager
def serving(port: int) -> Iterator[ServerThread]:
    server = ServerThread("test server", _hello_app, port=port, idle_timeout=None)
    try:
        yield server
    finally:
        server.stop()


def _hello_app() -> web.Application:
    app = web.Application()
    app.router.add_get("/", _hello)
    return app


async def _hello(_request: web.Request) -> web.Response:
    return web.Response(text="hello")


def test_a_free_preferred_port_is_bound_as_it_is() -> None:
    base = free_block(1)
    with serving(base) as server:
        choice = start_near(server, explicit=False)
        assert choice == PortChoice(base, base)
        assert (choice.moved, choice.reason) == (False, "")
        assert httpx.get(f"{server.url}/").text == "hello"


def test_a_taken_preferred_port_moves_to_the_next_free_one_and_says_why() -> None:
    base = free_block(3)
    with occupy(base), serving(base) as server:
        choice = start_near(server, explicit=False)
        assert (choice.wanted, choice.port, choice.taken) == (base, base + 1, (base,))
        assert choice.moved
        assert choice.reason == f"{base} was taken (by another program): listening on {base + 1}"
        assert server.port == base + 1
        assert httpx.get(f"{server.url}/").text == "hello"


def test_several_taken_ports_are_skipped_in_order() -> None:
    base = free_block(3)
    with occupy(base), occupy(base + 1), serving(base) as server:
        choice = start_near(server, explicit=False)
        assert (choice.port, choice.taken) == (base + 2, (base, base + 1))
        assert choice.reason == f"{base}-{base + 1} were taken (by other programs): listening on {base + 2}"


def test_after_the_bounded_tries_any_free_port_is_used() -> None:
    base = free_block(2)
    with occupy(base), occupy(base + 1), serving(base) as server:
        choice = start_near(server, explicit=False, tries=2)
        assert choice.taken == (base, base + 1)
        assert choice.port not in (base, base + 1)
        assert choice.reason.endswith(f"listening on {choice.port} (a free port)")
        assert httpx.get(f"{server.url}/").text == "hello"


def test_an_explicit_port_that_is_taken_is_an_error_and_never_moves() -> None:
    base = free_block(2)
    with occupy(base), serving(base) as server:
        with pytest.raises(ServerError, match="already in use") as caught:
            start_near(server, explicit=True)
        assert port_in_use(caught.value)
        assert not server.running
        assert server.requested_port == base


def test_port_0_is_any_free_port_and_never_a_move() -> None:
    with serving(0) as server:
        choice = start_near(server, explicit=False)
        assert choice.wanted == 0
        assert choice.port > 0
        assert not choice.moved


def test_an_error_other_than_a_taken_port_is_not_a_reason_to_move() -> None:
    server = ServerThread("test server", _hello_app, host="203.0.113.7", port=free_block(1), idle_timeout=None)
    try:
        with pytest.raises(ServerError) as caught:
            start_near(server, explicit=False)  # an address this machine does not have
        assert not port_in_use(caught.value)
        assert not server.running
    finally:
        server.stop()


def test_the_listener_reports_where_it_went() -> None:
    rules = webhook_rules()
    handler = CallbackHandler(rules, resolve_webhook_secrets(rules, environ={}))
    base = free_block(2)
    listener = WebhookListener(handler, port=base)
    with occupy(base):
        try:
            with pytest.raises(ServerError, match="already in use"):
                listener.start()  # explicit by default: a library caller gets exactly what it asked for
            choice = listener.start(explicit=False)
            assert (choice.port, listener.server.port, listener.running) == (base + 1, base + 1, True)
            assert listener.url == f"http://127.0.0.1:{base + 1}"
        finally:
            listener.stop()


def test_the_settings_default_is_the_listener_default_port() -> None:
    assert DEFAULT_LISTENER_PORT == 8765
    assert Settings().listener_port == DEFAULT_LISTENER_PORT
    assert load_settings().listener_port == DEFAULT_LISTENER_PORT  # nothing saved yet
