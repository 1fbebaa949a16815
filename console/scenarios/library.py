"""The built-in scenarios (``resources/scenarios/*.toml``) and the user's own folder."""

from __future__ import annotations

from pathlib import Path

from console.core.paths import resource_path
from console.scenarios.model import Scenario, ScenarioFile
from console.scenarios.parsing import load_file


def builtin_folder() -> Path:
    return resource_path("scenarios")


def scenario_files(folder: Path) -> list[Path]:
    """The ``.toml`` files of a folder, by name (none when it does not exist)."""
    return sorted(folder.glob("*.toml")) if folder.is_dir() else []


def load_folder(folder: Path) -> list[ScenarioFile]:
    """Every scenario file of a folder.

    Raises:
        ScenarioFileError: one of them is invalid.
    """
    return [load_file(path) for path in scenario_files(folder)]


def builtin(name: str = "all") -> list[ScenarioFile]:
    """The built-in files holding scenario ``name`` (a scenario's name, a file's name without ``.toml``, or all).

    Raises:
        KeyError: no built-in scenario has that name (the message lists them).
    """
    files = load_folder(builtin_folder())
    if name == "all":
        return files
    chosen: list[ScenarioFile] = []
    for found in files:
        if found.path.stem == name:
            chosen.append(found)
            continue
        named = tuple(s for s in found.scenarios if s.name == name)
        if named:
            chosen.append(ScenarioFile(found.path, named))
    if not chosen:
        names = [f.path.stem for f in files] + [s.name for f in files for s in f.scenarios]
        raise KeyError(f"no built-in scenario {name!r}; built in: {', '.join(names)}")
    return chosen


def scenarios_of(files: list[ScenarioFile]) -> list[Scenario]:
    return [scenario for found in files for scenario in found.scenarios]
