"""Simulator registry: every sibling module that defines ``SIMULATOR`` is a simulator; nothing else to edit."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.simulators.base import ProviderSimulator

_NOT_SIMULATORS = frozenset({"base", "host"})


@cache
def all_simulators() -> dict[str, type[ProviderSimulator]]:
    """Simulator classes by provider id, in module-name order (discovered, so adding a module is all it takes)."""
    from console.simulators.base import ProviderSimulator

    found: dict[str, type[ProviderSimulator]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_") or info.name in _NOT_SIMULATORS:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        simulator = getattr(module, "SIMULATOR", None)
        if isinstance(simulator, type) and issubclass(simulator, ProviderSimulator) and simulator.provider_id:
            found[simulator.provider_id] = simulator
    return found
