"""Rows for requests the handler never got to read in full: too large, cut off, refused by the HTTP parser."""

from __future__ import annotations

import re
import time
from dataclasses import replace
from urllib.parse import parse_qsl

from console.core.models import Outcome, new_id
from console.core.request_guard import HEAD_KEPT, RejectedRequest
from console.listener.rows import Handled, webhook_row
from console.providers.webhook import Incoming, Reply, SignatureCheck

UNKNOWN = "unknown"
MAX_HEAD_HEADERS = 100  # headers read back from a refused request's head
MAX_REASON = 500  # characters of a parser's message kept in a row

# error_code of the rows for requests the HTTP parser refused, by what its message or exception says
_REFUSAL_CODES = (
    ("Too many headers", "too_many_headers"),
    ("LineTooLong", "line_too_long"),
    ("Content-Length", "bad_framing"),
    ("Transfer-Encoding", "bad_framing"),
    ("Data after", "bad_framing"),
    ("InvalidHeader", "bad_header"),
    ("BadStatusLine", "bad_request_line"),
    ("BadHttpMethod", "bad_request_line"),
    ("InvalidURLError", "bad_request_line"),
)
# error_code of rows that are no usable request: never forwarded (the listener's own failures have theirs)
NOT_FORWARDED = frozenset(
    {
        "too_large",
        "body_cut_off",
        "body_stalled",
        "head_timeout",
        "head_cut_off",
        "listener_failed",
        "bad_http",
        *(code for _, code in _REFUSAL_CODES),
    }
)


class RefusalRows:
    """The rows of requests that never became a callback (a mixin of the callback handler, which routes and masks)."""

    def route_provider(self, path: str) -> str | None:
        """The provider a path routes to (the handler's)."""
        raise NotImplementedError

    def mask(self, text: str) -> str:
        """``text`` with the secrets masked (the handler's)."""
        raise NotImplementedError

    def too_large(self, incoming: Incoming, base_url: str, size: int, declared: bool, limit: int) -> Handled:
        """The row and 413 reply for a body over the limit (the body itself is not kept)."""
        reply = Reply(413, f"Payload too large: the limit is {limit} bytes.\n")
        how = "declared (Content-Length)" if declared else "received before giving up"
        routed = self.route_provider(incoming.path)
        row = webhook_row(
            new_id("x"),
            incoming,
            base_url,
            routed or UNKNOWN,
            mask=self.mask,
            channel="",
            reply=reply,
            outcome=Outcome.CONTRACT_ERROR,
            message=f"Body of {size:,} bytes {how} is over the {limit:,}-byte limit: answered 413.",
            error_code="too_large",
            meaning="Callbacks over 1 MiB are refused with 413; the headers are kept, the body is not.",
            notes={},
            check=SignatureCheck.unchecked("The body was not kept, so the signature cannot be checked."),
            started=time.perf_counter(),
        )
        return Handled(row, reply)

    def cut_off(self, incoming: Incoming, base_url: str, declared: int | None, stalled: bool, detail: str) -> Handled:
        """The row for a body that ended short: the client closed the connection, or stopped sending.

        What arrived is kept raw (``incoming.body``); a closed connection gets no answer (the row's status is
        None), a stalled one 408.
        """
        received = len(incoming.body)
        of = f"{received:,} of {declared:,} bytes" if declared is not None else f"{received:,} bytes of a chunked body"
        if stalled:
            reply = Reply(408, "Request timeout: the body stopped arriving.\n")
            code, message = "body_stalled", f"Body stalled after {of} ({detail}): answered 408 and closed."
        else:
            reply = Reply(400, "The body was cut off.\n")
            code, message = "body_cut_off", f"Body cut off after {of}: the client closed the connection ({detail})."
        row = webhook_row(
            new_id("x"),
            incoming,
            base_url,
            self.route_provider(incoming.path) or UNKNOWN,
            mask=self.mask,
            channel="",
            reply=reply,
            outcome=Outcome.CONTRACT_ERROR,
            message=message,
            error_code=code,
            meaning="The body stopped short of its end (the client went away, or stopped sending); what arrived is "
            "kept raw, unparsed.",
            notes={},
            check=SignatureCheck.unchecked("The body is incomplete, so the signature cannot be checked."),
            started=time.perf_counter(),
        )
        return Handled(row if stalled else replace(row, status=None, response_body=""), reply)

    def refused(self, rejected: RejectedRequest, base_url: str) -> Handled:
        """The row for a request the server could not serve: refused by the HTTP parser, or its head unfinished.

        What is known is kept: the peer, the reason, the request line and headers read back from the bytes that
        arrived (at most :data:`~console.core.serverthread.HEAD_KEPT`), and those bytes in the notes.
        """
        method, target, headers = _read_head(rejected.head)
        path, _, query = target.partition("?")
        incoming = Incoming(
            method=method,
            path=path or "/",
            query=tuple(parse_qsl(query, keep_blank_values=True)),
            headers=tuple(headers),
            body=b"",
            received_at=rejected.at,
            source=rejected.peer,
        )
        reason = rejected.reason if len(rejected.reason) <= MAX_REASON else rejected.reason[:MAX_REASON] + "…"
        if rejected.error in ("head_timeout", "head_cut_off"):
            code = rejected.error
            meaning = "The request head never arrived in full (the client stopped sending, or closed the connection)."
        else:
            code = next((c for key, c in _REFUSAL_CODES if key in reason or key == rejected.error), "bad_http")
            meaning = (
                "aiohttp's HTTP parser refused the request: it is not valid HTTP/1.1 (or over the listener's "
                "limits). The listener answered and closed the connection; what arrived of the head is in the notes."
            )
        kept = f", the first {HEAD_KEPT:,} kept" if rejected.received > len(rejected.head) else ""
        head_text = rejected.head.decode("utf-8", errors="backslashreplace")
        reply = Reply(rejected.status or 400, f"Bad request: {reason}\n")
        row = webhook_row(
            new_id("x"),
            incoming,
            base_url,
            self.route_provider(incoming.path) or UNKNOWN,
            mask=self.mask,
            channel="",
            reply=reply,
            outcome=Outcome.CONTRACT_ERROR,
            message=reason if code in ("head_timeout", "head_cut_off") else f"Refused by the HTTP parser: {reason}",
            error_code=code,
            meaning=meaning,
            notes={
                "received": f"{rejected.received:,} bytes of the request head{kept}",
                "head": head_text,
                "error": rejected.error,
            },
            check=SignatureCheck.unchecked("The request was refused before its body was read."),
            started=time.perf_counter(),
        )
        if rejected.status is None:
            row = replace(row, status=None, response_body="")
        return Handled(row, reply)


def _read_head(head: bytes) -> tuple[str, str, list[tuple[str, str]]]:
    """Method, target and headers read back, as far as they go, from the first bytes of a request head."""
    lines = re.split(r"\r?\n", head.decode("latin-1"))
    words = lines[0].split(" ")
    method, target = (words[0][:32], words[1]) if len(words) >= 2 else ("", "")
    headers: list[tuple[str, str]] = []
    for line in lines[1 : MAX_HEAD_HEADERS + 1]:
        if not line:
            break
        name, sep, value = line.partition(":")
        if sep:
            headers.append((name.strip(), value.strip()))
    return method, target, headers
