"""The request journal: bounded, snapshot copies, and what its middleware records (status, body, path)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import FormData, web
from aiohttp.test_utils import TestClient, TestServer

from console.simulators._faults import Dropped
from console.simulators._journal import RequestJournal, journal_middleware
from console.simulators._records import JournalEntry


def _entry(n: int) -> JournalEntry:
    return JournalEntry("GET", f"/{n}", "", {}, "", float(n), 200)


def test_the_journal_keeps_the_newest_entries() -> None:
    journal = RequestJournal(3)
    for n in range(5):
        journal.append(_entry(n))
    assert [e.path for e in journal.entries()] == ["/2", "/3", "/4"]


def test_entries_is_a_snapshot_and_clear_empties() -> None:
    journal = RequestJournal(10)
    journal.append(_entry(1))
    snapshot = journal.entries()
    journal.append(_entry(2))
    assert len(snapshot) == 1
    journal.clear()
    assert journal.entries() == []


class _Site:
    """A stand-in simulator mounted at ``/p``; its clock says 42."""

    def __init__(self) -> None:
        self.clock = lambda: 42.0

    def relative_path(self, request: web.Request) -> str:
        return request.path.removeprefix("/p") or "/"

    def is_control(self, request: web.Request) -> bool:
        return self.relative_path(request).startswith("/_sim/")


@pytest.fixture
async def journalled() -> AsyncIterator[tuple[RequestJournal, TestClient[web.Request, web.Application]]]:
    journal = RequestJournal(10)

    async def echo(request: web.Request) -> web.StreamResponse:
        await request.read()
        return web.json_response({}, status=201)

    async def form(request: web.Request) -> web.StreamResponse:
        await request.post()  # as the simulators read forms: the middleware then describes the cached form
        return web.json_response({})

    async def gone(request: web.Request) -> web.StreamResponse:
        raise web.HTTPNotFound

    async def broken(request: web.Request) -> web.StreamResponse:
        raise RuntimeError("boom")

    async def dropped(request: web.Request) -> web.StreamResponse:
        return Dropped(status=500)

    app = web.Application(middlewares=[journal_middleware(journal, _Site())])
    for path, handler in (
        ("/p/echo", echo),
        ("/p/gone", gone),
        ("/p/broken", broken),
        ("/p/_sim/phone", echo),
        ("/p/form", form),
    ):
        app.router.add_route("*", path, handler)
    app.router.add_get("/p/dropped", dropped)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield journal, client


async def test_the_middleware_records_path_query_body_status_and_time(
    journalled: tuple[RequestJournal, TestClient[web.Request, web.Application]],
) -> None:
    journal, client = journalled
    await client.post("/p/echo?x=1", data=b"a=b", headers={"X-Test": "yes"})
    await client.get("/p/_sim/phone")  # control routes are not journalled
    [entry] = journal.entries()
    assert (entry.method, entry.path, entry.query, entry.body, entry.at, entry.status) == (
        "POST",
        "/echo",
        "x=1",
        "a=b",
        42.0,
        201,
    )
    assert entry.headers["X-Test"] == "yes"


async def test_errors_are_journalled_with_the_status_aiohttp_answers(
    journalled: tuple[RequestJournal, TestClient[web.Request, web.Application]],
) -> None:
    journal, client = journalled
    assert (await client.get("/p/gone")).status == 404
    assert (await client.get("/p/broken")).status == 500
    await client.get("/p/dropped")
    assert [(e.path, e.status) for e in journal.entries()] == [("/gone", 404), ("/broken", 500), ("/dropped", None)]


async def test_multipart_bodies_are_described_not_copied(
    journalled: tuple[RequestJournal, TestClient[web.Request, web.Application]],
) -> None:
    journal, client = journalled
    form = FormData()
    form.add_field("text", "hello")
    form.add_field("file", b"\x00" * 10, filename="a.wav", content_type="audio/wav")
    await client.post("/p/form", data=form)
    assert journal.entries()[0].body == "text=hello\nfile=<file 'a.wav'>"
