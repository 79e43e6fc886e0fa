"""What the ``lightbox`` subcommands share."""

from __future__ import annotations


class UsageError(Exception):
    """The command line itself is wrong (exit code 2)."""
