"""Where a form sends: the environment chooser and, for the custom environment, the base URL."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from console.providers.spec import ProviderSpec
from console.service.profiles import CUSTOM_ENV
from console.ui import theme


class EnvironmentRow(QWidget):
    """The environment combo, with the custom base URL field under it (shown only for the custom environment).

    :meth:`describe` gives what the form's action row shows of the choice: a badge and the target URL.

    Attributes:
        combo: the provider's environments, then "Custom base URL…" (data: the environment id).
        base_url: the custom base URL (the provider's base, version prefix included).

    Signals:
        chosen(str): the environment id picked in the combo.
    """

    chosen = Signal(str)

    def __init__(self, spec: ProviderSpec, simulator_url: str = "") -> None:
        """``simulator_url`` is where the simulator environment's requests go."""
        super().__init__()
        self.spec = spec
        self.simulator_url = simulator_url
        self.combo = theme.compact_combo(QComboBox())
        self.combo.setObjectName("env_combo")
        for env in spec.all_environments():
            self.combo.addItem(env.label + (f"  ({env.base_url})" if env.base_url and env.live else ""), env.id)
        self.combo.addItem("Custom base URL…", CUSTOM_ENV)
        self.base_url = QLineEdit()
        self.base_url.setPlaceholderText("https://… (the provider's base, version prefix included)")
        self.combo.currentIndexChanged.connect(self._on_index_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel("Environment"))
        row.addWidget(self.combo, 1)
        layout.addLayout(row)
        layout.addWidget(self.base_url)
        self.base_url.setVisible(self.env_id == CUSTOM_ENV)

    @property
    def env_id(self) -> str:
        return str(self.combo.currentData())

    def select(self, env_id: str, base_url: str = "") -> None:
        """Choose an environment (and the custom base URL), as a profile or a past request brings them."""
        self.combo.setCurrentIndex(self.combo.findData(env_id))
        self.base_url.setText(base_url)

    def describe(self) -> tuple[str, str, str]:
        """The environment's badge, its colour and the URL requests go to.

        The badge reads SIMULATOR (green), LIVE (red), CUSTOM or a sandbox's first word (amber); the target is
        "enter a base URL" while the custom environment has none.
        """
        env = self.env_id
        if env == CUSTOM_ENV:
            return "CUSTOM", theme.CUSTOM_AMBER, self.base_url.text() or "enter a base URL"
        environment = self.spec.environment(env)
        if environment.live:
            return "LIVE", theme.LIVE_RED, environment.base_url
        if env == "simulator":
            return "SIMULATOR", theme.SIM_GREEN, self.simulator_url
        return environment.label.split(" ")[0].upper(), theme.CUSTOM_AMBER, environment.base_url

    def _on_index_changed(self) -> None:
        self.base_url.setVisible(self.env_id == CUSTOM_ENV)
        self.chosen.emit(self.env_id)
