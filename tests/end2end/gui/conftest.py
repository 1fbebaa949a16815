"""The GUI end-to-end tests use the running console of tests/helpers/gui_app.py."""

from tests.helpers.gui_app import _quiet_windows_afterwards, console

__all__ = ["_quiet_windows_afterwards", "console"]
