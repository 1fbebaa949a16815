"""Provider registry: every sibling module that defines ``PROVIDER`` is a provider; nothing else to edit."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from console.providers.provider import Provider
from console.providers.webhook import WebhookRule

_NOT_PROVIDERS = frozenset({"spec", "validation", "webhook", "webhook_body"})  # what every provider module uses


@cache
def all_providers() -> dict[str, Provider]:
    """Providers by id, in module-name order (discovered, so adding a module is all it takes)."""
    found: dict[str, Provider] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_") or info.name in _NOT_PROVIDERS:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        provider = getattr(module, "PROVIDER", None)
        if isinstance(provider, Provider):
            found[provider.id] = provider
    return found


def get_provider(provider_id: str) -> Provider:
    """The provider with this id.

    Raises:
        KeyError: no such provider, with the list of known ids.
    """
    providers = all_providers()
    if provider_id not in providers:
        raise KeyError(f"Unknown provider {provider_id!r}; known: {', '.join(providers)}")
    return providers[provider_id]


def webhook_rules() -> dict[str, WebhookRule]:
    """The callback rules of the providers that declare one, by provider id."""
    return {pid: p.webhook for pid, p in all_providers().items() if p.webhook is not None}
