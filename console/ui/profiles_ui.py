"""The GUI side of profiles: loads the book off the GUI thread, asks for the passphrase, saves and deletes."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from pathlib import Path

import qasync
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from console.core.errors import InputError
from console.core.secret_store import EncryptedFileStore, WrongPassphrase
from console.providers.provider import Provider
from console.service.profiles import CUSTOM_ENV, Profile, ProfileBook, values_from_environment
from console.ui.excepthook import spawn
from console.ui.provider_form import ProviderForm

MAX_TRIES = 3


class ProfileController(QObject):
    """Keeps every form's profile list in step with the book; every book call runs off the GUI thread.

    Signals:
        message(str): a line for the status bar (saved, deleted, wrong passphrase…).
        values_changed(list): every profile's secrets (SavedSecrets), whenever they can be read anew (unlocked, saved,
            deleted): the listener verifies callback signatures with them too.
    """

    message = Signal(str)
    values_changed = Signal(list)

    def __init__(self, parent: QWidget, providers: Mapping[str, Provider]) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.providers = providers
        self.book: ProfileBook | None = None
        self.forms: dict[str, ProviderForm] = {}

    @property
    def store_text(self) -> str:
        return self.book.store.description if self.book is not None else "no secret store"

    async def load(self, forms: Mapping[str, ProviderForm]) -> None:
        """Open the book (keyring detection and ``$OTP_CONSOLE_PASSPHRASE`` run on a worker) and wire the forms."""
        from console.core.secret_store import open_store, secrets_file_path

        self.forms = dict(forms)
        try:
            store = await asyncio.to_thread(open_store)
        except WrongPassphrase as exc:  # the environment's passphrase is wrong: ask instead
            self.message.emit(f"{exc} The console will ask for it.")
            store = EncryptedFileStore(secrets_file_path())
        self.book = ProfileBook(store, self.providers)
        for form in self.forms.values():
            form.profile_save_requested.connect(lambda name, f=form: spawn(self.save_from_form(f, name)))
            form.profile_import_requested.connect(lambda name, path, f=form: spawn(self.import_dotenv(f, name, path)))
            form.profile_delete_requested.connect(lambda name: spawn(self.delete(name)))
            form.profile_reveal_requested.connect(lambda name, f=form: spawn(self.reveal(f, name)))
        await self.refresh()
        await self.publish_values()

    async def publish_values(self) -> None:
        """Announce every profile's values when the store can be read without asking (keyring, unlocked file)."""
        if self.book is None or self.book.store.locked:
            return
        try:
            values = await asyncio.to_thread(self.book.saved_secrets)
        except InputError as exc:
            self.message.emit(f"Profiles could not be read: {exc}")
            return
        self.values_changed.emit(values)

    async def refresh(self) -> None:
        """Re-read the list (no secret is read) and give each form its provider's profiles."""
        if self.book is None:
            return
        problems = await asyncio.to_thread(self.book.problems)
        profiles = await asyncio.to_thread(self.book.list)
        for form in self.forms.values():
            form.set_profiles(profiles, self.store_text)
        if problems:
            self.message.emit("Profiles: " + " ".join(problems))

    # ------------------------------------------------------------------------------------------ unlocking
    def ask_passphrase(self, creating: bool, problem: str) -> str | None:
        """Ask for the passphrase of the encrypted secrets file (tests replace this)."""
        what = (
            "No keyring is available here, so secrets go to an encrypted file.\nChoose a passphrase for it:"
            if creating
            else "The secrets file is encrypted. Passphrase:"
        )
        text, ok = QInputDialog.getText(
            self.parent_widget,
            "Unlock secrets",
            f"{problem}\n\n{what}" if problem else what,
            QLineEdit.EchoMode.Password,
        )
        return text if ok and text else None

    async def ensure_unlocked(self) -> bool:
        """Ask for the passphrase until the file opens (or the user gives up); True when secrets can be read."""
        if self.book is None:
            return False
        store = self.book.store
        if not isinstance(store, EncryptedFileStore) or not store.locked:
            return True
        problem = ""
        for _ in range(MAX_TRIES):
            creating = not await asyncio.to_thread(lambda: store.exists)
            passphrase = await qasync.asyncWrap(lambda c=creating, p=problem: self.ask_passphrase(c, p))
            if passphrase is None:
                self.message.emit("Secrets stay locked: profiles cannot be read or saved.")
                return False
            try:
                await asyncio.to_thread(store.unlock, passphrase)
            except InputError as exc:
                problem = str(exc)
                continue
            self.message.emit(f"Secrets unlocked ({store.description}).")
            await self.publish_values()
            return True
        self.message.emit(problem)
        return False

    def lock(self) -> str:
        """Forget the passphrase and every value on screen; say what happened."""
        for form in self.forms.values():
            form.show_profile_values({})
        store = self.book.store if self.book is not None else None
        if not isinstance(store, EncryptedFileStore):
            return "Secrets are in the system keyring: it locks with your session."
        store.lock()
        return "Secrets locked: the next use of a profile asks for the passphrase."

    # ------------------------------------------------------------------------------------------ changes
    async def save_from_form(self, form: ProviderForm, name: str) -> Profile | None:
        """Save the form's environment and typed credentials as ``name``."""
        env = form.env_id
        base_url = form.base_url.text().strip() if env == CUSTOM_ENV else ""
        return await self._save(form, Profile(name, form.spec.id, env, base_url), form.typed_credentials())

    async def import_dotenv(self, form: ProviderForm, name: str, path: str) -> Profile | None:
        """Create or update ``name`` from a ``.env`` file (``""``: the environment), by the documented names.

        The names are the providers' own: ``HCP_KEY``, ``ZADARMA_SECRET``, ``YCLOUD_WEBHOOK_SECRET``…
        """
        if path:
            values = await asyncio.to_thread(values_from_environment, self.providers[form.spec.id], {}, Path(path))
        else:
            values = await asyncio.to_thread(values_from_environment, self.providers[form.spec.id], None, None)
        if not values:
            where = path or "The environment"
            form.status.setText(f"{where} has none of {form.spec.label}'s variables: nothing imported.")
            return None
        existing = form.profiles.get(name)
        env = existing.env if existing else form.env_id
        base_url = existing.base_url if existing else (form.base_url.text().strip() if env == CUSTOM_ENV else "")
        return await self._save(form, Profile(name, form.spec.id, env, base_url), values)

    async def _save(self, form: ProviderForm, profile: Profile, values: Mapping[str, str]) -> Profile | None:
        if self.book is None or not await self.ensure_unlocked():
            return None
        try:
            saved = await asyncio.to_thread(self.book.save, profile, values)
        except InputError as exc:
            form.status.setText(f"Profile not saved: {exc}")
            return None
        await self.refresh()
        await self.publish_values()
        form.select_profile(saved.name)
        for widget in form.credentials.values():  # now kept in the store: the fields need not hold them
            widget.set("")
        kept = ", ".join(sorted(values)) or "no new credential"
        form.status.setText(f"Profile {saved.name!r} saved ({saved.where}; {kept} in the {self.store_text}).")
        return saved

    async def reveal(self, form: ProviderForm, name: str) -> None:
        """Read a profile's values (off-thread, unlocking first) for "Show secrets"; they stay on screen only."""
        if self.book is None or not await self.ensure_unlocked():
            return
        try:
            values = await asyncio.to_thread(self.book.credentials, name, form.spec.id)
        except InputError as exc:
            form.status.setText(str(exc))
            return
        form.show_profile_values(values, name)

    async def delete(self, name: str) -> None:
        if self.book is None or not await self.ensure_unlocked():
            return
        try:
            await asyncio.to_thread(self.book.delete, name)
        except InputError as exc:
            self.message.emit(str(exc))
            return
        await self.refresh()
        await self.publish_values()
        self.message.emit(f"Profile {name!r} and its secrets deleted.")
