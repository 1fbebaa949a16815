"""Watch the GUI's excepthook: a crash it turns into a log row must fail the test, not hide in the log."""

from __future__ import annotations

import sys
import traceback
from types import ModuleType
from typing import Any

import pytest


class InternalErrorWatch:
    """Records every exception the app's excepthook reports (``console.ui.excepthook.report``) during a test.

    Attributes:
        reported: the exceptions reported so far, oldest first.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from console.ui import excepthook

        self.reported: list[BaseException] = []
        self._module: ModuleType = excepthook
        original = excepthook.report

        def recording(store: Any, bridge: Any, exc: BaseException) -> None:
            self.reported.append(exc)
            original(store, bridge, exc)

        monkeypatch.setattr(excepthook, "report", recording)
        monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # the app's hook is put back after the test

    def failure(self) -> str:
        """Why the test must fail ("" when nothing was reported)."""
        if not self.reported:
            return ""
        shown = ["".join(traceback.format_exception(type(exc), exc, exc.__traceback__)) for exc in self.reported]
        return "The app recorded internal errors (its excepthook turned them into log rows):\n" + "\n".join(shown)
