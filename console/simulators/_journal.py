"""The request journal: what a simulator received and answered, kept bounded, and the middleware that fills it."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import Protocol

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from console.simulators._faults import Dropped
from console.simulators._records import JournalEntry


class RequestJournal:
    """The last ``size`` requests a simulator received, oldest first; thread-safe."""

    def __init__(self, size: int) -> None:
        self._lock = threading.Lock()
        self._entries: deque[JournalEntry] = deque(maxlen=size)

    def append(self, entry: JournalEntry) -> None:
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[JournalEntry]:
        """A snapshot, oldest first."""
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class JournalledSite(Protocol):
    """What the journal middleware needs from its simulator (read at each request)."""

    clock: Callable[[], float]

    def is_control(self, request: web.Request) -> bool: ...

    def relative_path(self, request: web.Request) -> str: ...


def journal_middleware(journal: RequestJournal, site: JournalledSite) -> Middleware:
    """A middleware that journals every provider request with its answer's status (control routes excluded)."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if site.is_control(request):
            return await handler(request)
        multipart = request.content_type.startswith("multipart/")
        body = "" if multipart else (await request.read()).decode("utf-8", errors="replace")
        status: int | None = None
        try:
            response = await handler(request)
            status = None if isinstance(response, Dropped) else response.status
            return response
        except web.HTTPException as exc:
            status = exc.status
            raise
        except Exception:
            status = 500  # aiohttp answers an unhandled error with a 500 page
            raise
        finally:
            if multipart:
                body = await describe_multipart(request)
            journal.append(
                JournalEntry(
                    request.method,
                    site.relative_path(request),
                    request.query_string,
                    dict(request.headers),
                    body,
                    site.clock(),
                    status,
                )
            )

    return middleware


async def describe_multipart(request: web.Request) -> str:
    """A multipart body as ``name=value`` lines (files as their name and size), for the journal."""
    try:
        form = await request.post()
    except Exception:  # a broken or dropped body is still journalled
        return ""
    lines = []
    for name, value in form.items():
        if isinstance(value, str):
            lines.append(f"{name}={value}")
        elif isinstance(value, (bytes, bytearray)):
            lines.append(f"{name}=<{len(value)} bytes>")
        else:
            lines.append(f"{name}=<file {value.filename!r}>")
    return "\n".join(lines)
