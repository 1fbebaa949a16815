"""Hostile answers through both faces, for every registered provider: each ends as one typed, stored row.

A fault server (``fault_server.py``, aiohttp in its own thread) answers every path with one fault: silence, a
byte a second, a reset mid-body, an HTML 500, broken JSON, JSON nested 5,000 deep, 30 MB, a gzip bomb, a
redirect loop; TLS is tried against its plain port; and each field of the simulator's own answer is
replaced by a value of the wrong type in turn. The CLI face runs each case as its own process (a thread pool
keeps the wall time down) and must print exactly one JSON line, exit with the documented code, leave no
traceback and add exactly one row to history; the service face must record exactly one row per case.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import gzip
import json
import os
import tracemalloc
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from console.cli.arguments import flags
from console.cli.main import _http_settings, _settings
from console.cli.output import EXIT_CODES
from console.core.history import History
from console.core.http import MAX_BODY_BYTES, HttpSettings, make_client
from console.core.logstore import LogStore
from console.core.models import Exchange, Outcome
from console.providers import all_providers
from console.providers.provider import Call, Interpretation
from console.providers.spec import OperationKind, ProviderSpec
from console.providers.zadarma import ZadarmaProvider
from console.service.console_service import ConsoleService
from console.service.operations import OperationRequest
from console.simulators.host import SimulatorHost
from tests.end2end.cli.test_cli import cli
from tests.faults.fault_server import DRIP_BODY, RESET_BODY, FaultServer

PROVIDERS = list(all_providers())
OPERATIONS = ("send", "balance")  # the service face runs both; the CLI face runs send
CLI_DEADLINE_S = 2.0
SERVICE_DEADLINE_S = 0.5
TRUNCATED = f"truncated at {MAX_BODY_BYTES:,} bytes"
WRONG = {"object": {"wrong": [1]}, "list": ["wrong"], "number": 12345, "string": "wrong"}

# Fields of the simulators' answers that the provider modules do not read: a wrong type there changes nothing.
UNREAD: dict[tuple[str, str], set[str]] = {
    ("ssms", "send"): {"response.msg.type"},
    ("ssms", "balance"): {"response.msg.type", "response.data.id", "response.data.email", "response.data.sender_name"},
    ("meta", "send"): {"messaging_product", "contacts", "contacts.0", "contacts.0.input", "contacts.0.wa_id"},
    ("ycloud", "send"): {"wabaId", "from", "to", "type", "createTime"},
    ("vbee", "send"): {"message"},
    ("vbee", "balance"): {"result.0", "result.0.id", "result.0.name"},
}
UNREAD_BODIES = {("hamkaran", "send")}  # any 2xx is success and the body is shown as it came (providers.md 5.2)
STATUS_FIRST = {"hamkaran"}  # an error status is the provider's error whatever the body (401/403/4xx/5xx)
# Identifiers and codes a provider may send as numbers: a number there is its string, and what follows from it.
NUMBER_READ_AS_TEXT: dict[tuple[str, str], dict[str, str]] = {
    ("zadarma", "send"): {"request_id": "ok"},
    ("ssms", "send"): {"response.msg.err_code": "provider_error", "response.data.id_call": "ok"},
    ("ssms", "balance"): {"response.msg.err_code": "provider_error"},
    ("meta", "send"): {"messages.0.id": "ok"},
    ("meta", "balance"): {"id": "ok"},
    ("ycloud", "send"): {"id": "ok"},
    ("vbee", "send"): {"result.contact_id": "ok"},
}


@dataclass(frozen=True)
class Case:
    """One hostile answer and what it must end as."""

    name: str
    operation: str
    prefix: str  # the fault server's path prefix (a fault, or a canned answer's id); "" for TLS
    outcomes: frozenset[str]
    error_codes: frozenset[str | None]
    field: str | None = None  # wrong types: the field named by the contract error
    scheme: str = "http"
    checks: tuple[str, ...] = ()  # extra checks on the row: partial, truncated, redirect, no_answer


# ------------------------------------------------------------------------------------------------ the cases
def _generic(provider: str, operation: str) -> list[Case]:
    """The faults every provider gets, with the outcome each must end as."""
    lenient = (provider, operation) in UNREAD_BODIES
    body_fault = ("ok", None) if lenient else ("contract_error", "200")
    table: list[tuple[str, tuple[str, str | None], tuple[str, ...]]] = [
        ("silent", ("transport_error", "timeout"), ("no_answer",)),
        ("drip", ("transport_error", "timeout"), ("partial_drip",)),
        ("reset", ("transport_error", "dropped"), ("partial_reset",)),
        ("html500", ("provider_error", "500") if provider in STATUS_FIRST else ("contract_error", "500"), ()),
        ("invalid_json", body_fault, ()),
        ("nesting", body_fault, ()),
        ("big", body_fault, ("truncated",)),
        ("gzip_bomb", body_fault, ("truncated",)),
        ("redirect", ("contract_error", "302"), ("redirect",)),
    ]
    cases = [
        Case(name, operation, name, frozenset({outcome}), frozenset({code}), checks=checks)
        for name, (outcome, code), checks in table
    ]
    cases.append(
        Case(
            "tls",
            operation,
            "html500",
            frozenset({"transport_error"}),
            frozenset({"tls", "connect"}),
            scheme="https",
            checks=("no_answer",),
        )
    )
    return cases


def _paths(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every field under ``value`` (not itself), as dotted paths with list indices: ``messages.0.id``."""
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        path = f"{prefix}.{key}" if prefix else str(key)
        yield path, child
        yield from _paths(child, path)


def _kinds(value: Any) -> tuple[str, ...]:
    """The wrong types for a value: anything but what it is (a number where a string is, and so on)."""
    if isinstance(value, str):
        return ("object", "list", "number")
    if isinstance(value, (int, float)):
        return ("object", "list")
    if isinstance(value, dict):
        return ("list", "string")
    if isinstance(value, list):
        return ("object", "string")
    return ()


def _replaced(answer: Any, path: str, new: Any) -> Any:
    changed = copy.deepcopy(answer)
    *parents, last = path.split(".")
    target = changed
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if isinstance(target, list):
        target[int(last)] = new
    else:
        target[last] = new
    return changed


def _wrong_types(
    server: FaultServer, provider: str, operation: str, answer: Any, one_kind_per_field: bool = False
) -> list[Case]:
    """Each field of the simulator's answer replaced by each wrong type (or one, rotating, per field)."""
    cases = []
    for index, (path, value) in enumerate(_paths(answer)):
        kinds = _kinds(value)
        if one_kind_per_field and kinds:
            kinds = (kinds[index % len(kinds)],)
        for kind in kinds:
            prefix = server.register(200, json.dumps(_replaced(answer, path, WRONG[kind])).encode())
            if (provider, operation) in UNREAD_BODIES or path in UNREAD.get((provider, operation), set()):
                outcome, code, named = "ok", None, None
            elif kind == "number" and path in NUMBER_READ_AS_TEXT.get((provider, operation), {}):
                outcome = NUMBER_READ_AS_TEXT[(provider, operation)][path]
                code, named = ("12345" if outcome == "provider_error" else None), None
            else:
                outcome, code, named = "contract_error", "200", path
            cases.append(
                Case(f"wrong {kind} in {path}", operation, prefix, frozenset({outcome}), frozenset({code}), named)
            )
    return cases


# ------------------------------------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def fault_server() -> Iterator[FaultServer]:
    server = FaultServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def normal_answers(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Any]:
    """Each provider's send and balance answers as its simulator gives them (the shapes the faults distort)."""
    state = tmp_path_factory.mktemp("simulators")

    async def collect() -> dict[tuple[str, str], Any]:
        found: dict[tuple[str, str], Any] = {}
        with SimulatorHost(state_dir=state) as host:
            async with make_client() as client:
                service = ConsoleService(client, LogStore(100), None, host.base_url, providers=all_providers())
                for provider in PROVIDERS:
                    for operation in OPERATIONS:
                        result = await service.run(_request(provider, operation, "simulator", None))
                        assert result.exchange.ok, (provider, operation, result.exchange.message)
                        found[(provider, operation)] = json.loads(result.exchange.response_body)
        return found

    return asyncio.run(collect())


def _spec(provider: str) -> ProviderSpec:
    return all_providers()[provider].spec


def _operation_id(provider: str, operation: str) -> str:
    kind = OperationKind.SEND if operation == "send" else OperationKind.BALANCE
    return next(op.id for op in _spec(provider).operations if op.kind is kind)


def _send_fields(provider: str) -> dict[str, str]:
    """The default channel's destination (its placeholder) and any required field without a default."""
    spec = _spec(provider)
    channel = spec.channels[0]
    destination = spec.destination_field(channel.id)
    fields = {destination.name: destination.placeholder}
    for fld in channel.fields:
        if fld.required and not fld.default and fld.name not in fields:
            fields[fld.name] = fld.placeholder
    return fields


def _request(provider: str, operation: str, env: str, base_url: str | None) -> OperationRequest:
    spec = _spec(provider)
    send = operation == "send"
    return OperationRequest(
        provider,
        _operation_id(provider, operation),
        spec.channels[0].id if send else None,
        _send_fields(provider) if send else {},
        credentials=dict(spec.simulator_credentials) if env != "simulator" else {},
        env=env,
        base_url=base_url,
    )


def _base_url(server: FaultServer, case: Case) -> str:
    url = server.url(case.prefix)
    return url.replace("http://", "https://", 1) if case.scheme == "https" else url


# -------------------------------------------------------------------------------------------------- checks
def _check_row(case: Case, row: Exchange) -> list[str]:
    """What is wrong with a case's stored row, in words."""
    problems = []
    notes = dict(row.notes)
    if row.outcome.value not in case.outcomes or row.error_code not in case.error_codes:
        problems.append(f"{row.outcome.value}/{row.error_code}, expected {set(case.outcomes)}/{set(case.error_codes)}")
    if row.outcome is Outcome.INTERNAL_ERROR or "traceback" in notes:
        problems.append(f"internal error: {row.message}")
    if case.field is not None and notes.get("field") != case.field:
        problems.append(f"the contract error names {notes.get('field')!r}, not {case.field!r}: {row.message}")
    if "no_answer" in case.checks and (row.status is not None or row.response_body):
        problems.append(f"status {row.status} and a body where nothing was answered")
    if "partial_drip" in case.checks and (
        row.status != 200 or not row.response_body or not DRIP_BODY.decode().startswith(row.response_body)
    ):
        problems.append(f"the dripped bytes are not kept: status {row.status}, body {row.response_body!r}")
    if "partial_reset" in case.checks and (row.status != 200 or row.response_body != RESET_BODY.decode()):
        problems.append(f"the body before the reset is not kept: status {row.status}, body {row.response_body[:80]!r}")
    if "truncated" in case.checks and (notes.get("body") != TRUNCATED or len(row.response_body) != MAX_BODY_BYTES):
        problems.append(f"not cut at the cap: {notes.get('body')!r}, {len(row.response_body):,} characters")
    if "redirect" in case.checks and (row.status != 302 or "location" not in dict(row.response_headers)):
        problems.append(f"the redirect is not shown: status {row.status}")
    return problems


# ------------------------------------------------------------------------------------------- service face
@pytest.mark.parametrize("provider", PROVIDERS)
async def test_service_records_every_fault_as_one_typed_row(
    provider: str, fault_server: FaultServer, normal_answers: dict[tuple[str, str], Any], tmp_path: Path
) -> None:
    cases = [
        case
        for operation in OPERATIONS
        for case in (
            _generic(provider, operation)
            + _wrong_types(fault_server, provider, operation, normal_answers[(provider, operation)])
        )
    ]
    settings = HttpSettings(timeout_s=SERVICE_DEADLINE_S)
    history = History(tmp_path / "history.sqlite3")
    problems: list[str] = []
    try:
        async with make_client(settings) as client:
            service = ConsoleService(client, LogStore(1000), history, providers=all_providers(), settings=settings)
            for case in cases:
                request = _request(provider, case.operation, "custom", _base_url(fault_server, case))
                before = history.count_exchanges()
                result = await service.run(request)
                await asyncio.to_thread(history.flush)
                if history.count_exchanges() != before + 1:
                    problems.append(f"{case.operation} {case.name}: not exactly one row stored")
                stored = history.recent_exchanges(1, provider)[0]
                if stored.id != result.exchange.id:
                    problems.append(f"{case.operation} {case.name}: the stored row is another exchange")
                problems += [f"{case.operation} {case.name}: {p}" for p in _check_row(case, stored)]
    finally:
        history.close()
    assert not problems, "\n".join(problems)


async def test_a_gzip_bomb_costs_no_more_than_the_body_cap(fault_server: FaultServer) -> None:
    """A gigabyte of zeros in a megabyte of gzip: decoded incrementally and stopped at the 4 MiB cap."""
    settings = HttpSettings(timeout_s=10)
    async with make_client(settings) as client:
        service = ConsoleService(client, LogStore(10), None, providers=all_providers(), settings=settings)
        request = _request("zadarma", "send", "custom", fault_server.url("gzip_bomb"))
        tracemalloc.start()
        try:
            result = await service.run(request)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert result.exchange.outcome is Outcome.CONTRACT_ERROR
    assert dict(result.exchange.notes)["body"] == TRUNCATED
    assert peak < 8 * MAX_BODY_BYTES, f"peak {peak / 1e6:.0f} MB while reading a gzip bomb"


ANSWER = b'{"status": "success", "request_id": "r-1"}'


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data)


def _raw_deflate(data: bytes) -> bytes:
    deflate = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return deflate.compress(data) + deflate.flush()


@pytest.mark.parametrize(
    ("encoding", "body", "outcome"),
    [
        ("gzip", _gzip(ANSWER), Outcome.OK),
        ("deflate", zlib.compress(ANSWER), Outcome.OK),
        ("deflate", _raw_deflate(ANSWER), Outcome.OK),
        ("identity", ANSWER, Outcome.OK),
        ("gzip", b"\x1f\x8b\x08\x00 not gzip at all", Outcome.CONTRACT_ERROR),
        ("br", ANSWER, Outcome.CONTRACT_ERROR),  # never asked for (Accept-Encoding: gzip, deflate)
        ("gzip, gzip", _gzip(_gzip(ANSWER)), Outcome.CONTRACT_ERROR),  # nested codings are not undone
    ],
)
async def test_content_encodings_are_undone_or_refused(
    fault_server: FaultServer, encoding: str, body: bytes, outcome: Outcome
) -> None:
    prefix = fault_server.register(200, body, headers={"Content-Encoding": encoding})
    async with make_client() as client:
        service = ConsoleService(client, LogStore(10), None, providers=all_providers())
        result = await service.run(_request("zadarma", "send", "custom", fault_server.url(prefix)))
    assert result.exchange.outcome is outcome, result.exchange.message
    if outcome is Outcome.OK:
        assert result.exchange.request_id == "r-1"
        assert result.exchange.response_body == ANSWER.decode()


@pytest.mark.parametrize("depth", [65, 900, 1000, 5000, 100_000])
async def test_json_nested_at_any_depth_is_a_contract_error(fault_server: FaultServer, depth: int) -> None:
    body = b'{"status": "success", "request_id": "r", "pad": ' + b"[" * depth + b"]" * depth + b"}"
    async with make_client() as client:
        service = ConsoleService(client, LogStore(10), None, providers=all_providers())
        result = await service.run(
            _request("zadarma", "send", "custom", fault_server.url(fault_server.register(200, body)))
        )
    assert (result.exchange.outcome, result.exchange.error_code) == (Outcome.CONTRACT_ERROR, "200")
    assert "nested" in result.exchange.message


class _ParsingZadarma(ZadarmaProvider):
    """Zadarma whose answer reading fails the way a hostile body makes a parser fail (or with a real bug)."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def interpret(self, call: Call, status: int, headers: httpx.Headers, body: bytes) -> Interpretation:
        raise self.error


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (RecursionError("maximum recursion depth exceeded while decoding a JSON object"), Outcome.CONTRACT_ERROR),
        (json.JSONDecodeError("Expecting value", "x", 0), Outcome.CONTRACT_ERROR),
        (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"), Outcome.CONTRACT_ERROR),
        (ZeroDivisionError("a real bug"), Outcome.INTERNAL_ERROR),
        (KeyError("a real bug"), Outcome.INTERNAL_ERROR),
    ],
)
async def test_a_parsing_error_in_interpret_is_a_contract_error_and_a_bug_stays_internal(
    error: Exception, outcome: Outcome
) -> None:
    providers = {**all_providers(), "zadarma": _ParsingZadarma(error)}
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=ANSWER))
    async with httpx.AsyncClient(transport=transport) as client:
        service = ConsoleService(client, LogStore(10), None, providers=providers)
        result = await service.run(_request("zadarma", "send", "custom", "http://provider.test"))
    assert result.exchange.outcome is outcome, result.exchange.message
    assert ("traceback" in dict(result.exchange.notes)) is (outcome is Outcome.INTERNAL_ERROR)


# ----------------------------------------------------------------------------------------------- CLI face
def _cli_args(server: FaultServer, provider: str, case: Case) -> list[str]:
    spec = _spec(provider)
    args = ["send", provider, "--env", "custom", "--base-url", _base_url(server, case)]
    args += ["--timeout", f"{CLI_DEADLINE_S:g}"]
    for name, value in spec.simulator_credentials.items():
        args += [flags(name)[0], value]
    for name, value in _send_fields(provider).items():
        args += (
            ["--to", value]
            if name == spec.destination_field(spec.channels[0].id).name
            else ["--field", f"{name}={value}"]
        )
    return args


@pytest.mark.parametrize("provider", PROVIDERS)
def test_cli_ends_every_fault_with_one_line_its_exit_code_and_one_row(
    provider: str, fault_server: FaultServer, normal_answers: dict[tuple[str, str], Any]
) -> None:
    cases = _generic(provider, "send") + _wrong_types(
        fault_server, provider, "send", normal_answers[(provider, "send")], one_kind_per_field=True
    )
    code, lines, _ = cli("history", "--count")
    assert code == 0
    before = lines[0]["count"]
    with ThreadPoolExecutor(max_workers=6) as pool:
        runs = list(pool.map(lambda case: cli(*_cli_args(fault_server, provider, case), timeout=60), cases))
    code, lines, err = cli("history", "--count")
    assert code == 0, err
    assert lines[0]["count"] == before + len(cases)
    code, rows_out, _ = cli("export", "--format", "jsonl", "--provider", provider)
    rows = {row["id"]: Exchange.from_dict(row) for row in rows_out}

    problems = []
    for case, (code, lines, err) in zip(cases, runs, strict=True):
        where = f"{case.name}:"
        if len(lines) != 1:
            problems.append(f"{where} {len(lines)} JSON lines")
            continue
        line = lines[0]
        expected_exit = {EXIT_CODES[Outcome(o)] for o in case.outcomes}
        if code not in expected_exit:
            problems.append(f"{where} exit {code}, expected {expected_exit} ({line.get('message')})")
        if "Traceback" in err:
            problems.append(f"{where} a traceback on stderr:\n{err}")
        if (line["outcome"], line["error_code"]) != (
            rows[line["exchange"]].outcome.value,
            rows[line["exchange"]].error_code,
        ):
            problems.append(f"{where} the line and the stored row disagree")
        if case.field is not None and line.get("notes", {}).get("field") != case.field:
            problems.append(f"{where} the line names field {line.get('notes', {}).get('field')!r}")
        problems += [f"{where} {p}" for p in _check_row(case, rows[line["exchange"]])]
    assert not problems, "\n".join(problems)


# -------------------------------------------------------------------------------------------- the deadline
def _settings_file(timeout_s: float) -> None:
    """The GUI's settings file in this test's OTP_CONSOLE_HOME, with ``timeout_s``."""
    config = Path(os.environ["OTP_CONSOLE_HOME"]) / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.json").write_text(json.dumps({"timeout_s": timeout_s}))


def test_the_deadline_is_the_flag_then_the_setting_then_30_seconds() -> None:
    def timeout(flag: float | None) -> float:
        settings = asyncio.run(_settings())
        return _http_settings(argparse.Namespace(timeout=flag), settings).timeout_s

    assert timeout(None) == 30.0
    _settings_file(7.5)
    assert timeout(None) == 7.5
    assert timeout(2.0) == 2.0
    _settings_file(-1)
    assert timeout(None) == 30.0


def test_a_dripping_server_ends_at_the_settings_deadline_from_the_cli(fault_server: FaultServer) -> None:
    _settings_file(1.5)
    drip = next(case for case in _generic("zadarma", "send") if case.name == "drip")
    args = _cli_args(fault_server, "zadarma", drip)
    at = args.index("--timeout")
    del args[at : at + 2]
    code, lines, err = cli(*args)
    line = lines[0]
    assert (code, line["outcome"], line["error_code"], line["http_status"]) == (3, "transport_error", "timeout", 200)
    assert line["message"].startswith("No complete answer within 1.5 s"), err
    assert 1500 <= line["latency_ms"] < 4000
