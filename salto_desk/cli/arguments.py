"""Value parsers for command-line options shared by several subcommands (argparse ``type=``)."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable


def _finite(value: str) -> float | None:
    try:
        parsed = float(value)
    except ValueError:
        return None
    return parsed if math.isfinite(parsed) else None


def seconds(value: str) -> float:
    """A duration in seconds, 0 or more (inf and nan are no durations)."""
    parsed = _finite(value)
    if parsed is None or parsed < 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds (0 or more)")
    return parsed


def positive_seconds(value: str) -> float:
    """A duration in seconds, more than 0: a wait that is over before it starts is no wait."""
    parsed = _finite(value)
    if parsed is None or parsed <= 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds (more than 0)")
    return parsed


def count(value: str) -> int:
    """A whole number, 0 or more."""
    if not (value.isascii() and value.isdigit()):
        raise argparse.ArgumentTypeError(f"{value!r} is not a count (0 or more)")
    return int(value)


def count_between(low: int, high: int, what: str) -> Callable[[str], int]:
    """A parser of a whole number of ``what`` from ``low`` to ``high``."""

    def parse(value: str) -> int:
        if not (value.isascii() and value.isdigit() and low <= int(value) <= high):
            raise argparse.ArgumentTypeError(f"{value!r} is not a number of {what} from {low} to {high}")
        return int(value)

    return parse


def port(value: str) -> int:
    """A TCP port; 0 lets the system pick a free one."""
    if not (value.isascii() and value.isdigit()) or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port (0-65535, 0 = any free port)")
    return int(value)
