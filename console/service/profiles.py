"""Named profiles ("Zadarma prod", "Zadarma staging"): a provider, its environment and its credentials.

The list (names, providers, environments, base URLs) is a JSON file beside the settings and holds no secret;
the credential values live in a :class:`~console.core.secret_store.SecretStore`. Blocking: call off the GUI
thread. The book is given the providers it knows (whoever builds it passes the registry's).
"""

from __future__ import annotations

import builtins
import dataclasses
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.core import paths
from console.core.dotenv_file import read_dotenv
from console.core.errors import InputError
from console.core.jsonfile import read_json, write_json
from console.core.secret_store import SecretStore
from console.listener.secrets import SavedSecrets
from console.providers.provider import Provider
from console.providers.spec import FieldSpec

CUSTOM_ENV = "custom"


class ProfileError(InputError):
    """A profile is unknown, belongs to another provider, or its definition is invalid."""


@dataclass(slots=True)
class Profile:
    """One named set of environment and credentials for one provider (no secret values here)."""

    name: str
    provider: str
    env: str = "simulator"
    base_url: str = ""
    credentials: list[str] = field(default_factory=list)  # names of the credentials kept in the secret store

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @property
    def where(self) -> str:
        """The environment in words: ``live``, ``custom https://…``."""
        return f"{self.env} {self.base_url}" if self.env == CUSTOM_ENV else self.env


def profiles_path() -> Path:
    return paths.config_dir() / "profiles.json"


def _secret_name(profile: str, credential: str) -> str:
    return f"profile/{profile}/{credential}"


def secret_fields(provider: Provider) -> list[FieldSpec]:
    """What a profile of ``provider`` can keep: its credentials, then its callbacks' signing secrets."""
    fields = list(provider.spec.credentials)
    rule = provider.webhook
    names = {f.name for f in fields}
    fields += [f for f in (rule.secrets if rule else ()) if f.name not in names]
    return fields


def values_from_environment(
    provider: Provider, environ: Mapping[str, str] | None = None, dotenv_path: Path | None = None
) -> dict[str, str]:
    """A provider's secrets from ``HCP_KEY``-style names: environment variables first, then a ``.env`` file."""
    environ = os.environ if environ is None else environ
    dotenv = read_dotenv(dotenv_path)
    found: dict[str, str] = {}
    for fld in secret_fields(provider):
        var = fld.env_name(provider.id)
        value = environ.get(var) or dotenv.get(var)
        if value:
            found[fld.name] = value
    return found


class ProfileBook:
    """The saved profiles and the secret store behind them (thread-safe)."""

    def __init__(self, store: SecretStore, providers: Mapping[str, Provider], path: Path | None = None) -> None:
        self.store = store
        self.providers = providers
        self.path = path or profiles_path()
        self._lock = threading.Lock()

    def _read(self, problems: builtins.list[str] | None = None) -> dict[str, Profile]:
        """The profiles in the file; a damaged file or an entry that cannot be read is said in ``problems``."""
        found: dict[str, Profile] = {}
        names = {f.name for f in dataclasses.fields(Profile)}
        items = read_json(self.path, problems).get("profiles", [])
        if not isinstance(items, builtins.list):
            items = []
            if problems is not None:
                problems.append(f'{self.path}: "profiles" is not a list; no profile could be read.')
        for index, item in enumerate(items):
            profile = _profile_from(item, names)
            if profile is None:
                if problems is not None:
                    problems.append(f"{self.path}: entry {index + 1} is not a profile ({_short(item)}); it is skipped.")
                continue
            found[profile.name] = profile
        return found

    def problems(self) -> builtins.list[str]:
        """What is wrong with the profile file now (a damaged file kept aside, entries skipped), for a warning."""
        found: builtins.list[str] = []
        with self._lock:
            self._read(found)
        return found

    def _write(self, profiles: Mapping[str, Profile]) -> None:
        write_json(self.path, {"version": 1, "profiles": [p.to_dict() for p in profiles.values()]})

    def provider(self, provider_id: str) -> Provider:
        """One of the providers this book knows.

        Raises:
            ProfileError: an unknown provider, naming the known ones.
        """
        if provider_id not in self.providers:
            known = ", ".join(self.providers)
            raise ProfileError(f"Unknown provider {provider_id!r}; known: {known}.", field="provider")
        return self.providers[provider_id]

    def list(self, provider: str | None = None) -> list[Profile]:
        """Profiles by name, of one provider or all."""
        with self._lock:
            found = self._read().values()
        return sorted((p for p in found if provider in (None, p.provider)), key=lambda p: p.name.casefold())

    def get(self, name: str, provider: str | None = None) -> Profile:
        """The profile called ``name`` (and of ``provider``, when given).

        Raises:
            ProfileError: no such profile, or it belongs to another provider.
        """
        with self._lock:
            profile = self._read().get(name)
        if profile is None:
            known = ", ".join(p.name for p in self.list(provider)) or "none saved"
            raise ProfileError(f"No profile {name!r} (known: {known}).", field="profile")
        if provider is not None and profile.provider != provider:
            raise ProfileError(f"Profile {name!r} is for {profile.provider}, not {provider}.", field="profile")
        return profile

    def save(self, profile: Profile, credentials: Mapping[str, str], *, replace_credentials: bool = False) -> Profile:
        """Create or update a profile; given credential values go to the secret store, the rest stay as they were.

        Raises:
            ProfileError: an empty name, an unknown provider or environment, or a custom one without a URL.
            SecretStoreError: the store is locked or refused.
        """
        provider = self.provider(profile.provider)
        spec = provider.spec
        name = profile.name.strip()
        if not name or "/" in name:
            raise ProfileError("A profile needs a name without '/'.", field="profile")
        envs = [e.id for e in spec.all_environments()] + [CUSTOM_ENV]
        if profile.env not in envs:
            raise ProfileError(f"{spec.label} has no environment {profile.env!r} (one of {', '.join(envs)}).")
        if profile.env == CUSTOM_ENV and not profile.base_url.startswith(("http://", "https://")):
            raise ProfileError("A custom environment needs a base URL starting with http:// or https://.")
        allowed = [f.name for f in secret_fields(provider)]
        unknown = sorted(set(credentials) - set(allowed))
        if unknown:
            raise ProfileError(f"{spec.label} has no credential {', '.join(unknown)} (one of {', '.join(allowed)}).")
        with self._lock:
            profiles = self._read()
            old = profiles.get(name)
            kept = set() if old is None or replace_credentials else set(old.credentials)
            for cred, value in credentials.items():
                if value:
                    self.store.set(_secret_name(name, cred), value)
                    kept.add(cred)
            if old is not None and replace_credentials:
                for cred in set(old.credentials) - kept:
                    self.store.delete(_secret_name(name, cred))
            saved = Profile(name, profile.provider, profile.env, profile.base_url.rstrip("/"), sorted(kept))
            profiles[name] = saved
            self._write(profiles)
        return saved

    def delete(self, name: str) -> None:
        """Remove a profile and its secrets."""
        with self._lock:
            profiles = self._read()
            profile = profiles.pop(name, None)
            if profile is None:
                raise ProfileError(f"No profile {name!r}.", field="profile")
            for cred in profile.credentials:
                self.store.delete(_secret_name(name, cred))
            self._write(profiles)

    def saved_secrets(self) -> builtins.list[SavedSecrets]:
        """Every profile's values, as the listener takes them for its signature checks.

        Raises:
            SecretStoreError: the store is locked or refused.
        """
        return [SavedSecrets(f"profile {p.name}", p.provider, self._values(p)) for p in self.list()]

    def credentials(self, name: str, provider: str | None = None) -> dict[str, str]:
        """The profile's credential values, read from the secret store.

        Raises:
            ProfileError: unknown profile or another provider's.
            SecretStoreError: the store is locked or refused.
        """
        return self._values(self.get(name, provider))

    def _values(self, profile: Profile) -> dict[str, str]:
        found = {cred: self.store.get(_secret_name(profile.name, cred)) for cred in profile.credentials}
        return {cred: value for cred, value in found.items() if value}


def _profile_from(item: object, names: set[str]) -> Profile | None:
    """A profile from one entry of the file, or None when the entry is not one (wrong types, missing keys)."""
    if not isinstance(item, dict):
        return None
    values = {k: v for k, v in item.items() if k in names}
    if any(not isinstance(values.get(k, ""), str) for k in ("name", "provider", "env", "base_url")):
        return None
    if not values.get("name") or not values.get("provider"):
        return None
    credentials = values.get("credentials", [])
    if not isinstance(credentials, builtins.list) or not all(isinstance(c, str) for c in credentials):
        return None
    return Profile(**values)


def _short(item: object) -> str:
    text = repr(item)
    return text if len(text) <= 60 else text[:57] + "..."


def choose_target(profile: Profile | None, env_flag: str | None, base_url_flag: str | None) -> tuple[str, str | None]:
    """Where a headless command sends: ``(env, base_url)`` from ``--env``/``--base-url`` and the profile.

    The command line never prompts, so ``--env`` is the consent: a profile outside the simulator is used only
    when ``--env`` names its environment, and a different ``--env`` is refused rather than sending one
    environment's credentials to another.

    Raises:
        ProfileError: the profile needs ``--env``, or ``--env`` contradicts it, or ``custom`` has no URL.
    """
    if profile is None:
        env = env_flag or "simulator"
        base_url = base_url_flag
    elif env_flag is None and profile.env != "simulator":
        raise ProfileError(
            f"Profile {profile.name!r} sends to {profile.where}: add --env {profile.env} to confirm "
            "(the command line never asks).",
            field="env",
        )
    elif env_flag is not None and env_flag != profile.env:
        raise ProfileError(
            f"Profile {profile.name!r} is for {profile.env}, but --env says {env_flag}: its credentials are not "
            f"sent to another environment.",
            field="env",
        )
    else:
        env = profile.env
        base_url = base_url_flag or (profile.base_url if profile.env == CUSTOM_ENV else None)
    if env == CUSTOM_ENV and not base_url:
        raise ProfileError("--env custom needs --base-url (or a profile with a custom base URL).", field="base_url")
    return env, base_url


def open_profiles(providers: Mapping[str, Provider], environ: Mapping[str, str] | None = None) -> ProfileBook:
    """The saved profiles over the keyring or the encrypted file (see :func:`secret_store.open_store`)."""
    from console.core.secret_store import open_store

    return ProfileBook(open_store(environ), providers)
