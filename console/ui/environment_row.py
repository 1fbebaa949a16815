"""Where a form sends: the environment chooser and, for the custom environment, the base URL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from console.providers.spec import ProviderSpec
from console.providers.versions import version_warnings
from console.service.profiles import CUSTOM_ENV
from console.ui import theme


class EnvironmentRow(QWidget):
    """The environment combo, with the custom base URL field under it (shown only for the custom environment).

    :meth:`describe` gives what the form's action row shows of the choice: a badge and the target URL. Under
    them, an amber line says when the API version the target URL names stops working (or has), as the
    provider's description dates its versions; it is hidden when there is nothing to say.

    Attributes:
        combo: the provider's environments, then "Custom base URL…" (data: the environment id).
        base_url: the custom base URL (the provider's base, version prefix included).
        version_warning: the amber line with the version warnings for the target URL (hidden when none).
        today: returns the date the warnings count days from (tests give a fixed one).

    Signals:
        chosen(str): the environment id picked in the combo.
    """

    chosen = Signal(str)

    def __init__(
        self, spec: ProviderSpec, simulator_url: str = "", today: Callable[[], dt.date] = dt.date.today
    ) -> None:
        """``simulator_url`` is where the simulator environment's requests go."""
        super().__init__()
        self.spec = spec
        self.simulator_url = simulator_url
        self.today = today
        self.combo = theme.compact_combo(QComboBox())
        self.combo.setObjectName("env_combo")
        for env in spec.all_environments():
            self.combo.addItem(env.label + (f"  ({env.base_url})" if env.base_url and env.live else ""), env.id)
        self.combo.addItem("Custom base URL…", CUSTOM_ENV)
        self.base_url = QLineEdit()
        self.base_url.setPlaceholderText("https://… (the provider's base, version prefix included)")
        self.version_warning = QLabel()
        self.version_warning.setObjectName("version_warning")
        self.version_warning.setWordWrap(True)
        self.version_warning.setStyleSheet(theme.WARNING_STYLE)
        self.combo.currentIndexChanged.connect(self._on_index_changed)
        self.base_url.textChanged.connect(self._on_base_url_edited)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel("Environment"))
        row.addWidget(self.combo, 1)
        layout.addLayout(row)
        layout.addWidget(self.base_url)
        layout.addWidget(self.version_warning)
        self.base_url.setVisible(self.env_id == CUSTOM_ENV)
        self.refresh_warning()

    @property
    def env_id(self) -> str:
        return str(self.combo.currentData())

    def select(self, env_id: str, base_url: str = "") -> None:
        """Choose an environment (and the custom base URL), as a profile or a past request brings them."""
        self.combo.setCurrentIndex(self.combo.findData(env_id))
        self.base_url.setText(base_url)

    def target_url(self) -> str:
        """The URL requests go to ("" while the custom environment has none)."""
        env = self.env_id
        if env == CUSTOM_ENV:
            return self.base_url.text().strip()
        if env == "simulator":
            return self.simulator_url
        return self.spec.environment(env).base_url

    def describe(self) -> tuple[str, str, str]:
        """The environment's badge, its colour and the URL requests go to.

        The badge reads SIMULATOR (green), LIVE (red), CUSTOM or a sandbox's first word (amber); the target is
        "enter a base URL" while the custom environment has none.
        """
        env, url = self.env_id, self.target_url()
        if env == CUSTOM_ENV:
            return "CUSTOM", theme.CUSTOM_AMBER, url or "enter a base URL"
        environment = self.spec.environment(env)
        if environment.live:
            return "LIVE", theme.LIVE_RED, url
        if env == "simulator":
            return "SIMULATOR", theme.SIM_GREEN, url
        return environment.label.split(" ")[0].upper(), theme.CUSTOM_AMBER, url

    def warnings(self) -> list[str]:
        """What the provider's description says of the API version the target URL names (empty: nothing)."""
        return version_warnings(self.spec, self.target_url(), self.today())

    def refresh_warning(self) -> None:
        """Show the target URL's version warnings in the amber line, or hide it when there are none."""
        found = self.warnings()
        self.version_warning.setText("\n".join(f"⚠ {warning}" for warning in found))
        self.version_warning.setHidden(not found)

    def _on_index_changed(self) -> None:
        self.base_url.setVisible(self.env_id == CUSTOM_ENV)
        self.refresh_warning()
        self.chosen.emit(self.env_id)

    def _on_base_url_edited(self, _text: str) -> None:
        self.refresh_warning()
