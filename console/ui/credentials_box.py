"""A form's credentials: one field each, "Show secrets", and placeholders saying where each value comes from."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLineEdit, QPushButton

from console.providers.spec import ProviderSpec
from console.service.profiles import Profile
from console.ui.field_widgets import FieldWidget


class CredentialsBox(QGroupBox):
    """The "Credentials" group of a provider's form.

    An empty field's placeholder tells where the value would come from instead (a variable, ``.env``, the
    chosen profile, the simulator's demo credential), or, with "Show secrets" on, the profile's value itself.

    Attributes:
        fields: the credential fields by name.
        reveal: the checkable "Show secrets" / "Hide secrets" button.
        hints: where each credential comes from outside the form (e.g. "from $ZADARMA_KEY"), by name.
        shown: a profile's values, on screen while "Show secrets" is on (never put in the fields).

    Signals:
        reveal_toggled(bool): "Show secrets" was turned on or off (the secrets' echo mode already follows it).
    """

    reveal_toggled = Signal(bool)

    def __init__(self, spec: ProviderSpec, hints: Mapping[str, str]) -> None:
        super().__init__("Credentials")
        self.spec = spec
        self.hints = dict(hints)
        self.shown: dict[str, str] = {}
        layout = QFormLayout(self)
        self.fields: dict[str, FieldWidget] = {}
        for fld in spec.credentials:
            widget = FieldWidget(fld)
            self.fields[fld.name] = widget
            layout.addRow(fld.label, widget.widget)
        self.reveal = QPushButton("Show secrets")
        self.reveal.setCheckable(True)
        self.reveal.toggled.connect(self._on_reveal_toggled)
        layout.addRow("", self.reveal)

    def typed(self) -> dict[str, str]:
        """The credentials typed into the fields (the empty ones left out)."""
        return {name: w.get() for name, w in self.fields.items() if w.get()}

    def show_values(self, values: Mapping[str, str]) -> None:
        """Keep a profile's values for the placeholders, while "Show secrets" is on; call :meth:`refresh` next."""
        self.shown = dict(values) if self.reveal.isChecked() else {}

    def refresh(self, env: str, profile_name: str, profile: Profile | None) -> None:
        """Say in each field's placeholder where its value comes from in ``env`` with the chosen profile."""
        for name, widget in self.fields.items():
            if widget.line is not None:
                widget.line.setPlaceholderText(self._placeholder(name, env, profile_name, profile))

    def _placeholder(self, name: str, env: str, profile_name: str, profile: Profile | None) -> str:
        if name in self.shown:
            return f"{self.shown[name]}  (profile {profile_name})"
        hint = self.hints.get(name, "not set")
        in_profile = profile is not None and name in profile.credentials
        if env == "simulator":
            if in_profile:
                return f"from profile {profile_name}"
            if name in self.spec.simulator_credentials:
                return f"simulator demo credential ({self.spec.simulator_credentials[name]})"
        if in_profile:
            return f"{hint} (over the profile)" if hint.startswith("from ") else f"from profile {profile_name}"
        return hint

    def _on_reveal_toggled(self, on: bool) -> None:
        for widget in self.fields.values():
            if widget.line is not None:
                widget.line.setEchoMode(QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password)
        self.reveal.setText("Hide secrets" if on else "Show secrets")
        self.reveal_toggled.emit(on)
