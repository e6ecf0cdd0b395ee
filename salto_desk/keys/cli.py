"""`salto-desk config export|import FILE`, `salto-desk audit export --since DATE` and `salto-desk pin clear`.

Exit codes follow the CLI contract: 0 success, 2 invalid input (the file or a value in it), 1 when
the work could not be done (database unreachable, file not writable).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from salto_desk.errors import SaltoDeskError, Text, ValidationError
from salto_desk.keys.audit import start_database, write_audit_csv
from salto_desk.keys.configuration import (
    dump_configuration,
    export_configuration,
    import_configuration,
    parse_configuration,
)
from salto_desk.storage.audit_repository import AuditRepository
from salto_desk.storage.database import Database
from salto_desk.storage.settings_repository import MANAGER_PIN, SettingsRepository

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2
Work = Callable[[argparse.Namespace, Database], str]


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    config = subparsers.add_parser("config", help="move the configuration between desks as JSON (no secrets)")
    config_commands = config.add_subparsers(dest="config_command", required=True, metavar="ACTION")
    export = config_commands.add_parser("export", help="write the whole configuration to FILE")
    export.add_argument("file", type=Path, metavar="FILE")
    export.set_defaults(func=lambda args: _run(args, _export_config))
    load = config_commands.add_parser("import", help="apply a configuration FILE (all or nothing)")
    load.add_argument("file", type=Path, metavar="FILE")
    load.set_defaults(func=lambda args: _run(args, _import_config))

    audit = subparsers.add_parser("audit", help="the audit trail of every SALTO operation")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    audit_export = audit_commands.add_parser("export", help="write audit rows as CSV")
    audit_export.add_argument(
        "--since", type=_date, required=True, metavar="DATE", help="first day (YYYY-MM-DD, this computer's time)"
    )
    audit_export.add_argument("--output", type=Path, metavar="FILE", help="CSV file (default: standard output)")
    audit_export.set_defaults(func=lambda args: _run(args, _export_audit))

    pin = subparsers.add_parser("pin", help="the manager PIN that locks the Settings tab")
    pin_commands = pin.add_subparsers(dest="pin_command", required=True, metavar="ACTION")
    clear = pin_commands.add_parser(
        "clear",
        help="remove a forgotten manager PIN from the shared database (then set a new one in Settings)",
    )
    clear.set_defaults(func=lambda args: _run(args, _clear_pin))


def _run(args: argparse.Namespace, work: Work) -> int:
    """Open (and migrate) the database, settle interrupted audit rows, do the work, report."""
    language: str = getattr(args, "language", "en")
    database: Database | None = None
    try:
        database = start_database(getattr(args, "database_url", None), getattr(args, "data_dir", None))
        summary = work(args, database)
    except ValidationError as error:
        print(error.user_message(language), file=sys.stderr)
        return EXIT_USAGE
    except SaltoDeskError as error:
        print(error.user_message(language), file=sys.stderr)
        return EXIT_FAILURE
    finally:
        if database is not None:
            database.dispose()
    print(summary, file=sys.stderr)
    return EXIT_OK


def _language(args: argparse.Namespace) -> str:
    return str(getattr(args, "language", "en"))


def _file_error(path: Path, error: OSError, *, writing: bool) -> SaltoDeskError:
    verb = Text("written", "geschreven") if writing else Text("read", "gelezen")
    reason = error.strerror or str(error)
    return SaltoDeskError(
        Text(
            f"The file {path} cannot be {verb.en}: {reason}.",
            f"Het bestand {path} kan niet worden {verb.nl}: {reason}.",
        ),
        Text("Check the file name and folder.", "Controleer de bestandsnaam en de map."),
    )


def _export_config(args: argparse.Namespace, database: Database) -> str:
    document = export_configuration(database)
    try:
        args.file.write_text(dump_configuration(document), encoding="utf-8")
    except OSError as error:
        raise _file_error(args.file, error, writing=True) from error
    count = len(document["administrations"])
    return Text(
        f"Wrote {count} administration(s) to {args.file}.", f"{count} administratie(s) naar {args.file} geschreven."
    )(_language(args))


def _import_config(args: argparse.Namespace, database: Database) -> str:
    try:
        text = args.file.read_text(encoding="utf-8")
    except OSError as error:
        raise _file_error(args.file, error, writing=False) from error
    except UnicodeDecodeError:
        raise ValidationError(
            "file",
            Text(f"{args.file} is not a UTF-8 text file.", f"{args.file} is geen UTF-8-tekstbestand."),
            Text(
                "Use a file written by 'salto-desk config export'.",
                "Gebruik een bestand dat door 'salto-desk config export' is gemaakt.",
            ),
        ) from None
    summary = import_configuration(database, parse_configuration(text, str(args.file)))
    return Text(
        f"Imported {summary.administrations} administration(s), {summary.key_types} key type(s), "
        f"{summary.products} product(s), {summary.encoders} encoder(s) and {summary.door_names} door name(s).",
        f"{summary.administrations} administratie(s), {summary.key_types} sleuteltype(s), {summary.products} "
        f"product(en), {summary.encoders} encoder(s) en {summary.door_names} deurnaam/-namen geïmporteerd.",
    )(_language(args))


def _export_audit(args: argparse.Namespace, database: Database) -> str:
    since = datetime.combine(args.since, datetime.min.time()).astimezone()  # local midnight, DST-aware
    with database.unit_of_work() as session:
        entries = AuditRepository(session).entries(since=since)
    output: Path | None = args.output
    if output is None:
        count = write_audit_csv(entries, sys.stdout)
    else:
        try:
            with output.open("w", newline="", encoding="utf-8") as stream:
                count = write_audit_csv(entries, stream)
        except OSError as error:
            raise _file_error(output, error, writing=True) from error
    return Text(
        f"Exported {count} audit row(s) since {args.since.isoformat()}.",
        f"{count} auditregel(s) sinds {args.since.isoformat()} geëxporteerd.",
    )(_language(args))


def _clear_pin(args: argparse.Namespace, database: Database) -> str:
    """The way back in when nobody knows the PIN: whoever can reach the database may remove it."""
    with database.unit_of_work() as session:
        settings = SettingsRepository(session)
        was_set = settings.get(MANAGER_PIN) is not None
        settings.set(MANAGER_PIN, None)
    if not was_set:
        nothing = Text("No manager PIN was set: nothing changed.", "Er was geen beheerders-pincode ingesteld.")
        return nothing(_language(args))
    log.warning("the manager PIN was cleared from the command line")
    return Text(
        "The manager PIN is removed: the Settings tab opens without a PIN on every desk. "
        "Set a new PIN in Settings > Manager PIN.",
        "De beheerders-pincode is verwijderd: het tabblad Instellingen opent op elke balie zonder pincode. "
        "Stel een nieuwe pincode in bij Instellingen > Beheerders-pincode.",
    )(_language(args))
