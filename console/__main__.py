"""Entry point: ``otp-console`` / ``python -m console``. No command opens the GUI; commands stay headless."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Dispatch to the GUI, the self-test or the CLI; Qt is imported only for the first two."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args in (["--version"], ["-h"], ["--help"]):  # answered without the providers, the HTTP stack or Qt
        from console.cli.commands import VERSION, summary_help

        sys.stdout.write(f"{VERSION}\n" if args == ["--version"] else summary_help())
        return 0
    if "--self-test" in args:
        from console.ui.selftest import run_self_test

        return run_self_test()
    if not args or args[0] in {"gui", "--gui"}:
        import signal

        # Ctrl+C while Qt loads ends quietly (no KeyboardInterrupt traceback); run_gui then installs handlers
        # that close the window as Quit does, once there is a window to close.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        from console.ui.startup import run_gui

        return run_gui()
    from console.cli.main import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
