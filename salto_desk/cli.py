"""`salto-desk`: the one entry point. Each area registers its own subcommands here."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from salto_desk import __version__
from salto_desk.keys import cli as keys_cli
from salto_desk.pms import cli as pms_cli
from salto_desk.protocol import cli as salto_cli
from salto_desk.simulator import cli as simulator_cli


def _default_language() -> str:
    for variable in ("SALTO_DESK_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            return "nl" if value.lower().startswith("nl") else "en"
    return "en"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="salto-desk", description="Front-desk key cards and mobile keys for BEX PMS and SALTO ProAccess Space."
    )
    parser.add_argument("--version", action="version", version=f"salto-desk {__version__}")
    parser.add_argument("--data-dir", type=Path, metavar="DIR", help="where the database and settings live")
    parser.add_argument("--database-url", metavar="URL", help="an SQLAlchemy URL instead of the local SQLite file")
    parser.add_argument(
        "--language", choices=("en", "nl"), default=_default_language(), help="language of messages (en or nl)"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    simulator = subparsers.add_parser("simulator", help="run a SALTO ProAccess Space simulator")
    simulator_cli.add_arguments(simulator)
    simulator.set_defaults(func=simulator_cli.run)
    salto_cli.register(subparsers)
    pms_cli.register(subparsers)
    keys_cli.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return 0
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
