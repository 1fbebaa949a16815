"""A provider's form, generated from its ProviderSpec: environment, credentials, one tab per operation."""

from __future__ import annotations

import time
from collections.abc import Mapping

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.core.models import Exchange, Verification
from console.providers.spec import OperationKind, ProviderSpec
from console.service.operations import OperationRequest, OperationResult
from console.service.profiles import Profile
from console.ui import theme
from console.ui.field_widgets import FieldWidget
from console.ui.profile_row import ProfileRow

CUSTOM_ENV = "custom"
ACTION_TEXT = {
    OperationKind.SEND: "Send",
    OperationKind.CHECK: "Check code",
    OperationKind.BALANCE: "Test credentials",
    OperationKind.LOOKUP: "Fetch",
    OperationKind.SETUP: "Apply",
}


class _Page(QWidget):
    """The fields of one operation (and channel), in a form layout."""

    def __init__(self, spec: ProviderSpec, op_id: str, channel: str | None, form: ProviderForm) -> None:
        super().__init__()
        self.fields: dict[str, FieldWidget] = {}
        layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for fld in spec.fields_for(op_id, channel):
            widget = FieldWidget(fld, on_load=form.request_lookup)
            self.fields[fld.name] = widget
            label = QLabel(f"{fld.label}{' *' if fld.required else ''}")
            label.setToolTip(f"{fld.name}: {fld.help}" if fld.help else fld.name)
            layout.addRow(label, widget.widget)
        if not self.fields:
            layout.addRow(QLabel("No fields: this call takes only the credentials."))


class ProviderForm(QWidget):
    """Everything needed to fire one provider's operations.

    Signals:
        submitted(object): an OperationRequest, when the user presses the action button (or Ctrl+Enter).
        lookup_requested(str): an operation id whose result should fill choice lists (e.g. "sounds").
        window_closed(str): the prompted verification's window has passed (the app marks it expired).
        scenario_chosen(str): the simulator error case to answer the next request with ("none": normal).
        profile_save_requested(str): save the environment and typed credentials as this profile.
        profile_import_requested(str, str): a profile name and a ``.env`` path to import credentials from
            ("": from the environment variables).
        profile_delete_requested(str): forget this profile and its secrets.
        env_changed(str): the environment chosen (the window then shows the spend guard's numbers).
        profile_reveal_requested(str): "Show secrets" with a profile chosen: read its values for the screen.
    """

    submitted = Signal(object)
    lookup_requested = Signal(str)
    window_closed = Signal(str)
    scenario_chosen = Signal(str)
    profile_save_requested = Signal(str)
    profile_import_requested = Signal(str, str)
    profile_delete_requested = Signal(str)
    env_changed = Signal(str)
    profile_reveal_requested = Signal(str)

    def __init__(self, spec: ProviderSpec, credential_hints: Mapping[str, str], simulator_url: str = "") -> None:
        super().__init__()
        self.spec = spec
        self.simulator_url = simulator_url
        self.credential_hints = dict(credential_hints)
        self.pages: dict[tuple[str, str], _Page] = {}
        self._shown_values: dict[str, str] = {}  # a profile's values, on screen while "Show secrets" is on
        self._busy = False
        self._build()
        self._on_env_changed()

    # ------------------------------------------------------------------------------------------- layout
    def _build(self) -> None:
        spec = self.spec
        root = QVBoxLayout(self)
        title = QLabel(
            f"<b style='font-size:15px'>{spec.label}</b>  <span style='color:{theme.MUTED}'>{spec.summary}</span>"
        )
        title.setWordWrap(True)
        root.addWidget(title)

        self.profile_row = ProfileRow(
            spec.id, lambda: f"{spec.label} {self.env_id}", lambda: len(self.typed_credentials())
        )
        self.profile_combo = self.profile_row.combo
        self.profile_row.chosen.connect(self._on_profile_changed)
        self.profile_row.save_requested.connect(self.profile_save_requested)
        self.profile_row.import_requested.connect(self.profile_import_requested)
        self.profile_row.delete_requested.connect(self.profile_delete_requested)
        root.addWidget(self.profile_row)

        env_row = QHBoxLayout()
        self.env_combo = theme.compact_combo(QComboBox())
        self.env_combo.setObjectName("env_combo")
        for env in spec.all_environments():
            self.env_combo.addItem(env.label + (f"  ({env.base_url})" if env.base_url and env.live else ""), env.id)
        self.env_combo.addItem("Custom base URL…", CUSTOM_ENV)
        self.base_url = QLineEdit()
        self.base_url.setPlaceholderText("https://… (the provider's base, version prefix included)")
        self.env_combo.currentIndexChanged.connect(self._on_env_changed)
        env_row.addWidget(QLabel("Environment"))
        env_row.addWidget(self.env_combo, 1)
        root.addLayout(env_row)
        root.addWidget(self.base_url)

        creds = QGroupBox("Credentials")
        cred_form = QFormLayout(creds)
        self.credentials: dict[str, FieldWidget] = {}
        for fld in spec.credentials:
            widget = FieldWidget(fld)
            self.credentials[fld.name] = widget
            cred_form.addRow(fld.label, widget.widget)
        self.reveal = QPushButton("Show secrets")
        self.reveal.setCheckable(True)
        self.reveal.toggled.connect(self._on_reveal)
        cred_form.addRow("", self.reveal)
        root.addWidget(creds)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("operation_tabs")
        for op in spec.operations:
            container = QWidget()
            box = QVBoxLayout(container)
            if op.kind is OperationKind.SEND and spec.channels:
                row = QHBoxLayout()
                self.channel_combo = theme.compact_combo(QComboBox())
                self.channel_combo.setObjectName("channel_combo")
                for ch in spec.channels:
                    self.channel_combo.addItem(f"{ch.label} ({ch.id})", ch.id)
                row.addWidget(QLabel("Channel"))
                row.addWidget(self.channel_combo, 1)
                box.addLayout(row)
                self.channel_help = QLabel()
                self.channel_help.setWordWrap(True)
                self.channel_help.setStyleSheet(f"color: {theme.MUTED}")
                box.addWidget(self.channel_help)
                self.channel_stack = QStackedWidget()
                for ch in spec.channels:
                    page = _Page(spec, op.id, ch.id, self)
                    self.pages[(op.id, ch.id)] = page
                    self.channel_stack.addWidget(page)
                box.addWidget(self.channel_stack)
                self.channel_combo.currentIndexChanged.connect(self._on_channel_changed)
            else:
                page = _Page(spec, op.id, None, self)
                self.pages[(op.id, "")] = page
                box.addWidget(page)
            help_label = QLabel(op.help)
            help_label.setWordWrap(True)
            help_label.setStyleSheet(f"color: {theme.MUTED}")
            box.addWidget(help_label)
            box.addStretch(1)
            self.tabs.addTab(container, op.label)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        root.addWidget(self.tabs, 1)

        for note in spec.notes:
            label = QLabel(f"⚠ Uncertain contract: {note}")
            label.setWordWrap(True)
            label.setStyleSheet(f"color: {theme.CUSTOM_AMBER}")
            root.addWidget(label)

        self.scenario = theme.compact_combo(QComboBox())
        self.scenario.setObjectName("scenario")
        self.scenario.setToolTip("The simulator answers the next request with this error case, once")
        self.scenario.addItem("Simulator answers normally", "none")
        self.scenario.currentIndexChanged.connect(lambda: self.scenario_chosen.emit(self.scenario.currentData()))
        self.scenario_row = QWidget()
        row = QHBoxLayout(self.scenario_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Simulate an error:"))
        row.addWidget(self.scenario, 1)
        self.scenario_row.hide()
        root.addWidget(self.scenario_row)

        # the code the console generates and checks itself (providers that do not check codes)
        self.code_length = QSpinBox(minimum=4, maximum=8, value=spec.code_length, suffix=" digits")
        self.code_ttl = QSpinBox(minimum=10, maximum=86_400, value=spec.code_ttl_s, suffix=" s valid")
        self.max_attempts = QSpinBox(minimum=1, maximum=20, value=5, suffix=" wrong tries")
        self.code_row = QWidget()
        code_row = QHBoxLayout(self.code_row)
        code_row.setContentsMargins(0, 0, 0, 0)
        code_row.addWidget(QLabel("Generated code:"))
        for spin in (self.code_length, self.code_ttl, self.max_attempts):
            code_row.addWidget(spin)
        code_row.addStretch(1)
        self.code_row.setToolTip("The console makes the code, keeps a salted hash, and checks what the user types")
        self.code_row.setVisible(False)
        root.addWidget(self.code_row)

        action = QHBoxLayout()
        self.profile_badge = QLabel()
        self.profile_badge.setObjectName("profile_badge")
        self.profile_badge.setStyleSheet("font-weight: bold;")
        self.env_badge = QLabel()
        self.env_badge.setObjectName("env_badge")
        self.target = QLabel()
        self.target.setStyleSheet(f"color: {theme.MUTED}")
        self.target.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # a long base URL must not widen the whole column: the label shrinks, the tooltip keeps the full URL
        self.target.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.action_button = QPushButton("Send")
        self.action_button.setObjectName("action_button")
        self.action_button.setToolTip("Ctrl+Enter")
        self.action_button.setDefault(True)
        self.action_button.clicked.connect(self.send)
        action.addWidget(self.profile_badge)
        action.addWidget(self.env_badge)
        action.addWidget(self.target, 1)
        action.addWidget(self.action_button)
        root.addLayout(action)
        self.spend_label = QLabel()
        self.spend_label.setObjectName("spend_label")
        self.spend_label.setWordWrap(True)
        self.spend_label.setStyleSheet(f"color: {theme.MUTED}")
        self.spend_label.hide()
        root.addWidget(self.spend_label)
        self.status = QLabel()
        self.status.setObjectName("form_status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        root.addWidget(self.status)
        self.prompt = QLabel()
        self.prompt.setObjectName("form_prompt")
        self.prompt.setWordWrap(True)
        self.prompt.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.prompt.setStyleSheet(
            "font-size: 15px; font-weight: bold; padding: 8px; border: 2px solid #9a6700; border-radius: 6px;"
        )
        self.prompt.hide()
        root.addWidget(self.prompt)
        self._prompt: tuple[str, str, float | None] | None = None  # text, verification id, window end
        self._prompt_timer = QTimer(self)
        self._prompt_timer.setInterval(500)
        self._prompt_timer.timeout.connect(self._tick_prompt)
        if spec.channels:
            self._on_channel_changed()
        self._on_tab_changed()

    # ------------------------------------------------------------------------------------------- state
    @property
    def operation_id(self) -> str:
        return self.spec.operations[self.tabs.currentIndex()].id

    @property
    def channel_id(self) -> str:
        op = self.spec.operation(self.operation_id)
        if op.kind is OperationKind.SEND and self.spec.channels:
            return str(self.channel_combo.currentData())
        return ""

    @property
    def env_id(self) -> str:
        return str(self.env_combo.currentData())

    @property
    def profile_name(self) -> str:
        return self.profile_row.name

    @property
    def profiles(self) -> dict[str, Profile]:
        return self.profile_row.profiles

    def current_page(self) -> _Page:
        return self.pages[(self.operation_id, self.channel_id)]

    def set_scenarios(self, scenarios: Mapping[str, str]) -> None:
        """Offer the simulator's error cases (bad key, no balance…), shown only in the simulator environment."""
        for value, label in scenarios.items():
            self.scenario.addItem(label, value)
        self._on_env_changed()

    def scenario_used(self) -> None:
        """The simulator answered with the chosen case: back to normal (a case applies once)."""
        self.scenario.blockSignals(True)
        self.scenario.setCurrentIndex(0)
        self.scenario.blockSignals(False)

    def _on_env_changed(self) -> None:
        env = self.env_id
        self.scenario_row.setVisible(env == "simulator" and self.scenario.count() > 1)
        self.base_url.setVisible(env == CUSTOM_ENV)
        if env == CUSTOM_ENV:
            theme.set_badge(self.env_badge, "CUSTOM", theme.CUSTOM_AMBER)
            target = self.base_url.text() or "enter a base URL"
        elif self.spec.environment(env).live:
            theme.set_badge(self.env_badge, "LIVE", theme.LIVE_RED)
            target = self.spec.environment(env).base_url
        else:
            environment = self.spec.environment(env)
            is_sim = env == "simulator"
            theme.set_badge(
                self.env_badge,
                "SIMULATOR" if is_sim else environment.label.split(" ")[0].upper(),
                theme.SIM_GREEN if is_sim else theme.CUSTOM_AMBER,
            )
            target = self.simulator_url if is_sim else environment.base_url
        self.target.setText(f"→ {target}")
        self.target.setToolTip(target)
        self._show_profile_badge(env)
        live = env != "simulator"
        self.action_button.setStyleSheet(
            f"QPushButton {{ background: {theme.LIVE_RED}; color: white; font-weight: bold; padding: 4px 14px; }}"
            if live
            else "QPushButton { font-weight: bold; padding: 4px 14px; }"
        )
        for name, widget in self.credentials.items():
            if widget.line is not None:
                widget.line.setPlaceholderText(self._credential_placeholder(name, env))
        if hasattr(self, "spend_label"):
            self.spend_label.setVisible(live and bool(self.spend_label.text()))
            self.env_changed.emit(env)

    def _show_profile_badge(self, env: str) -> None:
        """The profile beside Send; amber when it is sent somewhere other than the environment it was made for."""
        profile = self.profile_row.current()
        if profile is None:
            self.profile_badge.setText("No profile")
            self.profile_badge.setStyleSheet("font-weight: bold;")
            self.profile_badge.setToolTip("Pick or save one above")
            return
        url = self.base_url.text().strip().rstrip("/")
        elsewhere = profile.env != env or (env == CUSTOM_ENV and profile.base_url != url)
        self.profile_badge.setText(f"Profile: {profile.name}" + (f" (made for {profile.where})" if elsewhere else ""))
        self.profile_badge.setStyleSheet(
            f"font-weight: bold; color: {theme.CUSTOM_AMBER if elsewhere else 'palette(text)'};"
        )
        self.profile_badge.setToolTip("Credentials: typed fields, then $VARS, then .env, then this profile")

    def set_spend_text(self, text: str) -> None:
        """The spend guard's numbers for real sends, shown under Send outside the simulator."""
        self.spend_label.setText(text)
        self.spend_label.setVisible(bool(text) and self.env_id != "simulator")

    def _credential_placeholder(self, name: str, env: str) -> str:
        if name in self._shown_values:
            return f"{self._shown_values[name]}  (profile {self.profile_name})"
        hint = self.credential_hints.get(name, "not set")
        profile = self.profiles.get(self.profile_name)
        in_profile = profile is not None and name in profile.credentials
        if env == "simulator":
            if in_profile:
                return f"from profile {self.profile_name}"
            if name in self.spec.simulator_credentials:
                return f"simulator demo credential ({self.spec.simulator_credentials[name]})"
        if in_profile:
            return f"{hint} (over the profile)" if hint.startswith("from ") else f"from profile {self.profile_name}"
        return hint

    # ------------------------------------------------------------------------------------------ profiles
    def set_profiles(self, profiles: list[Profile], store: str) -> None:
        """Offer this provider's saved profiles; one still chosen keeps the environment the user has now."""
        if self.profile_row.set_profiles(profiles, store):
            self._on_env_changed()

    def select_profile(self, name: str) -> None:
        self.profile_row.select(name)

    def typed_credentials(self) -> dict[str, str]:
        return {name: w.get() for name, w in self.credentials.items() if w.get()}

    def _on_profile_changed(self) -> None:
        """A profile brings its environment; its credentials are read (off-thread) only when sending."""
        profile = self.profile_row.current()
        self._shown_values = {}
        if profile is not None and self.reveal.isChecked():
            self.profile_reveal_requested.emit(profile.name)
        if profile is not None:
            self.set_env(profile.env, profile.base_url)
        else:
            self._on_env_changed()

    def _on_reveal(self, on: bool) -> None:
        for widget in self.credentials.values():
            if widget.line is not None:
                widget.line.setEchoMode(QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password)
        self.reveal.setText("Hide secrets" if on else "Show secrets")
        if on and self.profile_name:
            self.profile_reveal_requested.emit(self.profile_name)
        else:
            self.show_profile_values({})

    def show_profile_values(self, values: Mapping[str, str], profile: str = "") -> None:
        """Show a profile's values in the empty fields' placeholders (screen only; never put in the fields)."""
        stale = profile and profile != self.profile_name
        self._shown_values = {} if stale or not self.reveal.isChecked() else dict(values)
        self._on_env_changed()

    def _on_channel_changed(self) -> None:
        previous = getattr(self, "_shown_page", None)
        index = self.channel_combo.currentIndex()
        self.channel_stack.setCurrentIndex(index)
        page = self.channel_stack.currentWidget()
        assert isinstance(page, _Page)
        if previous is not None and previous is not page:
            for name, widget in page.fields.items():
                old = previous.fields.get(name)
                if old is not None and old.spec.kind is widget.spec.kind and old.get() and not widget.get():
                    widget.set(old.get())
        self._shown_page = page
        self.channel_help.setText(self.spec.channels[index].help)
        if hasattr(self, "code_row"):  # the first call comes before the row exists
            self._show_code_row()

    def _on_tab_changed(self) -> None:
        op = self.spec.operation(self.operation_id)
        self.action_button.setText(ACTION_TEXT[op.kind])
        self._show_code_row()

    def _show_code_row(self) -> None:
        """The generated-code options, where the current send carries a code the console makes."""
        op = self.spec.operation(self.operation_id)
        carries = self.spec.code_field in self.current_page().fields
        self.code_row.setVisible(self.spec.console_code and op.kind is OperationKind.SEND and carries)

    # ---------------------------------------------------------------------------------------- actions
    def select_operation(self, op_id: str) -> None:
        self.tabs.setCurrentIndex(self.spec.operation_ids().index(op_id))

    def select_channel(self, channel_id: str) -> None:
        self.channel_combo.setCurrentIndex(self.spec.channel_ids().index(channel_id))

    def set_env(self, env_id: str, base_url: str = "") -> None:
        self.env_combo.setCurrentIndex(self.env_combo.findData(env_id))
        self.base_url.setText(base_url)
        self._on_env_changed()

    def reopen(self, exchange: Exchange) -> bool:
        """Put a past request back into this form (operation, channel, fields) to send it again."""
        if exchange.operation not in self.spec.operation_ids():
            return False
        self.select_operation(exchange.operation)
        if exchange.channel and exchange.channel in self.spec.channel_ids():
            self.select_channel(exchange.channel)
        fields = self.current_page().fields
        for name, value in exchange.fields:
            if name in fields and "•" not in value:  # masked values (typed codes) are not restored
                fields[name].set(value)
        profile = exchange.profile
        if profile in self.profiles:  # sent with a saved profile: choose it again (it brings its environment)
            self.select_profile(profile)
        elif exchange.env in [env.id for env in self.spec.all_environments()]:
            self.set_env(exchange.env)
        return True

    def offer_url(self, url: str) -> None:
        """Put the listener's URL into the setup operations' ``url`` fields (where the user has not typed one)."""
        for (op_id, _), page in self.pages.items():
            widget = page.fields.get("url")
            if widget is not None and self.spec.operation(op_id).kind is OperationKind.SETUP:
                widget.set(url)

    def set_field(self, name: str, value: str) -> None:
        self.current_page().fields[name].set(value)

    def field_value(self, name: str) -> str:
        return self.current_page().fields[name].get()

    def set_credential(self, name: str, value: str) -> None:
        self.credentials[name].set(value)

    def request_lookup(self, op_id: str) -> None:
        self.lookup_requested.emit(op_id)

    def set_choices(self, source_op: str, choices: list[tuple[str, str]]) -> None:
        """Fill every field whose choices come from ``source_op``."""
        for page in self.pages.values():
            for widget in page.fields.values():
                if widget.spec.choices_from == source_op:
                    widget.set_choices(choices)

    def build_request(self) -> OperationRequest:
        page = self.current_page()
        env = self.env_id
        return OperationRequest(
            provider=self.spec.id,
            operation=self.operation_id,
            channel=self.channel_id or None,
            fields={name: w.get() for name, w in page.fields.items()},
            credentials=self.typed_credentials(),
            profile=self.profile_name or None,
            env="custom" if env == CUSTOM_ENV else env,
            base_url=self.base_url.text().strip() if env == CUSTOM_ENV else None,
            code_length=self.code_length.value() if self.spec.console_code else None,
            code_ttl_s=float(self.code_ttl.value()) if self.spec.console_code else None,
            max_attempts=self.max_attempts.value() if self.spec.console_code else None,
        )

    def send(self) -> None:
        """Submit the current tab (ignored while a request of this form is in flight)."""
        if self._busy:
            return
        for page in self.pages.values():
            for widget in page.fields.values():
                widget.mark_error(False)
        self.submitted.emit(self.build_request())

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.action_button.setEnabled(not busy)
        if busy:
            self.status.setStyleSheet(f"color: {theme.MUTED}")
            self.status.setText("Sending…")

    def show_result(self, result: OperationResult) -> None:
        """Say what happened under the button, mark a refused field, prefill the check tab after a send."""
        ex = result.exchange
        colour = theme.OUTCOME_COLOURS.get(ex.outcome.value, theme.MUTED)
        self.status.setStyleSheet(f"color: {colour}")
        self.status.setText(self._status_text(ex))
        if result.data.get("secret"):  # a secret the provider issued: shown here once, never recorded
            self.status.setText(f"{self.status.text()}\nSecret (shown once, not kept): {result.data['secret']}")
        if ex.outcome.value == "refused":
            for name, widget in self.current_page().fields.items():
                if name in ex.message:
                    widget.mark_error(True)
        if ex.operation == "send" and ex.ok and ex.request_id:
            self.prefill_check(ex.request_id)
        prompt = result.data.get("prompt") if ex.ok else None
        if ex.operation == "send":
            v = result.verification
            self._prompt = (str(prompt), v.id if v else "", v.expires_at if v else None) if prompt else None
            self._tick_prompt()

    def verification_changed(self, verification: Verification) -> None:
        """End the prompt once its verification is verified, failed or expired."""
        if self._prompt is not None and self._prompt[1] == verification.id and verification.is_final():
            word = {"verified": "Verified", "failed": "Failed", "expired": "Expired"}[verification.state.value]
            colour = theme.OUTCOME_COLOURS["ok" if verification.state.value == "verified" else "provider_error"]
            self._prompt = None
            self._prompt_timer.stop()
            self.prompt.setText(f"<span style='color:{colour}'>{word}.</span>")

    def _tick_prompt(self) -> None:
        """The user's part, prominent, with the time left (e.g. "Call +7495… from +7967… within 60 s")."""
        if self._prompt is None:
            self.prompt.hide()
            self._prompt_timer.stop()
            return
        text, vid, ends = self._prompt
        left = ""
        if ends is not None and time.time() >= ends:
            self.window_closed.emit(vid)  # the app marks it expired; verification_changed then ends the prompt
        if ends is not None:
            minutes, seconds = divmod(max(0, int(ends - time.time())), 60)
            left = f" · {minutes}:{seconds:02d} left"
        self.prompt.setText(f"{text}{left}")
        self.prompt.show()
        if not self._prompt_timer.isActive():
            self._prompt_timer.start()

    @staticmethod
    def _status_text(ex: Exchange) -> str:
        status = f"HTTP {ex.status} · " if ex.status else ""
        latency = f" · {ex.latency_ms:.0f} ms" if ex.latency_ms is not None else ""
        notes = {k.lower(): v for k, v in ex.notes}
        if "x-ratelimit-remaining" in notes:
            latency += f" · rate limit {notes['x-ratelimit-remaining']}/{notes.get('x-ratelimit-limit', '?')} left"
        verdict = f"Credentials: {ex.verdict} · " if ex.verdict else ""
        text = f"{verdict}{status}{ex.summary}{latency}"
        for extra in (ex.message, ex.meaning):
            if extra and extra not in text:
                text += f"\n{extra}"
        if ex.hint:
            text += f"\nWhat to do: {ex.hint}"
        return text

    def prefill_check(self, request_id: str, code: str | None = None) -> None:
        """Put a request id (and a code) into the check tab's fields."""
        for (op_id, _), page in self.pages.items():
            if self.spec.operation(op_id).kind is OperationKind.CHECK:
                if "request_id" in page.fields:
                    page.fields["request_id"].set(request_id)
                if code is not None and "code" in page.fields:
                    page.fields["code"].set(code)
