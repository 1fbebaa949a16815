"""Where credentials come from: flags, then environment variables, then ``.env``, then the selected profile.

In the simulator environment, environment variables and ``.env`` are not read (a live key never goes to the
simulator): a flag, then the profile, then the simulator's demo credentials.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from console.core.dotenv_file import read_dotenv
from console.core.errors import CredentialsError
from console.providers.spec import FieldSpec, ProviderSpec


def resolve_credentials(
    spec: ProviderSpec,
    env_id: str,
    given: Mapping[str, str],
    environ: Mapping[str, str] | None = None,
    dotenv_path: Path | None = None,
    profile: Mapping[str, str] | None = None,
    profile_name: str = "",
) -> tuple[dict[str, str], dict[str, str]]:
    """Pick each credential from the first source that has it.

    Returns:
        (values, sources): the credentials, and for each the place it came from
        (``flag``, ``$NAME``, ``.env``, ``profile NAME``, ``simulator demo``).
    """
    simulator = env_id == "simulator"
    environ = {} if simulator else os.environ if environ is None else environ
    dotenv = {} if simulator else read_dotenv(dotenv_path)
    profile = profile or {}
    from_profile = f"profile {profile_name}".strip()
    values: dict[str, str] = {}
    sources: dict[str, str] = {}
    for fld in spec.credentials:
        var = fld.env_name(spec.id)
        if given.get(fld.name):
            values[fld.name], sources[fld.name] = given[fld.name], "flag"
        elif environ.get(var):
            values[fld.name], sources[fld.name] = environ[var], f"${var}"
        elif dotenv.get(var):
            values[fld.name], sources[fld.name] = dotenv[var], ".env"
        elif profile.get(fld.name):
            values[fld.name], sources[fld.name] = profile[fld.name], from_profile
        elif simulator and fld.name in spec.simulator_credentials:
            values[fld.name], sources[fld.name] = spec.simulator_credentials[fld.name], "simulator demo"
    return values, sources


MissingWords = Callable[[ProviderSpec, Sequence[FieldSpec]], str]


def for_flags(spec: ProviderSpec, missing: Sequence[FieldSpec]) -> str:
    """Missing credentials in the command line's words: their flags and variables."""
    names = ", ".join(f"--{f.name.replace('_', '-')} (or ${f.env_name(spec.id)})" for f in missing)
    return f"Missing {spec.label} credentials: {names}."


def for_forms(spec: ProviderSpec, missing: Sequence[FieldSpec]) -> str:
    """Missing credentials in a form's words: its field labels, then where else they may come from."""
    labels = ", ".join(f.label for f in missing)
    variables = ", ".join(f"${f.env_name(spec.id)}" for f in missing)
    return (
        f"Missing {spec.label} credentials: {labels}. Type them in the Credentials box, pick a profile, or set "
        f"{variables} (or .env) before starting the console."
    )


def require_credentials(spec: ProviderSpec, values: Mapping[str, str], words: MissingWords = for_flags) -> None:
    """Refuse to send when a required credential is missing, naming them in the face's ``words``.

    Raises:
        CredentialsError: the first missing credential is its ``field``.
    """
    missing = [f for f in spec.credentials if f.required and not values.get(f.name)]
    if missing:
        raise CredentialsError(words(spec, missing), field=missing[0].name)
