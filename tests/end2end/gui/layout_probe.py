"""Run the console on a screen of a chosen size and print, as one JSON object, where its primary actions are.

Used by test_window_fits_screen.py as a subprocess: Qt's offscreen platform takes its screen size from a JSON
file named in QT_QPA_PLATFORM (``offscreen:configfile=screens.json``), which must be set before the
QApplication exists, so each screen size needs its own process. Run by hand with
``QT_QPA_PLATFORM=offscreen:configfile=s.json python tests/end2end/gui/layout_probe.py``; add ``--phone`` to
also report the left pane's width before and after the virtual phone receives messages, ``--shot PATH``
to save a picture of the window, and ``--saved WxH+X+Y`` to start from a saved window state of that geometry
(``--legacy``: saved by a version that did not record the rectangle beside Qt's geometry blob).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any


def _rect(widget: Any, window: Any) -> dict[str, Any]:
    """The widget's rectangle in window coordinates, and whether all of it is on screen (not clipped, shown)."""
    from PySide6.QtCore import QPoint, QRect

    top_left = widget.mapTo(window, QPoint(0, 0))
    rect = QRect(top_left, widget.size())
    visible = widget.visibleRegion().boundingRect()
    return {
        "rect": [rect.x(), rect.y(), rect.width(), rect.height()],
        "shown": widget.isVisible(),
        "unclipped": widget.isVisible() and visible == widget.rect(),
    }


async def _probe(args: argparse.Namespace) -> dict[str, Any]:
    from PySide6.QtWidgets import QApplication, QToolButton

    from console.core.logstore import LogStore
    from console.ui.app import ConsoleApp
    from console.ui.bridge import CoreBridge
    from console.ui.main_window import MainWindow

    window = MainWindow(LogStore(), CoreBridge())
    if args.saved:
        _save_state(window, args.saved, args.legacy)
    window.show()
    app = ConsoleApp(window)
    await app.start()
    await asyncio.sleep(0.05)
    QApplication.processEvents()
    screen = window.screen()
    available = screen.availableGeometry()
    frame = window.frameGeometry()
    report: dict[str, Any] = {
        "screen": [available.x(), available.y(), available.width(), available.height()],
        "window": [frame.x(), frame.y(), frame.width(), frame.height()],
        "window_size": [window.width(), window.height()],
        "panes": window.splitter.sizes(),
        "providers": {},
    }
    panel = window.listener_panel
    report["actions"] = {
        name: _rect(widget, window)
        for name, widget in (
            ("provider_list", window.provider_list),
            ("log", window.log.table),
            ("log_filter", window.log.search),
            ("detail", window.detail),
            ("listener_toggle", panel.toggle),
            ("listener_settings", panel.more),
            ("listener_rate", panel.rate),
            ("latency_chart_button", window.log.findChild(QToolButton, "latency_chart_button")),
            ("status_bar", window.statusBar()),
        )
    }
    for pid, form in window.forms.items():
        window.select_provider(pid)
        form.select_operation(form.spec.operations[0].id)
        QApplication.processEvents()
        header = window.log.table.horizontalHeader()
        entry: dict[str, Any] = {"send": _rect(form.action_button, window), "operations": {}}
        for op, button in zip(form.spec.operations, form.tabs.picker.buttons, strict=True):
            full = button.fontMetrics().horizontalAdvance(op.label)
            entry["operations"][op.id] = {**_rect(button, window), "text": button.text(), "text_width": full}
        report["providers"][pid] = entry
    report["log_columns"] = [
        [header.sectionPosition(c), header.sectionSize(c), header.isSectionHidden(c)] for c in range(header.count())
    ]
    report["log_viewport"] = window.log.table.viewport().width()
    report["chart"] = await _chart(window)
    if args.phone:
        report["phone"] = await _phone(app, window)
    if args.shot:
        window.grab().save(args.shot)
    await app.stop()
    return report


async def _chart(window: Any) -> dict[str, Any]:
    """Open the latency chart beside the log: where the chart and the log's table then are."""
    from PySide6.QtWidgets import QApplication

    window.menu.latency_chart.trigger()
    for _ in range(100):
        QApplication.processEvents()
        if window.latency.is_built:
            break
        await asyncio.sleep(0.02)
    report = {
        "built": window.latency.is_built,
        "chart": _rect(window.latency, window),
        "log": _rect(window.log.table, window),
    }
    window.menu.latency_chart.trigger()
    QApplication.processEvents()
    return report


def _save_state(window: Any, geometry: str, legacy: bool) -> None:
    """Leave a saved UI state of this geometry on disk, as a previous run on another screen would have."""
    from PySide6.QtCore import QRect

    from console.core.settings import save_ui_state

    size, x, y = geometry.split("+")
    width, height = size.split("x")
    window.setGeometry(QRect(int(x), int(y), int(width), int(height)))
    state = window.ui_state()
    if legacy:
        state.pop("window_rect", None)
    save_ui_state(state)
    window.fit_to_screen()  # what the constructor did; start() then reads the state from disk


async def _phone(app: Any, window: Any) -> dict[str, Any]:
    """The left pane's width before and after messages (long ones, with a row of call buttons) arrive."""
    from PySide6.QtWidgets import QApplication

    from console.simulators._records import PhoneMessage

    before = window.splitter.sizes()[0]
    long_text = "Your verification code is 482913. " * 6
    for number, actions in enumerate(("press_1,press_2,hang_up,no_answer", "dial,dial_other", "deliver,read,fail")):
        window.phone.add_message(
            PhoneMessage(
                f"m{number}",
                "hamkaran",
                "voice",
                "+989123456789012",
                "voice",
                "Incoming call from a very long caller name that will not fit",
                long_text,
                "482913",
                time.time(),
                {"actions": actions},
            )
        )
        window.phone.show_delivery("Sent 2 callbacks to http://127.0.0.1:40000/hooks/hamkaran: 200, 200", True)
        await asyncio.sleep(0.05)
        QApplication.processEvents()
    return {"before": before, "after": window.splitter.sizes()[0], "list_width": window.provider_list.width()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phone", action="store_true", help="also add phone messages and report the left pane")
    parser.add_argument("--shot", default="", help="save a picture of the window to this PNG")
    parser.add_argument("--saved", default="", help="start from a saved window geometry WxH+X+Y")
    parser.add_argument("--legacy", action="store_true", help="the saved state has no window_rect")
    args = parser.parse_args()
    import qasync

    from console.ui.startup import make_qapp

    qapp = make_qapp()
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    with loop:
        report = loop.run_until_complete(asyncio.wait_for(_probe(args), 60))
    sys.stdout.write(json.dumps(report) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
