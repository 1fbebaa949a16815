"""Tools > Debug: the Zadarma signature step by step, a callback's signature by hand, the Vbee JWT inspector."""

from __future__ import annotations

import dataclasses
import json
import time

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.core.models import Exchange
from console.providers import webhook_rules


def _mono(edit: QPlainTextEdit) -> QPlainTextEdit:
    edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    return edit


def _when(epoch: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(epoch))


class DebugDialog(QDialog):
    """Three debuggers over the core's own code; nothing leaves the machine."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Debug signatures and tokens")
        self.resize(820, 620)
        self.received_at: float | None = None  # a loaded callback's arrival time
        self.tabs = QTabWidget()
        self.tabs.addTab(self._signature_tab(), "Zadarma signature")
        self.tabs.addTab(self._webhook_tab(), "Callback signature")
        self.tabs.addTab(self._jwt_tab(), "Vbee JWT")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)

    def load_exchange(self, ex: Exchange) -> None:
        """Fill the right tab from a recorded row: a callback's headers and raw body, or a request's parameters.

        Secrets are masked in records, so they are typed here.
        """
        from urllib.parse import parse_qsl, urlsplit

        if ex.operation == "webhook":
            self.tabs.setCurrentIndex(1)
            self.wh_provider.setCurrentText(ex.provider)
            self.wh_headers.setPlainText("\n".join(f"{k}: {v}" for k, v in ex.request_headers))
            self.wh_body.setPlainText(ex.request_body)
            self.wh_out.setPlainText(f"Loaded the callback {ex.id}. Type the secret and press Check.")
            self.received_at = ex.started_at  # timestamps are judged as of its arrival, not now
            self.wh_secret.setFocus()
            return
        self.tabs.setCurrentIndex(0)
        url = urlsplit(ex.url)
        query = url.query if ex.method == "GET" else ex.request_body
        path = url.path[url.path.find("/v1/") :] if "/v1/" in url.path else url.path  # a custom base's prefix off
        self.sig_path.setText(path)
        self.sig_params.setText("&".join(f"{k}={v}" for k, v in parse_qsl(query, keep_blank_values=True)))
        self.sig_out.setPlainText(f"Loaded {ex.method} {path} from {ex.id}. Type the key and the secret.")
        self.sig_key.setFocus()

    # ------------------------------------------------------------------------------------- Zadarma signing
    def _signature_tab(self) -> QWidget:
        tab = QWidget()
        form = QFormLayout(tab)
        self.sig_path = QLineEdit("/v1/verify/")
        self.sig_params = QLineEdit("channel=sms&to=+442037691880")
        self.sig_params.setToolTip("The parameters as key=value&… (unencoded)")
        self.sig_key = QLineEdit()
        self.sig_secret = QLineEdit()
        self.sig_secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.sig_header = QLineEdit()
        self.sig_header.setPlaceholderText("KEY:SIGNATURE from your own code (optional): where does it differ?")
        self.sig_out = _mono(QPlainTextEdit(readOnly=True))
        run = QPushButton("Explain")
        run.clicked.connect(self.explain_signature)
        for label, widget in (
            ("Method path", self.sig_path),
            ("Parameters", self.sig_params),
            ("API key", self.sig_key),
            ("API secret", self.sig_secret),
            ("Your header", self.sig_header),
        ):
            form.addRow(label, widget)
        form.addRow("", run)
        form.addRow(self.sig_out)
        return tab

    def explain_signature(self) -> None:
        from console.tools.signature_debug import explain

        params = dict(p.partition("=")[::2] for p in self.sig_params.text().split("&") if p)
        result = explain(
            self.sig_key.text(), self.sig_secret.text(), self.sig_path.text(), params, self.sig_header.text()
        )
        marks = {True: "✓", False: "✗", None: " "}
        lines = [f"{marks[s.agrees]} {s.name}\n    {s.value}" for s in result.steps]
        if result.verdict:
            lines.append(("MATCH: " if result.matches else "DIFFERS: ") + result.verdict)
        self.sig_out.setPlainText("\n".join(lines))

    # --------------------------------------------------------------------------------------- callbacks
    def _webhook_tab(self) -> QWidget:
        tab = QWidget()
        form = QFormLayout(tab)
        self.wh_provider = QComboBox()
        self.wh_provider.addItems(list(webhook_rules()))
        self.wh_headers = _mono(QPlainTextEdit())
        self.wh_headers.setPlaceholderText(
            "Name: value, one per line (Signature, YCloud-Signature, X-Hub-Signature-256…)"
        )
        self.wh_headers.setMaximumHeight(90)
        self.wh_body = _mono(QPlainTextEdit())
        self.wh_body.setPlaceholderText("The raw body exactly as received")
        self.wh_secret = QLineEdit()
        self.wh_secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.wh_out = _mono(QPlainTextEdit(readOnly=True))
        self.wh_out.setMaximumHeight(120)
        run = QPushButton("Check")
        run.clicked.connect(self.check_webhook)
        for label, widget in (
            ("Provider", self.wh_provider),
            ("Headers", self.wh_headers),
            ("Raw body", self.wh_body),
            ("Secret", self.wh_secret),
        ):
            form.addRow(label, widget)
        form.addRow("", run)
        form.addRow(self.wh_out)
        return tab

    def check_webhook(self) -> None:
        from console.tools.webhook_debug import check_webhook

        headers = {}
        for line in self.wh_headers.toPlainText().splitlines():
            name, _, value = line.partition(":")
            if name.strip():
                headers[name.strip()] = value.strip()
        check = check_webhook(
            self.wh_provider.currentText(),
            self.wh_body.toPlainText().encode(),
            headers,
            self.wh_secret.text(),
            now=self.received_at,
        )
        scheme = f" ({check.scheme})" if check.scheme else ""
        when = f"\n(as of its arrival, {_when(self.received_at)})" if self.received_at is not None else ""
        self.wh_out.setPlainText(f"{check.verdict.value.upper()}{scheme}\n{check.detail}{when}")

    # ---------------------------------------------------------------------------------------------- JWT
    def _jwt_tab(self) -> QWidget:
        tab = QWidget()
        form = QFormLayout(tab)
        self.jwt_token = _mono(QPlainTextEdit())
        self.jwt_token.setPlaceholderText("Bearer eyJ… (a token from your logs), or mint one below")
        self.jwt_token.setMaximumHeight(90)
        self.jwt_key = QLineEdit()
        self.jwt_secret = QLineEdit()
        self.jwt_secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.jwt_code = QLineEdit()
        self.jwt_code.setPlaceholderText("a code, to mint a token")
        self.jwt_out = _mono(QPlainTextEdit(readOnly=True))
        inspect_button = QPushButton("Inspect and verify")
        inspect_button.clicked.connect(self.inspect_jwt)
        mint_button = QPushButton("Mint for this code")
        mint_button.clicked.connect(self.mint_jwt)
        for label, widget in (
            ("Token", self.jwt_token),
            ("API key", self.jwt_key),
            ("API secret", self.jwt_secret),
            ("Code", self.jwt_code),
        ):
            form.addRow(label, widget)
        form.addRow(inspect_button, mint_button)
        form.addRow(self.jwt_out)
        return tab

    def inspect_jwt(self) -> None:
        from console.tools.jwt_inspect import inspect

        found = inspect(self.jwt_token.toPlainText(), self.jwt_secret.text(), self.jwt_key.text())
        self.jwt_out.setPlainText(json.dumps(dataclasses.asdict(found), indent=2, ensure_ascii=False))

    def mint_jwt(self) -> None:
        from console.tools.jwt_inspect import mint_for

        self.jwt_token.setPlainText(mint_for(self.jwt_key.text(), self.jwt_secret.text(), self.jwt_code.text()))
        self.inspect_jwt()
