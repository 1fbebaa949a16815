"""The listener bench's load, from processes of its own: signed Zadarma NOTIFY_END callbacks, each with a number.

``python bench/floors/load.py URL --seconds S --connections C --processes P --first N --out FILE``: P processes
share C keep-alive connections for S seconds; every request carries ``?n=<unique number>``. Prints one JSON line
(sent, answered 2xx, seconds) and writes the numbers answered 2xx to FILE, one per line, for the lost-row check.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import sys
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the console, for its signing rule

SECRET = "sim_zadarma_secret"  # the Zadarma simulator's: the listener accepts it unless told otherwise
FIELDS = {"event": "NOTIFY_END", "caller_id": "442037691881", "called_did": "48575555555"}
FIELDS["call_start"] = "2024-05-01 12:00:00"


def payload() -> tuple[bytes, dict[str, str]]:
    """The body and headers, signed as Zadarma's PHP SDK signs NOTIFY_END (the console's own rule)."""
    from console.providers.zadarma.signing import webhook_signatures

    body = "&".join(f"{k}={v.replace(' ', '+')}" for k, v in FIELDS.items()).encode()
    signature = webhook_signatures(SECRET, "NOTIFY_END", FIELDS)["zadarma-hex-b64"]
    return body, {"Content-Type": "application/x-www-form-urlencoded", "Signature": signature}


async def load(url: str, seconds: float, connections: int, numbers: range) -> tuple[int, list[int]]:
    body, headers = payload()
    ok: list[int] = []
    sent = 0
    counter = iter(numbers)
    deadline = time.perf_counter() + seconds
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=connections)) as session:

        async def worker() -> None:
            nonlocal sent
            while time.perf_counter() < deadline:
                n = next(counter)
                sent += 1
                try:
                    async with session.post(f"{url}?n={n}", data=body, headers=headers) as response:
                        await response.read()
                        if 200 <= response.status < 300:
                            ok.append(n)
                except aiohttp.ClientError:
                    pass

        await asyncio.gather(*(worker() for _ in range(connections)))
    return sent, ok


def one_process(args: tuple[str, float, int, range]) -> tuple[int, list[int]]:
    return asyncio.run(load(*args))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    share = max(1, args.connections // args.processes)
    block = 10**7
    jobs = [
        (args.url, args.seconds, share, range(args.first + i * block, args.first + (i + 1) * block))
        for i in range(args.processes)
    ]
    started = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(args.processes) as pool:
        results = pool.map(one_process, jobs)
    elapsed = time.perf_counter() - started
    ok = [n for _, numbers in results for n in numbers]
    with open(args.out, "w", encoding="utf-8") as out:
        out.write("\n".join(map(str, ok)))
    print(json.dumps({"sent": sum(s for s, _ in results), "ok": len(ok), "seconds": elapsed}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
