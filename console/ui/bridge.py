"""One QObject that turns core callbacks (from any thread) into Qt signals delivered on the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class CoreBridge(QObject):
    """Re-emits core events as signals; emitting from another thread queues delivery to the GUI thread.

    Signals:
        verification_changed(object): a Verification was created or changed state.
        phone_received(object): a simulator's virtual phone received a PhoneMessage.
        internal_error(str): an unexpected exception was reported (the text is one line).
        history_problem(object): why history is not being written (str), or None once it is again.
    """

    verification_changed = Signal(object)
    phone_received = Signal(object)
    internal_error = Signal(str)
    history_problem = Signal(object)

    def publish_verification(self, verification: object) -> None:
        self.verification_changed.emit(verification)

    def publish_phone(self, message: object) -> None:
        self.phone_received.emit(message)

    def publish_history_problem(self, problem: str | None) -> None:
        self.history_problem.emit(problem)
