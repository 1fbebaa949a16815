"""The Scenarios pane in the window (an entry under the providers), wired to the running console.

Runs use the console's own service, simulators and listener: their rows are in the log, their callbacks in the
timeline. "Save as scenario…" on a verification's timeline writes the flow the user just did into their folder.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.ui.excepthook import spawn
from console.ui.scenarios_pane import ScenariosPane

if TYPE_CHECKING:
    from console.scenarios.rig import Rig
    from console.ui.app import ConsoleApp

PAGE = "Scenarios"


class ScenarioControls:
    """Owns the pane; saves the folder the user picks; records a verification as a scenario.

    Attributes:
        pane: the Scenarios pane (shown when "Scenarios" is chosen under the providers).
    """

    def __init__(self, app: ConsoleApp, folder: Path) -> None:
        self.app = app
        window = app.window
        self.pane = ScenariosPane(folder)
        window.add_page(PAGE, self.pane, "Run verification flows (scenario files) and see each step pass or fail")
        self.pane.set_rig_factory(self._rig)
        self.pane.allow_list = lambda: window.gate.rules.allow if window.gate.rules is not None else ()
        self.pane.exchange_chosen.connect(window.log.select_exchange)
        self.pane.verification_chosen.connect(window.lower_tabs.show_verification_id)
        self.pane.folder_changed.connect(lambda chosen: app.remember(scenarios_dir=chosen))
        window.lower_tabs.when_timeline_built(
            lambda timeline: timeline.save_requested.connect(lambda verification: spawn(self.save(verification)))
        )
        self.pane.reload()

    def _rig(self) -> Rig | None:
        from console.scenarios.rig import Rig

        app = self.app
        if app.service is None:
            return None
        return Rig(app.service, app.host, app.listener, app.store)

    async def save(self, verification: Any) -> Path | None:
        """Write ``verification`` as a scenario into the user's folder (off the GUI thread); list and show it."""
        from console.scenarios.recording import record_scenario, save_scenario

        window = self.app.window
        rows = [row for xid in verification.exchange_ids if (row := self.app.store.find(xid)) is not None]
        folder = self.pane.user_folder
        if folder is None or not rows:
            window.statusBar().showMessage("Nothing to save yet: the verification's rows are not in the log.", 8000)
            return None
        text = record_scenario(verification, rows)
        name = f"recorded-{verification.provider}-{verification.channel}"
        try:
            path = await asyncio.to_thread(save_scenario, text, folder, name)
        except OSError as exc:
            window.statusBar().showMessage(f"Could not save the scenario in {folder}: {exc}", 15000)
            return None
        await self.pane.load()
        window.show_page(PAGE)
        window.statusBar().showMessage(f"Saved as a scenario: {path} (Scenarios, under the providers).", 15000)
        return path
