"""Profiles: secrets in a keyring (a test backend) or the encrypted file, and the order of credential sources."""

from __future__ import annotations

import json
from pathlib import Path

import keyring
import pytest

from console.core.secret_store import (
    EncryptedFileStore,
    KeyringStore,
    SecretsLocked,
    WrongPassphrase,
    keyring_usable,
    open_store,
)
from console.providers import all_providers, get_provider
from console.service.credentials import resolve_credentials
from console.service.profiles import Profile, ProfileBook, ProfileError, values_from_environment
from tests.helpers.keyrings import MemoryKeyring

ZADARMA = get_provider("zadarma").spec


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


def test_keyring_backend_keeps_the_secrets_and_the_list_keeps_none(
    memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    assert keyring_usable()
    store = open_store({})
    assert isinstance(store, KeyringStore)
    book = ProfileBook(store, all_providers(), tmp_path / "profiles.json")
    book.save(Profile("Zadarma prod", "zadarma", "live"), {"key": "K-prod-1", "secret": "S-prod-1"})
    assert memory_keyring.passwords[("otp-console", "profile/Zadarma prod/secret")] == "S-prod-1"
    assert book.credentials("Zadarma prod", "zadarma") == {"key": "K-prod-1", "secret": "S-prod-1"}
    listed = (tmp_path / "profiles.json").read_text()
    assert "S-prod-1" not in listed
    assert "K-prod-1" not in listed
    assert json.loads(listed)["profiles"][0] == {
        "name": "Zadarma prod",
        "provider": "zadarma",
        "env": "live",
        "base_url": "",
        "credentials": ["key", "secret"],
    }
    book.delete("Zadarma prod")
    assert memory_keyring.passwords == {}
    assert book.list() == []


def test_update_keeps_untouched_secrets_and_replace_drops_them(memory_keyring: MemoryKeyring, tmp_path: Path) -> None:
    book = ProfileBook(KeyringStore(), all_providers(), tmp_path / "profiles.json")
    book.save(Profile("z", "zadarma", "live"), {"key": "k1", "secret": "s1"})
    book.save(Profile("z", "zadarma", "sandbox"), {"secret": "s2"})
    assert book.credentials("z") == {"key": "k1", "secret": "s2"}
    assert book.get("z").env == "sandbox"
    book.save(Profile("z", "zadarma", "sandbox"), {"key": "k3"}, replace_credentials=True)
    assert book.credentials("z") == {"key": "k3"}
    assert ("otp-console", "profile/z/secret") not in memory_keyring.passwords


def test_bad_profiles_are_refused_with_reasons(memory_keyring: MemoryKeyring, tmp_path: Path) -> None:
    book = ProfileBook(KeyringStore(), all_providers(), tmp_path / "profiles.json")
    with pytest.raises(ProfileError, match="no environment 'staging'"):
        book.save(Profile("a", "zadarma", "staging"), {})
    with pytest.raises(ProfileError, match="base URL"):
        book.save(Profile("a", "zadarma", "custom", "ftp://x"), {})
    with pytest.raises(ProfileError, match="no credential token"):
        book.save(Profile("a", "zadarma", "live"), {"token": "x"})
    book.save(Profile("Vbee prod", "vbee", "live"), {"api_key": "a"})
    with pytest.raises(ProfileError, match="is for vbee, not zadarma"):
        book.credentials("Vbee prod", "zadarma")
    with pytest.raises(ProfileError, match="No profile 'nope'"):
        book.get("nope")


def test_file_fallback_is_encrypted_and_needs_the_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "secrets.enc"
    store = EncryptedFileStore(path)
    assert store.locked
    with pytest.raises(SecretsLocked, match="OTP_CONSOLE_PASSPHRASE"):
        store.get("x")
    store.unlock("correct horse")
    book = ProfileBook(store, all_providers(), tmp_path / "profiles.json")
    book.save(Profile("HCP", "hamkaran", "live"), {"key": "hcp-secret-value-42"})
    raw = path.read_bytes()
    assert b"hcp-secret-value-42" not in raw
    assert b"HCP" not in raw
    assert path.stat().st_mode & 0o777 == 0o600

    again = EncryptedFileStore(path)
    with pytest.raises(WrongPassphrase):
        again.unlock("wrong horse")
    assert again.locked
    again.unlock("correct horse")
    assert ProfileBook(again, all_providers(), tmp_path / "profiles.json").credentials("HCP") == {
        "key": "hcp-secret-value-42"
    }
    again.lock()
    with pytest.raises(SecretsLocked):
        again.get("profile/HCP/key")


def test_open_store_falls_back_to_the_file_and_reads_the_passphrase_from_the_environment() -> None:
    assert not keyring_usable()  # this headless box has no keyring backend: the fallback path
    locked = open_store({})
    assert isinstance(locked, EncryptedFileStore)
    assert locked.locked
    opened = open_store({"OTP_CONSOLE_PASSPHRASE": "pw-1"})
    assert not opened.locked
    opened.set("a", "b")
    with pytest.raises(WrongPassphrase):
        open_store({"OTP_CONSOLE_PASSPHRASE": "pw-2"})
    assert open_store({"OTP_CONSOLE_PASSPHRASE": "pw-1"}).get("a") == "b"
    assert isinstance(open_store({"OTP_CONSOLE_SECRET_STORE": "file"}), EncryptedFileStore)


def test_damaged_file_is_reported_not_crashed_on(tmp_path: Path) -> None:
    path = tmp_path / "secrets.enc"
    path.write_text("{not json")
    with pytest.raises(Exception, match="unreadable or damaged"):
        EncryptedFileStore(path).unlock("x")


def test_precedence_flag_then_environment_then_dotenv_then_profile(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("ZADARMA_SECRET=from_dotenv\n")
    profile = {"key": "from_profile", "secret": "from_profile"}
    values, sources = resolve_credentials(ZADARMA, "live", {}, {}, dotenv, profile, "Zadarma prod")
    assert values == {"key": "from_profile", "secret": "from_dotenv"}
    assert sources == {"key": "profile Zadarma prod", "secret": ".env"}
    values, sources = resolve_credentials(ZADARMA, "live", {}, {"ZADARMA_KEY": "from_env"}, dotenv, profile, "p")
    assert (values["key"], sources["key"]) == ("from_env", "$ZADARMA_KEY")
    values, sources = resolve_credentials(ZADARMA, "live", {"key": "typed"}, {"ZADARMA_KEY": "e"}, dotenv, profile)
    assert (values["key"], sources["key"]) == ("typed", "flag")


def test_in_the_simulator_a_profile_beats_the_demo_credentials() -> None:
    values, sources = resolve_credentials(ZADARMA, "simulator", {}, {"ZADARMA_KEY": "live"}, None, {"key": "p"}, "x")
    assert values["key"] == "p"
    assert sources["key"] == "profile x"
    assert sources["secret"] == "simulator demo"


def test_import_from_environment_and_dotenv_by_documented_names(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("HCP_KEY=hcp-from-dotenv\nVBEE_API_SECRET=vs\n")
    assert values_from_environment(get_provider("hamkaran"), {}, dotenv) == {"key": "hcp-from-dotenv"}
    assert values_from_environment(get_provider("hamkaran"), {"HCP_KEY": "env"}, dotenv) == {"key": "env"}
    assert values_from_environment(get_provider("vbee"), {"VBEE_API_KEY": "vk"}, dotenv) == {
        "api_key": "vk",
        "api_secret": "vs",
    }


def test_a_profile_keeps_the_providers_callback_secrets_and_the_listener_tries_them(
    memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    from console.listener.secrets import resolve_webhook_secrets
    from console.providers import webhook_rules

    dotenv = tmp_path / ".env"
    dotenv.write_text("YCLOUD_API_KEY=yk-1\nYCLOUD_WEBHOOK_SECRET=whsec_from_dotenv\n")
    imported = values_from_environment(get_provider("ycloud"), {}, dotenv)
    assert imported == {"api_key": "yk-1", "webhook_secret": "whsec_from_dotenv"}
    book = ProfileBook(KeyringStore(), all_providers(), tmp_path / "profiles.json")
    book.save(Profile("YCloud prod", "ycloud", "live"), imported)
    book.save(Profile("Zadarma prod", "zadarma", "live"), {"secret": "zs-profile-1"})
    candidates = resolve_webhook_secrets(webhook_rules(), environ={}, saved=book.saved_secrets())
    assert [(s.value, s.source) for s in candidates["ycloud"]["webhook_secret"]] == [
        ("whsec_from_dotenv", "profile YCloud prod"),
        ("whsec_sim_ycloud", "simulator demo"),
    ]
    assert ("zs-profile-1", "profile Zadarma prod") in [(s.value, s.source) for s in candidates["zadarma"]["secret"]]


def test_a_damaged_profile_list_loses_nothing_else(memory_keyring: MemoryKeyring, tmp_path: Path) -> None:
    path = tmp_path / "profiles.json"
    path.write_text('{"profiles": [{"name": "ok", "provider": "hamkaran"}, {"nonsense": 1}, "x"]}')
    book = ProfileBook(KeyringStore(), all_providers(), path)
    assert [p.name for p in book.list()] == ["ok"]  # the readable entry stays; the rest is skipped
    path.write_text("{not json")
    assert book.list() == []
    book.save(Profile("again", "hamkaran", "live"), {"key": "k-12345"})  # and the file is usable again
    assert book.credentials("again") == {"key": "k-12345"}
    assert (tmp_path / "profiles.json.damaged").read_text() == "{not json"  # what could not be read is kept


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ('{"profiles": [{"name": 5, "provider": "zadarma"}, {"name": "ok", "provider": "zadarma"}]}', "entry 1"),
        ('["a", "list", "not", "an", "object"]', "not an object (list)"),
        ("42", "not an object (int)"),
        ('{"profiles": {"name": "ok"}}', '"profiles" is not a list'),
        ("{not json", "not valid JSON"),
    ],
)
def test_an_unexpected_profile_file_is_kept_aside_and_said(
    memory_keyring: MemoryKeyring, tmp_path: Path, content: str, said: str
) -> None:
    path = tmp_path / "profiles.json"
    path.write_text(content)
    book = ProfileBook(KeyringStore(), all_providers(), path)
    problems = book.problems()
    assert any(said in p for p in problems), problems
    names = [p.name for p in book.list()]
    assert names == (["ok"] if said == "entry 1" else [])
    book.save(Profile("new", "zadarma", "simulator"), {})
    kept = tmp_path / "profiles.json.damaged"
    if said not in ("entry 1", '"profiles" is not a list'):
        assert kept.read_text() == content  # whatever its JSON type, what could not be read is kept
    assert "new" in [p.name for p in book.list()]
