"""The CLI starts in proportion to what it does: --version and --help load no provider or network code."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from console.cli.commands import COMMANDS, summary_help
from console.cli.parser import build_parser

PROBE = """
import json, sys
from console.__main__ import main
code = main([{flag!r}])
heavy = ("httpx", "aiohttp", "jwt", "PySide6", "console.providers", "console.service", "console.listener")
print(json.dumps([code, sorted(m for m in sys.modules if m.startswith(heavy))]))
"""


@pytest.mark.parametrize("flag", ["--version", "--help", "-h"])
def test_version_and_help_import_nothing_heavy(flag: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(flag=flag)], capture_output=True, text=True, timeout=60, check=True
    )
    *printed, last = done.stdout.splitlines()
    code, loaded = json.loads(last)
    assert code == 0
    assert loaded == []
    text = "\n".join(printed)
    assert ("otp-console 0.2.0" if flag == "--version" else "positional arguments") in text


def test_the_quick_help_is_the_full_parsers_help() -> None:
    assert summary_help() == build_parser().format_help()
    full = build_parser().format_help()
    assert all(f"    {name}" in full for name in COMMANDS)


@pytest.mark.parametrize(
    "argv",
    [
        ["send", "zadarma", "--to", "+48575555555"],
        ["send", "ycloud", "--to", "+447911123456", "--code", "123456"],
        ["check", "zadarma", "--verification", "v-1", "--code", "1234"],
        ["balance", "vbee"],
        ["run", "zadarma", "sounds"],
        ["history", "--count"],
        ["scenario", "list"],
        ["listen", "--port", "0"],
    ],
)
def test_a_parser_built_for_the_command_typed_parses_it_as_the_whole_one_does(argv: list[str]) -> None:
    assert vars(build_parser(argv).parse_args(argv)) == vars(build_parser().parse_args(argv))
