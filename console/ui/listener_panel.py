"""The listener's strip above the log: state, URL, heartbeat; its settings fold out underneath."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.ui import theme
from console.ui.sparkline import Sparkline

CALLBACK_FAULTS = (
    ("none", "Deliver normally"),
    ("twice", "Twice each"),
    ("out_of_order", "Out of order"),
    ("late", "Late (5 s)"),
    ("bad_signature", "With a wrong signature"),
)


class ListenerPanel(QWidget):
    """Shows the listener and edits its settings; the app does the work.

    The port box shows the port the listener uses (the remembered one, or the one it moved to); a port the user
    types there is a choice (:attr:`port_chosen`): the app then binds exactly it or says why not.

    Signals:
        start_requested(str, int): bind this host and port (0: any free port); read :attr:`port_chosen`.
        stop_requested(): stop listening.
        forward_changed(str): forward callbacks to this URL ("" stops forwarding).
        public_url_changed(str): the tunnel's public URL ("" for none).
        reply_changed(str, int, float, str): answer route (provider id or ``*``) with status, delay, body.
        callback_fault_changed(str): how the simulators deliver their callbacks from now on.
        setting_changed(str, str): a rule setting changed, e.g. ``ssms.match_params`` -> "phone,id_call".
    """

    start_requested = Signal(str, int)
    stop_requested = Signal()
    forward_changed = Signal(str)
    public_url_changed = Signal(str)
    reply_changed = Signal(str, int, float, str)
    callback_fault_changed = Signal(str)
    setting_changed = Signal(str, str)

    def __init__(self, routes: list[str] | None = None) -> None:
        super().__init__()
        self._heartbeat: Callable[[], tuple[int, float | None]] | None = None
        self.running = False
        self._port_chosen = False
        self._setting_port = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 4)
        strip = QHBoxLayout()
        self.state = QLabel()
        self.state.setObjectName("listener_state")
        self.url = QLineEdit(readOnly=True)
        self.url.setObjectName("listener_url")
        self.url.setPlaceholderText("not listening")
        self.url.setMinimumWidth(self.url.fontMetrics().horizontalAdvance("http://127.0.0.1:65535") + 12)
        self.copy = QToolButton()  # tool buttons: a compact strip leaves the URL its room
        self.copy.setText("Copy")
        self.copy.setToolTip("Copy the listener's URL")
        self.copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.url.text()))
        self.pulse = QLabel("")
        self.pulse.setObjectName("listener_pulse")
        # "12 requests · last 3 s ago" gives way (cut short, whole in its tooltip) before the URL does
        self.pulse.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.pulse.setMinimumWidth(self.pulse.fontMetrics().horizontalAdvance("no requests yet") + 4)
        self.rate = Sparkline()  # requests per second over the last minute
        self.notice = QLabel("")  # why the listener is not on the port it wanted (it was taken)
        self.notice.setObjectName("listener_notice")
        self.notice.setVisible(False)
        theme.set_colour(self.notice, theme.CUSTOM_AMBER)
        self.toggle = QToolButton()
        self.toggle.setText("Start")
        self.toggle.setObjectName("listener_toggle")
        self.toggle.clicked.connect(self._on_toggle)
        self.more = QToolButton()
        self.more.setText("Settings ▾")
        self.more.setCheckable(True)
        for widget, stretch in ((self.state, 0), (self.url, 2), (self.copy, 0), (self.pulse, 1), (self.rate, 0)):
            strip.addWidget(widget, stretch)
        strip.addWidget(self.toggle)
        strip.addWidget(self.more)
        outer.addLayout(strip)
        self.notice.setWordWrap(True)  # a line of its own: a long reason must not squeeze the URL
        outer.addWidget(self.notice)

        self.settings = QWidget()
        self.settings.setVisible(False)
        self.more.toggled.connect(self.settings.setVisible)
        form = QFormLayout(self.settings)
        form.setContentsMargins(4, 0, 4, 0)
        self.port = QSpinBox(minimum=0, maximum=65535)
        self.port.setSpecialValueText("any free port")
        self.port.setObjectName("listener_port")
        self.port.setToolTip("The listener keeps this port; a port typed here is used exactly (an error if taken)")
        self.port.valueChanged.connect(self._on_port_changed)
        self.port.lineEdit().textEdited.connect(self._on_port_changed)
        self.expose = QCheckBox("Accept connections from other machines (binds 0.0.0.0)")
        self.expose.setToolTip("Anyone who can reach this machine can then post callbacks; prefer a tunnel.")
        self.warning = QLabel("")
        theme.set_colour(self.warning, theme.ERROR_RED)
        self.warning.setWordWrap(True)
        self.expose.toggled.connect(self._warn_exposed)
        bind = QHBoxLayout()
        bind.addWidget(self.port)
        bind.addWidget(self.expose, 1)
        form.addRow("Port", bind)
        form.addRow("", self.warning)
        self.public = QLineEdit()
        self.public.setObjectName("listener_public_url")
        self.public.setPlaceholderText("https://your-tunnel.example (ngrok, cloudflared…)")
        self.public.editingFinished.connect(lambda: self.public_url_changed.emit(self.public.text().strip()))
        form.addRow("Public URL", self.public)
        self.paste = QPlainTextEdit(readOnly=True)
        self.paste.setObjectName("listener_paste_urls")
        self.paste.setPlaceholderText("shown while the listener runs")
        self.paste.setMaximumHeight(86)
        form.addRow("Paste into\nthe provider", self.paste)
        self.forward = QLineEdit()
        self.forward.setObjectName("listener_forward")
        self.forward.setPlaceholderText("http://localhost:3000/webhooks (your backend; empty: no forwarding)")
        self.forward.editingFinished.connect(lambda: self.forward_changed.emit(self.forward.text().strip()))
        form.addRow("Forward to", self.forward)
        reply = QHBoxLayout()
        self.route = QComboBox()
        self.route.addItems(["*", *(routes or [])])
        self.status = QSpinBox(minimum=100, maximum=599, value=200)
        self.delay = QDoubleSpinBox(minimum=0.0, maximum=120.0, decimals=1, suffix=" s")
        self.body = QLineEdit()
        self.body.setPlaceholderText("reply body (empty)")
        apply = QPushButton("Apply")
        apply.clicked.connect(
            lambda: self.reply_changed.emit(
                self.route.currentText(), self.status.value(), self.delay.value(), self.body.text()
            )
        )
        reply_widgets: tuple[QWidget, ...] = (self.route, self.status, self.delay, self.body, apply)
        for part in reply_widgets:
            reply.addWidget(part, 1 if part is self.body else 0)
        form.addRow("Reply", reply)
        self.fault = QComboBox()
        for value, label in CALLBACK_FAULTS:
            self.fault.addItem(label, value)
        self.fault.currentIndexChanged.connect(lambda: self.callback_fault_changed.emit(self.fault.currentData()))
        form.addRow("Simulators send", self.fault)
        self._form = form
        self.match_edits: dict[str, QLineEdit] = {}
        outer.addWidget(self.settings)

        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._beat)
        self.set_running(None)

    # ------------------------------------------------------------------------------------------- state
    def set_heartbeat_source(self, source: Callable[[], tuple[int, float | None]]) -> None:
        """Where the pulse reads (requests, last received at) once a second; must be cheap and thread-safe."""
        self._heartbeat = source
        self._timer.start()
        self._beat()

    @property
    def port_chosen(self) -> bool:
        """True when the port box holds a port the user typed this run (bound exactly, never moved)."""
        return self._port_chosen

    def set_port(self, port: int, chosen: bool = False) -> None:
        """Show ``port`` in the port box (the app's doing, not the user's unless ``chosen``)."""
        self._setting_port = True
        try:
            self.port.setValue(port)
        finally:
            self._setting_port = False
        self._port_chosen = chosen

    def set_running(self, url: str | None, exposed: bool = False, error: str = "", note: str = "") -> None:
        """Show the listener running at ``url`` (``note``: why not on the port it wanted), or stopped.

        A stopped listener shows why when it failed (``error``), and no URLs to paste.
        """
        self.running = url is not None
        self.notice.setText(note)
        self.notice.setToolTip(note)
        self.notice.setVisible(bool(note))
        self.url.setText(url or "")
        colour = theme.LISTENING_GREEN if url else theme.ERROR_RED if error else theme.MUTED
        word = ("LISTENING" + (" (all interfaces)" if exposed else "")) if url else ("FAILED" if error else "STOPPED")
        self.state.setText(theme.coloured_html(f"● {word}", colour, bold=True))
        self.state.setToolTip(error)
        self.toggle.setText("Stop" if url else "Start")
        if error:
            self.pulse.setText(theme.coloured_html(error, theme.ERROR_RED))
            self.pulse.setToolTip(error)
        elif not url:
            self.pulse.setText("")
        if not url:
            self.set_paste_urls({})

    def add_match_setting(self, provider: str, names: tuple[str, ...]) -> None:
        """A field for the parameters an undocumented callback is matched on (a setting, never a guess)."""
        edit = QLineEdit(", ".join(names))
        edit.setObjectName(f"listener_match_{provider}")
        edit.setToolTip(
            f"No public source documents {provider}'s callback; these parameter names tie it to a verification"
        )
        key = f"{provider}.match_params"
        edit.editingFinished.connect(lambda: self.setting_changed.emit(key, edit.text()))
        self._form.addRow(f"Match {provider} on\n(undocumented)", edit)
        self.match_edits[provider] = edit

    def set_paste_urls(self, urls: Mapping[str, str]) -> None:
        """The exact URL to paste into each provider's settings (none while the listener is stopped)."""
        self.paste.setPlainText("\n".join(f"{pid:9} {url}" for pid, url in urls.items()))

    def _beat(self) -> None:
        if self._heartbeat is None:
            return
        if not self.running:
            self.rate.add_sample(0.0)  # a stopped listener receives nothing
            return
        count, last = self._heartbeat()
        self.rate.add_total(count)
        if count == 0 or last is None:
            text = "no requests yet"
        else:
            text = f"{count} request{'s' if count != 1 else ''} · {max(0.0, time.time() - last):.0f} s ago"
        self.pulse.setText(text)
        self.pulse.setToolTip(text)

    def _on_port_changed(self) -> None:
        if not self._setting_port:
            self._port_chosen = True

    def _warn_exposed(self, on: bool) -> None:
        self.warning.setText("Other machines will be able to post to the listener. Restart it to apply." if on else "")

    def _on_toggle(self) -> None:
        if self.running:
            self.stop_requested.emit()
        else:
            self.start_requested.emit("0.0.0.0" if self.expose.isChecked() else "127.0.0.1", self.port.value())
        self.toggle.setEnabled(True)
