"""The command line's argument parser: no abbreviations, kebab-case flags, bad arguments as one JSON line."""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from collections.abc import Iterable, Sequence
from contextvars import ContextVar
from typing import Any, NoReturn

from console.cli.output import EXIT_BAD_INPUT, emit

BAD_ARGUMENTS = "bad_arguments"

# the parsers one parse_args() call has entered, outermost first: argparse reports a sub-parser's unknown flags
# from the outermost parser, and the hint must come from the innermost one, whose flags they were meant to be
_ENTERED: ContextVar[list[ConsoleArgumentParser] | None] = ContextVar("entered_parsers", default=None)


def kebab(name: str) -> str:
    """A parameter name in kebab case: ``externalId`` -> ``external-id``, ``api_key`` -> ``api-key``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).replace("_", "-").lower()


def flags(*names: str) -> list[str]:
    """The option strings for ``names``: each one's kebab-case spelling first, then the name as declared."""
    found: list[str] = []
    for name in names:
        for spelling in (kebab(name), name):
            if f"--{spelling}" not in found:
                found.append(f"--{spelling}")
    return found


class BadArguments(ValueError):
    """Arguments argparse accepted but the console cannot act on, found once the operation is known."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


def bad_arguments_line(message: str, hint: str | None = None) -> dict[str, Any]:
    """The JSON line of arguments the console cannot act on (exit 2: nothing was sent)."""
    line: dict[str, Any] = {"ok": False, "outcome": "refused", "error_code": BAD_ARGUMENTS, "message": message}
    if hint:
        line["hint"] = hint
    return line


def closest(word: str, valid: Iterable[str]) -> str | None:
    """The valid spelling closest to ``word``, if one is close enough to be what was meant.

    An abbreviation of exactly one valid spelling (argparse no longer expands them) means that one.
    """
    candidates = list(valid)
    longer = [c for c in candidates if c.startswith(word) and c != word]
    if len(longer) == 1:
        return longer[0]
    matches = difflib.get_close_matches(word, candidates, n=1)
    return matches[0] if matches else None


class ConsoleArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser that refuses abbreviated flags and reports bad arguments as one JSON line on stdout.

    Sub-parsers made with ``add_subparsers().add_parser`` are of this class too (argparse uses the parent's class),
    so the whole tree behaves alike. The usage and argparse's message still go to stderr; the exit code is 2.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Build the parser; ``allow_abbrev`` is always off (``--phone_number`` must not mean another flag)."""
        kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)
        self._bad_choice: tuple[object, Sequence[object]] | None = None

    def parse_args(self, args: Iterable[str] | None = None, namespace: Any = None) -> Any:
        """Parse the command line; unknown flags are refused by the innermost sub-parser reached, whose they were."""
        token = _ENTERED.set([])
        try:
            parsed, extras = self.parse_known_args(args, namespace)
            if extras:
                entered = _ENTERED.get()
                failed = entered[-1] if entered else self
                unknown = next((w.partition("=")[0] for w in extras if w.startswith("-")), None)
                hint = closest(unknown, failed._option_string_actions) if unknown else None
                failed.refuse(f"unrecognized arguments: {' '.join(extras)}", hint)
            return parsed
        finally:
            _ENTERED.reset(token)

    def parse_known_args(self, args: Iterable[str] | None = None, namespace: Any = None) -> tuple[Any, list[str]]:
        """Parse what this parser knows; sub-parsers are entered through here."""
        entered = _ENTERED.get()
        if entered is not None:
            entered.append(self)
        return super().parse_known_args(args, namespace)

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        """Argparse's choice check, keeping the refused value and the choices for the hint."""
        try:
            super()._check_value(action, value)
        except argparse.ArgumentError:
            self._bad_choice = (value, list(action.choices or ()))
            raise

    def error(self, message: str) -> NoReturn:
        """Refuse the arguments with argparse's message and, for a refused choice, the closest valid one."""
        hint = None
        if self._bad_choice is not None:
            (value, choices), self._bad_choice = self._bad_choice, None
            if choices and all(isinstance(c, str) for c in choices):
                hint = closest(str(value), (str(c) for c in choices))
        self.refuse(message, hint)

    def refuse(self, message: str, hint: str | None = None) -> NoReturn:
        """Print one ``bad_arguments`` JSON line on stdout, the usage and the message on stderr; exit 2."""
        emit(bad_arguments_line(message, hint))
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")
