"""Exporting the log (HAR, JSON lines) or the shown verification's evidence file, written off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from console.ui.excepthook import spawn

if TYPE_CHECKING:
    from console.core.logstore import LogStore
    from console.core.models import Verification

SUFFIXES = {"har": "har", "jsonl": "jsonl", "evidence": "json"}


class Exporter:
    """Asks where to save an export, then writes it (secrets are masked in the records already).

    Attributes:
        store: the log whose rows are exported.
        parent: the widget the save dialog belongs to.
        verification: the verification shown in the timeline now (the evidence export's subject), or None.
        show_message: puts a line in the status bar for a number of milliseconds.
    """

    def __init__(
        self,
        store: LogStore,
        parent: QWidget,
        verification: Callable[[], Verification | None],
        show_message: Callable[[str, int], None],
    ) -> None:
        self.store = store
        self.parent = parent
        self.verification = verification
        self.show_message = show_message

    def ask(self, kind: str) -> None:
        """Ask where, then write off the GUI thread; ``kind`` is "har", "jsonl" or "evidence"."""
        from PySide6.QtWidgets import QFileDialog

        suffix = SUFFIXES[kind]
        if kind == "evidence" and self.verification() is None:
            self.show_message("Select a row of a verification first: its timeline is what is exported.", 8000)
            return
        path, _ = QFileDialog.getSaveFileName(self.parent, "Export", f"otp-console.{suffix}", f"*.{suffix}")
        if path:
            spawn(self.export_to(kind, path))

    async def export_to(self, kind: str, path: str) -> None:
        """Write the log (HAR or JSON lines) or the shown verification's evidence file to ``path``."""
        import asyncio
        import json
        from pathlib import Path

        from console import __version__
        from console.core.export import evidence, to_har, to_jsonl
        from console.core.jsonfile import write_text_atomically
        from console.core.paths import PRIVATE_FILE

        rows = self.store.snapshot()
        shown = self.verification()
        if kind == "evidence" and shown is not None:
            text = json.dumps(evidence(shown, [x for x in rows if x.id in shown.exchange_ids], __version__), indent=2)
        elif kind == "jsonl":
            text = await asyncio.to_thread(to_jsonl, rows)
        else:
            text = json.dumps(await asyncio.to_thread(to_har, rows, __version__), indent=2)
        await asyncio.to_thread(write_text_atomically, Path(path), text, PRIVATE_FILE)
        self.show_message(f"Exported {len(text.encode()):,} bytes to {path}", 10000)
