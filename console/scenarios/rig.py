"""What scenarios run against: the service and its verifications, the simulators, the listener and the log.

The GUI hands its own (a scenario's rows appear in its log, its callbacks in its timeline); the CLI opens one
with :func:`open_rig`: history, the simulators and a listener on a free port, in this process.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from console.core import paths
from console.core.http import HttpSettings, make_client
from console.core.logstore import LogStore
from console.core.verifications import VerificationBook
from console.providers import all_providers
from console.service.console_service import ConsoleService
from console.service.history_upgrade import open_history
from console.service.spend_guard import SpendGuard

if TYPE_CHECKING:
    from console.listener.server import WebhookListener
    from console.service.profiles import ProfileBook
    from console.simulators.host import SimulatorHost


@dataclass
class Rig:
    """The running parts a scenario's steps use.

    Attributes:
        service: sends and checks (its book holds the verifications the listener's callbacks move).
        host: the simulators (None outside the simulator: the person at the phone is asked instead).
        listener: receives the callbacks the steps expect (None: callback expectations cannot be met).
        store: the log the service and the listener write their rows to.
        env: where requests go (``simulator``, ``live``…).
        profile: the saved profile whose credentials the requests use, if any.
        credentials: credentials given directly (flags), by field name.
    """

    service: ConsoleService
    host: SimulatorHost | None
    listener: WebhookListener | None
    store: LogStore
    env: str = "simulator"
    profile: str | None = None
    credentials: dict[str, str] = field(default_factory=dict)


@asynccontextmanager
async def open_rig(
    env: str = "simulator",
    *,
    profile: str | None = None,
    profiles: ProfileBook | None = None,
    guard: SpendGuard | None = None,
    timeout_s: float | None = None,
    dotenv_path: Path | None = None,
) -> AsyncIterator[Rig]:
    """History, the simulators (in the simulator), a listener on a free port and the service, for one run.

    Raises:
        HistoryError: history cannot be opened (the CLI says so in one line, exit 4).
        ServerError: the listener or the simulators cannot bind.
    """
    from console.listener.handling import CallbackHandler
    from console.listener.secrets import resolve_webhook_secrets
    from console.listener.server import WebhookListener
    from console.simulators.host import SimulatorHost

    providers = all_providers()
    async with AsyncExitStack() as stack:
        history = await asyncio.to_thread(open_history, paths.history_path(), providers)
        stack.callback(history.close)
        book = VerificationBook(history)
        store = LogStore(10_000)
        rules = {pid: p.webhook for pid, p in providers.items() if p.webhook is not None}
        secrets = await asyncio.to_thread(resolve_webhook_secrets, rules, dotenv_path=dotenv_path)
        listener = WebhookListener(CallbackHandler(rules, secrets, book), history, store, port=0)
        await asyncio.to_thread(listener.start)
        stack.callback(listener.stop)
        host: SimulatorHost | None = None
        if env == "simulator":
            host = SimulatorHost(port=0)
            await asyncio.to_thread(host.start)
            stack.callback(host.stop)
            host.set_callback_url(listener.hooks_base())
        settings = HttpSettings(timeout_s=timeout_s) if timeout_s else HttpSettings()
        client = await stack.enter_async_context(make_client(settings))
        service = ConsoleService(
            client,
            store,
            history,
            host.base_url if host is not None else None,
            providers=providers,
            dotenv_path=dotenv_path,
            settings=settings,
            book=book,
            guard=guard,
            profiles=profiles,
        )
        yield Rig(service, host, listener, store, env, profile)
        await asyncio.to_thread(history.flush)
