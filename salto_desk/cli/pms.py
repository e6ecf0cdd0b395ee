"""`salto-desk pms ...`: store the BEX address and API key, check the link to BEX, or serve the demo PMS.

Exit codes (``ExitCode``): 0 success, 1 the database or the keyring cannot be used, 2 refused input (no or
unusable key, a bad address, a bad argument), 3 BEX answered with an error, 4 BEX could not be reached.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import sys
from datetime import timedelta

from salto_desk.cli.arguments import count, port, seconds
from salto_desk.demo.server import DEMO_API_KEY, DemoPmsServer
from salto_desk.demo.store import DEFAULT_RESERVATIONS, MAX_RESERVATIONS
from salto_desk.errors import SaltoDeskError, Text, ValidationError
from salto_desk.exit_codes import ExitCode
from salto_desk.pms.client import BexClient
from salto_desk.pms.errors import PmsError, PmsUnreachable
from salto_desk.pms.http import check_api_key
from salto_desk.pms.settings import DEFAULT_BASE_URL, PmsSettings, RetryPolicy, check_base_url
from salto_desk.pms.texts import shown
from salto_desk.secrets import PMS_API_KEY, InsecureKeyringError, SecretStore
from salto_desk.storage.database import open_database
from salto_desk.storage.settings_repository import PMS_BASE_URL, SettingsRepository
from salto_desk.sync.connection import stored_base_url

CHECK_RETRY = RetryPolicy(attempts=2, first_delay=0.5)
"""A check is interactive: one quick retry, then tell the user."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    pms = subparsers.add_parser("pms", help="BEX PMS: check the connection, or run the demo PMS")
    commands = pms.add_subparsers(dest="pms_command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="reach BEX with the API key and list the administrations")
    check.add_argument(
        "--base-url", metavar="URL", help="the BEX API address (default: from the settings, else the public v3 API)"
    )
    check.add_argument(
        "--api-key-env",
        metavar="VAR",
        help="read the API key from this environment variable (default: the one stored in the settings, kept in the "
        "system keyring)",
    )
    check.set_defaults(func=check_command)

    set_key = commands.add_parser(
        "set-key", help="store the BEX API key in this computer's keyring (asked for, never echoed or logged)"
    )
    set_key.set_defaults(func=set_key_command)

    set_url = commands.add_parser(
        "set-url", help="store the BEX address for every desk (https; plain http only to this computer)"
    )
    set_url.add_argument("url", metavar="URL", help=f"the BEX API address, normally {DEFAULT_BASE_URL}")
    set_url.set_defaults(func=set_url_command)

    demo = commands.add_parser("demo-server", help="serve the demo PMS on 127.0.0.1 until Ctrl+C")
    demo.add_argument("--port", type=port, default=0, metavar="N", help="port to listen on (0: any free port)")
    demo.add_argument("--seed", type=int, default=1, metavar="N", help="seed of the demo data (same seed, same data)")
    demo.add_argument(
        "--reservations",
        type=_reservations,
        default=DEFAULT_RESERVATIONS,
        metavar="N",
        help=f"how many reservations (at most {MAX_RESERVATIONS:,})",
    )
    demo.add_argument(
        "--activity",
        type=seconds,
        default=0.0,
        metavar="S",
        help="every S seconds cancel, move or check in a few bookings (0: the data stays still)",
    )
    demo.set_defaults(func=demo_server_command)


def _reservations(value: str) -> int:
    """A count of demo reservations the demo can hold in memory."""
    number = count(value)
    if number > MAX_RESERVATIONS:
        raise argparse.ArgumentTypeError(
            f"{value} reservations do not fit in the demo; use at most {MAX_RESERVATIONS:,} "
            "(its data is held in memory)"
        )
    return number


def _exit_code(error: SaltoDeskError) -> ExitCode:
    """Refused input or a missing key is a usage error; BEX's answer and reachability have codes of their own;
    anything else (the database or the keyring cannot be used) is a failure."""
    if isinstance(error, ValidationError | InsecureKeyringError):
        return ExitCode.USAGE
    if isinstance(error, PmsUnreachable):
        return ExitCode.UNREACHABLE
    if isinstance(error, PmsError):
        return ExitCode.REMOTE_ERROR
    return ExitCode.FAILURE


def _api_key(args: argparse.Namespace) -> str:
    """The key from the named environment variable, else from the OS keyring; never printed."""
    variable: str | None = args.api_key_env
    if variable:
        key = os.environ.get(variable, "")
        if not key:
            raise ValidationError(
                "api_key_env",
                Text(f"The environment variable {variable} is not set.", f"De omgevingsvariabele {variable} is leeg."),
                Text("Set it to the BEX API key.", "Zet de BEX-API-sleutel erin."),
            )
        return key
    stored = SecretStore().get(PMS_API_KEY)
    if not stored:
        raise ValidationError(
            "api_key",
            Text(
                "No BEX API key was found in this computer's keyring.",
                "Er staat geen BEX-API-sleutel in de sleutelbos van deze computer.",
            ),
            Text(
                "Enter the key in the settings, or pass --api-key-env with a variable that holds it.",
                "Vul de sleutel in bij de instellingen, of geef --api-key-env met een variabele die hem bevat.",
            ),
        )
    return stored


def set_key_command(args: argparse.Namespace) -> int:
    """Ask for the key without echo (or read one line from a pipe) and keep it in the keyring."""
    language: str = getattr(args, "language", "en")
    prompt = Text("BEX API key: ", "BEX-API-sleutel: ")(language)
    key = (getpass.getpass(prompt) if sys.stdin.isatty() else sys.stdin.readline()).strip()
    try:
        check_api_key(key)
        SecretStore().set(PMS_API_KEY, key)
    except SaltoDeskError as error:
        print(error.user_message(language), file=sys.stderr)
        return _exit_code(error)
    print(Text("The API key is stored in the keyring.", "De API-sleutel staat in de sleutelbos.")(language))
    return ExitCode.OK


def set_url_command(args: argparse.Namespace) -> int:
    """Store the BEX address in the shared settings, after the same check as the settings window."""
    language: str = getattr(args, "language", "en")
    try:
        url = check_base_url(str(args.url).strip())
        database = open_database(args.database_url, args.data_dir)
        try:
            with database.unit_of_work() as session:
                SettingsRepository(session).set(PMS_BASE_URL, url)
        finally:
            database.dispose()
    except SaltoDeskError as error:
        print(error.user_message(language), file=sys.stderr)
        return _exit_code(error)
    print(Text(f"The BEX address is now {url}.", f"Het BEX-adres is nu {url}.")(language))
    return ExitCode.OK


def _base_url(args: argparse.Namespace) -> tuple[str, Text]:
    """The address given, else the one the desk's settings hold, else the public API; and where it came from."""
    if args.base_url:
        return str(args.base_url), Text("given with --base-url", "opgegeven met --base-url")
    database = open_database(args.database_url, args.data_dir)
    try:
        stored = stored_base_url(database)
    finally:
        database.dispose()
    if stored:
        return stored, Text("from the settings", "uit de instellingen")
    return DEFAULT_BASE_URL, Text("the default", "de standaard")


def check_command(args: argparse.Namespace) -> int:
    language: str = getattr(args, "language", "en")
    try:
        base_url, source = _base_url(args)
        print(Text(f"BEX address: {base_url} ({source.en})", f"BEX-adres: {base_url} ({source.nl})")(language))
        settings = PmsSettings(base_url=base_url, retry=CHECK_RETRY)
        with BexClient(_api_key(args), settings) as client:
            pull = client.administrations()
    except SaltoDeskError as error:
        print(error.user_message(language), file=sys.stderr)
        return _exit_code(error)
    heading = Text(
        f"BEX answered: {len(pull.records)} administration(s).",
        f"BEX antwoordde: {len(pull.records)} administratie(s).",
    )
    print(heading(language))
    for administration in pull.records:
        offset = "" if administration.utc_offset is None else f"  (UTC{_offset(administration.utc_offset)})"
        print(f"  {administration.id}  {shown(administration.name or '?')}{offset}")
    for problem in pull.problems:
        print(problem.user_message(language), file=sys.stderr)
    return ExitCode.OK


def _offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def demo_server_command(args: argparse.Namespace) -> int:
    server = DemoPmsServer(seed=args.seed, reservations=args.reservations, port=args.port)
    with server:
        if args.activity > 0:
            server.start_activity(args.activity)
        print(f"listening on http://127.0.0.1:{server.port}")
        print(f"base URL: {server.base_url}")
        print(f"API key: {DEMO_API_KEY}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            server.wait()
    return ExitCode.OK
