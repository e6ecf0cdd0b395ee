"""`salto-desk`: the one entry point. Each module of this package registers the subcommands of one area.

Commands log to the same rotating, masked log file as the window (the window sets up its own), and
no fault ever reaches the user as a Python traceback: an unexpected one is written to the log and
the command says where, with exit code 1.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from salto_desk import __version__
from salto_desk.cli import desk as desk_cli
from salto_desk.cli import pms as pms_cli
from salto_desk.cli import salto as salto_cli
from salto_desk.cli import simulator as simulator_cli
from salto_desk.cli import sync as sync_cli
from salto_desk.errors import SaltoDeskError, Text
from salto_desk.exit_codes import ExitCode
from salto_desk.logs import DeskLogHandler, configure_logging, mask_known_secrets
from salto_desk.paths import app_paths


def _default_language() -> str:
    for variable in ("SALTO_DESK_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            return "nl" if value.lower().startswith("nl") else "en"
    return "en"


log = logging.getLogger("salto_desk.cli")


def _password_refused(url: str | None) -> Text | None:
    """Why a database URL must not be given with its password: anyone on the computer can read a command
    line (the process list, shell history, a shortcut)."""
    if not url:
        return None
    try:
        if make_url(url).password is None:
            return None
    except ArgumentError:
        return None  # opening it says what is wrong with it
    return Text(
        "The database URL contains a password, which other users of this computer can read in the process "
        "list. Give the URL without the password and keep the password in this computer's keyring "
        "('salto-desk database set-password'), in the PGPASSWORD environment variable or in a pgpass file.",
        "De database-URL bevat een wachtwoord, dat andere gebruikers van deze computer in de proceslijst kunnen "
        "lezen. Geef de URL zonder wachtwoord en bewaar het wachtwoord in de sleutelbos van deze computer "
        "('salto-desk database set-password'), in de omgevingsvariabele PGPASSWORD of in een pgpass-bestand.",
    )


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
    desk_cli.register(subparsers)
    sync_cli.register(subparsers)
    return parser


def _run_gui(args: argparse.Namespace) -> int:
    """The desk window. The Qt front end is imported only here (by name, so the core's type check and
    every other command never load Qt)."""
    run_gui: Callable[[argparse.Namespace], int] = importlib.import_module("ui.app").run_gui
    return run_gui(args)


@contextmanager
def _command_log(data_dir: Path | None, language: str) -> Iterator[Path | None]:
    """The desk's log file for the length of one command; a log that cannot be opened is said once and
    the command goes on without it."""
    try:
        log_file: Path | None = configure_logging(app_paths(data_dir).ensure().logs)
    except SaltoDeskError as error:
        print(error.user_message(language), file=sys.stderr)
        log_file = None
    try:
        yield log_file
    finally:
        root = logging.getLogger()
        for handler in [each for each in root.handlers if isinstance(each, DeskLogHandler)]:
            root.removeHandler(handler)
            handler.close()


def _run_command(args: argparse.Namespace, argv: Sequence[str]) -> int:
    language: str = args.language
    with _command_log(args.data_dir, language) as log_file:
        log.info("command started: salto-desk %s", mask_known_secrets(" ".join(argv)))
        try:
            code = int(args.func(args))
        except KeyboardInterrupt:
            log.info("command interrupted")
            return ExitCode.FAILURE
        except SaltoDeskError as error:  # a command that did not sort its own errors out
            log.warning("command failed: %s", error.user_message("en"))
            print(error.user_message(language), file=sys.stderr)
            return ExitCode.FAILURE
        except Exception:
            log.exception("command stopped by an unexpected fault")
            where = str(log_file) if log_file is not None else "-"
            print(
                Text(
                    f"The command stopped because of an unexpected fault; the details are in the log file {where}.",
                    f"De opdracht is gestopt door een onverwachte fout; de details staan in het logbestand {where}.",
                )(language),
                file=sys.stderr,
            )
            return ExitCode.FAILURE
        log.info("command finished with exit code %d", code)
        return code


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(arguments)
    if args.screenshots is not None and not args.demo:
        parser.error("--screenshots needs --demo: the pictures show the demo's data and a running encode")
    if (refused := _password_refused(args.database_url)) is not None:
        print(refused(args.language or _default_language()), file=sys.stderr)
        return ExitCode.USAGE
    if args.func is _run_gui:
        code: int = args.func(args)
        return code
    if args.language is None:
        args.language = _default_language()
    return _run_command(args, arguments)


if __name__ == "__main__":
    sys.exit(main())
