"""Running a scenario: each step's action, then its expectations, waited for up to ``within_s``."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from console.core.models import Exchange
from console.providers.spec import FieldRole, OperationKind, ProviderSpec
from console.scenarios.expectations import compare, observed
from console.scenarios.model import Scenario, Step
from console.scenarios.parsing import CALLBACK_FAULTS, REQUEST_FAULTS
from console.scenarios.results import ERROR, FAILED, PASSED, SKIPPED, ScenarioResult, StepResult
from console.scenarios.rig import Rig
from console.service.operations import OperationRequest, OperationResult
from console.service.result_lines import result_line
from console.simulators._records import PhoneMessage

CALLBACK_WAIT_S = 5.0  # how long a step expecting a callback waits when it does not say (within_s)
FALLBACK_WAIT_S = 10.0  # how long a send with a fallback waits for "delivered" or "verified" when it does not say
POLL_S = 0.05
LATE_S = 2.0  # a "late" callback arrives this much later (the simulators' own default is longer)
_PLACEHOLDER = re.compile(r"\{(phone|send)\.([A-Za-z_]+)\}")

AskUser = Callable[[str, Step], Awaitable[str | None]]
"""Live, the person at the phone is asked (the prompt, the step); returns what they typed, or None (skipped)."""


class StepError(Exception):
    """The step could not run (an unknown placeholder, no message on the phone…): an error, not a failure."""


@dataclass
class _Run:
    """One scenario run's memory: the last send's line, its verification, where it went and when."""

    send: dict[str, Any] = field(default_factory=dict)
    verification: str | None = None
    provider: str = ""
    destination: str = ""
    sent_at: float = 0.0
    callback_fault: bool = False
    faulted: set[str] = field(default_factory=set)
    late_seconds: dict[str, float] = field(default_factory=dict)  # each simulator's own, given back at the end


class ScenarioRunner:
    """Runs scenarios against a :class:`Rig`, one step at a time, reporting each step as it ends."""

    def __init__(self, rig: Rig, ask_user: AskUser | None = None) -> None:
        self.rig = rig
        self.ask_user = ask_user

    async def run(self, scenario: Scenario, on_step: Callable[[StepResult], None] | None = None) -> ScenarioResult:
        """Run every step (stopping at one that cannot run); ``on_step`` hears each result as it comes."""
        result = ScenarioResult(scenario)
        started = time.perf_counter()
        memory = _Run(provider=scenario.provider)
        try:
            for step in scenario.steps:
                outcome = await self._step(step, memory)
                result.steps.append(outcome)
                if on_step is not None:
                    on_step(outcome)
                if outcome.status == ERROR:
                    break
        finally:
            self._clear_faults(memory)
            result.elapsed_ms = (time.perf_counter() - started) * 1000
        return result

    # ------------------------------------------------------------------------------------------- steps
    async def _step(self, step: Step, memory: _Run) -> StepResult:
        started = time.perf_counter()
        step_started = time.time()
        first_seq = self.rig.store.next_seq  # the rows this step can see are appended from here on
        try:
            base, exchange = await self._act(step, memory)
        except StepError as exc:
            return StepResult(step, ERROR, step.expect, {}, None, _ms(started), str(exc), memory.verification)
        except _Skipped as exc:
            return StepResult(step, SKIPPED, step.expect, {}, None, _ms(started), str(exc), memory.verification)
        expect = {k: v for k, v in step.expect.items() if k != "within_s"}
        wait = float(step.expect.get("within_s", CALLBACK_WAIT_S if _awaits_callback(step) else 0.0))
        deadline = time.monotonic() + wait
        while True:
            callbacks = self._callbacks_since(memory.verification, step_started, first_seq)
            actual = observed(base, callbacks, self._state(memory))
            problems = compare(expect, actual)
            if not problems or time.monotonic() >= deadline:
                break
            await asyncio.sleep(POLL_S)
        exchange = exchange or actual.get("callback_exchange")
        status = FAILED if problems else PASSED
        return StepResult(
            step, status, step.expect, actual, exchange, _ms(started), "; ".join(problems), memory.verification
        )

    async def _act(self, step: Step, memory: _Run) -> tuple[dict[str, Any], str | None]:
        """Do the step's action; returns what it observed at once and the id of the row it made."""
        if step.action == "send":
            return await self._send(step, memory)
        if step.action == "check":
            result = await self._request(step, self._check_request(step, memory))
            return result_line(result), result.exchange.id
        if step.action == "phone":
            return await self._phone(step, memory), None
        if step.action == "wait":
            await asyncio.sleep(float(step.argument))
            return {}, None
        self._fault(step, memory)
        return {"fault": step.argument}, None

    async def _send(self, step: Step, memory: _Run) -> tuple[dict[str, Any], str | None]:
        tries = [{"provider": step.provider, **step.argument}, *step.fallback]
        wait = float(step.expect.get("within_s", FALLBACK_WAIT_S))
        line: dict[str, Any] = {}
        exchange = None
        tried = 0
        for number, attempt in enumerate(tries):
            tried = number
            provider = str(attempt["provider"])
            fields = {k: v for k, v in attempt.items() if k != "provider"}
            memory.sent_at = time.time()
            result = await self._request(step, self._send_request(provider, fields, memory))
            line, exchange = result_line(result), result.exchange.id
            memory.send, memory.provider = line, provider
            memory.verification = result.verification.id if result.verification else None
            memory.destination = result.exchange.destination
            if number == len(tries) - 1:
                break
            if result.ok and await self._reached(memory, wait):
                break
        if len(tries) > 1:
            line = {**line, "fallbacks_tried": tried}
        return line, exchange

    async def _reached(self, memory: _Run, wait: float) -> bool:
        """Whether the verification is delivered or verified within ``wait`` seconds (a fallback is not needed)."""
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self._state(memory) in ("delivered", "verified"):
                return True
            await asyncio.sleep(POLL_S)
        return False

    async def _request(self, step: Step, request: OperationRequest) -> OperationResult:
        service = self.rig.service
        if step.timeout_s is None:
            return await service.run(request)
        kept = service.settings
        service.settings = dataclasses.replace(kept, timeout_s=step.timeout_s)
        try:
            return await service.run(request)
        finally:
            service.settings = kept

    def _send_request(self, provider: str, given: dict[str, str], memory: _Run) -> OperationRequest:
        spec = self._spec(provider)
        fields = {k: self._fill(v, memory) for k, v in given.items()}
        channel = fields.pop("channel", None) or (spec.channels[0].id if spec.channels else None)
        options = {k: fields.pop(k) for k in ("code_length", "code_ttl", "max_attempts") if k in fields}
        if "to" in fields and channel is not None:
            fields[spec.destination_field(channel).name] = fields.pop("to")
        if "code" in fields and spec.code_field and spec.code_field != "code":
            fields[spec.code_field] = fields.pop("code")
        op = next(op.id for op in spec.operations if op.kind is OperationKind.SEND)
        return OperationRequest(
            provider=provider,
            operation=op,
            channel=channel,
            fields=fields,
            credentials=dict(self.rig.credentials),
            env=self.rig.env,
            profile=self.rig.profile,
            code_length=_number(options.get("code_length"), int),
            code_ttl_s=_number(options.get("code_ttl"), float),
            max_attempts=_number(options.get("max_attempts"), int),
        )

    def _check_request(self, step: Step, memory: _Run) -> OperationRequest:
        spec = self._spec(step.provider)
        op = next(op for op in spec.operations if op.kind is OperationKind.CHECK)
        fields = {k: self._fill(v, memory) for k, v in step.argument.items()}
        verification = fields.pop("verification", None) or memory.verification
        code_field = spec.field_with_role(op.id, None, FieldRole.CODE)
        if "code" in fields and code_field is not None and code_field.name != "code":
            fields[code_field.name] = fields.pop("code")
        return OperationRequest(
            provider=step.provider,
            operation=op.id,
            fields=fields,
            credentials=dict(self.rig.credentials),
            env=self.rig.env,
            profile=self.rig.profile,
            verification_id=verification,
        )

    async def _phone(self, step: Step, memory: _Run) -> dict[str, Any]:
        action = str(step.argument)
        host = self.rig.host
        if host is None:  # live: the person at the phone does it
            if self.ask_user is None:
                raise _Skipped(f"'{action}' needs the person at the phone (live): skipped")
            said = await self.ask_user(_prompt(action), step)
            if said is None:
                raise _Skipped(f"'{action}' was not done")
            return {"action": action, "said": said}
        message = self._message(memory, step.provider)
        if message is None:
            raise StepError(f"the virtual phone has no message for {memory.destination or 'this verification'} yet")
        if action not in message.actions:
            offered = ", ".join(message.actions) or "nothing"
            raise StepError(f"the {step.provider} message offers {offered}, not {action!r}")
        deliveries = await asyncio.wrap_future(host.phone_action(step.provider, message.id, action))
        if memory.callback_fault:  # a misdelivery applies to the callbacks of the next phone action only
            host.set_callback_fault(step.provider, "none")
            memory.callback_fault = False
        return {"action": action, "deliveries": [d.status for d in deliveries]}

    def _fault(self, step: Step, memory: _Run) -> None:
        host = self.rig.host
        if host is None:
            raise _Skipped("faults are the simulators': skipped outside the simulator")
        name = str(step.argument)
        if name in CALLBACK_FAULTS:
            memory.late_seconds.setdefault(step.provider, host.simulator(step.provider).late_seconds)
            host.set_callback_fault(step.provider, CALLBACK_FAULTS[name], late_seconds=LATE_S)
            memory.callback_fault = True
        elif name in REQUEST_FAULTS:  # a hang outlasts any step deadline; a delay is short
            host.set_fault(step.provider, name, count=1, seconds=None if name == "timeout" else 1.0)
        else:
            host.set_scenario(step.provider, name, count=1)
        memory.faulted.add(step.provider)

    def _clear_faults(self, memory: _Run) -> None:
        host = self.rig.host
        if host is None:
            return
        for provider in memory.faulted:
            host.set_scenario(provider, None)
            host.set_fault(provider, "none")
            host.set_callback_fault(provider, "none", late_seconds=memory.late_seconds.get(provider))

    # ------------------------------------------------------------------------------------------- reading
    def _fill(self, value: str, memory: _Run) -> str:
        """Put the captured values in (``{phone.code}``, ``{send.verification}``…)."""

        def one(found: re.Match[str]) -> str:
            source, key = found.group(1), found.group(2)
            if source == "phone":
                if key != "code":
                    raise StepError(f"{{phone.{key}}} is not captured: the phone gives {{phone.code}}")
                message = self._message(memory, memory.provider)
                if message is None or not message.code:
                    raise StepError("{phone.code}: the virtual phone has no code for this verification")
                return str(message.code)
            if key not in memory.send or memory.send[key] is None:
                raise StepError(f"{{send.{key}}}: the last send has no {key!r}")
            return str(memory.send[key])

        return str(_PLACEHOLDER.sub(one, value))

    def _message(self, memory: _Run, provider: str) -> PhoneMessage | None:
        """The newest virtual-phone message of this run's send (its provider and destination, since it was sent)."""
        host = self.rig.host
        if host is None or not memory.sent_at:  # nothing sent in this run: nothing of its on the phone
            return None
        wanted = _digits(memory.destination) or memory.destination
        for message in reversed(host.phone_messages(provider)):
            same = (_digits(message.to) or message.to).endswith(wanted[-9:]) if wanted else True
            if same and message.at >= memory.sent_at - 1.0:
                return message
        return None

    def _state(self, memory: _Run) -> str | None:
        if memory.verification is None:
            return None
        found = self.rig.service.book.peek(memory.verification)
        return found.state.value if found is not None else None

    def _callbacks_since(self, verification: str | None, since: float, first_seq: int) -> list[Exchange]:
        """The verification's callbacks received since the step began.

        Only the rows appended since are read: this is polled every 50 ms while a step waits, and copying the
        whole log each time (100,000 rows in the GUI) would be work on the GUI thread for nothing.
        """
        if verification is None:
            return []
        store = self.rig.store
        rows = (store.by_seq(seq) for seq in range(max(first_seq, store.first_seq), store.next_seq))
        return [
            row
            for row in rows
            if row is not None
            and row.operation == "webhook"
            and row.verification_id == verification
            and row.started_at >= since
        ]

    def _spec(self, provider: str) -> ProviderSpec:
        return self.rig.service.provider(provider).spec


class _Skipped(Exception):
    """The step cannot be done here (live, without the person at the phone)."""


def _awaits_callback(step: Step) -> bool:
    expect = step.expect
    return "callback" in expect or "signature" in expect or (step.action == "phone" and "state" in expect)


def _prompt(action: str) -> str:
    words = {"press_1": "press 1 on the call now", "press_2": "press 2 on the call now", "dial": "call the number now"}
    return words.get(action, f"do '{action.replace('_', ' ')}' on your phone now")


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _number(value: str | None, kind: type[int] | type[float]) -> Any:
    if value is None:
        return None
    try:
        return kind(value)
    except ValueError:
        raise StepError(f"{value!r} is not a number") from None


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
