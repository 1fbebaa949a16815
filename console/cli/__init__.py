"""The headless face: subcommands over the core service, one JSON line per result."""
