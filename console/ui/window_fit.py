"""The main window's place on the screen: fitted to the screen it opens on, its panes in proportion, its state saved.

:class:`FittedWindow` is the main window's base: it knows the three-pane splitter and its inner splitters,
not what the panes hold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMargins, QRect, QTimer
from PySide6.QtGui import QGuiApplication, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QMainWindow, QScrollArea, QSplitter

from console.ui.screen_fit import fits, pane_sizes, window_rect

if TYPE_CHECKING:
    from console.ui.log_pane import LogPane
    from console.ui.provider_form import ProviderForm


class FittedWindow(QMainWindow):
    """Sizes itself from the screen's available geometry and keeps its panes in proportion until the user moves them.

    Attributes (set by the subclass): ``splitter`` (left | middle | right), ``form_area`` (the middle pane's
    scroll area), ``forms``, ``log_pane`` and the inner splitters in ``_inner``.
    """

    splitter: QSplitter
    form_area: QScrollArea
    forms: dict[str, ProviderForm]
    log_pane: LogPane
    _inner: dict[str, QSplitter]
    _panes_pending: bool = True  # the panes get their proportions once the window has its size
    _panes_restored: bool = False  # the user's own pane sizes came back from the saved state
    _panes_built: bool  # the log and detail panes exist (the subclass builds them after the first frame)

    def current_provider_id(self) -> str | None:
        """The provider whose form is shown (saved with the window's state); the subclass knows."""
        return None

    def _fit_middle_to_forms(self) -> None:
        """The middle pane at least as wide as the widest form needs: a form never scrolls sideways."""
        area = self.form_area
        need = max((form.minimumSizeHint().width() for form in self.forms.values()), default=0)
        need += 2 * area.frameWidth() + area.verticalScrollBar().sizeHint().width()
        if need > area.minimumWidth():
            area.setMinimumWidth(need)
            if not self._panes_restored:
                self._apply_pane_sizes()

    def fit_to_screen(self) -> None:
        """Size and place the window on the screen it is on, and give the panes their proportions.

        On first launch, and when the saved geometry does not fit this screen: no window manager may be there
        to do it, and a window larger than the screen hides the Send button and the status bar.
        """
        self._panes_pending = True
        self._panes_restored = False
        # The frame (title bar, borders) is known once the window is shown; the whole of it must fit.
        frame, inner = self.frameGeometry(), self.geometry()
        margins = QMargins(
            inner.left() - frame.left(),
            inner.top() - frame.top(),
            frame.right() - inner.right(),
            frame.bottom() - inner.bottom(),
        )
        rect = window_rect(self._available()).marginsRemoved(margins)
        self.setGeometry(rect)
        if self.isVisible() and self.size() == rect.size():
            self._apply_pane_sizes()

    def _available(self) -> QRect:
        """The available geometry (without panels and docks) of the screen the window is on."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        return screen.availableGeometry()

    def _apply_pane_sizes(self) -> None:
        """The panes' proportions for the splitter's width and height (see :func:`screen_fit.pane_sizes`)."""
        self._panes_pending = False
        handles = self.splitter.handleWidth() * (self.splitter.count() - 1)
        self.splitter.setSizes(pane_sizes(self.splitter.width() - handles, self.form_area.minimumWidth()))
        height = self.splitter.height()
        list_height = max(120, min(round(height * 0.24), 200))
        self._inner["left"].setSizes([list_height, max(height - list_height, 0)])
        log_height = round(height * 0.6)
        self._inner["right"].setSizes([log_height, max(height - log_height, 0)])

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._panes_pending:
            self._apply_pane_sizes()
        if not event.spontaneous():  # a window manager's frame may push the window off the screen: pull it back
            QTimer.singleShot(0, self, self._keep_frame_on_screen)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)  # the central widget already has its new size (the layout saw the event first)
        if self._panes_pending and self.isVisible():
            self._apply_pane_sizes()

    def _keep_frame_on_screen(self) -> None:
        """With a window manager, the frame around the window must fit too: fit again, frame included."""
        if not (fits(self.frameGeometry(), self._available()) or self.isMaximized() or self.isFullScreen()):
            self.fit_to_screen()

    def ui_state(self) -> dict[str, Any]:
        """The window's geometry, pane sizes and chosen provider, to save (see :mod:`console.ui.window_state`)."""
        from console.ui import window_state

        return window_state.saved_state(self, self._saved_splitters(), self.current_provider_id())

    def restore_ui_state(self, state: dict[str, Any]) -> None:
        """The saved geometry and panes, if the window would fit a screen; else the window fits itself to this one."""
        from console.ui import window_state

        restored = window_state.restore(self, self._saved_splitters(), state)
        if restored is window_state.Restored.MUST_FIT:
            self.fit_to_screen()
        elif restored is not window_state.Restored.NOTHING:
            self._panes_pending = False
            self._panes_restored = restored is window_state.Restored.PANES
        if self._panes_built:
            self.log_pane.restored()

    def _saved_splitters(self) -> dict[str, QSplitter]:
        splitters = {"splitter": self.splitter}
        splitters.update((f"splitter_{name}", splitter) for name, splitter in self._inner.items())
        if self._panes_built:
            splitters["splitter_log"] = self.log_pane.split
        return splitters
