"""Reading scenario files (TOML, with :mod:`tomllib`): every refusal names the path, line, column and what is valid."""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from console.providers import all_providers
from console.providers.spec import OperationKind, ProviderSpec
from console.scenarios.model import ACTIONS, EXPECT_KEYS, SCENARIO_KEYS, STEP_KEYS, Scenario, ScenarioFile, Step
from console.simulators import all_simulators
from console.simulators._records import CallbackFault, Fault

SEND_OPTIONS = ("to", "channel", "code", "code_length", "code_ttl", "max_attempts")
CHECK_OPTIONS = ("code", "verification")
CALLBACK_FAULTS = {f.value: f.value for f in CallbackFault if f is not CallbackFault.NONE} | {
    "wrong_signature": CallbackFault.BAD_SIGNATURE.value,
    "out of order": CallbackFault.OUT_OF_ORDER.value,
}
"""Callback misdeliveries by the simulators' names (and the words the listener's settings use)."""
REQUEST_FAULTS = tuple(f.value for f in Fault if f is not Fault.NONE)
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_ACTION_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class ScenarioFileError(ValueError):
    """A scenario file that cannot be run: where (path, line, column) and why, with what would be valid."""

    def __init__(self, path: Path, line: int, column: int, message: str) -> None:
        super().__init__(f"{path}:{line}:{column}: {message}")
        self.path, self.line, self.column, self.reason = path, line, column, message


def load_file(path: Path) -> ScenarioFile:
    """Read and check one scenario file.

    Raises:
        ScenarioFileError: it cannot be read, is not TOML, or names an unknown key, step, provider or field.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioFileError(path, 0, 0, f"cannot be read: {exc}") from exc
    return parse_text(text, path)


def parse_text(text: str, path: Path) -> ScenarioFile:
    """Check the scenarios of a file's text (see :func:`load_file`)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_POSITION.search(str(exc))
        line, column = (int(found.group(1)), int(found.group(2))) if found else (0, 0)
        reason = _TOML_POSITION.sub("", str(exc)).strip()
        raise ScenarioFileError(path, line, column, f"not valid TOML: {reason}") from None
    places = _Places(text)
    where = places.top_level_key
    for key in data:
        if key != "scenario":
            raise _error(path, where(key), f"unknown key {key!r}", ["scenario"], key)
    raw = data.get("scenario")
    if not isinstance(raw, list) or not raw:
        raise ScenarioFileError(path, 1, 1, "no scenario: the file needs at least one [[scenario]] table")
    scenarios = tuple(_scenario(path, places, index, entry) for index, entry in enumerate(raw))
    return ScenarioFile(path, scenarios)


def _scenario(path: Path, places: _Places, index: int, entry: Any) -> Scenario:
    line = places.scenario_line(index)
    for key in entry:
        if key not in SCENARIO_KEYS:
            at = places.key_after(line, key, places.step_line(index, 0) or None)
            raise _error(path, at, f"scenario {index + 1}: unknown key {key!r}", SCENARIO_KEYS, key)
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ScenarioFileError(path, line, 1, f'scenario {index + 1} needs a name = "…"')
    provider = entry.get("provider")
    if provider is not None:
        _provider(path, places.key_after(line, "provider"), provider)
    env = entry.get("env", "simulator")
    if not isinstance(env, str):
        raise ScenarioFileError(path, places.key_after(line, "env")[0], 1, "env is a string: simulator, live…")
    raw_steps = entry.get("step")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise ScenarioFileError(path, line, 1, f"scenario {name!r} has no steps: add [[scenario.step]] tables")
    steps = tuple(_step(path, places, index, number, raw, provider) for number, raw in enumerate(raw_steps, start=1))
    description = str(entry.get("description", ""))
    return Scenario(name.strip(), provider or steps[0].provider, steps, env, description, path, line)


def _step(path: Path, places: _Places, scenario: int, number: int, raw: Any, default: str | None) -> Step:
    line = places.step_line(scenario, number - 1)
    end = places.step_line(scenario, number) or places.scenario_line(scenario + 1) or None

    def at(key: str) -> tuple[int, int]:
        return places.key_after(line, key, end)

    def refuse(key: str, message: str, valid: Iterable[str] = ()) -> ScenarioFileError:
        return _error(path, at(key), f"step {number}: {message}", valid, key)

    if not isinstance(raw, Mapping):
        raise ScenarioFileError(path, line, 1, f"step {number} must be a table")
    for key in raw:
        if key not in STEP_KEYS:
            raise refuse(key, f"unknown key {key!r}", STEP_KEYS)
    actions = [key for key in ACTIONS if key in raw]
    if len(actions) != 1:
        said = ", ".join(actions) if actions else "none"
        raise ScenarioFileError(path, line, 1, f"step {number} needs exactly one of {', '.join(ACTIONS)} ({said})")
    action = actions[0]
    provider = raw.get("provider", default)
    if provider is None:
        raise ScenarioFileError(path, line, 1, f"step {number}: no provider (set it on the scenario or the step)")
    spec = _provider(path, at("provider") if "provider" in raw else at(action), provider)
    argument = _argument(
        action, raw[action], spec, lambda message, valid=(), key=None: refuse(key or action, message, valid)
    )
    expect = raw.get("expect", {})
    if not isinstance(expect, Mapping):
        raise refuse("expect", "expect is a table: expect = { ok = true }")
    for key in expect:
        if key not in EXPECT_KEYS:
            raise refuse(key, f"unknown expectation {key!r}", EXPECT_KEYS)
    timeout = raw.get("timeout_s")
    if timeout is not None and (not isinstance(timeout, int | float) or isinstance(timeout, bool) or timeout <= 0):
        raise refuse("timeout_s", "timeout_s is a number of seconds above 0")
    fallback = raw.get("fallback", [])
    if "fallback" in raw and action != "send":
        raise refuse("fallback", "only a send has a fallback")
    if not isinstance(fallback, list):
        raise refuse("fallback", 'fallback is a list of sends: fallback = [{ provider = "ycloud" }]')
    tries = []
    for entry in fallback:
        if not isinstance(entry, Mapping):
            raise refuse("fallback", "each fallback is a table of a send's fields, with its provider")
        other = _provider(path, at("fallback"), entry.get("provider", provider))
        fields = {k: v for k, v in entry.items() if k != "provider"}
        _argument("send", fields, other, lambda message, valid=(), key=None: refuse("fallback", message, valid))
        tries.append({"provider": other.id, **fields})
    return Step(number, action, argument, spec.id, dict(expect), timeout, tuple(tries), line)


def _argument(action: str, value: Any, spec: ProviderSpec, refuse: Any) -> Any:
    """The step's argument, checked against the provider's description and its simulator."""
    if action in ("send", "check"):
        if not isinstance(value, Mapping):
            raise refuse(f"{action} is a table of fields: {action} = {{ … }}")
        valid = _send_fields(spec, value.get("channel")) if action == "send" else _check_fields(spec)
        if action == "send" and "channel" in value and value["channel"] not in spec.channel_ids():
            raise refuse(f"{spec.label} has no channel {value['channel']!r}", spec.channel_ids())
        for key in value:
            if key not in valid:
                raise refuse(f"{spec.label}'s {action} has no field {key!r}", valid, key)
        return {key: str(v).lower() if isinstance(v, bool) else str(v) for key, v in value.items()}
    if action == "phone":
        if not isinstance(value, str) or not _ACTION_NAME.match(value):
            raise refuse("phone is what the simulated user does: deliver, read, fail, press_1, hang_up, dial…")
        return value
    if action == "wait":
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            raise refuse("wait is a number of seconds: wait = 2.5")
        return float(value)
    valid_faults = (*_simulator_cases(spec.id), *REQUEST_FAULTS, *CALLBACK_FAULTS)
    if not isinstance(value, str) or value not in valid_faults:
        raise refuse(f"{spec.label}'s simulator has no fault {value!r}", valid_faults)
    return value


def _send_fields(spec: ProviderSpec, channel: Any) -> tuple[str, ...]:
    channels = [c for c in spec.channels if channel is None or c.id == channel]
    names = [name for c in channels for f in c.fields for name in (f.name, *f.aliases)]
    send_ops = [op for op in spec.operations if op.kind is OperationKind.SEND]
    names += [name for op in send_ops for f in op.fields for name in (f.name, *f.aliases)]
    return tuple(dict.fromkeys((*SEND_OPTIONS, *names)))


def _check_fields(spec: ProviderSpec) -> tuple[str, ...]:
    checks = [op for op in spec.operations if op.kind is OperationKind.CHECK]
    names = [name for op in checks for f in op.fields for name in (f.name, *f.aliases)]
    return tuple(dict.fromkeys((*CHECK_OPTIONS, *names)))


def _simulator_cases(provider_id: str) -> tuple[str, ...]:
    simulator = all_simulators().get(provider_id)
    return tuple(simulator.scenarios) if simulator is not None else ()


def _provider(path: Path, at: tuple[int, int], provider_id: Any) -> ProviderSpec:
    providers = all_providers()
    if not isinstance(provider_id, str) or provider_id not in providers:
        raise _error(path, at, f"unknown provider {provider_id!r}", list(providers), str(provider_id))
    return providers[provider_id].spec


def _error(path: Path, at: tuple[int, int], message: str, valid: Iterable[str], given: str = "") -> ScenarioFileError:
    choices = list(valid)
    close = difflib.get_close_matches(given, choices, n=1) if given else []
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    listed = f"; valid: {', '.join(choices)}" if choices else ""
    return ScenarioFileError(path, at[0], at[1], f"{message}{hint}{listed}")


class _Places:
    """Where the tables and keys of a scenario file are (tomllib gives values, not positions)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self._scenarios: list[int] = []
        self._steps: list[list[int]] = []
        for number, line in enumerate(self.lines, start=1):
            stripped = line.strip()
            if stripped.startswith("[[scenario]]"):
                self._scenarios.append(number)
                self._steps.append([])
            elif stripped.startswith("[[scenario.step]]") and self._steps:
                self._steps[-1].append(number)

    def scenario_line(self, index: int) -> int:
        return self._scenarios[index] if 0 <= index < len(self._scenarios) else 0

    def step_line(self, scenario: int, step: int) -> int:
        steps = self._steps[scenario] if 0 <= scenario < len(self._steps) else []
        return steps[step] if 0 <= step < len(steps) else 0

    def top_level_key(self, key: str) -> tuple[int, int]:
        return self.key_after(1, key, self.scenario_line(0) or None)

    def key_after(self, start: int, key: str, end: int | None = None) -> tuple[int, int]:
        """The line and column of ``key =`` from line ``start`` (up to ``end``), else the start line, column 1."""
        pattern = re.compile(rf"(?:^|[\s{{,]){re.escape(key)}\s*=")
        stop = (end - 1) if end else len(self.lines)
        for number in range(max(start, 1), stop + 1):
            found = pattern.search(self.lines[number - 1])
            if found:
                column = found.start() + 1 + (0 if self.lines[number - 1][found.start()] == key[:1] else 1)
                return number, column
        return max(start, 1), 1
