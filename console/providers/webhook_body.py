"""A callback body parsed as its Content-Type says: url-encoded and multipart forms, JSON; errors kept, never raised.

The listener parses what it receives with this, and the webhook debugger what is pasted into it.
"""

from __future__ import annotations

import json
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qsl


def parse_body(content_type: str, raw_type: str, body: bytes) -> tuple[dict[str, str] | None, object, str]:
    """(form, json, error) for a body: url-encoded and multipart forms, JSON; other types are left raw.

    Never raises: whatever the body, a parser's failure (JSON nested deeper than the parser goes included)
    becomes the error text and the body stays raw.
    """
    try:
        return _parse(content_type, raw_type, body)
    except RecursionError:
        return None, None, "Malformed body: nested deeper than the parser can follow (RecursionError); stored raw."
    except Exception as exc:  # a parser's own failure on hostile input is a malformed body, not a crash
        return None, None, f"Malformed body: the parser failed ({type(exc).__name__}: {exc}); stored raw."


def _parse(content_type: str, raw_type: str, body: bytes) -> tuple[dict[str, str] | None, object, str]:
    if not body:
        return None, None, ""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, None, f"The body is not valid UTF-8 ({exc.reason} at byte {exc.start}); stored raw."
    if content_type == "application/x-www-form-urlencoded":
        try:
            return dict(parse_qsl(text, keep_blank_values=True, strict_parsing=True)), None, ""
        except ValueError as exc:
            return None, None, f"Malformed form body: {exc}"
    if content_type == "multipart/form-data":
        return _multipart(raw_type, body)
    if content_type.endswith("json") or (not content_type and text.lstrip()[:1] in "{["):
        try:
            return None, json.loads(text), ""
        except ValueError as exc:
            return None, None, f"Malformed JSON: {exc}"
        except RecursionError:
            return None, None, "Malformed JSON: nested deeper than the parser can follow (RecursionError); stored raw."
    return None, None, ""


def _multipart(raw_type: str, body: bytes) -> tuple[dict[str, str] | None, object, str]:
    """Text parts of a multipart body, parsed with the standard library's MIME parser."""
    if "boundary=" not in raw_type:
        return None, None, "Malformed multipart body: the Content-Type has no boundary."
    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + raw_type.encode("latin-1") + b"\r\n\r\n" + body)
    if not message.is_multipart() or message.defects:
        defects = ", ".join(type(d).__name__ for d in message.defects) or "no parts found"
        return None, None, f"Malformed multipart body: {defects}."
    form: dict[str, str] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        if part.get_filename():
            form[name] = f"<file {part.get_filename()!r}, {len(data)} bytes>"
        else:
            form[name] = data.decode(part.get_content_charset() or "utf-8", errors="replace")
    return form, None, ""
