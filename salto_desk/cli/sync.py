"""`salto-desk sync [--once | --watch [--interval S] [--count N]] [--json | --progress-json] [--background]`.

The sync reads the BEX base URL from the desk settings and the API key from this computer's keyring
(see docs/sync.md), or, for one run started by the desk window, from the ``SALTO_DESK_PMS_API_KEY``
environment variable. Progress goes to standard error; standard output carries the summary (one JSON
object per run with ``--json``). ``--progress-json`` is the machine-readable stream the desk window
reads from its sync process: one JSON object per line on standard output, each with one member:
``{"progress": {...}}``, ``{"summary": {...}}``, ``{"error": {"message": {"en", "nl"}, "action": ...}}`` or
``{"trace": {"time", "direction", "hex", "summary"}}`` (every chunk exchanged with SALTO, phone numbers
masked, for the window's diagnostics) (``progress_line`` / ``read_progress_line``); the window also passes
``--background`` (a lower CPU priority).

Only the sync leader syncs (``salto_desk.sync.run_as_leader``): a run while another desk leads
says which desk that is and since when, and exits 0 (``{"ok": true, "skipped": "leader", ...}`` with
``--json``, a ``{"leader": {...}}`` line with ``--progress-json``). A sync started by the desk window runs
in the window's name (its process id in ``SALTO_DESK_OWNER_PID``), so the desk keeps the leadership
from one run to the next; a sync started by hand leads in its own name and gives the leadership up
when it stops. ``salto-desk keys list`` lists the key data, with the sync's flags on each key.

Exit codes (``ExitCode``): 0 every run went without problems; 1 a run reported problems (listed), or the
database or the keyring cannot be used; 2 refused input (no API key, a bad BEX address, an unknown
administration, a bad argument). BEX's own errors and outages are problems of the run (1): the sync goes
on with the data it has.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict
from datetime import datetime

from salto_desk.coordination import Coordinator, SyncLeadership, shared_database_url
from salto_desk.errors import SaltoDeskError, Text, ValidationError
from salto_desk.exit_codes import ExitCode
from salto_desk.host import this_desk
from salto_desk.keys.flags import flag_text
from salto_desk.keys.model import Administration, KeyData, KeyFlag
from salto_desk.operations.key_data import KeyDataService
from salto_desk.operations.salto_operations import SaltoOperations, salto_client_for
from salto_desk.pms.texts import shown
from salto_desk.protocol.client import EndpointLocks, TraceRecord
from salto_desk.secrets import PMS_API_KEY, InsecureKeyringError, SecretStore, remember_secret
from salto_desk.services.audit_trail import start_database
from salto_desk.storage.config_repository import ConfigRepository
from salto_desk.storage.database import Database
from salto_desk.storage.key_repository import KeyRepository
from salto_desk.storage.leases import DeskProcess, LeaseHolder
from salto_desk.storage.outbox_repository import OutboxEntry, OutboxRepository
from salto_desk.storage.sync_key_repository import SyncKeyRepository
from salto_desk.sync import PullOptions, SyncEngine, SyncProgress, SyncSummary, run_as_leader
from salto_desk.sync.connection import PmsNotConfigured, pms_client_from_settings

DEFAULT_INTERVAL = 60.0
MAX_FIRST_PULL_DAYS = 3650
API_KEY_VARIABLE = "SALTO_DESK_PMS_API_KEY"
"""The BEX API key for this run only (the desk window's sync process); read once, then removed."""
DATABASE_URL_VARIABLE = "SALTO_DESK_DATABASE_URL"
"""A database URL with a password, for this run only (kept off the command line, where others can read it)."""
OWNER_PID_VARIABLE = "SALTO_DESK_OWNER_PID"
"""The process id of the desk window that started this run: the sync leads in the window's name."""

ProgressEvent = SyncProgress | SyncSummary | SaltoDeskError | LeaseHolder | TraceRecord


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not seconds > 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds above 0")
    return seconds


def _count(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a count (1 or more)")
    return int(value)


def _days(value: str) -> int:
    if not value.isdigit() or int(value) > MAX_FIRST_PULL_DAYS:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of days (0 to {MAX_FIRST_PULL_DAYS})")
    return int(value)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sync = subparsers.add_parser("sync", help="pull BEX, make key data from the products, send what SALTO is owed")
    mode = sync.add_mutually_exclusive_group()
    mode.add_argument("--once", action="store_true", help="sync once and stop (the default)")
    mode.add_argument("--watch", action="store_true", help="sync again every --interval seconds until Ctrl+C")
    sync.add_argument(
        "--interval", type=_seconds, default=DEFAULT_INTERVAL, metavar="S", help="seconds between runs with --watch"
    )
    sync.add_argument("--count", type=_count, metavar="N", help="with --watch: stop after N runs")
    output = sync.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print one JSON object per run")
    output.add_argument(
        "--progress-json",
        action="store_true",
        help="print progress, summaries and errors as JSON lines on standard output (for the desk window)",
    )
    sync.add_argument(
        "--first-pull-days",
        type=_days,
        default=PullOptions().first_pull_days,
        metavar="N",
        help="the first pull of an administration reads stays departing from N days ago on",
    )
    sync.add_argument(
        "--background",
        action="store_true",
        help="run at a lower CPU priority, so that a desk window on the same computer stays responsive",
    )
    sync.set_defaults(func=sync_command)

    keys = subparsers.add_parser("keys", help="key data stored at the desk")
    commands = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    listing = commands.add_parser("list", help="list key data with its state and what SALTO still owes")
    listing.add_argument("--administration", metavar="ID", help="only this administration (its desk id or its PMS id)")
    listing.add_argument("--json", action="store_true", help="print one JSON object")
    listing.set_defaults(func=keys_list_command)


def _language(args: argparse.Namespace) -> str:
    return str(getattr(args, "language", "en"))


def _open(args: argparse.Namespace) -> Database:
    url = getattr(args, "database_url", None) or os.environ.pop(DATABASE_URL_VARIABLE, None)
    return start_database(shared_database_url(url), getattr(args, "data_dir", None))


def owner_pid() -> int:
    """The desk window's process id when it started this run (``SALTO_DESK_OWNER_PID``), else this process's."""
    value = os.environ.pop(OWNER_PID_VARIABLE, "")
    return int(value) if value.isdigit() and int(value) > 0 else os.getpid()


def leader_text(leader: LeaseHolder) -> Text:
    """Says which desk runs the sync (and since when), so this one does not."""
    desk, since = leader.holder.desk, leader.acquired_at.astimezone().strftime("%H:%M")
    return Text(
        f"The sync runs at {desk} since {since}; this run is skipped.",
        f"De synchronisatie loopt aan {desk} sinds {since}; deze keer wordt overgeslagen.",
    )


class _RunSecrets(SecretStore):
    """The keyring, except for an API key handed to this run in ``SALTO_DESK_PMS_API_KEY``."""

    def __init__(self, api_key: str | None) -> None:
        super().__init__()
        self._api_key = remember_secret(api_key)  # masked in every log line from now on

    def get(self, name: str) -> str | None:
        if name == PMS_API_KEY and self._api_key:
            return self._api_key
        return super().get(name)


def sync_command(args: argparse.Namespace, stop: threading.Event | None = None) -> int:
    """Run the sync once, or every ``--interval`` seconds; ``stop`` ends a watch early (tests, services)."""
    language = _language(args)
    secrets = _RunSecrets(os.environ.pop(API_KEY_VARIABLE, None))
    if getattr(args, "background", False):
        lower_priority()
    owner = owner_pid()
    database: Database | None = None
    leadership: SyncLeadership | None = None
    try:
        database = _open(args)
        opened = database
        pms_client_from_settings(opened, secrets).close()  # no key or a bad address: say so before anything runs
        coordinator = Coordinator(opened, DeskProcess(this_desk(), owner))
        # One run talks to each SALTO endpoint one request at a time, whichever administration shares it.
        locks = EndpointLocks()
        # With --progress-json every byte exchanged with SALTO is a line too: the desk's diagnostics show it.
        trace = _print_trace if getattr(args, "progress_json", False) else None
        operations = SaltoOperations(
            KeyDataService(opened),
            lambda administration: salto_client_for(administration, trace=trace, locks=locks),
            coordinator=coordinator,
        )
        options = PullOptions(first_pull_days=getattr(args, "first_pull_days", PullOptions().first_pull_days))
        engine = SyncEngine(
            opened, lambda: pms_client_from_settings(opened, secrets), lambda _administration: operations,
            options=options, language=language,
        )  # fmt: skip
        leadership = SyncLeadership(coordinator)
        return _runs(args, engine, leadership, stop or threading.Event())
    except SaltoDeskError as error:  # no API key, bad address, database unusable
        if getattr(args, "progress_json", False):
            _print_line(progress_line(error))
        else:
            print(error.user_message(language), file=sys.stderr)
        return _exit_code(error)
    except KeyboardInterrupt:
        return ExitCode.OK
    finally:
        if leadership is not None and owner == os.getpid():  # led in its own name: nobody else keeps it
            _resign(leadership, language)
        if database is not None:
            database.dispose()


def _exit_code(error: SaltoDeskError) -> ExitCode:
    """No API key, a bad address or unknown administration: USAGE; the database or keyring unusable: FAILURE."""
    if isinstance(error, PmsNotConfigured | ValidationError | InsecureKeyringError):
        return ExitCode.USAGE
    return ExitCode.FAILURE


_output = threading.Lock()


def _print_line(line: str) -> None:
    """One whole ``--progress-json`` line: SALTO traffic and progress come from different threads."""
    with _output:
        print(line, flush=True)


def _print_trace(record: TraceRecord) -> None:
    _print_line(progress_line(record))


def _resign(leadership: SyncLeadership, language: str) -> None:
    try:
        leadership.resign()
    except SaltoDeskError as error:  # the database is away: the leadership expires by itself
        print(error.user_message(language), file=sys.stderr)


def _runs(args: argparse.Namespace, engine: SyncEngine, leadership: SyncLeadership, stop: threading.Event) -> int:
    language = _language(args)

    as_lines = bool(getattr(args, "progress_json", False))

    def progress(step: SyncProgress) -> None:
        if as_lines:
            _print_line(progress_line(step))
        else:
            print(step.text(language), file=sys.stderr, flush=True)

    runs = 0
    code = ExitCode.OK
    while True:
        with collector_paused():
            outcome = run_as_leader(engine, leadership, progress)
        if as_lines:
            _print_line(progress_line(outcome))
        elif isinstance(outcome, LeaseHolder):
            _print_skipped(outcome, language, as_json=args.json)
        else:
            _print_summary(outcome, language, as_json=args.json)
        runs += 1
        if isinstance(outcome, SyncSummary) and outcome.errors:
            code = ExitCode.FAILURE
        if not args.watch or (args.count is not None and runs >= args.count) or stop.wait(args.interval):
            return code


def _print_summary(summary: SyncSummary, language: str, *, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"ok": not summary.errors, **asdict(summary)}, ensure_ascii=False), flush=True)
        return
    print(summary.text(language), flush=True)
    for error in summary.errors:
        print(f"  - {error}", flush=True)


def _leader_json(leader: LeaseHolder) -> dict[str, object]:
    return {
        "name": leader.name,
        "label": leader.label,
        "desk": leader.holder.desk,
        "process_id": leader.holder.process_id,
        "acquired_at": leader.acquired_at.isoformat(),
        "expires_at": leader.expires_at.isoformat(),
    }


def _print_skipped(leader: LeaseHolder, language: str, *, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"ok": True, "skipped": "leader", "leader": _leader_json(leader)}, ensure_ascii=False))
    else:
        print(leader_text(leader)(language), flush=True)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector is off for the length of a sync run, then on again (if it was on).

    A run makes hundreds of thousands of short-lived objects (a page of reservations alone ~10,000 dicts,
    lists and records), none of them in a reference cycle, yet each batch of new objects triggers a
    collection that scans the whole heap: that tripled the time of a full pull. The few cycles a run
    leaves (database sessions) are collected once it is over. This is a process-wide switch, so it lives
    here at the entry point of the sync process, never in library code another program may call.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def lower_priority() -> None:
    """Give the CPU to other programs first (the desk window): "below normal" on Windows, nice 10 elsewhere."""
    if sys.platform == "win32":
        import ctypes

        below_normal = 0x4000  # BELOW_NORMAL_PRIORITY_CLASS
        kernel32 = ctypes.windll.kernel32
        kernel32.SetPriorityClass(kernel32.GetCurrentProcess(), below_normal)
    else:
        os.nice(10)


def progress_line(event: ProgressEvent) -> str:
    """One line of the ``--progress-json`` stream (no line break)."""
    if isinstance(event, SyncProgress):
        return json.dumps({"progress": asdict(event)}, ensure_ascii=False)
    if isinstance(event, SyncSummary):
        return json.dumps({"summary": asdict(event)}, ensure_ascii=False)
    if isinstance(event, LeaseHolder):
        return json.dumps({"leader": _leader_json(event)}, ensure_ascii=False)
    if isinstance(event, TraceRecord):
        trace = {"time": event.time.isoformat(), "direction": event.direction, "hex": event.hex}
        return json.dumps({"trace": {**trace, "summary": event.summary}}, ensure_ascii=False)
    action = None if event.action is None else asdict(event.action)
    return json.dumps({"error": {"message": asdict(event.message), "action": action}}, ensure_ascii=False)


def read_progress_line(line: str) -> ProgressEvent | None:
    """What one line of the ``--progress-json`` stream says; None for a line that is not part of it."""
    try:
        payload = json.loads(line)
    except ValueError:
        return None
    if not isinstance(payload, dict) or len(payload) != 1:
        return None
    try:
        if isinstance(progress := payload.get("progress"), dict):
            return SyncProgress(**progress)
        if isinstance(summary := payload.get("summary"), dict):
            return SyncSummary(**{**summary, "errors": tuple(summary["errors"])})
        if isinstance(error := payload.get("error"), dict):
            action = error.get("action")
            return SaltoDeskError(_text(error["message"]), None if action is None else _text(action))
        if isinstance(trace := payload.get("trace"), dict) and trace.get("direction") in ("out", "in"):
            return TraceRecord(
                datetime.fromisoformat(trace["time"]), trace["direction"], str(trace["hex"]), str(trace["summary"])
            )
        if isinstance(leader := payload.get("leader"), dict):
            return LeaseHolder(
                str(leader["name"]), str(leader["label"]), DeskProcess(str(leader["desk"]), int(leader["process_id"])),
                datetime.fromisoformat(leader["acquired_at"]), datetime.fromisoformat(leader["expires_at"]),
            )  # fmt: skip
    except (KeyError, TypeError, ValueError):
        return None
    return None


def _text(value: Mapping[str, str]) -> Text:
    return Text(str(value["en"]), str(value["nl"]))


def keys_list_command(args: argparse.Namespace) -> int:
    language = _language(args)
    database: Database | None = None
    try:
        database = _open(args)
        with database.unit_of_work() as session:
            administrations = _chosen(ConfigRepository(session).administrations(), args.administration)
            keys = KeyRepository(session)
            listed = [
                (administration, key) for administration in administrations for key in keys.keys(administration.id)
            ]
            listed_ids = {key.id for _administration, key in listed}
            owed = OutboxRepository(session).for_keys(listed_ids)
            flags = SyncKeyRepository(session).flags(listed_ids)
    except SaltoDeskError as error:  # unknown administration, database unusable
        print(error.user_message(language), file=sys.stderr)
        return _exit_code(error)
    finally:
        if database is not None:
            database.dispose()
    queued: dict[int, list[OutboxEntry]] = {}
    for entry in owed:
        queued.setdefault(entry.key_id, []).append(entry)
    if args.json:
        rows = [
            _key_json(administration, key, queued.get(key.id, []), flags.get(key.id, ()), language)
            for administration, key in listed
        ]
        print(json.dumps({"ok": True, "keys": rows}, ensure_ascii=False))
    else:
        for administration, key in listed:
            print(_key_line(administration, key, queued.get(key.id, []), flags.get(key.id, ()), language))
        print(
            Text(f"{len(listed)} key data record(s).", f"{len(listed)} sleutelgegeven(s).")(language), file=sys.stderr
        )
    return ExitCode.OK


def _chosen(administrations: list[Administration], wanted: str | None) -> list[Administration]:
    if wanted is None:
        return administrations
    found = [each for each in administrations if wanted in (str(each.id), each.pms_id)]
    if not found:
        known = ", ".join(f"{each.id} ({each.pms_id}, {each.name})" for each in administrations) or "-"
        raise ValidationError(
            "administration",
            Text(f"There is no administration {wanted!r}.", f"Er is geen administratie {wanted!r}."),
            Text(
                f"Use the desk id or the PMS id of one of: {known}.", f"Gebruik de id of PMS-id van één van: {known}."
            ),
        )
    return found


def _local(administration: Administration) -> Callable[[datetime], str]:
    """Key times as the site reads them: in the administration's zone."""

    def text(moment: datetime) -> str:
        return moment.astimezone(administration.zone).strftime("%Y-%m-%d %H:%M")

    return text


def _owed_json(entry: OutboxEntry) -> dict[str, object]:
    return {
        "action": entry.action.value,
        "attempts": entry.attempts,
        "next_attempt_at": None if entry.next_attempt_at is None else entry.next_attempt_at.isoformat(),
        "last_error": entry.last_error,
    }


def _key_json(
    administration: Administration, key: KeyData, owed: list[OutboxEntry], flags: Sequence[KeyFlag], language: str
) -> dict[str, object]:
    return {
        "id": key.id,
        "administration": administration.pms_id,
        "holder_kind": key.holder.kind.value,
        "holder_pms_id": key.holder.pms_id,
        "holder": key.holder.label,
        "key_type_id": key.key_type_id,
        "rooms": list(key.rooms),
        "start": key.validity.start.isoformat(),
        "end": key.validity.end.isoformat(),
        "state": key.state.value,
        "phone": key.phone,
        "cards": key.cards.count,
        "deliveries": [
            {"phone": delivery.phone, "command": delivery.command, "at": delivery.delivered_at.isoformat()}
            for delivery in key.deliveries
        ],
        "owed": [_owed_json(entry) for entry in owed],
        "flags": [{"code": flag.code.value, "message": flag_text(flag)(language)} for flag in flags],
    }


def _key_line(
    administration: Administration, key: KeyData, owed: list[OutboxEntry], flags: Sequence[KeyFlag], language: str
) -> str:
    """One key on one line (texts shown without control characters), then what SALTO owes and the flags."""
    local = _local(administration)
    line = (
        f"{key.id:>6}  {administration.pms_id:<6} {shown(key.holder.label):<32.32} {shown(','.join(key.rooms)):<12.12} "
        f"{local(key.validity.start)} - {local(key.validity.end)}  {key.state.value:<20} "
        f"cards={key.cards.count} phone_keys={len(key.deliveries)}"
    )
    for entry in owed:
        waiting = Text("owed", "open")(language)
        detail = f" ({shown(entry.last_error)})" if entry.last_error else ""
        line += f"\n        {waiting}: {entry.action.value}, {entry.attempts}x{detail}"
    for flag in flags:
        line += f"\n        {Text('flag', 'let op')(language)}: {flag_text(flag)(language)}"
    return line
