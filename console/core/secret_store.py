"""Where profile secrets live: the OS keyring, or an encrypted file when the machine has no keyring.

The file fallback (``secrets.enc`` under the state folder) is Fernet-encrypted with a key derived by scrypt
from a passphrase the GUI asks for or ``OTP_CONSOLE_PASSPHRASE`` gives. Every call here may block (D-Bus,
scrypt, disk): call it off the GUI thread.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from console.core import paths
from console.core.errors import InputError
from console.core.jsonfile import write_json

SERVICE = "otp-console"
PASSPHRASE_ENV = "OTP_CONSOLE_PASSPHRASE"
STORE_ENV = "OTP_CONSOLE_SECRET_STORE"  # "keyring" or "file": force one (default: keyring when it works)
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


class SecretStoreError(InputError):
    """The secrets could not be read or written (locked store, wrong passphrase, keyring failure)."""


class SecretsLocked(SecretStoreError):
    """The encrypted file needs its passphrase first."""


class WrongPassphrase(SecretStoreError):
    """The passphrase does not open the encrypted file."""


class SecretStore(Protocol):
    """A place to keep secrets by name."""

    @property
    def description(self) -> str: ...

    @property
    def locked(self) -> bool: ...

    def get(self, name: str) -> str | None: ...

    def set(self, name: str, value: str) -> None: ...

    def delete(self, name: str) -> None: ...


def keyring_usable() -> bool:
    """True when the keyring package has a real backend here (not the "fail" one of a headless box)."""
    try:
        import keyring
        from keyring.backends import fail
    except Exception:
        return False
    backend = keyring.get_keyring()
    return not isinstance(backend, fail.Keyring) and float(getattr(backend, "priority", 1)) > 0


class KeyringStore:
    """Secrets in the operating system's keyring, under the service name ``otp-console``."""

    locked = False

    @property
    def description(self) -> str:
        import keyring

        backend = keyring.get_keyring()
        return f"keyring ({getattr(backend, 'name', type(backend).__name__)})"

    def get(self, name: str) -> str | None:
        import keyring
        from keyring.errors import KeyringError

        try:
            return keyring.get_password(SERVICE, name)
        except KeyringError as exc:
            raise SecretStoreError(f"The keyring refused to read {name}: {exc}") from exc

    def set(self, name: str, value: str) -> None:
        import keyring
        from keyring.errors import KeyringError

        try:
            keyring.set_password(SERVICE, name, value)
        except KeyringError as exc:
            raise SecretStoreError(f"The keyring refused to store {name}: {exc}") from exc

    def delete(self, name: str) -> None:
        import keyring
        from keyring.errors import KeyringError, PasswordDeleteError

        try:
            keyring.delete_password(SERVICE, name)
        except PasswordDeleteError:
            pass
        except KeyringError as exc:
            raise SecretStoreError(f"The keyring refused to delete {name}: {exc}") from exc


def _fernet_key(passphrase: str, salt: bytes, params: Mapping[str, int]) -> bytes:
    raw = hashlib.scrypt(
        passphrase.encode("utf-8"), salt=salt, n=params["n"], r=params["r"], p=params["p"], dklen=32, maxmem=2**26
    )
    return base64.urlsafe_b64encode(raw)


class EncryptedFileStore:
    """Secrets in one Fernet-encrypted JSON file; locked until :meth:`unlock` is given the passphrase."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._values: dict[str, str] | None = None
        self._key: bytes | None = None
        self._salt = b""

    @property
    def description(self) -> str:
        return f"encrypted file {self.path}"

    @property
    def locked(self) -> bool:
        return self._values is None

    @property
    def exists(self) -> bool:
        return self.path.is_file()

    def unlock(self, passphrase: str) -> None:
        """Open the file with ``passphrase`` (a new file takes whatever passphrase comes first).

        Raises:
            WrongPassphrase: the file exists and this passphrase does not decrypt it.
            SecretStoreError: the file is unreadable or damaged.
        """
        from cryptography.fernet import Fernet, InvalidToken

        if not passphrase:
            raise WrongPassphrase("An empty passphrase cannot protect secrets.")
        with self._lock:
            if not self.path.is_file():
                self._salt = secrets.token_bytes(16)
                self._key = _fernet_key(passphrase, self._salt, _SCRYPT)
                self._values = {}
                return
            try:
                envelope = json.loads(self.path.read_text(encoding="utf-8"))
                salt = base64.b64decode(envelope["salt"])
                key = _fernet_key(passphrase, salt, envelope.get("scrypt", _SCRYPT))
                plain = Fernet(key).decrypt(envelope["token"].encode("ascii"))
            except InvalidToken as exc:
                raise WrongPassphrase(f"The passphrase does not open {self.path}.") from exc
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise SecretStoreError(f"{self.path} is unreadable or damaged: {exc}") from exc
            values = json.loads(plain)
            self._salt, self._key = salt, key
            self._values = {str(k): str(v) for k, v in values.items()}

    def lock(self) -> None:
        """Forget the passphrase and the decrypted values."""
        with self._lock:
            self._values, self._key = None, None

    def _opened(self) -> dict[str, str]:
        if self._values is None:
            raise SecretsLocked(
                f"The secrets file {self.path} is locked: enter its passphrase in the console, "
                f"or set ${PASSPHRASE_ENV}."
            )
        return self._values

    def get(self, name: str) -> str | None:
        with self._lock:
            return self._opened().get(name)

    def set(self, name: str, value: str) -> None:
        with self._lock:
            self._opened()[name] = value
            self._write()

    def delete(self, name: str) -> None:
        with self._lock:
            if self._opened().pop(name, None) is not None:
                self._write()

    def _write(self) -> None:
        from cryptography.fernet import Fernet

        assert self._key is not None
        assert self._values is not None
        token = Fernet(self._key).encrypt(json.dumps(self._values, sort_keys=True).encode("utf-8"))
        envelope: dict[str, Any] = {
            "format": "otp-console secrets 1",
            "cipher": "fernet",
            "kdf": "scrypt",
            "scrypt": _SCRYPT,
            "salt": base64.b64encode(self._salt).decode("ascii"),
            "token": token.decode("ascii"),
        }
        write_json(self.path, envelope, indent=1, mode=0o600)


def secrets_file_path() -> Path:
    """The encrypted fallback file under the state folder."""
    return paths.data_dir() / "secrets.enc"


def open_store(environ: Mapping[str, str] | None = None) -> SecretStore:
    """The keyring when it works (or ``$OTP_CONSOLE_SECRET_STORE=keyring``), else the encrypted file.

    The file is unlocked at once when ``$OTP_CONSOLE_PASSPHRASE`` is set; otherwise it stays locked until the
    GUI asks for the passphrase.

    Raises:
        WrongPassphrase: ``$OTP_CONSOLE_PASSPHRASE`` does not open the existing file.
    """
    environ = os.environ if environ is None else environ
    forced = environ.get(STORE_ENV, "").strip().lower()
    if forced == "keyring" or (forced != "file" and keyring_usable()):
        return KeyringStore()
    store = EncryptedFileStore(secrets_file_path())
    if environ.get(PASSPHRASE_ENV):
        store.unlock(environ[PASSPHRASE_ENV])
    return store
