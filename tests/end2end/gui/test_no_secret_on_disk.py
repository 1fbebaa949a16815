"""Masking, end to end: every file the console writes is searched for the secrets used, and none is found.

The GUI sends with typed credentials to every provider and saves a profile; the CLI sends with flags and a
profile; both export. Then the history database (with its WAL), settings, UI state, profiles, the encrypted
secrets file, the exports and the "open raw" file are read back byte by byte.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from console.core import paths
from console.core.settings import save_ui_state, settings_path
from console.providers import get_provider
from console.providers.spec import OperationKind
from console.service.spend_guard import SpendGuard
from console.ui.app import ConsoleApp
from tests.end2end.gui.test_zadarma_gui import _press
from tests.helpers.qtasync import run, until

SECRETS = {
    "zadarma": {"key": "zdk-key-Q7Wm2Lp9", "secret": "zds-secret-R4tY8uI1"},
    "ycloud": {"api_key": "ycl-key-Z3xC5vB7"},
    "vbee": {"api_key": "vbk-key-N6mJ4hG2", "api_secret": "vbs-secret-K8lP0oE5-long-enough-for-hs256"},
    "hamkaran": {"key": "hcp-key-T1gF9dS3"},
    "meta": {"access_token": "mta-token-W2qA7zX4", "phone_number_id": "106540352242922"},
    "ssms": {"key": "ssm-key-U5yH3jK6", "email": "qa@example.com", "password": "ssm-pass-E9rT2wQ8"},
}
NOT_SECRET = {"phone_number_id", "email"}


def _secret_values() -> list[bytes]:
    return [v.encode() for creds in SECRETS.values() for k, v in creds.items() if k not in NOT_SECRET]


_printed: list[str] = []  # what the CLI wrote to stdout and stderr (scripts keep it as their logs)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "console", *args], capture_output=True, text=True, timeout=60, check=False
    )
    _printed.extend((done.stdout, done.stderr))
    return done


def test_no_artefact_holds_a_secret(
    console: ConsoleApp, qloop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert console.host is not None
    assert console.profiles is not None
    exports = tmp_path / "exports"
    exports.mkdir()
    raw_dir = tmp_path / "raw"
    raw_dir.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(raw_dir))
    monkeypatch.setattr("PySide6.QtGui.QDesktopServices.openUrl", lambda *_: True)
    monkeypatch.setattr(console.window, "ask_live_consent", lambda *_: True)
    monkeypatch.setattr(console.profiles, "ask_passphrase", lambda *_: "masking-test-passphrase")
    monkeypatch.setenv("OTP_CONSOLE_SECRET_STORE", "file")
    monkeypatch.setenv("OTP_CONSOLE_PASSPHRASE", "masking-test-passphrase")

    # the GUI: typed credentials, outside the simulator environment (served by the local simulators)
    for pid, creds in SECRETS.items():
        console.window.select_provider(pid)
        form = console.window.current_form()
        assert form is not None
        spec = get_provider(pid).spec
        kinds = {op.kind: op.id for op in spec.operations}
        form.select_operation(kinds.get(OperationKind.BALANCE, kinds[OperationKind.SEND]))
        if form.operation_id == "send":
            form.set_field("to", "+84912345678")  # Vbee calls Vietnamese numbers only
        form.set_env("custom", console.host.base_url(pid))
        for name, value in creds.items():
            form.set_credential(name, value)
        result = run(qloop, _press(console, form))
        assert result.exchange.status is not None, result.exchange.message  # it really went out
        assert f"{next(iter(creds))} from flag" in result.exchange.credentials_text
        if pid == "zadarma":
            assert run(qloop, console.profiles.save_from_form(form, "Zadarma masked")) is not None
        run(qloop, console.window.detail.open_raw_body())
    form = console.window.forms["zadarma"]
    form.select_profile("Zadarma masked")
    assert run(qloop, _press(console, form)).exchange.status is not None
    for kind in ("har", "jsonl"):
        run(qloop, console.window.export_to(kind, str(exports / f"gui.{kind}")))
    save_ui_state(console.window.ui_state())
    console.window.set_spend_guard(SpendGuard(("+442037691880",), 30.0, 5), refuse=False, announce=True)
    run(qloop, until(lambda: settings_path().is_file()))

    # the CLI: flags and a profile, then its exports
    z = SECRETS["zadarma"]
    assert _cli("balance", "zadarma", "--key", z["key"], "--secret", z["secret"]).returncode == 1
    saved = _cli("profile", "save", "cli", "--provider", "hamkaran", "--set", f"key={SECRETS['hamkaran']['key']}")
    assert saved.returncode == 0, saved.stdout + saved.stderr
    assert _cli("balance", "hamkaran", "--profile", "cli").returncode in {0, 1}
    for fmt in ("har", "jsonl"):
        done = _cli("export", "--format", fmt, "--output", str(exports / f"cli.{fmt}"))
        assert done.returncode == 0, done.stderr
    assert console.history is not None
    console.history.flush()
    assert _cli("history", "--limit", "100").returncode == 0  # every stored row, printed

    written = [p for root in (Path(os.environ["OTP_CONSOLE_HOME"]), exports, raw_dir) for p in root.rglob("*")]
    files = [p for p in written if p.is_file()]
    names = {p.name for p in files}
    assert {"history.sqlite3", "settings.json", "ui_state.json", "profiles.json", "secrets.enc"} <= names
    assert {"gui.har", "gui.jsonl", "cli.har", "cli.jsonl"} <= names
    assert any(n.startswith("otp-console-x") for n in names)  # the "open raw" files
    assert len([p for p in files if p.name == "secrets.enc"]) == 1  # GUI and CLI share the one encrypted file
    assert paths.history_path().stat().st_size > 0
    blobs = {p: p.read_bytes() for p in files}
    # the search does see what was sent: the (non-secret) Meta phone number id is in history and the exports
    assert {p.name for p, b in blobs.items() if b"106540352242922" in b} >= {"gui.har", "cli.jsonl"}
    leaks = [(p.name, s.decode()) for p in files for s in _secret_values() if s in blobs[p]]
    assert leaks == []
    printed = "".join(_printed)
    assert "106540352242922" in printed  # the CLI's own output is searched too
    assert [s.decode() for s in _secret_values() if s.decode() in printed] == []
