"""What a form submits, from the real-send consent through the service to the result shown in the form and log."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from console.ui.excepthook import spawn

if TYPE_CHECKING:
    from console.service.console_service import ConsoleService
    from console.service.operations import OperationRequest, OperationResult
    from console.ui.profiles_ui import ProfileController
    from console.ui.provider_form import ProviderForm
    from console.ui.real_send import RealSendGate


class SendPipeline(QObject):
    """Runs each form's requests and lookups through the service, the form busy meanwhile, and shows the results.

    Attributes:
        gate: asks before a request leaves the simulator and shows the spend guard's figures after a real send.
        service: the service the requests run on (None until the core has started: nothing runs then).
        profiles: unlocks the secret store before a request that uses a profile (None until profiles load).

    Signals:
        result_shown(object): an OperationResult was shown in its form (and its row selected in the log).
    """

    result_shown = Signal(object)

    def __init__(
        self,
        gate: RealSendGate,
        form_for: Callable[[str], ProviderForm],
        select_row: Callable[[str], object],
        parent: QObject | None = None,
    ) -> None:
        """``form_for`` finds a provider's form; ``select_row`` selects an exchange's row in the log by id."""
        super().__init__(parent)
        self.gate = gate
        self.form_for = form_for
        self.select_row = select_row
        self.service: ConsoleService | None = None
        self.profiles: ProfileController | None = None

    def use_service(self, service: ConsoleService) -> None:
        """Run requests on ``service`` from now on (the gate reads its spend figures there too)."""
        self.service = service
        self.gate.service = service

    def wire(self, form: ProviderForm) -> None:
        """Run what ``form`` submits and looks up; show the spend guard when its environment changes."""
        form.submitted.connect(self.submit)
        form.lookup_requested.connect(lambda op_id, f=form: spawn(self.lookup(f, op_id)))
        form.env_changed.connect(lambda _env, f=form: self.gate.show_soon(f))

    def submit(self, request: OperationRequest) -> None:
        """Send ``request`` in a task of its own (failures reach the excepthook)."""
        spawn(self.send(request))

    async def send(self, request: OperationRequest) -> None:
        """Consent, unlock, run, then show the result in the form and select its row in the log."""
        form = self.form_for(request.provider)
        if request.profile and self.profiles is not None:
            await self.profiles.ensure_unlocked()  # still locked: the service records a clear refused row
        if not await self.gate.confirm(form, request):  # after the input is known good: never before
            return
        result = await self._run(form, request)
        if result is not None:
            if "choices" in result.data:
                form.set_choices(request.operation, list(result.data["choices"]))
            form.show_result(result)
            if result.exchange.status is not None and result.exchange.env == "simulator":
                form.scenario_used()  # the simulator answered with the chosen error case, once
            self.select_row(result.exchange.id)
            self.result_shown.emit(result)
            if result.exchange.env != "simulator":
                await self.gate.show(form)

    async def lookup(self, form: ProviderForm, op_id: str) -> None:
        """Fill the choices ``op_id`` provides (e.g. the sender names) from the provider."""
        request = form.build_request()
        request.operation, request.channel, request.fields = op_id, None, {}
        result = await self._run(form, request)
        if result is not None:
            form.set_choices(op_id, list(result.data.get("choices", [])))
            form.show_result(result)
            self.result_shown.emit(result)

    async def _run(self, form: ProviderForm, request: OperationRequest) -> OperationResult | None:
        if self.service is None:
            return None
        form.set_busy(True)
        try:
            return await self.service.run(request)
        finally:
            form.set_busy(False)
