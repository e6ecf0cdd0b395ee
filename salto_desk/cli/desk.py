"""`salto-desk config export|import FILE`, `salto-desk audit export --since DATE` and `salto-desk pin clear`.

Exit codes (``ExitCode``): 0 success, 2 invalid input (the file or a value in it, a date out of range),
1 when the work could not be done (database unusable, file not readable or writable). Written files
are readable by their owner only: the configuration and the audit trail describe the park and its guests.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from salto_desk.coordination import DATABASE_PASSWORD
from salto_desk.errors import SaltoDeskError, Text, ValidationError
from salto_desk.exit_codes import ExitCode
from salto_desk.paths import file_error, open_private
from salto_desk.secrets import SecretStore, ask_secret
from salto_desk.services.audit_trail import start_database, write_audit_csv
from salto_desk.services.configuration_file import (
    dump_configuration,
    export_configuration,
    import_configuration,
    read_configuration,
)
from salto_desk.storage.audit_repository import AuditRepository
from salto_desk.storage.database import Database
from salto_desk.storage.settings_repository import MANAGER_PIN, SettingsRepository

log = logging.getLogger(__name__)

Work = Callable[[argparse.Namespace, Database], str]
FIRST_AUDIT_DAY, LAST_AUDIT_DAY = date(2000, 1, 1), date(2099, 12, 31)
"""The days SALTO's two-digit years can name; no audit row lies outside them."""


def _date(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None
    if not FIRST_AUDIT_DAY <= day <= LAST_AUDIT_DAY:
        raise argparse.ArgumentTypeError(
            f"{text} is outside the days the audit trail can hold ({FIRST_AUDIT_DAY} to {LAST_AUDIT_DAY})"
        )
    return day


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

    shared = subparsers.add_parser("database", help="the shared PostgreSQL database of several desks")
    shared_commands = shared.add_subparsers(dest="database_command", required=True, metavar="ACTION")
    set_password = shared_commands.add_parser(
        "set-password",
        help="keep the database password in this computer's keyring (asked for, never echoed or logged); the "
        "--database-url then names no password",
    )
    set_password.set_defaults(func=_set_database_password)

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
        return ExitCode.USAGE
    except SaltoDeskError as error:
        print(error.user_message(language), file=sys.stderr)
        return ExitCode.FAILURE
    finally:
        if database is not None:
            database.dispose()
    print(summary, file=sys.stderr)
    return ExitCode.OK


def _language(args: argparse.Namespace) -> str:
    return str(getattr(args, "language", "en"))


def _export_config(args: argparse.Namespace, database: Database) -> str:
    document = export_configuration(database)
    try:
        with open_private(args.file) as stream:
            stream.write(dump_configuration(document))
    except OSError as error:
        raise file_error(args.file, error, writing=True) from error
    count = len(document["administrations"])
    return Text(
        f"Wrote {count} administration(s) to {args.file}.", f"{count} administratie(s) naar {args.file} geschreven."
    )(_language(args))


def _import_config(args: argparse.Namespace, database: Database) -> str:
    summary = import_configuration(database, read_configuration(args.file))
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
            with open_private(output, newline="") as stream:
                count = write_audit_csv(entries, stream)
        except OSError as error:
            raise file_error(output, error, writing=True) from error
    return Text(
        f"Exported {count} audit row(s) since {args.since.isoformat()}.",
        f"{count} auditregel(s) sinds {args.since.isoformat()} geëxporteerd.",
    )(_language(args))


def _set_database_password(args: argparse.Namespace) -> int:
    """No database is opened: the password is what opening the shared one needs."""
    language = _language(args)
    password = ask_secret(Text("Database password: ", "Databasewachtwoord: ")(language))
    try:
        SecretStore().set(DATABASE_PASSWORD, password)
    except SaltoDeskError as error:
        print(error.user_message(language), file=sys.stderr)
        return ExitCode.USAGE
    stored = Text(
        "The database password is stored in this computer's keyring; start the desk with the URL without it.",
        "Het databasewachtwoord staat in de sleutelbos van deze computer; start de balie met de URL zonder wachtwoord.",
    )
    print(stored(language))
    return ExitCode.OK


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
