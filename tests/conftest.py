"""Test isolation: offscreen Qt, state in a temp folder, no proxies or real credentials, auto markers."""

from __future__ import annotations

import asyncio
import functools
import gc
import os
import sys
from collections.abc import Iterator

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["pytester"]

_SCRUB = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
)


@pytest.fixture(autouse=True)
def _no_real_keyring() -> Iterator[None]:
    """Tests never touch the developer's keyring: no backend (the encrypted-file path) unless a test sets one."""
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


@functools.cache
def _provider_prefixes() -> frozenset[str]:
    """The first word of every variable a provider's description reads (``HCP`` of ``HCP_KEY``…), and each id.

    Derived from the registry, so a new provider's credentials never leak from the developer's shell into a test.
    """
    from console.providers import all_providers

    found: set[str] = set()
    for pid, provider in all_providers().items():
        secrets = provider.webhook.secrets if provider.webhook is not None else ()
        found.add(pid.upper())
        found.update(fld.env_name(pid).split("_", 1)[0] for fld in (*provider.spec.credentials, *secrets))
    return frozenset(found)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own OTP_CONSOLE_HOME and working directory, and no provider credentials."""
    home = tmp_path / "home"
    monkeypatch.setenv("OTP_CONSOLE_HOME", str(home))
    for name in list(os.environ):
        if name.startswith("OTP_CONSOLE_") and name != "OTP_CONSOLE_HOME":
            monkeypatch.delenv(name, raising=False)
        if name in _SCRUB or name.split("_", 1)[0] in _provider_prefixes():
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return home


_qloop: list[asyncio.AbstractEventLoop | None] = [None]  # the current test's qasync loop, if it has one


@pytest.fixture
def qloop(qapp: Any) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync event loop over the QApplication, for tests that await the GUI's coroutines."""
    import qasync

    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    _qloop[0] = loop
    yield loop
    _qloop[0] = None
    loop.close()
    asyncio.set_event_loop(None)


_after_gui = [False]


@pytest.fixture(autouse=True)
def _qt_garbage_dies_on_the_main_thread(request: pytest.FixtureRequest) -> None:
    """Collect what the previous GUI test left (its closed qasync loop and timers) here, on the main thread.

    Left to chance, a collection would run inside some later test's worker thread, where Qt refuses to stop
    timers and warns, failing an unrelated test.
    """
    if _after_gui[0]:
        gc.collect()
    _after_gui[0] = request.node.get_closest_marker("gui") is not None


@pytest.fixture(autouse=True)
def internal_errors(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """GUI tests fail when the app's excepthook records an internal error (a crash in a background task).

    A test that provokes one on purpose is marked ``internal_error_expected`` and reads ``internal_errors``.
    """
    if request.node.get_closest_marker("gui") is None:
        yield None
        return
    from tests.helpers.internal_errors import InternalErrorWatch

    watch = InternalErrorWatch(monkeypatch)
    yield watch
    if watch.failure() and request.node.get_closest_marker("internal_error_expected") is None:
        pytest.fail(watch.failure(), pytrace=False)


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Tasks the GUI spawned at a test's end finish on their loop before pytest-qt processes Qt events.

    pytest-qt processes events after each test; qasync would then step a pending task outside its loop, where
    ``asyncio.get_running_loop()`` fails. The app's own loop never stops while it runs, so this is the harness.
    """
    result = yield
    excepthook = sys.modules.get("console.ui.excepthook")
    loop = _qloop[0]
    if excepthook is not None and loop is not None and not loop.is_closed() and not loop.is_running():
        loop.run_until_complete(excepthook.finish_tasks())
    return result


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = str(item.path)
        if "/tests/unit/ui/" in path or "/gui" in path:
            item.add_marker(pytest.mark.gui)
        if "/tests/end2end/" in path:
            item.add_marker(pytest.mark.end2end)
