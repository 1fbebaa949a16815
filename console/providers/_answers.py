"""Reading providers' answers: one JSON decoder that names an HTML error page instead of failing on it."""

from __future__ import annotations

import json
import re
from typing import Any

from console.core.errors import ContractError


def json_object(status: int, body: bytes, who: str) -> dict[str, Any]:
    """The answer as a JSON object (an empty body is ``{}``); ContractError naming what came instead."""
    text = body.decode("utf-8", errors="replace")
    try:
        data = json.loads(text) if text.strip() else {}
    except ValueError:
        title = re.search(r"<title>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
        kind = "an HTML page" if title or "<html" in text.lower() else "a body that is not JSON"
        detail = f" ({title.group(1).strip()})" if title else ""
        raise ContractError(f"HTTP {status} with {kind}{detail} instead of {who}'s JSON.") from None
    if not isinstance(data, dict):
        raise ContractError(f"HTTP {status}: {who} answered JSON that is not an object.")
    return data
