"""Bootstrap a fresh checkout: ``python3 bootstrap.py [ARGS]`` opens the GUI, ``--test [ARGS]`` runs pytest.

Standard library only: this runs before any dependency is installed. It checks the prerequisites, keeps a
``.venv`` in the repository root up to date with ``pip install -e '.[test]'`` (skipped while the hash of
``pyproject.toml`` matches the stamp in ``.venv``), then either execs ``.venv/bin/otp-console ARGS`` or runs
``.venv/bin/python -m pytest ARGS`` (exec'd too, so the exit code is pytest's). Tests always run offscreen unless
QT_QPA_PLATFORM is already set, so they never open windows on a developer's desktop and behave as in CI.
"""

from __future__ import annotations

import ctypes.util
import glob
import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

MIN_PYTHON = (3, 11)
ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".otp-console-install.sha256"
EXTRAS = "test"
WINDOWS = os.name == "nt"
BIN = VENV / ("Scripts" if WINDOWS else "bin")
EXE = ".exe" if WINDOWS else ""
# What Qt's xcb platform plugin loads that a minimal Debian/Ubuntu lacks: library name -> package.
XCB_LIBS = {
    "xcb-cursor": "libxcb-cursor0",
    "xkbcommon-x11": "libxkbcommon-x11-0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-keysyms": "libxcb-keysyms1",
    "EGL": "libegl1",
}


class Missing(Exception):
    """A prerequisite is missing; the message says what and how to install it."""


def say(message: str) -> None:
    """Print one progress line to stderr."""
    print(f"[bootstrap] {message}", file=sys.stderr, flush=True)


def check_python() -> None:
    """Require Python >= 3.11 and the venv/ensurepip modules."""
    found = ".".join(map(str, sys.version_info[:3]))
    say(f"Python {found} at {sys.executable}")
    if sys.version_info < MIN_PYTHON:
        newer = [n for n in ("python3.13", "python3.12", "python3.11") if shutil.which(n)]
        hint = f"; {newer[0]} is on PATH: run `{newer[0]} bootstrap.py`" if newer else ""
        raise Missing(
            f"Python >= 3.11 is required, found {found}. Install it (Debian 12/Ubuntu 24.04: "
            f"`sudo apt install python3`; elsewhere python.org or pyenv){hint}."
        )
    for module in ("venv", "ensurepip"):
        if importlib.util.find_spec(module) is None:
            raise Missing(
                f"The Python module `{module}` is missing. Debian/Ubuntu: `sudo apt install python3-venv` "
                f"(or python{sys.version_info[0]}.{sys.version_info[1]}-venv)."
            )


def debian_package(soname: str) -> str:
    """Debian's package name for a shared library, by its naming policy (libEGL.so.1 -> libegl1)."""
    name, _, version = soname.partition(".so")
    name, major = name.lower(), version.strip(".").split(".")[0]
    return f"{name}{'-' if name[-1:].isdigit() else ''}{major}"


def check_display() -> None:
    """For the GUI on Linux: a display (or an explicit QT_QPA_PLATFORM) and Qt's xcb libraries."""
    if not sys.platform.startswith("linux"):
        return
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if not platform and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise Missing(
            "No display: neither DISPLAY nor WAYLAND_DISPLAY is set. On a headless machine run "
            "`xvfb-run -a python3 bootstrap.py` (Debian: `sudo apt install xvfb xauth`), or "
            "`QT_QPA_PLATFORM=offscreen python3 bootstrap.py` for a window nobody can see."
        )
    if platform and not platform.startswith("xcb"):
        return  # offscreen, wayland, vnc…: the xcb libraries are not used
    missing = [pkg for lib, pkg in XCB_LIBS.items() if not ctypes.util.find_library(lib)]
    if missing:
        raise Missing(
            f"Qt's X11 (xcb) platform needs system libraries that are missing. Debian/Ubuntu: "
            f"`sudo apt install {' '.join(missing)}`."
        )


def check_qt_plugin() -> None:
    """After the install: every library the installed xcb plugin links to must resolve (ldd)."""
    plugins = glob.glob(
        str(VENV / "lib" / "python3*" / "site-packages" / "PySide6" / "Qt" / "plugins" / "platforms" / "libqxcb.so")
    )
    if not plugins or not shutil.which("ldd") or os.environ.get("QT_QPA_PLATFORM", "xcb")[:3] != "xcb":
        return
    out = subprocess.run(["ldd", plugins[0]], capture_output=True, text=True, check=False).stdout
    absent = sorted({line.split()[0] for line in out.splitlines() if "not found" in line})
    if absent:
        raise Missing(
            f"Qt's xcb plugin cannot load {', '.join(absent)}. Debian/Ubuntu: "
            f"`sudo apt install {' '.join(sorted({debian_package(s) for s in absent}))}`."
        )


def run(cmd: list[str], what: str) -> None:
    """Run ``cmd`` from the repository root; raise Missing with ``what`` when it fails."""
    if subprocess.run(cmd, cwd=ROOT, check=False).returncode != 0:
        raise Missing(f"{what} failed (command: {' '.join(cmd)}); see the output above.")


def wanted_stamp() -> str:
    """Hash of what the install depends on: pyproject.toml and the extras."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes())
    digest.update(EXTRAS.encode())
    return digest.hexdigest()


def venv_ok(python: Path) -> bool:
    """True when the venv's interpreter runs, has pip, and is this Python's version (else it is remade)."""
    if not python.exists():
        return False
    probe = subprocess.run([str(python), "-m", "pip", "--version"], capture_output=True, text=True, check=False)
    return probe.returncode == 0 and f"(python {sys.version_info[0]}.{sys.version_info[1]})" in probe.stdout


def ensure_venv() -> Path:
    """Create or repair ``.venv`` and install the project into it when pyproject.toml changed; return its python."""
    python = BIN / f"python{EXE}"
    if not venv_ok(python):
        say(f"creating the virtual environment {VENV} with Python {sys.version_info[0]}.{sys.version_info[1]}")
        cmd = [sys.executable, "-m", "venv", *(["--clear"] if VENV.exists() else []), str(VENV)]
        if subprocess.run(cmd, check=False).returncode != 0 or not venv_ok(python):
            raise Missing(
                "Could not create the virtual environment (ensurepip failed). Debian/Ubuntu: "
                "`sudo apt install python3-venv`, then delete .venv and run this again."
            )
    stamp = wanted_stamp()
    if STAMP.exists() and STAMP.read_text().strip() == stamp:
        say(".venv is up to date (pyproject.toml unchanged)")
        return python
    started = time.monotonic()
    say("upgrading pip")
    pip = [str(python), "-m", "pip", "--disable-pip-version-check", "-q"]
    if subprocess.run([*pip, "install", "--upgrade", "pip"], cwd=ROOT, check=False).returncode != 0:
        say("warning: could not upgrade pip; going on with the bundled one")
    say(f"installing the console and its dependencies: pip install -e '.[{EXTRAS}]' (a minute or two)")
    STAMP.unlink(missing_ok=True)
    run([*pip, "install", "-e", f".[{EXTRAS}]"], "Installing the dependencies")
    STAMP.write_text(stamp + "\n")
    say(f"installed in {time.monotonic() - started:.0f} s")
    return python


def opens_gui(args: list[str]) -> bool:
    """Whether ``otp-console ARGS`` opens the GUI (mirrors console.__main__.main)."""
    return "--self-test" not in args and (not args or args[0] in {"gui", "--gui"})


def main(argv: list[str] | None = None) -> int:
    """Check, install, then become pytest or the console; return an exit code only on failure (or on Windows)."""
    args = list(sys.argv[1:] if argv is None else argv)
    testing = bool(args) and args[0] == "--test"
    try:
        check_python()
        if not testing and opens_gui(args):
            check_display()
        python = ensure_venv()
        if testing:
            env = dict(os.environ)
            env.setdefault("QT_QPA_PLATFORM", "offscreen")
            say(f"running the tests (QT_QPA_PLATFORM={env['QT_QPA_PLATFORM']}): python -m pytest {' '.join(args[1:])}")
            return become([str(python), "-m", "pytest", *args[1:]], env, cwd=ROOT)
        if opens_gui(args):
            check_qt_plugin()
    except Missing as exc:
        say(f"error: {exc}")
        return 2
    exe = BIN / f"otp-console{EXE}"
    say(f"starting {exe.relative_to(ROOT)} {' '.join(args)}".rstrip())
    return become([str(exe), *args], dict(os.environ))


def become(cmd: list[str], env: dict[str, str], cwd: Path | None = None) -> int:
    """Replace this process with ``cmd`` (in ``cwd``), so its exit code and signals are its own."""
    if WINDOWS:  # os.exec* on Windows spawns and returns at once, which confuses terminals
        return subprocess.run(cmd, cwd=cwd, env=env, check=False).returncode
    if cwd is not None:
        os.chdir(cwd)
    os.execve(cmd[0], cmd, env)


if __name__ == "__main__":
    sys.exit(main())
