"""Debugging tools over the core: signature explainers, token inspectors (no Qt)."""
