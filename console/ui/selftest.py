"""``--self-test``: offscreen, start the simulators and drive the GUI's own send path for every operation."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from console.ui.app import ConsoleApp

SAMPLES = {"phone": "+442037691880", "email": "qa@example.com", "digits": "123456", "integer": "1", "number": "1.0"}


def _sample(form: Any, name: str) -> str:
    """A valid value for a required field: its choices, its placeholder, or a sample of its kind."""
    widget = form.current_page().fields[name]
    spec = widget.spec
    if spec.default:
        return str(spec.default)
    if widget.combo is not None and widget.combo.count():
        return str(widget.combo.itemData(0) or widget.combo.itemText(0))
    if spec.kind.value == "phone" and spec.placeholder:  # national placeholders are read in the home region
        return str(spec.placeholder)
    return SAMPLES.get(spec.kind.value, spec.placeholder or "self-test")


async def _submit(console: Any, form: Any, timeout: float = 30.0) -> Any:
    """Press the form's action button and wait for the result it shows."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()

    def on_result(result: Any) -> None:
        if not future.done():
            future.set_result(result)

    console.window.result_shown.connect(on_result)
    try:
        form.send()
        return await asyncio.wait_for(future, timeout)
    finally:
        console.window.result_shown.disconnect(on_result)


def _needs_input(op: Any) -> bool:
    return any(f.required for f in op.fields)


def _rank(op: Any) -> int:
    from console.providers.spec import OperationKind

    if op.kind is OperationKind.LOOKUP:
        return 3 if _needs_input(op) else 0
    return {OperationKind.SETUP: 1, OperationKind.BALANCE: 1, OperationKind.SEND: 2, OperationKind.CHECK: 4}[op.kind]


async def _drive(console: Any) -> dict[str, Any]:
    from console.providers.spec import OperationKind

    await console.start()
    checks: list[dict[str, Any]] = []

    def record(pid: str, op: str, channel: str, result: Any) -> None:
        ex = result.exchange
        checks.append(
            {
                "provider": pid,
                "operation": op,
                "channel": channel or None,
                "ok": ex.ok,
                "outcome": ex.outcome.value,
                "http_status": ex.status,
                "summary": ex.summary,
            }
        )

    try:
        for pid, form in console.window.forms.items():
            console.window.select_provider(pid)
            form.set_env("simulator")
            # lookups feeding the forms (sound lists) first; lookups about a sent message after the sends
            order = sorted(form.spec.operations, key=_rank)
            last_send: tuple[str, str] | None = None  # request_id, code seen on the virtual phone
            last_request_id = ""
            for op in order:
                form.select_operation(op.id)
                channels = form.spec.channel_ids() if op.kind is OperationKind.SEND and form.spec.channels else ("",)
                for channel in channels:
                    if channel:
                        form.select_channel(channel)
                    if op.kind is OperationKind.CHECK:
                        if last_send is None:
                            continue
                        form.prefill_check(*last_send)
                    elif op.kind is OperationKind.LOOKUP and _needs_input(op):
                        for widget in form.current_page().fields.values():
                            if widget.spec.required:
                                widget.set(last_request_id)  # e.g. a report on the message just sent
                    else:
                        for name, widget in form.current_page().fields.items():
                            if widget.spec.required and not widget.get():
                                widget.set(_sample(form, name))
                    seen = len(console.host.phone_messages(pid)) if console.host else 0
                    result = await _submit(console, form)
                    record(pid, op.id, channel, result)
                    if op.kind is OperationKind.SEND and result.exchange.request_id:
                        last_request_id = result.exchange.request_id
                    if op.kind is OperationKind.SEND and result.exchange.request_id and console.host:
                        messages = console.host.phone_messages(pid)[seen:]
                        codes = [m.code for m in messages if m.code]
                        if codes:
                            last_send = (result.exchange.request_id, codes[-1])
            checks.extend(await _callbacks(console, pid))
            rows = console.window.log.model.rowCount()
            checks.append({"provider": pid, "operation": "log_rows", "ok": rows > 0, "rows": rows})
        checks.append(await _pictures(console))
        checks.append(await _scenario(console))
        checks.append(_event_loop(console))
    finally:
        await console.stop()
    return {"ok": bool(checks) and all(c["ok"] for c in checks), "checks": checks}


def _event_loop(console: Any) -> dict[str, Any]:
    """The listener serves on uvloop wherever the console depends on it (not Windows): the bundle must carry it."""
    kind = console.listener.server.loop_kind if console.listener is not None else ""
    wanted = "asyncio" if sys.platform == "win32" else "uvloop"
    return {"provider": "*", "operation": "event loop", "ok": kind == wanted, "loop": kind, "wanted": wanted}


async def _scenario(console: Any) -> dict[str, Any]:
    """One built-in scenario (shipped in the bundle too), run through the console's own service and listener."""
    from console.scenarios.library import builtin, scenarios_of
    from console.scenarios.rig import Rig
    from console.scenarios.runner import ScenarioRunner

    library = scenarios_of(builtin())
    chosen = next((s for s in library if "happy" in s.name.lower()), library[0] if library else None)
    if chosen is None:
        return {"provider": "*", "operation": "scenario", "ok": False, "error": "no built-in scenario"}
    rig = Rig(console.service, console.host, console.listener, console.store)
    result = await ScenarioRunner(rig).run(chosen)
    failed = [step.line(chosen) for step in result.steps if not step.passed]
    return {"provider": chosen.provider, "operation": "scenario", "ok": result.passed, "scenario": chosen.name,
            "steps": len(result.steps), "failed": failed}  # fmt: skip


async def _pictures(console: Any) -> dict[str, Any]:
    """The latency chart opened beside the log (pyqtgraph, from the bundle too) and each picture saved as PNG."""
    import asyncio
    from pathlib import Path

    window = console.window
    window.menu.latency_chart.trigger()
    for _ in range(100):
        await asyncio.sleep(0.05)
        if window.latency.is_built:
            break
    folder = Path(os.environ["OTP_CONSOLE_HOME"])
    saved = []
    for name, picture in (
        ("latency", window.latency),
        ("lanes", window.timeline.lanes),
        ("rate", window.listener_panel.rate),
    ):
        path = folder / f"{name}.png"
        await asyncio.wrap_future(picture.save_png(str(path)))
        saved.append(path.is_file() and path.stat().st_size > 0)
    series = window.latency.series_names()
    ok = window.latency.is_built and bool(series) and all(saved)
    return {"provider": "*", "operation": "pictures", "ok": ok, "series": series, "png_saved": saved}


async def _callbacks(console: ConsoleApp, pid: str) -> list[dict[str, Any]]:
    """Act on the newest virtual-phone message that offers actions; its callbacks must reach the listener."""
    if console.host is None or console.callbacks is None:
        return []
    acting = [m for m in console.host.phone_messages(pid) if m.actions]
    if not acting:
        return []
    message = acting[-1]
    action = message.actions[0]
    before = len(console.store.snapshot())
    deliveries = await console.callbacks.phone_action(pid, message.id, action)
    rows = [x for x in console.store.snapshot()[before:] if x.operation == "webhook" and x.provider == pid]
    delivered = all(d.status is not None and d.status < 300 for d in deliveries)  # none: the provider has no callback
    trusted = all(r.signature in ("valid", "unchecked") for r in rows)
    return [
        {
            "provider": pid,
            "operation": f"callback ({action})",
            "ok": delivered and len(rows) == len(deliveries) and trusted,
            "callbacks": [f"{r.channel}: {r.signature}" for r in rows],
        }
    ]


def _quiet_offscreen(mode: Any, context: Any, message: str) -> None:
    """Drop the offscreen platform's harmless chatter; pass everything else to stderr."""
    if "does not support" not in message:
        sys.stderr.write(message + "\n")


def run_self_test() -> int:
    """Print a JSON summary; exit 0 only if every operation of every provider passed on its simulator."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    home = tempfile.mkdtemp(prefix="otp-console-selftest-")
    os.environ["OTP_CONSOLE_HOME"] = home
    from console.core.settings import Settings, save_settings

    save_settings(Settings(listener_port=0))  # any free port: the user's 8765 stays theirs
    started = time.perf_counter()
    try:
        from PySide6.QtCore import qInstallMessageHandler

        from console.ui.app import ConsoleApp, run_coroutine
        from console.ui.startup import make_qapp

        qInstallMessageHandler(_quiet_offscreen)
        make_qapp()
        console = ConsoleApp()
        console.window.show()
        summary = run_coroutine(_drive(console))
    except Exception as exc:  # the summary must say what broke, not a bare traceback
        summary = {"ok": False, "error": f"{type(exc).__name__}: {exc}", "checks": []}
    summary["seconds"] = round(time.perf_counter() - started, 2)
    summary["home"] = home
    sys.stdout.write(json.dumps(summary, indent=2) + "\n")
    sys.stdout.flush()
    return 0 if summary["ok"] else 1
