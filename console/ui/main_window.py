"""The main window: providers and the virtual phone | the provider's form | the live log over the detail pane."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from console import APP_NAME, __version__
from console.core.logstore import LogStore
from console.ui import theme
from console.ui.bridge import CoreBridge
from console.ui.exports import Exporter
from console.ui.menus import build_menus
from console.ui.phone_view import PhoneView
from console.ui.real_send import RealSendGate
from console.ui.send_pipeline import SendPipeline

if TYPE_CHECKING:
    from console.service.console_service import ConsoleService
    from console.service.spend_guard import SpendGuard
    from console.ui.detail_view import DetailView
    from console.ui.history_dialog import HistoryDialog
    from console.ui.inspector import InspectorTabs
    from console.ui.listener_panel import ListenerPanel
    from console.ui.log_view import LogView
    from console.ui.profiles_ui import ProfileController
    from console.ui.provider_form import ProviderForm
    from console.ui.timeline_view import TimelineView


class MainWindow(QMainWindow):
    """Shown at once with the log; :meth:`attach` adds the forms when the core has started.

    Attributes:
        service: the running service (None until :meth:`attach`).
        forms: each provider's form by provider id (empty until :meth:`attach`).
        gate: the real-send consent and spend guard; asks through :meth:`ask_live_consent`, looked up per call.
        pipeline: runs what the forms submit and look up; its results are announced by ``result_shown``.
        exporter: the File menu's exports (HAR, JSON lines, evidence).
        lower_tabs: the detail pane and the verification timeline (``detail``, ``timeline``), after build_panes.

    Signals:
        closing(): the user closed the window; the app then shuts the core down.
        result_shown(object): an OperationResult was shown in its form (tests and the self-test wait on it).
        spend_changed(object, bool): the user changed the spend guard (rules, refuse) in its dialog.
        history_masking_changed(bool): the user turned "keep codes out of history" on or off.
    """

    closing = Signal()
    result_shown = Signal(object)
    spend_changed = Signal(object, bool)
    history_masking_changed = Signal(bool)

    def __init__(self, store: LogStore, bridge: CoreBridge, *, panes_now: bool = True) -> None:
        """Build the window; with ``panes_now=False`` the log and detail panes wait for :meth:`build_panes`."""
        super().__init__()
        self.setWindowTitle(f"{APP_NAME} {__version__}")
        self.resize(1600, 940)
        self.store = store
        self.bridge = bridge
        self.service: ConsoleService | None = None
        self.forms: dict[str, ProviderForm] = {}
        self.gate = RealSendGate(lambda *question: self.ask_live_consent(*question))
        self.pipeline = SendPipeline(self.gate, lambda pid: self.forms[pid], lambda xid: self.log.select_exchange(xid))
        self.pipeline.result_shown.connect(self.result_shown)
        self.exporter = Exporter(store, self, lambda: self.timeline.verification, self.statusBar().showMessage)
        self.history_dialog: HistoryDialog | None = None

        self.provider_list = QListWidget()
        self.provider_list.setObjectName("provider_list")
        self.provider_list.setMaximumWidth(260)
        self.phone = PhoneView()
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.provider_list)
        left.addWidget(self.phone)
        left.setSizes([180, 500])

        self.form_stack = QStackedWidget()
        self.form_stack.addWidget(QLabel("Starting the simulators…", alignment=Qt.AlignmentFlag.AlignCenter))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form_stack)
        scroll.setMinimumWidth(470)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)  # a wide form scrolls, never clips

        self.log: LogView
        self.detail: DetailView
        self.timeline: TimelineView
        self.listener_panel: ListenerPanel
        self.lower_tabs: InspectorTabs
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(_placeholder("Opening the log…"))
        right.addWidget(_placeholder(""))
        right.setSizes([520, 320])

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        for widget in (left, scroll, right):
            self.splitter.addWidget(widget)
        self.splitter.setSizes([200, 560, 840])
        self.splitter.setStretchFactor(2, 1)
        self._inner = {"left": left, "right": right}
        self.setCentralWidget(self.splitter)

        self.sim_status = QLabel("Simulators: starting…")
        self.banner = QLabel()
        self.banner.setStyleSheet(theme.BANNER_STYLE)
        self.statusBar().addWidget(self.sim_status)
        self.statusBar().addWidget(self.banner, 1)
        self.history_banner = QLabel()  # stays while history is not being written
        self.history_banner.setObjectName("history_banner")
        self.history_banner.setStyleSheet(theme.BANNER_STYLE)
        self.history_banner.setWordWrap(True)
        self.history_banner.hide()
        self.statusBar().addPermanentWidget(self.history_banner, 2)

        self.provider_list.currentRowChanged.connect(self._on_provider_changed)
        self.phone.code_chosen.connect(self._on_code_chosen)
        bridge.phone_received.connect(self.phone.add_message)
        bridge.internal_error.connect(self.show_banner)
        bridge.history_problem.connect(self.show_history_problem)
        bridge.verification_changed.connect(self._on_verification_changed)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self._send_current)
        self._panes_built = False
        if panes_now:
            self.build_panes()

    def build_panes(self) -> None:
        """Create the log and detail panes in place of their placeholders (once).

        Their modules and Qt classes cost ~25 ms on first use, so run_gui shows the window's first frame,
        then calls this at once; everything else (tests, the self-test) builds them in the constructor.
        """
        if self._panes_built:
            return
        from console.ui.inspector import InspectorTabs
        from console.ui.listener_panel import ListenerPanel
        from console.ui.log_view import LogView

        self.listener_panel = ListenerPanel()
        self.log = LogView(self.store)
        top = self.log_column = QWidget()  # kept referenced: replaceWidget does not take Python ownership
        column = QVBoxLayout(top)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.listener_panel)
        column.addWidget(self.log, 1)
        self.lower_tabs = InspectorTabs(self.store, lambda: self.service)
        self.detail, self.timeline = self.lower_tabs.detail, self.lower_tabs.timeline
        right = self._inner["right"]
        sizes = right.sizes()
        for index, pane in enumerate((top, self.lower_tabs)):
            placeholder = right.replaceWidget(index, pane)
            if placeholder is not None:
                placeholder.deleteLater()
        right.setSizes(sizes)
        self.log.exchange_selected.connect(self.lower_tabs.show_exchange)
        self.detail.reopen_requested.connect(self.reopen)
        self.detail.debug_requested.connect(self.debug_exchange)
        self.timeline.exchange_chosen.connect(self.log.select_exchange)
        QShortcut(QKeySequence("Ctrl+F"), self, self.log.focus_filter)
        self.mask_action, self.history_masking_action = build_menus(self.menuBar(), self, self.exporter.ask)
        self._panes_built = True

    @property
    def profiles(self) -> ProfileController | None:
        """The profile controller, once the app has loaded it: the send pipeline unlocks the secrets through it."""
        return self.pipeline.profiles

    @profiles.setter
    def profiles(self, controller: ProfileController | None) -> None:
        self.pipeline.profiles = controller

    def reopen(self, exchange: Any) -> None:
        """A past request back in its form, ready to change and send again."""
        form = self.forms.get(exchange.provider)
        if form is not None and form.reopen(exchange):
            self.select_provider(exchange.provider)
            self.statusBar().showMessage(f"Reopened {exchange.id} in the {form.spec.label} form.", 8000)

    def ask_live_consent(self, provider: str, target: str, numbers: list[str], problems: list[str]) -> bool:
        """Before the first request that leaves the simulator, and before a real send the spend guard flags.

        ``numbers``: the spend guard's figures; ``problems``: the rules this send would break.
        """
        from console.ui.real_send import ask_with_box

        return ask_with_box(self, provider, target, numbers, problems)

    def open_spend_guard(self) -> None:
        """Edit the spend guard; the app applies and saves it."""
        from console.service.spend_guard import SpendGuard
        from console.ui.spend_dialog import SpendDialog

        dialog = SpendDialog(self.gate.rules or SpendGuard((), 60.0, 20), self.gate.refuse, self)
        self.spend_dialog = dialog
        dialog.accepted.connect(lambda: self.set_spend_guard(dialog.rules(), dialog.refuse, announce=True))
        dialog.open()

    def set_spend_guard(self, rules: SpendGuard, refuse: bool, announce: bool = False) -> None:
        """Use these rules: the service refuses (``refuse``) or the window warns before a flagged send."""
        self.gate.use(rules, refuse)
        if announce:
            self.spend_changed.emit(rules, refuse)
        self.gate.show_soon(self.current_form())

    def open_history(self) -> None:
        """Search the history on disk (every restart's), see its size, prune it; reopen or show a past row."""
        if self.service is None or self.service.history is None:
            self.statusBar().showMessage("History is still loading.", 5000)
            return
        from console.ui.history_dialog import HistoryDialog

        if self.history_dialog is None:
            self.history_dialog = HistoryDialog(self.service.history, list(self.forms), self)
            self.history_dialog.show_requested.connect(self.show_past_exchange)
            self.history_dialog.reopen_requested.connect(self.reopen)
        self.history_dialog.show()
        self.history_dialog.raise_()

    def show_past_exchange(self, exchange: Any) -> None:
        """A row from history: selected in the log when it is there, else shown in the detail pane."""
        if not self.log.select_exchange(exchange.id):
            self.lower_tabs.show_exchange(exchange)

    def set_history_masking(self, on: bool) -> None:
        """History keeps each send's code masked (the app applies it to the service and saves the setting)."""
        if self.service is not None:
            self.service.mask_codes_in_history = on
        self.history_masking_changed.emit(on)

    def set_privacy(self, on: bool) -> None:
        """Screen-sharing mode: phone numbers and codes masked in the log, detail, phone and timeline."""
        from console.ui.privacy import PRIVACY

        PRIVACY.enabled = on
        self.log.model.refresh_privacy()
        if self.history_dialog is not None:
            self.history_dialog.model.layoutChanged.emit()
        self.phone.refresh_privacy()
        self.lower_tabs.refresh_privacy()
        self.statusBar().showMessage("Numbers and codes masked on screen" if on else "Numbers and codes shown", 5000)

    def lock_secrets(self) -> None:
        """Forget the encrypted file's passphrase: the next profile use asks again."""
        text = self.profiles.lock() if self.profiles is not None else "No profiles loaded yet."
        self.statusBar().showMessage(text, 8000)

    def open_debugger(self) -> None:
        """The signature explainer, the callback checker and the JWT inspector, in one dialog."""
        from console.ui.debug_dialog import DebugDialog

        self.debugger = DebugDialog(self)
        self.debugger.show()

    def debug_exchange(self, exchange: Any) -> None:
        """The debugger, loaded with a recorded callback or Zadarma request."""
        self.open_debugger()
        self.debugger.load_exchange(exchange)

    async def export_to(self, kind: str, path: str) -> None:
        """Write the log (HAR or JSON lines) or the shown verification's evidence file to ``path``."""
        await self.exporter.export_to(kind, path)

    # ------------------------------------------------------------------------------------------ wiring
    def attach(self, service: ConsoleService, forms: dict[str, ProviderForm], simulator_text: str) -> None:
        """Add the provider forms once the core is running."""
        self.service = service
        self.pipeline.use_service(service)
        self.forms = forms
        self.log.set_providers([(pid, form.spec.label) for pid, form in forms.items()])
        for pid, form in forms.items():
            item = QListWidgetItem(form.spec.label)
            item.setData(Qt.ItemDataRole.UserRole, pid)
            item.setToolTip(form.spec.summary)
            self.provider_list.addItem(item)
            self.form_stack.addWidget(form)
            self.pipeline.wire(form)
            form.window_closed.connect(self.lower_tabs.expire)
        self.sim_status.setText(simulator_text)
        if forms:
            self.provider_list.setCurrentRow(0)

    def select_provider(self, provider_id: str) -> None:
        for row in range(self.provider_list.count()):
            item = self.provider_list.item(row)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == provider_id:
                self.provider_list.setCurrentRow(row)

    def current_form(self) -> ProviderForm | None:
        item = self.provider_list.currentItem()
        return self.forms.get(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def _on_provider_changed(self, row: int) -> None:
        form = self.current_form()
        if form is not None:
            self.form_stack.setCurrentWidget(form)

    def _send_current(self) -> None:
        form = self.current_form()
        if form is not None:
            form.send()

    def show_history_problem(self, problem: object) -> None:
        """Say, until it works again, that history is not being written (``problem``: why; None: it is again)."""
        self.history_banner.setVisible(bool(problem))
        self.history_banner.setText(f"⚠ {problem}" if problem else "")
        self.history_banner.setToolTip(str(problem or ""))

    def show_banner(self, text: str, in_log: bool = True) -> None:
        """A warning in the status bar (``in_log``: its details are in a log row)."""
        self.banner.setText(f"⚠ {text}" + (" (details in the log)" if in_log else ""))

    def _on_code_chosen(self, provider: str, code: str) -> None:
        form = self.forms.get(provider)
        if form is None:
            return
        self.select_provider(provider)
        form.enter_code(code)

    def _on_verification_changed(self, verification: Any) -> None:
        form = self.forms.get(verification.provider)
        if form is not None:
            form.verification_changed(verification)
        if self._panes_built:
            self.lower_tabs.refresh(verification)
        self.statusBar().showMessage(
            f"Verification {verification.id} ({verification.provider} {verification.channel} → "
            f"{verification.destination}): {verification.state.value}",
            15000,
        )

    # ------------------------------------------------------------------------------------------ state
    def ui_state(self) -> dict[str, Any]:
        state = {
            "geometry": self.saveGeometry().toHex().toStdString(),
            "splitter": self.splitter.saveState().toHex().toStdString(),
        }
        for name, splitter in self._inner.items():
            state[f"splitter_{name}"] = splitter.saveState().toHex().toStdString()
        form = self.current_form()
        if form is not None:
            state["provider"] = form.spec.id
        return state

    def restore_ui_state(self, state: dict[str, Any]) -> None:
        if "geometry" in state:
            self.restoreGeometry(QByteArray.fromHex(state["geometry"].encode()))
        if "splitter" in state:
            self.splitter.restoreState(QByteArray.fromHex(state["splitter"].encode()))
        for name, splitter in self._inner.items():
            if f"splitter_{name}" in state:
                splitter.restoreState(QByteArray.fromHex(state[f"splitter_{name}"].encode()))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closing.emit()
        event.accept()


def _placeholder(text: str) -> QLabel:
    """A muted label holding a pane's place during the first frame."""
    label = QLabel(text, alignment=Qt.AlignmentFlag.AlignCenter)
    theme.muted(label)
    return label
