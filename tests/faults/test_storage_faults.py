"""Storage faults through the CLI: damaged, unusable or full history never ends in a traceback or a silent loss."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from console.core import paths
from console.core.history import History
from console.core.models import Exchange, Outcome

INJECT = Path(__file__).parent / "inject"
SEND = ("send", "zadarma", "--channel", "sms", "--to", "+48575555555")


def run_cli(
    *args: str, env: dict[str, str] | None = None, as_user: bool = False, limit_bytes: int | None = None
) -> tuple[int, list[dict[str, Any]], str]:
    """The CLI as a subprocess: exit code, its JSON lines, stderr. ``as_user``: without root's file powers."""
    command = [sys.executable, "-m", "console", *args]
    if as_user and os.geteuid() == 0:  # root writes anywhere: drop the capability that lets it
        setpriv = shutil.which("setpriv")
        assert setpriv, "setpriv (util-linux) is needed to test a read-only home as root"
        command = [setpriv, "--bounding-set=-dac_override,-dac_read_search", *command]

    def limit() -> None:
        if limit_bytes is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    proc = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        preexec_fn=limit if limit_bytes is not None else None,  # a resource limit for the child only
        check=False,
    )
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    return proc.returncode, lines, proc.stderr


def _history_with_rows(count: int = 300) -> Path:
    path = paths.history_path()
    history = History(path)
    for i in range(count):
        history.save_exchange(
            Exchange(
                id=f"x-old-{i:05d}",
                seq=0,
                started_at=time.time(),
                provider="zadarma",
                operation="send",
                env="simulator",
                method="POST",
                url="http://127.0.0.1/x",
                request_headers=(),
                request_body="b" * 600,
                outcome=Outcome.OK,
                destination="+48575555555",
            )
        )
    history.flush()
    history.close()
    return path


def _damaged_page(data: bytes) -> bytes:
    return data[:8192] + os.urandom(4096) + data[12288:]


def _truncated(data: bytes) -> bytes:
    return data[:3000]


def _garbage_header(data: bytes) -> bytes:
    return b"this is not an SQLite file, it is garbage" * 3 + data[123:]


@pytest.mark.parametrize("damage", [_damaged_page, _truncated, _garbage_header], ids=["page", "truncated", "header"])
def test_damaged_history_is_set_aside_said_once_and_a_fresh_one_started(damage: Callable[[bytes], bytes]) -> None:
    path = _history_with_rows()
    path.write_bytes(damage(path.read_bytes()))
    code, lines, err = run_cli(*SEND)
    assert code == 0, err
    assert len(lines) == 1
    assert lines[0]["ok"] is True
    assert "was damaged" in err
    assert "Traceback" not in err
    kept = sorted(path.parent.glob("history.sqlite3.damaged-*"))
    assert kept, "the damaged file is kept, never deleted"
    assert str(kept[0]) in err
    code, lines, err = run_cli("history", "--count")
    assert (code, lines[-1]["count"]) == (0, 1)  # the fresh history holds the new send
    assert "was damaged" not in err  # said once
    code, lines, _ = run_cli("history", "--check")
    assert (code, lines[-1]["ok"]) == (0, True)


def test_history_check_reports_a_damaged_file_without_touching_it() -> None:
    path = _history_with_rows()
    path.write_bytes(_damaged_page(path.read_bytes()))
    before = path.read_bytes()
    code, lines, err = run_cli("history", "--check")
    assert code == 1, err
    assert lines[-1]["ok"] is False
    assert lines[-1]["problems"]
    assert lines[-1]["path"] == str(path)
    assert path.read_bytes() == before
    assert "Traceback" not in err


def _unusable(code: int, lines: list[dict[str, Any]], err: str, words: str) -> None:
    assert code == 4, err
    assert len(lines) == 1
    line = lines[0]
    assert (line["ok"], line["error_code"]) == (False, "history_unavailable")
    assert str(paths.history_path()) in line["message"]
    assert words in line["message"]
    assert line["sent"] is False  # refused before anything went to the provider
    assert "Traceback" not in err


def test_a_read_only_home_is_one_clear_line() -> None:
    path = _history_with_rows(3)
    folder = path.parent
    for item in folder.iterdir():
        if item.is_file():
            item.chmod(0o444)
    folder.chmod(0o555)
    try:
        code, lines, err = run_cli(*SEND, as_user=True)
        _unusable(code, lines, err, "read-only")
        code, lines, err = run_cli("history", as_user=True)
        assert code == 4, err
        assert "Traceback" not in err
    finally:
        folder.chmod(0o700)


def test_a_directory_in_the_way_is_one_clear_line() -> None:
    paths.history_path().mkdir(parents=True)
    code, lines, err = run_cli(*SEND)
    _unusable(code, lines, err, "is a directory")
    code, lines, err = run_cli("history", "--count")
    assert (code, lines[-1]["error_code"]) == (4, "history_unavailable")


def test_a_full_disk_is_one_clear_line() -> None:
    _history_with_rows(3)
    code, lines, err = run_cli(*SEND, limit_bytes=30_000)  # below the 32 KiB shared-memory file SQLite needs
    assert code == 4, err
    assert len(lines) == 1
    assert lines[0]["ok"] is False
    assert lines[0]["error_code"] in ("history_unavailable", "not_stored")
    assert "full" in lines[0]["message"] or "disk" in lines[0]["message"]
    assert "Traceback" not in err


def test_a_send_history_could_not_store_says_so_and_that_it_was_sent() -> None:
    env = {"PYTHONPATH": f"{INJECT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}", "OTP_CONSOLE_FAULT_HISTORY": "full"}
    code, lines, err = run_cli(*SEND, env=env)
    assert code == 4, err
    assert len(lines) == 1
    line = lines[0]
    assert (line["ok"], line["error_code"], line["sent"]) == (False, "not_stored", True)
    assert line["http_status"] == 200
    assert line["request_id"]
    assert line["verification"]
    assert "again" in line["hint"]  # a retry would send another code
    assert "Traceback" not in err
