"""Before a request leaves the simulator: the once-per-run consent and the spend guard's figures and warnings."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QWidget

from console.ui.excepthook import spawn
from console.ui.privacy import PRIVACY

if TYPE_CHECKING:
    from console.service.console_service import ConsoleService
    from console.service.operations import OperationRequest
    from console.service.spend_guard import SpendGuard, SpendReport
    from console.ui.provider_form import ProviderForm

Ask = Callable[[str, str, list[str], list[str]], bool]


def consent_text(provider: str, target: str, numbers: list[str], problems: list[str]) -> tuple[str, str]:
    """The question's title and text: the first real send of a run, or a send the spend guard flags."""
    figures = "\n".join(f"• {line}" for line in numbers)
    if problems:
        text = "This real send breaks the spend guard:\n" + "\n".join(f"✗ {p}" for p in problems)
        return "Spend guard: send anyway?", f"{text}\n\n{figures}\n\nSend to {provider} at {target} anyway?"
    text = (
        f"This request goes to {provider} at {target}, not to the simulator: real SMS, calls and messages "
        "are billed and reach real people."
    )
    if figures:
        text += f"\n\n{figures}"
    return "Send to the real provider?", text + "\n\nSend requests outside the simulator for the rest of this run?"


def ask_with_box(parent: QWidget, provider: str, target: str, numbers: list[str], problems: list[str]) -> bool:
    """Ask with a message box (numbers masked in screen-sharing mode)."""
    title, text = consent_text(provider, target, numbers, problems)
    return QMessageBox.question(parent, title, PRIVACY.mask(text)) == QMessageBox.StandardButton.Yes


class RealSendGate:
    """Decides, per request, whether to ask before it leaves the simulator, and shows the spend figures.

    Attributes:
        rules: the spend guard's rules (None until the app sets them from settings).
        refuse: True to let the service refuse flagged sends instead of asking.
        consented: the user agreed to real sends for this run.
    """

    def __init__(self, ask: Ask) -> None:
        self.ask = ask
        self.rules: SpendGuard | None = None
        self.refuse = False
        self.consented = False
        self.service: ConsoleService | None = None

    def use(self, rules: SpendGuard, refuse: bool) -> None:
        """These rules from now on: the service enforces them (``refuse``) or the gate warns."""
        from console.service.spend_guard import SpendGuard

        self.rules, self.refuse = rules, refuse
        if self.service is not None:
            self.service.guard = rules if refuse else SpendGuard()

    async def report(self, provider: str, destination: str) -> SpendReport | None:
        if self.service is None:
            return None
        return await self.service.spend_report(provider, destination, self.rules)

    async def show(self, form: ProviderForm) -> None:
        """Today's real sends and the rules, under Send, whenever the form is outside the simulator."""
        if form.env_id == "simulator":
            form.set_spend_text("")
            return
        found = await self.report(form.spec.id, "")
        if found is not None:
            form.set_spend_text(f"Spend guard · {found.summary()}" + (" · refuses" if self.refuse else ""))

    def show_soon(self, form: ProviderForm | None) -> None:
        if form is not None:
            spawn(self.show(form))

    async def confirm(self, form: ProviderForm, request: OperationRequest) -> bool:
        """Ask before the first request outside the simulator (once per run) and before a flagged real send.

        The modal question runs outside the task (qasync.asyncWrap), with the spend guard's figures in it.
        Validation comes first: input the service will refuse anyway (a missing credential, a refused field) is
        not worth a question; the service records why, and the form shows it.
        """
        import qasync

        from console.providers.spec import OperationKind

        if request.env == "simulator" or self.service is None:
            return True
        if await self.service.preflight(request):
            return True
        numbers: list[str] = []
        problems: list[str] = []
        if form.spec.operation(request.operation).kind is OperationKind.SEND:
            found = await self.report(request.provider, self.service.destination_of(request))
            if found is not None:
                numbers, problems = found.lines(), list(found.problems)
        if self.refuse:
            problems = []  # refusing is the service's job then: it records the refused row
        if self.consented and not problems:
            return True
        label, target = form.spec.label, form.target.toolTip()
        if not await qasync.asyncWrap(lambda: self.ask(label, target, numbers, problems)):
            form.status.setText(
                "Not sent: the spend guard's warning was not overridden."
                if problems
                else "Not sent: sending to the real provider was not confirmed."
            )
            return False
        self.consented = True  # asked once per run, as promised (a flagged send asks again)
        return True
