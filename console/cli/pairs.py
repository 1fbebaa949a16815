"""``K=V`` arguments (``--field``, ``--set``) read into a dict."""

from __future__ import annotations

from collections.abc import Iterable

from console.core.errors import InputError


def key_values(items: Iterable[str], flag: str) -> dict[str, str]:
    """``["a=1", "b=x=y"]`` → ``{"a": "1", "b": "x=y"}``.

    Raises:
        InputError: an item without ``=``, naming the flag.
    """
    found: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"{flag} takes K=V, got {item!r}")
        found[key.strip()] = value
    return found
