"""A provider's form, generated from its ProviderSpec: the parts composed, and what the form does as a whole."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QLabel, QVBoxLayout, QWidget

from console.core.models import Exchange, Verification
from console.providers.spec import OperationKind, ProviderSpec
from console.service.operations import OperationRequest, OperationResult
from console.service.profiles import CUSTOM_ENV, Profile
from console.ui import theme
from console.ui.action_row import ActionRow
from console.ui.credentials_box import CredentialsBox
from console.ui.environment_row import EnvironmentRow
from console.ui.generated_code_row import GeneratedCodeRow
from console.ui.operation_tabs import OperationPage, OperationTabs
from console.ui.privacy import show_text
from console.ui.profile_row import ProfileRow
from console.ui.scenario_row import ScenarioRow
from console.ui.verification_prompt import VerificationPrompt

ACTION_TEXT = {
    OperationKind.SEND: "Send",
    OperationKind.CHECK: "Check code",
    OperationKind.BALANCE: "Test credentials",
    OperationKind.LOOKUP: "Fetch",
    OperationKind.SETUP: "Apply",
}


class ProviderForm(QWidget):
    """Everything needed to fire one provider's operations.

    From top to bottom: the profile row, the environment row, the credentials box, the operation tabs, the
    contract notes, the simulator's error cases, the generated-code options, the badges and the action button,
    the spend guard's numbers, the status of the last request and the verification prompt.

    Attributes:
        environment, credentials_box, tabs, scenario_row, code_row, action_row, prompt: the parts (see their
            modules); their widgets are also reachable here by name (env_combo, base_url, version_warning,
            credentials, reveal, pages, channel_combo, scenario, code_length, code_ttl, max_attempts,
            profile_badge, env_badge, target, action_button, spend_label).
        status: what the last request did, under the action row (with the exchange's warnings).

    Signals:
        submitted(object): an OperationRequest, when the user presses the action button (or Ctrl+Enter).
        lookup_requested(str): an operation id whose result should fill choice lists (e.g. "sounds").
        window_closed(str): the prompted verification's window has passed (the app marks it expired).
        scenario_chosen(str, bool): the simulator error case to answer with ("none": normal) and whether it stays
            on until turned off (False: the next request only).
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
    scenario_chosen = Signal(str, bool)
    profile_save_requested = Signal(str)
    profile_import_requested = Signal(str, str)
    profile_delete_requested = Signal(str)
    env_changed = Signal(str)
    profile_reveal_requested = Signal(str)

    def __init__(
        self,
        spec: ProviderSpec,
        credential_hints: Mapping[str, str],
        simulator_url: str = "",
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        """``today`` gives the date the API version warnings count from (tests give a fixed one)."""
        super().__init__()
        self.spec = spec
        self.simulator_url = simulator_url
        self.today = today
        self._busy = False
        self._statuses: dict[str, tuple[str, str]] = {}  # operation id -> its last status line and style
        self._asked_on = ""  # the tab whose request is in flight (or was last)
        self._build(credential_hints)
        self._on_env_changed()

    # ------------------------------------------------------------------------------------------- layout
    def _build(self, credential_hints: Mapping[str, str]) -> None:
        spec = self.spec
        root = QVBoxLayout(self)
        title = QLabel(theme.title_html(spec.label, spec.summary))
        title.setWordWrap(True)
        root.addWidget(title)

        self.profile_row = ProfileRow(
            spec.id, lambda: f"{spec.label} {self.env_id}", lambda: len(self.typed_credentials())
        )
        self.profile_combo = self.profile_row.combo
        root.addWidget(self.profile_row)

        self.environment = EnvironmentRow(spec, self.simulator_url, self.today)
        self.env_combo, self.base_url = self.environment.combo, self.environment.base_url
        self.version_warning = self.environment.version_warning
        root.addWidget(self.environment)

        self.credentials_box = CredentialsBox(spec, credential_hints)
        self.credentials, self.reveal = self.credentials_box.fields, self.credentials_box.reveal
        self.credential_hints = self.credentials_box.hints
        root.addWidget(self.credentials_box)

        self.tabs = OperationTabs(spec, self.request_lookup)
        self.pages = self.tabs.pages
        root.addWidget(self.tabs, 1)

        for note in spec.notes:
            label = QLabel(f"⚠ Uncertain contract: {note}")
            label.setWordWrap(True)
            theme.set_colour(label, theme.CUSTOM_AMBER)
            root.addWidget(label)

        self.scenario_row = ScenarioRow()
        self.scenario = self.scenario_row.combo
        root.addWidget(self.scenario_row)

        self.code_row = GeneratedCodeRow(spec)
        self.code_length, self.code_ttl = self.code_row.length, self.code_row.ttl
        self.max_attempts = self.code_row.max_attempts
        root.addWidget(self.code_row)

        self.action_row = ActionRow()
        self.profile_badge, self.env_badge = self.action_row.profile_badge, self.action_row.env_badge
        self.target, self.action_button = self.action_row.target, self.action_row.button
        self.spend_label = self.action_row.spend_label
        root.addWidget(self.action_row)
        self.status = QLabel()
        self.status.setObjectName("form_status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        root.addWidget(self.status)
        self.prompt = VerificationPrompt()
        root.addWidget(self.prompt)

        self.profile_row.chosen.connect(self._on_profile_changed)
        self.profile_row.save_requested.connect(self.profile_save_requested)
        self.profile_row.import_requested.connect(self.profile_import_requested)
        self.profile_row.delete_requested.connect(self.profile_delete_requested)
        self.environment.chosen.connect(self._on_env_changed)
        self.credentials_box.reveal_toggled.connect(self._on_reveal)
        self.tabs.channel_changed.connect(self._show_code_row)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.scenario_row.chosen.connect(self.scenario_chosen)
        self.action_button.clicked.connect(self.send)
        self.prompt.window_closed.connect(self.window_closed)
        self._on_tab_changed()

    # ------------------------------------------------------------------------------------------- state
    @property
    def operation_id(self) -> str:
        return self.tabs.operation_id

    @property
    def channel_id(self) -> str:
        return self.tabs.channel_id

    @property
    def env_id(self) -> str:
        return self.environment.env_id

    @property
    def profile_name(self) -> str:
        return self.profile_row.name

    @property
    def profiles(self) -> dict[str, Profile]:
        return self.profile_row.profiles

    @property
    def channel_combo(self) -> QComboBox:
        return self.tabs.channel_combo

    def current_page(self) -> OperationPage:
        return self.tabs.current_page()

    def set_scenarios(self, scenarios: Mapping[str, str]) -> None:
        """Offer the simulator's error cases (bad key, no balance…), shown only in the simulator environment."""
        self.scenario_row.add_scenarios(scenarios)
        self._on_env_changed()

    def scenario_used(self) -> None:
        """The simulator answered: a case for the next request only is spent; one kept until turned off stays."""
        self.scenario_row.used()

    def _on_env_changed(self) -> None:
        env = self.env_id
        profile = self.profile_row.current()
        self.scenario_row.show_for(env)
        self.action_row.show_environment(*self.environment.describe(), live=env != "simulator")
        self.action_row.show_profile(profile, env, self.base_url.text())
        self.credentials_box.refresh(env, self.profile_name, profile)
        self.env_changed.emit(env)

    def set_spend_text(self, text: str) -> None:
        """The spend guard's numbers for real sends, shown under Send outside the simulator."""
        self.action_row.set_spend_text(text, self.env_id != "simulator")

    # ------------------------------------------------------------------------------------------ profiles
    def set_profiles(self, profiles: list[Profile], store: str) -> None:
        """Offer this provider's saved profiles; one still chosen keeps the environment the user has now."""
        if self.profile_row.set_profiles(profiles, store):
            self._on_env_changed()

    def select_profile(self, name: str) -> None:
        self.profile_row.select(name)

    def typed_credentials(self) -> dict[str, str]:
        return self.credentials_box.typed()

    def _on_profile_changed(self) -> None:
        """A profile brings its environment; its credentials are read (off-thread) only when sending."""
        profile = self.profile_row.current()
        self.credentials_box.show_values({})
        if profile is not None and self.reveal.isChecked():
            self.profile_reveal_requested.emit(profile.name)
        if profile is not None:
            self.set_env(profile.env, profile.base_url)
        else:
            self._on_env_changed()

    def _on_reveal(self, on: bool) -> None:
        if on and self.profile_name:
            self.profile_reveal_requested.emit(self.profile_name)
        else:
            self.show_profile_values({})

    def show_profile_values(self, values: Mapping[str, str], profile: str = "") -> None:
        """Show a profile's values in the empty fields' placeholders (screen only; never put in the fields)."""
        stale = profile and profile != self.profile_name
        self.credentials_box.show_values({} if stale else values)
        self._on_env_changed()

    def _on_tab_changed(self) -> None:
        op = self.spec.operation(self.operation_id)
        self.action_button.setText(ACTION_TEXT[op.kind])
        self._show_code_row()
        self._show_status(*self._statuses.get(op.id, ("", "")))  # each operation's own last result

    def _show_status(self, text: str, style: str, operation: str | None = None) -> None:
        """The status line under the action button, kept per operation (switching tabs shows that tab's)."""
        self._statuses[operation or self.operation_id] = (text, style)
        if operation is None or operation == self.operation_id:
            self.status.setStyleSheet(style)
            show_text(self.status, text)

    def _show_code_row(self) -> None:
        """The generated-code options, where the current send carries a code the console makes."""
        op = self.spec.operation(self.operation_id)
        carries = self.spec.code_field in self.current_page().fields
        self.code_row.setVisible(self.spec.console_code and op.kind is OperationKind.SEND and carries)

    # ---------------------------------------------------------------------------------------- actions
    def select_operation(self, op_id: str) -> None:
        self.tabs.select_operation(op_id)

    def select_channel(self, channel_id: str) -> None:
        self.tabs.select_channel(channel_id)

    def set_env(self, env_id: str, base_url: str = "") -> None:
        self.environment.select(env_id, base_url)
        self._on_env_changed()

    def reopen(self, exchange: Exchange) -> bool:
        """Put a past request back into this form (operation, channel, fields) to send it again."""
        if exchange.operation not in self.spec.operation_ids():
            return False
        self.tabs.restore(exchange)
        profile = exchange.profile
        if profile in self.profiles:  # sent with a saved profile: choose it again (it brings its environment)
            self.select_profile(profile)
        elif exchange.env in [env.id for env in self.spec.all_environments()]:
            self.set_env(exchange.env)
        return True

    def offer_url(self, url: str) -> None:
        """Put the listener's URL into the setup operations' ``url`` fields (where the user has not typed one)."""
        self.tabs.offer_url(url)

    def set_field(self, name: str, value: str) -> None:
        self.current_page().fields[name].set(value)

    def field_value(self, name: str) -> str:
        return self.current_page().fields[name].get()

    def set_credential(self, name: str, value: str) -> None:
        self.credentials[name].set(value)

    def enter_code(self, code: str) -> None:
        """A code the user received, into the check tab (its field with the code role), the tab shown."""
        check = next((op for op in self.spec.operations if op.kind is OperationKind.CHECK), None)
        if check is not None:
            self.select_operation(check.id)
            self.tabs.prefill_check(None, code)

    def request_lookup(self, op_id: str) -> None:
        self.lookup_requested.emit(op_id)

    def set_choices(self, source_op: str, choices: list[tuple[str, str]]) -> None:
        """Fill every field whose choices come from ``source_op``."""
        self.tabs.set_choices(source_op, choices)

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
        for widget in (*self.tabs.fields(), *self.credentials.values()):
            widget.mark_error(False)
        self.submitted.emit(self.build_request())

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.action_button.setEnabled(not busy)
        if busy:
            self._asked_on = self.operation_id  # its result is said under this tab, even if the user moves on
            self._show_status("Sending…", theme.colour_style(theme.MUTED))

    def show_result(self, result: OperationResult) -> None:
        """Say what happened under the button, mark a refused field, prefill the check tab after a send."""
        ex = result.exchange
        text = self._status_text(ex)
        if result.data.get("secret"):  # a secret the provider issued: shown here once, never recorded
            text += f"\nSecret (shown once, not kept): {result.data['secret']}"
        self._show_status(text, theme.status_style(ex.outcome.value), self._asked_on or self.operation_id)
        refused = self.current_page().fields.get(ex.error_field) or self.credentials.get(ex.error_field)
        if refused is not None:  # the field the console refused, as the refusal names it (never guessed)
            refused.mark_error(True)
        if ex.operation == "send" and ex.ok and ex.request_id:
            self.prefill_check(ex.request_id)
        prompt = result.data.get("prompt") if ex.ok else None
        if ex.operation == "send":
            v = result.verification
            if prompt:
                self.prompt.start(str(prompt), v.id if v else "", v.expires_at if v else None)
            elif v is not None and ex.ok:
                self.prompt.follow(v.id)  # nothing for the user to do: "Verified." when it ends
            else:
                self.prompt.clear()

    def verification_changed(self, verification: Verification) -> None:
        """End the prompt once its verification is verified, failed or expired."""
        self.prompt.verification_changed(verification)

    @staticmethod
    def _status_text(ex: Exchange) -> str:
        status = f"HTTP {ex.status} · " if ex.status else ""
        latency = f" · {ex.latency_ms:.0f} ms" if ex.latency_ms is not None else ""
        notes = {k.lower(): v for k, v in ex.notes}
        if "x-ratelimit-remaining" in notes:
            latency += f" · rate limit {notes['x-ratelimit-remaining']}/{notes.get('x-ratelimit-limit', '?')} left"
        verdict = f"Credentials: {ex.verdict} · " if ex.verdict else ""
        said = f" (the provider's code: {ex.provider_error_code})" if ex.provider_error_code else ""
        left = f" · {ex.attempts_left} tries left" if ex.attempts_left is not None and not ex.ok else ""
        text = f"{verdict}{status}{ex.summary}{said}{left}{latency}"
        for extra in (ex.message, ex.meaning):
            if extra and extra not in text:
                text += f"\n{extra}"
        if ex.hint:
            text += f"\nWhat to do: {ex.hint}"
        for warning in ex.warnings:
            text += f"\n⚠ {warning}"
        return text

    def prefill_check(self, request_id: str, code: str | None = None) -> None:
        """Put a request id (and a code) into the check tab's fields."""
        self.tabs.prefill_check(request_id, code)
