"""Fault injection for the storage-fault tests: with OTP_CONSOLE_FAULT_HISTORY=full, history writes fail as on a
full disk (the process is otherwise the real CLI). Put this folder on PYTHONPATH to load it."""

from __future__ import annotations

import os
import sqlite3
from typing import Any

if os.environ.get("OTP_CONSOLE_FAULT_HISTORY") == "full":
    from console.core import history

    def _full(conn: sqlite3.Connection, item: Any) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    history.History._write = staticmethod(_full)  # type: ignore[method-assign,assignment]
