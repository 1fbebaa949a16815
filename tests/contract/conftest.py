"""The conformance suite drives the running console of tests/helpers/gui_app.py through the GUI face."""

from tests.helpers.gui_app import _quiet_windows_afterwards, console

__all__ = ["_quiet_windows_afterwards", "console"]
