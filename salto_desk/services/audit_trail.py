"""The audit trail at start-up and on export.

A row is written ``pending`` before every request. If the desk program dies before SALTO answers,
the row stays pending; the next start on the same desk finds rows whose process is gone and marks
them ``unknown`` (a card may or may not have been written). Other desks' rows are never touched:
their processes may be alive on another computer.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from salto_desk.host import process_alive, this_desk
from salto_desk.keys.model import AuditEntry
from salto_desk.storage.audit_repository import AuditRepository
from salto_desk.storage.database import Database, open_database

INTERRUPTED_MESSAGE = (
    "The desk program stopped before SALTO answered; whether the card or phone key was made is unknown. "
    "Read the card to check."
)
CSV_COLUMNS = (
    "id", "started_at", "finished_at", "desk", "operator", "administration", "action", "command", "state",
    "error_code", "message", "key_id", "holder", "encoder", "rooms", "phone", "card_number", "card_count", "serials",
)  # fmt: skip


def recover_interrupted(
    database: Database,
    *,
    desk: str | None = None,
    alive: Callable[[int], bool] = process_alive,
    now: datetime | None = None,
) -> list[AuditEntry]:
    """Mark this desk's pending rows of dead processes ``unknown``; returns the rows that were marked."""
    with database.unit_of_work() as session:
        audit = AuditRepository(session)
        orphans = [entry for entry in audit.pending(desk or this_desk()) if not alive(entry.process_id)]
        audit.mark_unknown((entry.id for entry in orphans), now or datetime.now(UTC), INTERRUPTED_MESSAGE)
    return orphans


def start_database(database_url: str | None = None, data_dir: Path | None = None) -> Database:
    """What every start does: open the configured database, migrate it, settle interrupted rows."""
    database = open_database(database_url, data_dir)
    recover_interrupted(database)
    return database


def _local(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone().isoformat(timespec="seconds")


def write_audit_csv(entries: Iterable[AuditEntry], stream: TextIO) -> int:
    """CSV with a header line, times in this computer's local time with their UTC offset; returns the row count."""
    writer = csv.writer(stream)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for entry in entries:
        writer.writerow(
            [
                entry.id, _local(entry.started_at), _local(entry.finished_at), entry.desk, entry.operator,
                entry.administration, entry.action.value, entry.command, entry.state.value, entry.error_code,
                entry.message, "" if entry.key_id is None else entry.key_id, entry.holder, entry.encoder,
                " ".join(entry.rooms), entry.phone, "" if entry.card_number is None else entry.card_number,
                "" if entry.card_count is None else entry.card_count, " ".join(entry.serials),
            ]
        )  # fmt: skip
        count += 1
    return count
