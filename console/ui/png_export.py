"""Saving a picture as PNG: grabbed on the GUI thread into a QImage, encoded and written on a worker thread."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, QPoint, Signal, Slot
from PySide6.QtGui import QAction, QImage
from PySide6.QtWidgets import QToolTip, QWidget

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

SAVE_LABEL = "Save as PNG…"

_executor: list[ThreadPoolExecutor] = []  # one writer thread, made on first use


def _writer() -> ThreadPoolExecutor:
    if not _executor:  # imported here: the pictures are on screen before anyone saves one
        from concurrent.futures import ThreadPoolExecutor

        _executor.append(ThreadPoolExecutor(max_workers=1, thread_name_prefix="png-writer"))
    return _executor[0]


def write_png(image: QImage, path: str) -> str:
    """Encode ``image`` as PNG into ``path`` (through a temporary file, so a failure leaves no half file).

    Runs on the writer thread: QImage, unlike QPixmap, may be used off the GUI thread.

    Raises:
        OSError: the folder cannot be written or the image could not be encoded.
    """
    import tempfile

    target = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=".png-", suffix=".png", dir=target.parent)
    os.close(handle)
    try:
        if not image.save(temporary):  # PNG, from the temporary file's suffix
            raise OSError(f"Could not encode the picture as PNG into {target.parent}")
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return str(target)


def ask_png_path(parent: QWidget, suggested: str) -> str:
    """Ask where to save (tests replace this function); "" when the user cancels."""
    from PySide6.QtWidgets import QFileDialog

    path, _ = QFileDialog.getSaveFileName(parent, SAVE_LABEL.rstrip("…"), suggested, "PNG image (*.png)")
    if path and not path.lower().endswith(".png"):
        path += ".png"
    return path


class PngSaver(QObject):
    """Saves one widget as a PNG file: :meth:`save` for a path, :meth:`ask_and_save` for the menu action.

    Attributes:
        widget: the picture saved (grabbed at its current size).
        suggested: the file name offered in the save dialog.

    Signals:
        saved(str, str): the path written and "" when it worked, or the path and why it failed.
    """

    saved = Signal(str, str)
    _written = Signal(str, str)  # emitted on the writer thread, delivered on the GUI thread

    def __init__(self, widget: QWidget, suggested: str) -> None:
        super().__init__(widget)
        self.widget = widget
        self.suggested = suggested
        self._written.connect(self._on_written)

    def action(self, parent: QObject | None = None) -> QAction:
        """A "Save as PNG…" action for a context menu."""
        action = QAction(SAVE_LABEL, parent or self.widget)
        action.setObjectName("save_png")
        action.triggered.connect(self.ask_and_save)
        return action

    def ask_and_save(self) -> None:
        path = ask_png_path(self.widget, self.suggested)
        if path:
            self.save(path)

    def save(self, path: str) -> Future[str]:
        """Grab the widget now and write it to ``path`` off the GUI thread; the future holds the path."""
        image = self.widget.grab().toImage()
        future = _writer().submit(write_png, image, path)
        future.add_done_callback(lambda done: self._announce(path, done))
        return future

    def _announce(self, path: str, done: Future[str]) -> None:
        error = done.exception()
        if not shiboken6.isValid(self):  # the widget may be gone by the time the file is written
            return
        with contextlib.suppress(RuntimeError):  # deleted between the check and the emission
            self._written.emit(path, "" if error is None else f"{type(error).__name__}: {error}")

    @Slot(str, str)
    def _on_written(self, path: str, error: str) -> None:
        if error and self.widget.isVisible():
            where = self.widget.mapToGlobal(QPoint(self.widget.width() // 2, self.widget.height() // 2))
            QToolTip.showText(where, f"Could not save {path}: {error}", self.widget)
        self.saved.emit(path, error)
