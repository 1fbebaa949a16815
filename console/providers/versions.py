"""Dated facts about a provider's API versions: which version a base URL names, and whether it still works."""

from __future__ import annotations

import datetime as dt
import re

from console.providers.spec import ApiVersion, ProviderSpec

WARN_DAYS = 90
_IN_URL = re.compile(r"/(v\d+(?:\.\d+)?)(?=/|$)")


def version_in(spec: ProviderSpec, base_url: str) -> ApiVersion | None:
    """The provider's API version a base URL names (``…/v21.0``), when the description knows it."""
    known = {v.name: v for v in spec.api_versions}
    for name in _IN_URL.findall(base_url):
        if name in known:
            return known[name]
    return None


def version_warnings(spec: ProviderSpec, base_url: str, today: dt.date | None = None) -> list[str]:
    """What to tell the user about the version in ``base_url``: it stops working within 90 days, or it has."""
    version = version_in(spec, base_url)
    if version is None or version.expires is None:
        return []
    today = today or dt.date.today()
    current = next((v.name for v in spec.api_versions if v.expires is None), "")
    move = f" Move to {current}." if current else ""
    left = (version.expires - today).days
    if left <= 0:
        return [
            f"{spec.label} {version.name} stopped working on {version.expires.isoformat()}: its requests are "
            f"refused.{move}"
        ]
    if left <= WARN_DAYS:
        return [
            f"{spec.label} {version.name} stops working on {version.expires.isoformat()}, in {left} "
            f"day{'s' if left != 1 else ''}.{move}"
        ]
    return []
