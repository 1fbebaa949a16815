"""The lower pane: the selected exchange and, in a second tab, its verification's timeline, kept current.

The timeline tab is built when it is first needed (its tab opened, a row of a verification selected, a message
on the virtual phone): its modules (swim lanes, lane layout) cost ~10 ms that the window's start would wait for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QTabWidget, QWidget

from console.ui.detail_view import DetailView
from console.ui.excepthook import spawn

if TYPE_CHECKING:
    from console.core.logstore import LogStore
    from console.core.models import Verification
    from console.service.console_service import ConsoleService
    from console.ui.timeline_view import TimelineView

TIMELINE_TAB = 1
TIMELINE_TITLE = "Verification timeline"


class InspectorTabs(QTabWidget):
    """The detail pane and the verification timeline as two tabs, following the log's selection.

    A selected row shows in the detail pane; when it belongs to a verification, the timeline shows that
    verification (read from history when it is from an earlier run) as swim lanes over its steps, and a
    callback brings the timeline up. Messages the virtual phone received (:meth:`add_phone_message`) join the
    timeline's phone lane.

    Attributes:
        detail: the selected exchange: request, response, notes.
        service: returns the running service (None until the core has started); its book holds the verifications.
    """

    def __init__(self, store: LogStore, service: Callable[[], ConsoleService | None]) -> None:
        super().__init__()
        self.setObjectName("lower_tabs")
        self.store = store
        self.service = service
        self.detail = DetailView()
        self._timeline: TimelineView | None = None
        self._when_built: list[Callable[[TimelineView], object]] = []
        self._stand_in: QWidget | None = QWidget()  # the timeline's tab until it is built
        self.addTab(self.detail, "Exchange")
        self.addTab(self._stand_in, TIMELINE_TITLE)
        self.currentChanged.connect(self._on_current_changed)

    @property
    def timeline(self) -> TimelineView:
        """The verification the selected exchange belongs to, as swim lanes and steps (built on first use)."""
        if self._timeline is None:
            from console.ui.timeline_view import TimelineView

            view = self._timeline = TimelineView(self.store)
            view.expired.connect(self.expire)
            current = self.currentIndex()
            self.blockSignals(True)  # the tab is swapped, not changed: no currentChanged for it
            try:
                self.removeTab(TIMELINE_TAB)
                self.insertTab(TIMELINE_TAB, view, TIMELINE_TITLE)
                self.setCurrentIndex(current)
            finally:
                self.blockSignals(False)
            if self._stand_in is not None:
                self._stand_in.deleteLater()
                self._stand_in = None
            for hook in self._when_built:
                hook(view)
            self._when_built.clear()
        return self._timeline

    @property
    def timeline_built(self) -> bool:
        """Whether the timeline tab exists yet (reading :attr:`timeline` builds it)."""
        return self._timeline is not None

    @property
    def shown_verification(self) -> Verification | None:
        """The verification the timeline shows (None while it shows none, or is not built yet)."""
        return self._timeline.verification if self._timeline is not None else None

    def when_timeline_built(self, hook: Callable[[TimelineView], object]) -> None:
        """Call ``hook(timeline)`` once the timeline exists: now if it does (to connect to its signals)."""
        if self._timeline is not None:
            hook(self._timeline)
        else:
            self._when_built.append(hook)

    def _on_current_changed(self, index: int) -> None:
        if index == TIMELINE_TAB:
            _ = self.timeline  # opening its tab builds it

    def show_exchange(self, exchange: Any) -> None:
        """Show the row; when it belongs to a verification, show that too (a callback brings its timeline up)."""
        self.detail.show_exchange(exchange)
        vid = getattr(exchange, "verification_id", None)
        service = self.service()
        if not vid or service is None:
            return
        current = self.timeline.verification
        if current is None or current.id != vid:
            found = service.book.peek(vid)
            self.timeline.show_verification(found)
            if found is None:
                spawn(self._load_verification(vid))
        if exchange.operation == "webhook":
            self.setCurrentWidget(self.timeline)

    async def _load_verification(self, vid: str) -> None:
        """A verification from an earlier run: read from history off the GUI thread."""
        import asyncio

        service = self.service()
        if service is not None:
            found = await asyncio.to_thread(service.book.get, vid)
            self.timeline.show_verification(found)

    def show_verification_id(self, vid: str) -> None:
        """Bring up the timeline of verification ``vid`` (read from history when it is from an earlier run)."""
        service = self.service()
        if service is None or not vid:
            return
        found = service.book.peek(vid)
        self.timeline.show_verification(found)
        if found is None:
            spawn(self._load_verification(vid))
        self.setCurrentWidget(self.timeline)

    def add_phone_message(self, message: Any) -> None:
        """A message the virtual phone received (the bridge's ``phone_received``): the timeline's phone lane."""
        self.timeline.add_phone_message(message)

    def refresh(self, verification: Any) -> None:
        """A verification changed: show it anew when it is the one in the timeline."""
        shown = self.shown_verification
        if shown is not None and shown.id == verification.id:
            self.timeline.show_verification(verification)

    def refresh_privacy(self) -> None:
        """Show both panes again, masked or not as the privacy switch now says."""
        self.detail.show_exchange(self.detail.exchange)
        if self._timeline is not None:
            self._timeline.show_verification(self._timeline.verification)

    def expire(self, vid: str) -> None:
        """A pending verification's window closed: mark it expired (saved and announced by the book)."""
        service = self.service()
        if service is None:
            return
        found = service.book.peek(vid)
        if found is not None and not found.is_final():
            with service.book.edit(found) as live:
                live.expire_if_due()
