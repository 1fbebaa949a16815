"""A form's action row: with which profile, to which environment and URL, the action button, the spend guard."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from console.service.profiles import CUSTOM_ENV, Profile
from console.ui import theme


class ActionRow(QWidget):
    """The badges and the target beside the action button; the spend guard's numbers under them.

    Outside the simulator the button is filled red and the spend guard's numbers (when there are any) show.

    Attributes:
        profile_badge: the profile the credentials come from (amber when made for another environment).
        env_badge: a filled pill naming the environment (SIMULATOR, LIVE, CUSTOM or a sandbox).
        target: "→ URL" the request goes to; its tooltip keeps the full URL.
        button: the action button (the form connects it and names it after the operation).
        spend_label: the spend guard's numbers for real sends.
    """

    def __init__(self) -> None:
        super().__init__()
        self.profile_badge = QLabel()
        self.profile_badge.setObjectName("profile_badge")
        self.profile_badge.setStyleSheet(theme.BOLD_STYLE)
        self.env_badge = QLabel()
        self.env_badge.setObjectName("env_badge")
        self.target = theme.muted(QLabel())
        self.target.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # a long base URL must not widen the whole column: the label shrinks, the tooltip keeps the full URL
        self.target.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.button = QPushButton("Send")
        self.button.setObjectName("action_button")
        self.button.setToolTip("Ctrl+Enter")
        self.button.setDefault(True)
        self.spend_label = theme.muted(QLabel())
        self.spend_label.setObjectName("spend_label")
        self.spend_label.setWordWrap(True)
        self.spend_label.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.profile_badge)
        row.addWidget(self.env_badge)
        row.addWidget(self.target, 1)
        row.addWidget(self.button)
        layout.addLayout(row)
        layout.addWidget(self.spend_label)

    def show_environment(self, badge: str, colour: str, target: str, live: bool) -> None:
        """Name the environment and the URL; a ``live`` one (not the simulator) turns the button red."""
        theme.set_badge(self.env_badge, badge, colour)
        self.target.setText(f"→ {target}")
        self.target.setToolTip(target)
        self.button.setStyleSheet(theme.action_button_style(live))
        self.spend_label.setVisible(live and bool(self.spend_label.text()))

    def show_profile(self, profile: Profile | None, env: str, base_url: str) -> None:
        """The profile beside Send; amber when it is sent somewhere other than the environment it was made for."""
        if profile is None:
            self.profile_badge.setText("No profile")
            self.profile_badge.setStyleSheet(theme.BOLD_STYLE)
            self.profile_badge.setToolTip("Pick or save one above")
            return
        url = base_url.strip().rstrip("/")
        elsewhere = profile.env != env or (env == CUSTOM_ENV and profile.base_url != url)
        self.profile_badge.setText(f"Profile: {profile.name}" + (f" (made for {profile.where})" if elsewhere else ""))
        self.profile_badge.setStyleSheet(theme.profile_badge_style(elsewhere))
        self.profile_badge.setToolTip("Credentials: typed fields, then $VARS, then .env, then this profile")

    def set_spend_text(self, text: str, live: bool) -> None:
        """The spend guard's numbers, shown only for a ``live`` environment."""
        self.spend_label.setText(text)
        self.spend_label.setVisible(bool(text) and live)
