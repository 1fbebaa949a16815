"""A floor for the listener bench, in its own process: aiohttp answering every request, storing nothing or
committing each request to SQLite (WAL, synchronous=NORMAL) before answering — the work the listener must do.

``python bench/floors/floor_server.py [--db PATH] [--uvloop]``: binds a free port on 127.0.0.1, prints ``ready <url>``,
serves until SIGTERM. Standard library and aiohttp only (``--uvloop``: on uvloop's event loop, as the console's
listener runs where uvloop is installed): anyone can run it beside the console.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sqlite3
import sys

from aiohttp import web


def make_app(db: str | None) -> web.Application:
    connection = None
    if db:
        connection = sqlite3.connect(db, check_same_thread=False)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("CREATE TABLE IF NOT EXISTS hooks (n TEXT, headers TEXT, body BLOB)")

    async def handle(request: web.Request) -> web.Response:
        body = await request.read()
        if connection is not None:
            with connection:
                row = (request.query.get("n"), json.dumps(dict(request.headers)), body)
                connection.execute("INSERT INTO hooks VALUES (?,?,?)", row)
        return web.Response(text="")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


async def serve(db: str | None) -> None:
    runner = web.AppRunner(make_app(db), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    print(f"ready http://127.0.0.1:{port}", flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await runner.cleanup()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="commit each request to this SQLite file before answering")
    parser.add_argument("--uvloop", action="store_true", help="run on uvloop's event loop")
    args = parser.parse_args()
    loop_factory = None  # asyncio's own loop
    if args.uvloop:
        import uvloop

        loop_factory = uvloop.new_event_loop
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        runner.run(serve(args.db))
    return 0


if __name__ == "__main__":
    sys.exit(main())
