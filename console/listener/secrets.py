"""The secrets callbacks are verified with: flags, environment variables, ``.env``, profiles, the simulators'."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from console.core.dotenv_file import read_dotenv
from console.providers.webhook import Secret, WebhookRule

Candidates = dict[str, dict[str, list[Secret]]]  # provider -> secret name -> candidates, in order of precedence


@dataclass(frozen=True, slots=True)
class SavedSecrets:
    """Secrets kept somewhere the listener does not know (a saved profile), given by whoever builds it.

    Attributes:
        source: how a verdict names it, e.g. ``profile Zadarma prod``.
        provider: the provider whose callbacks these secrets verify.
        values: secret values by the webhook rule's secret names.
    """

    source: str
    provider: str
    values: Mapping[str, str]


def flag_name(rule: WebhookRule, name: str) -> str:
    """The CLI flag key of a webhook secret, e.g. ``zadarma_secret`` for ``--zadarma-secret``."""
    return f"{rule.provider}_{name}"


def resolve_webhook_secrets(
    rules: Mapping[str, WebhookRule],
    given: Mapping[str, str] | None = None,
    environ: Mapping[str, str] | None = None,
    dotenv_path: Path | None = None,
    simulator: bool = True,
    saved: Iterable[SavedSecrets] = (),
) -> Candidates:
    """Every candidate secret per provider and name; each is tried, and the verdict says which one matched.

    Args:
        rules: the providers' webhook rules.
        given: flag values by :func:`flag_name`.
        environ: the environment (``os.environ`` by default).
        dotenv_path: a ``.env`` file, if any.
        simulator: also accept the simulators' demo secrets, so simulated callbacks verify out of the box.
        saved: secrets kept elsewhere (saved profiles); each of the provider's secrets they hold is a candidate.
    """
    kept = list(saved)
    environ = os.environ if environ is None else environ
    dotenv = read_dotenv(dotenv_path)
    given = given or {}
    found: Candidates = {}
    for pid, rule in rules.items():
        per_name: dict[str, list[Secret]] = {}
        for fld in rule.secrets:
            var = fld.env_name(pid)
            options = [
                (given.get(flag_name(rule, fld.name), ""), "flag"),
                (environ.get(var, ""), f"${var}"),
                (dotenv.get(var, ""), ".env"),
                *((item.values.get(fld.name, ""), item.source) for item in kept if item.provider == pid),
                (rule.simulator_secrets.get(fld.name, "") if simulator else "", "simulator demo"),
            ]
            seen: set[str] = set()
            per_name[fld.name] = []
            for value, source in options:
                if value and value not in seen:
                    seen.add(value)
                    per_name[fld.name].append(Secret(value, source))
        found[pid] = per_name
    return found


def secret_values(candidates: Candidates) -> list[str]:
    """Every secret value, for redaction."""
    return [s.value for names in candidates.values() for values in names.values() for s in values]
