"""``otp-console scenario run|list``: scenario files on the simulators or live, step lines, JUnit for CI."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.cli.commands import COMMANDS
from console.cli.output import EXIT_BAD_INPUT, EXIT_OK, EXIT_REFUSED_BY_PROVIDER, emit

if TYPE_CHECKING:  # the scenarios load with the command: every other command starts without them
    from console.scenarios.model import Scenario, ScenarioFile, Step
    from console.scenarios.results import ScenarioResult, StepResult


def add_scenario_parser(sub: Any) -> None:
    """The ``scenario`` command and its ``run`` and ``list`` subcommands."""
    cmd = sub.add_parser("scenario", help=COMMANDS["scenario"])
    ssub = cmd.add_subparsers(dest="scenario_command", metavar="SUBCOMMAND", required=True)
    run = ssub.add_parser("run", help="run scenario files: one JSON line per step, per scenario, a summary last")
    run.add_argument("paths", nargs="*", metavar="PATH", help="scenario files (TOML)")
    run.add_argument("--builtin", metavar="NAME", help="a built-in scenario or file by name, or all")
    run.add_argument("--env", help="where the requests go for every scenario (default: each scenario's, simulator)")
    run.add_argument("--profile", metavar="NAME", help="a saved profile's credentials (outside the simulator)")
    run.add_argument("--junit", metavar="FILE", help="also write a JUnit XML report (one testsuite per file)")
    run.add_argument(
        "--allow-number", action="append", default=[], metavar="N", help="live: a number the scenarios may send to"
    )
    run.add_argument("--daily-cap", type=int, default=0, metavar="N", help="live: at most N sends per provider a day")
    run.add_argument(
        "--code-from-stdin",
        action="store_true",
        help="live: a step that needs the person at the phone reads what they did (a code) from stdin",
    )
    run.add_argument("--timeout", type=float, metavar="SECONDS", help="the request deadline (default 30)")
    listing = ssub.add_parser("list", help="the built-in scenarios (and the files given), one JSON line each")
    listing.add_argument("paths", nargs="*", metavar="PATH", help="scenario files to list too")


def run_scenario_command(args: argparse.Namespace) -> int:
    if args.scenario_command == "list":
        return _list(args)
    return _run(args)


def _files(args: argparse.Namespace) -> list[ScenarioFile] | None:
    """The files asked for, checked; None (after an error line) when one is invalid or unknown."""
    from console.scenarios.library import builtin
    from console.scenarios.parsing import ScenarioFileError, load_file

    files: list[ScenarioFile] = []
    try:
        if getattr(args, "builtin", None):
            files += builtin(args.builtin)
        files += [load_file(Path(path)) for path in args.paths]
    except ScenarioFileError as exc:
        emit(_invalid(str(exc.path), exc.line, exc.column, exc.reason))
        return None
    except KeyError as exc:
        emit(_invalid("", 0, 0, str(exc.args[0])))
        return None
    return files


def _invalid(path: str, line: int, column: int, message: str) -> dict[str, Any]:
    return {
        "event": "error",
        "ok": False,
        "outcome": "refused",
        "error_code": "invalid_scenario",
        "file": path,
        "line": line,
        "column": column,
        "message": message,
    }


def _list(args: argparse.Namespace) -> int:
    from console.scenarios.library import builtin

    args.builtin = None
    files = _files(args)
    if files is None:
        return EXIT_BAD_INPUT
    from console.core.settings import load_settings, scenarios_folder
    from console.scenarios.library import load_folder
    from console.scenarios.parsing import ScenarioFileError

    try:  # the user's folder (the GUI's Scenarios pane lists it too)
        files += load_folder(scenarios_folder(load_settings()))
    except ScenarioFileError as exc:
        emit(_invalid(str(exc.path), exc.line, exc.column, exc.reason))
    for found, is_builtin in [(f, True) for f in builtin()] + [(f, False) for f in files]:
        for scenario in found.scenarios:
            emit(
                {
                    "event": "scenario",
                    "name": scenario.name,
                    "provider": scenario.provider,
                    "env": scenario.env,
                    "steps": len(scenario.steps),
                    "file": str(found.path),
                    "builtin": is_builtin,
                }
            )
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    if not args.paths and not args.builtin:
        emit(_invalid("", 0, 0, "name scenario files, or --builtin NAME (or all)"))
        return EXIT_BAD_INPUT
    files = _files(args)
    if files is None:
        return EXIT_BAD_INPUT
    from console.scenarios.live import live_refusal

    chosen = [scenario for found in files for scenario in found.scenarios]
    refusal = live_refusal(chosen, args.allow_number, args.env)
    if refusal:
        emit({"event": "error", "ok": False, "outcome": "refused", "error_code": "not_allowed", "message": refusal})
        return EXIT_BAD_INPUT
    from console.scenarios.results import ERROR, FAILED, PASSED, SKIPPED

    suites = asyncio.run(_run_files(files, args))
    if args.junit:
        from console.scenarios.junit import write_junit

        write_junit(Path(args.junit), [(str(path), results) for path, results in suites])
    results = [r for _, rs in suites for r in rs]
    statuses = [r.status for r in results]
    emit(
        {
            "event": "summary",
            "ok": all(s == PASSED for s in statuses),
            "scenarios": len(results),
            "passed": statuses.count(PASSED),
            "failed": statuses.count(FAILED),
            "errors": statuses.count(ERROR),
            "skipped_steps": sum(st.status == SKIPPED for r in results for st in r.steps),
            "junit": args.junit,
        }
    )
    return EXIT_OK if all(s == PASSED for s in statuses) else EXIT_REFUSED_BY_PROVIDER


def _env(scenario: Scenario, args: argparse.Namespace) -> str:
    return str(args.env or scenario.env)


async def _run_files(files: list[ScenarioFile], args: argparse.Namespace) -> list[tuple[Path, list[ScenarioResult]]]:
    """Run every scenario, in one rig per environment (one process, no process per step)."""
    from console.scenarios.rig import open_rig
    from console.scenarios.runner import ScenarioRunner
    from console.service.spend_guard import SpendGuard

    suites: list[tuple[Path, list[ScenarioResult]]] = [(found.path, []) for found in files]
    envs = list(dict.fromkeys(_env(s, args) for found in files for s in found.scenarios))
    guard = SpendGuard(tuple(args.allow_number), 0.0, args.daily_cap)
    ask = _ask_stdin if args.code_from_stdin else None
    for env in envs:
        async with open_rig(env, profile=args.profile, guard=guard, timeout_s=args.timeout) as rig:
            rig.profile = args.profile
            runner = ScenarioRunner(rig, ask_user=ask)
            for (_, results), found in zip(suites, files, strict=True):
                for scenario in found.scenarios:
                    if _env(scenario, args) != env:
                        continue
                    result = await runner.run(scenario, _printer(scenario))
                    results.append(result)
                    emit(result.line())
    return suites


def _printer(scenario: Scenario) -> Callable[[StepResult], None]:
    return lambda step: emit(step.line(scenario))


async def _ask_stdin(prompt: str, step: Step) -> str | None:
    print(f"{step.title}: {prompt}; then type what you received (empty: skip) and Enter", file=sys.stderr)
    line = await asyncio.to_thread(sys.stdin.readline)
    return line.strip() or None
