"""The main window: providers and the virtual phone | the provider's form | the live log over the detail pane."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from console import APP_NAME, __version__
from console.core.logstore import LogStore
from console.ui import privacy, theme
from console.ui.bridge import CoreBridge
from console.ui.exports import Exporter
from console.ui.privacy import PRIVACY, PrivateStatusBar
from console.ui.real_send import RealSendGate
from console.ui.screen_fit import LEFT_MIN, MIDDLE_MIN, RIGHT_MIN
from console.ui.send_pipeline import SendPipeline
from console.ui.window_fit import FittedWindow

if TYPE_CHECKING:
    from console.service.console_service import ConsoleService
    from console.service.spend_guard import SpendGuard
    from console.ui.detail_view import DetailView
    from console.ui.history_dialog import HistoryDialog
    from console.ui.inspector import InspectorTabs
    from console.ui.latency_chart import LatencyChart
    from console.ui.listener_panel import ListenerPanel
    from console.ui.log_pane import LogPane
    from console.ui.log_view import LogView
    from console.ui.menus import MenuActions
    from console.ui.phone_view import PhoneView
    from console.ui.profiles_ui import ProfileController
    from console.ui.provider_form import ProviderForm
    from console.ui.timeline_view import TimelineView


class MainWindow(FittedWindow):
    """Shown at once with the log; :meth:`attach` adds the forms when the core has started.

    Attributes:
        service: the running service (None until :meth:`attach`).
        forms: each provider's form by provider id (empty until :meth:`attach`).
        gate: the real-send consent and spend guard; asks through :meth:`ask_live_consent`, looked up per call.
        pipeline: runs what the forms submit and look up; its results are announced by ``result_shown``.
        exporter: the File menu's exports (HAR, JSON lines, evidence).
        lower_tabs: the detail pane and the verification timeline (``detail``, ``timeline``), after build_panes;
            the timeline is built when first needed (:attr:`timeline` builds it).

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
        self.setStatusBar(PrivateStatusBar())  # its messages are masked in screen-sharing mode
        self.setWindowTitle(f"{APP_NAME} {__version__}")
        self.store = store
        self.bridge = bridge
        self.service: ConsoleService | None = None
        self.forms: dict[str, ProviderForm] = {}
        self.gate = RealSendGate(lambda *question: self.ask_live_consent(*question))
        self.pipeline = SendPipeline(self.gate, lambda pid: self.forms[pid], lambda xid: self.log.select_exchange(xid))
        self.pipeline.result_shown.connect(self.result_shown)
        self.exporter = Exporter(store, self, lambda: self.lower_tabs.shown_verification, self.statusBar().showMessage)
        self.history_dialog: HistoryDialog | None = None
        self._pages: dict[str, QWidget] = {}  # entries under the providers that are not a provider (Scenarios)

        self.provider_list = QListWidget()
        self.provider_list.setObjectName("provider_list")
        self.provider_list.setTextElideMode(Qt.TextElideMode.ElideRight)  # a long name elides (whole in the tooltip)
        self.provider_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.phone: PhoneView
        self.phone_area: QScrollArea
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.provider_list)
        left.addWidget(_placeholder(""))
        left.setSizes([180, 500])
        left.setMinimumWidth(LEFT_MIN)

        self.form_stack = QStackedWidget()
        self.form_stack.addWidget(QLabel("Starting the simulators…", alignment=Qt.AlignmentFlag.AlignCenter))
        scroll = self.form_area = _pane_scroll(self.form_stack, "form_area")  # a wide form scrolls, never clips
        scroll.setFrameShape(QFrame.Shape.StyledPanel)
        scroll.setMinimumWidth(MIDDLE_MIN)

        self.log: LogView
        self.detail: DetailView
        self.listener_panel: ListenerPanel
        self.lower_tabs: InspectorTabs
        self.latency: LatencyChart
        self.log_pane: LogPane
        self.menu: MenuActions
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(_placeholder("Opening the log…"))
        right.addWidget(_placeholder(""))
        right.setSizes([520, 320])
        # Explicit least widths (the middle's too): what the panes hold can never push the window off the screen.
        right.setMinimumWidth(RIGHT_MIN)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        for widget in (left, scroll, right):
            self.splitter.addWidget(widget)
        self.splitter.setSizes([200, 560, 840])
        for index, stretch in enumerate((0, 0, 1)):  # a wider window widens the log; the side panes keep theirs
            self.splitter.setStretchFactor(index, stretch)
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
        bridge.internal_error.connect(self.show_banner)
        bridge.history_problem.connect(self.show_history_problem)
        bridge.verification_changed.connect(self._on_verification_changed)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self._send_current)
        self._panes_built = False
        if panes_now:
            self.build_panes()
        self.fit_to_screen()

    def build_panes(self) -> None:
        """Create the log and detail panes in place of their placeholders (once).

        Their modules and Qt classes cost ~25 ms on first use (the phone's more, with what its records import),
        so run_gui shows the window's first frame, then calls this at once; everything else (tests, the
        self-test) builds them in the constructor.
        """
        if self._panes_built:
            return
        from console.ui.inspector import InspectorTabs
        from console.ui.log_pane import LogPane
        from console.ui.menus import build_menus
        from console.ui.phone_view import PhoneView

        self.phone = PhoneView()
        # The phone scrolls inside the pane rather than widening it when its messages or buttons need more room.
        self.phone_area = _pane_scroll(self.phone, "phone_area")
        _replace(self._inner["left"], [self.phone_area])
        self.phone.code_chosen.connect(self._on_code_chosen)
        self.bridge.phone_received.connect(self.phone.add_message)
        self.menu = build_menus(self.menuBar(), self, self.exporter.ask)
        self.mask_action, self.history_masking_action = self.menu.mask, self.menu.history_masking
        top = self.log_pane = LogPane(self.store, self.menu.latency_chart)
        self.listener_panel, self.log, self.latency = top.listener_panel, top.log, top.latency
        self.lower_tabs = InspectorTabs(self.store, lambda: self.service)
        self.detail = self.lower_tabs.detail
        _replace(self._inner["right"], [top, self.lower_tabs])
        self.log.exchange_selected.connect(self.lower_tabs.show_exchange)
        self.bridge.phone_received.connect(self.lower_tabs.add_phone_message)  # the timeline's phone lane
        self.detail.reopen_requested.connect(self.reopen)
        self.detail.debug_requested.connect(self.debug_exchange)
        self.lower_tabs.when_timeline_built(lambda timeline: timeline.exchange_chosen.connect(self.log.select_exchange))
        QShortcut(QKeySequence("Ctrl+F"), self, self.log.focus_filter)
        self.store.on_cleared(self._on_log_cleared)
        self._panes_built = True

    def quit_console(self) -> None:
        """File > Quit: close the window (the app saves its state and stops the core)."""
        self.close()

    def clear_log(self) -> None:
        """Empty the log pane (history keeps every row); the detail pane and the chart follow."""
        self.store.clear()
        self.statusBar().showMessage("Log cleared; history keeps every row (File > Search history).", 8000)

    def _on_log_cleared(self) -> None:
        self.lower_tabs.detail.show_exchange(None)

    def show_latency_chart(self, on: bool) -> None:
        """Open the latency chart beside the log (pyqtgraph loads then), or close it."""
        if self._panes_built:
            self.log_pane.show_chart(on)

    @property
    def timeline(self) -> TimelineView:
        """The verification timeline (the lower pane's second tab), built on first use: see :mod:`inspector`."""
        return self.lower_tabs.timeline

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
        PRIVACY.enabled = on
        self.log.model.refresh_privacy()
        if self.history_dialog is not None:
            self.history_dialog.model.layoutChanged.emit()
        self.phone.refresh_privacy()
        self.lower_tabs.refresh_privacy()
        for page in self._pages.values():
            refresh = getattr(page, "refresh_privacy", None)
            if refresh is not None:
                refresh()
        privacy.refresh(QApplication.allWidgets())
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
            item.setToolTip(f"{form.spec.label}\n{form.spec.summary}")
            self.provider_list.addItem(item)
            self.form_stack.addWidget(form)
            self.pipeline.wire(form)
            form.window_closed.connect(self.lower_tabs.expire)
        self.sim_status.setText(simulator_text)
        if forms:
            self.provider_list.setCurrentRow(0)
        self._fit_middle_to_forms()

    def select_provider(self, provider_id: str) -> None:
        for row in range(self.provider_list.count()):
            item = self.provider_list.item(row)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == provider_id:
                self.provider_list.setCurrentRow(row)

    def current_provider_id(self) -> str | None:
        form = self.current_form()
        return form.spec.id if form is not None else None

    def current_form(self) -> ProviderForm | None:
        item = self.provider_list.currentItem()
        return self.forms.get(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def _on_provider_changed(self, row: int) -> None:
        form = self.current_form()
        item = self.provider_list.currentItem()
        page = self._pages.get(str(item.data(Qt.ItemDataRole.UserRole))) if item is not None else None
        shown = form if form is not None else page
        if shown is not None:
            self.form_stack.setCurrentWidget(shown)

    def add_page(self, name: str, page: QWidget, tip: str) -> None:
        """A page of its own under the providers (Scenarios), shown in the middle pane when chosen."""
        item = QListWidgetItem(f"▶ {name}")
        item.setData(Qt.ItemDataRole.UserRole, f"page:{name}")
        item.setToolTip(tip)
        self.provider_list.addItem(item)
        self._pages[f"page:{name}"] = page
        self.form_stack.addWidget(page)

    def show_page(self, name: str) -> None:
        self.select_provider(f"page:{name}")

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
    def closeEvent(self, event: QCloseEvent) -> None:
        self.closing.emit()
        event.accept()


def _replace(splitter: QSplitter, panes: list[QWidget]) -> None:
    """Put ``panes`` in place of the splitter's placeholders (its last widgets), keeping the sizes."""
    sizes = splitter.sizes()
    first = splitter.count() - len(panes)
    for index, pane in enumerate(panes, start=first):
        placeholder = splitter.replaceWidget(index, pane)
        if placeholder is not None:
            placeholder.deleteLater()
    splitter.setSizes(sizes)


def _pane_scroll(widget: QWidget, name: str) -> QScrollArea:
    """``widget`` in a frameless scroll area that follows the pane's size (it scrolls only when it must)."""
    area = QScrollArea()
    area.setObjectName(name)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidgetResizable(True)
    area.setWidget(widget)
    return area


def _placeholder(text: str) -> QLabel:
    """A muted label holding a pane's place during the first frame."""
    label = QLabel(text, alignment=Qt.AlignmentFlag.AlignCenter)
    theme.muted(label)
    return label
