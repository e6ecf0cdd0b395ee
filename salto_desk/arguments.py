"""Value parsers for command-line options shared by several subcommands (argparse ``type=``)."""

from __future__ import annotations

import argparse


def seconds(value: str) -> float:
    """A duration in seconds, 0 or more."""
    try:
        parsed = float(value)
    except ValueError:
        parsed = -1.0
    if not parsed >= 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds (0 or more)")
    return parsed


def count(value: str) -> int:
    """A whole number, 0 or more."""
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"{value!r} is not a count (0 or more)")
    return int(value)


def port(value: str) -> int:
    """A TCP port; 0 lets the system pick a free one."""
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port (0-65535, 0 = any free port)")
    return int(value)
