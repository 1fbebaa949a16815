"""The form's Profile row: pick a saved profile, save the form as one, import a .env file, delete one."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QToolButton,
    QWidget,
)

from console.service.profiles import Profile
from console.ui import theme

NO_PROFILE = "No profile: typed, $VARS or .env"


class ProfileRow(QWidget):
    """One provider's profiles in a combo, with Save as… and a ⋯ menu (import, delete).

    Signals:
        chosen(str): the profile picked ("" for none).
        save_requested(str): save the form's environment and typed credentials under this name.
        import_requested(str, str): a profile name and a ``.env`` path ("": the environment variables).
        delete_requested(str): forget this profile and its secrets.
    """

    chosen = Signal(str)
    save_requested = Signal(str)
    import_requested = Signal(str, str)
    delete_requested = Signal(str)

    def __init__(self, provider: str, default_name: Callable[[], str], typed: Callable[[], int]) -> None:
        """``default_name`` proposes a name to save under; ``typed`` counts the credentials typed in the form."""
        super().__init__()
        self.provider = provider
        self.profiles: dict[str, Profile] = {}
        self._default_name = default_name
        self._typed = typed
        self.combo = theme.compact_combo(QComboBox(), 20)
        self.combo.setObjectName("profile_combo")
        self.combo.addItem(NO_PROFILE, "")
        self.save = QPushButton("Save as…")
        self.save.setToolTip("Keep this environment and the credentials typed below under a name")
        self.save.clicked.connect(self._ask_save)
        self.more = QToolButton()
        self.more.setText("⋯")
        self.more.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.more.addAction("Import a .env file into a profile…", self._ask_import)
        self.more.addAction("Import environment variables into a profile…", lambda: self._ask_import(True))
        self.delete_action = self.more.addAction("Delete this profile…", self._ask_delete)
        self.delete_action.setEnabled(False)
        self.combo.currentIndexChanged.connect(self._on_index_changed)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Profile"))
        row.addWidget(self.combo, 1)
        row.addWidget(self.save)
        row.addWidget(self.more)

    @property
    def name(self) -> str:
        return str(self.combo.currentData() or "")

    def current(self) -> Profile | None:
        return self.profiles.get(self.name)

    def set_profiles(self, profiles: list[Profile], store: str) -> bool:
        """Offer this provider's profiles; True when the one chosen before is still chosen (nothing emitted)."""
        before = self.name
        self.profiles = {p.name: p for p in profiles if p.provider == self.provider}
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem(NO_PROFILE, "")
        for profile in self.profiles.values():
            self.combo.addItem(f"{profile.name} ({profile.where})", profile.name)
        self.combo.setCurrentIndex(max(0, self.combo.findData(before)))
        self.combo.blockSignals(False)
        self.combo.setToolTip(f"Secrets kept in the {store}")
        kept = bool(before) and self.name == before
        if not kept:
            self._on_index_changed()
        self.delete_action.setEnabled(self.current() is not None)
        return kept

    def select(self, name: str) -> None:
        self.combo.setCurrentIndex(max(0, self.combo.findData(name)))

    def _on_index_changed(self) -> None:
        self.delete_action.setEnabled(self.current() is not None)
        self.chosen.emit(self.name)

    def _ask_save(self) -> None:
        name, ok = QInputDialog.getText(
            self,
            "Save as profile",
            f"Profile name (the environment and the {self._typed()} credentials typed are kept;\n"
            "the secrets go to the keyring or the encrypted file, never to settings):",
            text=self.name or self._default_name(),
        )
        if ok and name.strip():
            self.save_requested.emit(name.strip())

    def _ask_import(self, from_environ: bool = False) -> None:
        """Ask for a .env file (or take the environment variables) and the profile to put them in."""
        path = ""
        if not from_environ:
            path, _ = QFileDialog.getOpenFileName(self, "Import credentials from a .env file", ".env")
            if not path:
                return
        name, ok = QInputDialog.getText(
            self, "Import into profile", "Profile to create or update:", text=self.name or self._default_name()
        )
        if ok and name.strip():
            self.import_requested.emit(name.strip(), path)

    def _ask_delete(self) -> None:
        name = self.name
        if name and QMessageBox.question(self, "Delete profile?", f"Delete {name!r} and its secrets?") == (
            QMessageBox.StandardButton.Yes
        ):
            self.delete_requested.emit(name)
