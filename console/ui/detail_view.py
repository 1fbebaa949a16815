"""The detail pane: the selected exchange's request, response, meaning and notes, with copy as cURL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QTabWidget, QVBoxLayout, QWidget

from console.core.models import Exchange
from console.ui import theme
from console.ui.excepthook import spawn
from console.ui.privacy import PRIVACY

MAX_SHOWN = 200_000  # characters of a body shown at once; the full text stays in the record


def _headers_text(headers: tuple[tuple[str, str], ...]) -> str:
    return "\n".join(f"{name}: {value}" for name, value in headers)


def _clip(text: str) -> str:
    if len(text) <= MAX_SHOWN:
        return text
    return text[:MAX_SHOWN] + f"\n\n… {len(text) - MAX_SHOWN:,} more characters not shown"


class DetailView(QWidget):
    """Shows one Exchange in full; everything it shows is already redacted in the record.

    Signals:
        replay_requested(object): the user wants to send the shown callback (an Exchange) again.
        reopen_requested(object): put the shown request (an Exchange) back into its form.
        debug_requested(object): open the signature debugger on the shown callback or Zadarma request.
    """

    replay_requested = Signal(object)
    reopen_requested = Signal(object)
    debug_requested = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.exchange: Exchange | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.headline = QLabel("Select a row of the log to see the request and the response.")
        self.headline.setObjectName("detail_headline")
        self.headline.setWordWrap(True)
        layout.addWidget(self.headline)
        self.tabs = QTabWidget()
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.request = QPlainTextEdit(readOnly=True)
        self.response = QPlainTextEdit(readOnly=True)
        self.notes = QPlainTextEdit(readOnly=True)
        for name, edit in (("Request", self.request), ("Response", self.response), ("Notes", self.notes)):
            edit.setFont(mono)
            edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
            self.tabs.addTab(edit, name)
        layout.addWidget(self.tabs, 1)
        buttons = QHBoxLayout()
        self.copy_curl = QPushButton("Copy as cURL")
        self.copy_curl.setToolTip("Secrets stay masked, as in the log")
        self.copy_curl.clicked.connect(self._copy_curl)
        self.copy_curl.setEnabled(False)
        self.replay = QPushButton("Replay…")
        self.replay.setObjectName("detail_replay")
        self.replay.setToolTip("Send this callback again: to the listener or your backend, edited, re-signed")
        self.replay.setEnabled(False)
        self.replay.clicked.connect(lambda: self.replay_requested.emit(self.exchange))
        self.copy_httpx = QPushButton("Copy as httpx")
        self.copy_httpx.setToolTip("Python code reproducing the request; secrets stay masked")
        self.copy_httpx.clicked.connect(self._copy_httpx)
        self.copy_httpx.setEnabled(False)
        self.reopen = QPushButton("Reopen in form")
        self.reopen.setObjectName("detail_reopen")
        self.reopen.setToolTip("Fill the provider's form with this request, to change it and send it again")
        self.reopen.setEnabled(False)
        self.reopen.clicked.connect(lambda: self.reopen_requested.emit(self.exchange))
        buttons.addWidget(self.reopen)
        self.open_raw = QPushButton("Open raw body")
        self.open_raw.setObjectName("detail_open_raw")
        self.open_raw.setToolTip("The whole response body in your editor (the pane shows the first 200,000 characters)")
        self.open_raw.setVisible(False)
        self.open_raw.clicked.connect(lambda: spawn(self.open_raw_body()))
        buttons.addWidget(self.open_raw)
        self.debug = QPushButton("Debug signature…")
        self.debug.setObjectName("detail_debug")
        self.debug.setToolTip("The signature debugger, loaded with this request's path, parameters or raw body")
        self.debug.setEnabled(False)
        self.debug.clicked.connect(lambda: self.debug_requested.emit(self.exchange))
        buttons.addWidget(self.debug)
        buttons.addStretch(1)
        buttons.addWidget(self.replay)
        buttons.addWidget(self.copy_curl)
        buttons.addWidget(self.copy_httpx)
        layout.addLayout(buttons)

    def show_exchange(self, ex: Exchange | None) -> None:
        self.exchange = ex
        self.copy_curl.setEnabled(bool(ex and ex.method))
        self.copy_httpx.setEnabled(bool(ex and ex.method))
        self.replay.setEnabled(bool(ex and ex.operation == "webhook" and ex.method))
        self.reopen.setEnabled(bool(ex and ex.operation not in ("webhook", "forward", "replay") and ex.fields))
        self.debug.setEnabled(bool(ex and ex.method and (ex.operation == "webhook" or ex.provider == "zadarma")))
        if ex is None:
            self.headline.setText("Select a row of the log to see the request and the response.")
            for edit in (self.request, self.response, self.notes):
                edit.clear()
            return
        colour = theme.OUTCOME_COLOURS.get(ex.outcome.value, theme.MUTED)
        when = dt.datetime.fromtimestamp(ex.started_at).strftime("%Y-%m-%d %H:%M:%S")
        parts = [
            theme.coloured_html(ex.outcome.value.replace("_", " ").upper(), colour, bold=True),
            f"{ex.provider} · {ex.operation}" + (f" · {ex.channel}" if ex.channel else ""),
            f"HTTP {ex.status}" if ex.status else "no HTTP answer",
            f"{ex.latency_ms:.0f} ms" if ex.latency_ms is not None else "",
            when,
        ]
        lines = [" &nbsp;·&nbsp; ".join(p for p in parts if p)]
        if ex.error_code or ex.meaning:
            lines.append(f"<b>{ex.error_code or ''}</b> {ex.meaning}")
        if ex.message:
            lines.append(ex.message.replace("<", "&lt;"))
        if ex.hint:
            lines.append(f"<i>What to do:</i> {ex.hint}")
        ids = [
            f"request_id {ex.request_id}" if ex.request_id else "",
            f"verification {ex.verification_id}" if ex.verification_id else "",
        ]
        if any(ids):
            lines.append(theme.coloured_html(" · ".join(i for i in ids if i), theme.MUTED))
        self.headline.setText(PRIVACY.mask("<br>".join(lines)))
        from console.core.export import pretty_body  # json and shlex: loaded after the window is shown

        request = f"{ex.method} {ex.url}\n{_headers_text(ex.request_headers)}"
        if ex.request_body:
            request += "\n\n" + pretty_body(ex.request_body, ex.request_headers)
        if ex.fields:
            request += "\n\n# fields as validated\n" + "\n".join(f"{k} = {v}" for k, v in ex.fields)
        self.request.setPlainText(PRIVACY.mask(_clip(request) if ex.method else ex.message))
        if ex.status is not None:
            response = f"HTTP {ex.status}\n{_headers_text(ex.response_headers)}\n\n"
            response += pretty_body(ex.response_body, ex.response_headers)
        else:
            response = f"No response.\n{ex.message}"
        self.response.setPlainText(PRIVACY.mask(_clip(response)))
        self.open_raw.setVisible(len(ex.response_body) > MAX_SHOWN or len(ex.request_body) > MAX_SHOWN)
        self.notes.setPlainText(PRIVACY.mask("\n".join(f"{k}: {v}" for k, v in ex.described_notes()) or "—"))

    async def open_raw_body(self) -> Path | None:
        """Write the full bodies to a file (off the GUI thread) and open it with the desktop's viewer."""
        import asyncio
        import tempfile

        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        from console.core.jsonfile import write_text_atomically
        from console.core.paths import PRIVATE_FILE

        ex = self.exchange
        if ex is None:
            return None
        text = f"{ex.method} {ex.url}\n\n{ex.request_body}\n\n--- response ---\n\n{ex.response_body}"
        path = Path(tempfile.gettempdir()) / f"otp-console-{ex.id}.txt"
        await asyncio.to_thread(write_text_atomically, path, text, PRIVATE_FILE)  # owner-only, like history
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        return path

    def _copy_httpx(self) -> None:
        from console.core.export import to_httpx

        if self.exchange is not None:
            QGuiApplication.clipboard().setText(to_httpx(self.exchange))

    def _copy_curl(self) -> None:
        from console.core.export import to_curl

        if self.exchange is not None:
            QGuiApplication.clipboard().setText(to_curl(self.exchange))
