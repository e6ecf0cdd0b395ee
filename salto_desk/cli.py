"""`salto-desk`: the one entry point. Each area registers its own subcommands here."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from salto_desk import __version__, sync_cli
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
        "--language",
        choices=("en", "nl"),
        default=None,
        help="language of messages (en or nl); the window defaults to the language chosen on this desk, else the "
        "system's; commands default to SALTO_DESK_LANGUAGE or LANG",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start the window against a built-in SALTO simulator and demo PMS, with a temporary data folder",
    )
    parser.add_argument(
        "--screenshots",
        type=Path,
        metavar="DIR",
        help="with --demo: save a PNG of every tab, the settings dialogs and an encode prompt in DIR, then exit",
    )
    parser.set_defaults(func=_run_gui)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    gui = subparsers.add_parser("gui", help="start the desk window (the default without a command)")
    gui.set_defaults(func=_run_gui)
    simulator = subparsers.add_parser("simulator", help="run a SALTO ProAccess Space simulator")
    simulator_cli.add_arguments(simulator)
    simulator.set_defaults(func=simulator_cli.run)
    salto_cli.register(subparsers)
    pms_cli.register(subparsers)
    keys_cli.register(subparsers)
    sync_cli.register(subparsers)
    return parser


def _run_gui(args: argparse.Namespace) -> int:
    """The desk window. The Qt front end is imported only here (by name, so the core's type check and
    every other command never load Qt)."""
    run_gui: Callable[[argparse.Namespace], int] = importlib.import_module("ui.app").run_gui
    return run_gui(args)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.screenshots is not None and not args.demo:
        parser.error("--screenshots needs --demo: the pictures show the demo's data and a running encode")
    if args.language is None and args.func is not _run_gui:
        args.language = _default_language()
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
