"""Reading providers' answers: one JSON decoder, and typed readers for every field a provider module reads.

Nothing here raises anything but :class:`ContractError`: a body that is not JSON (an HTML error page named by
its title), JSON nested deeper than any provider answers, or a field of the wrong type each end as a contract
error naming the field and what came instead, never as an exception from the provider module.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from console.core.errors import ContractError

MAX_DEPTH = 64  # provider answers nest a few levels; deeper is hostile (and json.dumps would recurse on it)

Answer = Mapping[str, Any]


def json_value(status: int, body: bytes, who: str) -> Any:
    """The answer as JSON (an empty body is ``{}``); ContractError naming what came instead."""
    text = body.decode("utf-8", errors="replace")
    try:
        data = json.loads(text) if text.strip() else {}
    except RecursionError:
        raise ContractError(f"HTTP {status}: {who} answered JSON nested too deeply to read.") from None
    except ValueError:
        title = re.search(r"<title>(.*?)</title>", text[:65536], re.IGNORECASE | re.DOTALL)
        kind = "an HTML page" if title or "<html" in text[:65536].lower() else "a body that is not JSON"
        detail = f" ({title.group(1).strip()[:200]})" if title else ""
        raise ContractError(f"HTTP {status} with {kind}{detail} instead of {who}'s JSON.") from None
    depth = _depth(data)
    if depth > MAX_DEPTH:
        raise ContractError(f"HTTP {status}: {who} answered JSON nested {depth} levels deep (at most {MAX_DEPTH}).")
    return data


def json_object(status: int, body: bytes, who: str) -> dict[str, Any]:
    """The answer as a JSON object (an empty body is ``{}``); ContractError naming what came instead."""
    data = json_value(status, body, who)
    if not isinstance(data, dict):
        raise ContractError(f"HTTP {status}: {who} answered JSON that is {describe(data)}, not an object.")
    return data


def _depth(data: Any) -> int:
    """How deeply ``data`` nests (a scalar is 0), without recursion; stops counting past :data:`MAX_DEPTH`."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, level + 1)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


# ---------------------------------------------------------------------------------------------- typed readers
def describe(value: Any) -> str:
    """What a JSON value is, in words, with a short sample: ``an object ({"a": 1})``, ``a number (5)``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        kind = "a boolean"
    elif isinstance(value, (int, float)):
        kind = "a number"
    elif isinstance(value, str):
        kind = "a string"
    elif isinstance(value, list):
        kind = "a list"
    elif isinstance(value, dict):
        kind = "an object"
    else:
        kind = type(value).__name__
    sample = json.dumps(value, ensure_ascii=False, default=str)
    return f"{kind} ({sample[:40]}…)" if len(sample) > 40 else f"{kind} ({sample})"


def _wrong(who: str, name: str, value: Any, expected: str) -> ContractError:
    return ContractError(f'{who}\'s "{name}" is {describe(value)}, not {expected}.', field=name)


def _name(key: str, where: str) -> str:
    return f"{where}.{key}" if where else key


def optional_text(data: Answer, key: str, who: str, where: str = "") -> str | None:
    """A string field, or None when absent or null.

    Raises:
        ContractError: any other type (a number, an object…).
    """
    value = data.get(key)
    if value is None or isinstance(value, str):
        return value
    raise _wrong(who, _name(key, where), value, "a string")


def text(data: Answer, key: str, who: str, where: str = "") -> str:
    """A string field that must be there.

    Raises:
        ContractError: absent, null or not a string.
    """
    value = optional_text(data, key, who, where)
    if value is None:
        raise ContractError(f'{who}\'s answer has no "{_name(key, where)}".', field=_name(key, where))
    return value


def optional_ident(data: Answer, key: str, who: str, where: str = "") -> str | None:
    """An identifier or code: a string, or an integer turned into its string (``70918482`` -> ``"70918482"``).

    Raises:
        ContractError: any other type (an object, a list, a fraction, a boolean…).
    """
    value = data.get(key)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise _wrong(who, _name(key, where), value, "a string or an integer")


def ident(data: Answer, key: str, who: str, where: str = "") -> str:
    """An identifier that must be there (see :func:`optional_ident`)."""
    value = optional_ident(data, key, who, where)
    if value is None:
        raise ContractError(f'{who}\'s answer has no "{_name(key, where)}".', field=_name(key, where))
    return value


def optional_amount(data: Answer, key: str, who: str, where: str = "") -> str | None:
    """A quantity to show (a balance, a price, a count): a number or a numeric string, as text.

    Raises:
        ContractError: anything else (an object, a list, a boolean, words).
    """
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+(?:[.,]\d+)?\s*", value):
        return value.strip()
    raise _wrong(who, _name(key, where), value, "a number")


def optional_obj(data: Answer, key: str, who: str, where: str = "") -> dict[str, Any] | None:
    """An object field, or None when absent or null.

    Raises:
        ContractError: any other type.
    """
    value = data.get(key)
    if value is None or isinstance(value, dict):
        return value
    raise _wrong(who, _name(key, where), value, "an object")


def obj(data: Answer, key: str, who: str, where: str = "") -> dict[str, Any]:
    """An object field that must be there (see :func:`optional_obj`)."""
    value = optional_obj(data, key, who, where)
    if value is None:
        raise ContractError(f'{who}\'s answer has no "{_name(key, where)}" object.', field=_name(key, where))
    return value


def optional_items(data: Answer, key: str, who: str, where: str = "") -> list[Any] | None:
    """A list field, or None when absent or null.

    Raises:
        ContractError: any other type.
    """
    value = data.get(key)
    if value is None or isinstance(value, list):
        return value
    raise _wrong(who, _name(key, where), value, "a list")


def items(data: Answer, key: str, who: str, where: str = "") -> list[Any]:
    """A list field; absent or null is an empty list (see :func:`optional_items`)."""
    return optional_items(data, key, who, where) or []


def objects(data: Answer, key: str, who: str, where: str = "") -> list[dict[str, Any]]:
    """A list of objects; absent or null is an empty list.

    Raises:
        ContractError: not a list, or an element that is not an object (named by its index).
    """
    found = items(data, key, who, where)
    for index, element in enumerate(found):
        if not isinstance(element, dict):
            raise _wrong(who, f"{_name(key, where)}.{index}", element, "an object")
    return found
