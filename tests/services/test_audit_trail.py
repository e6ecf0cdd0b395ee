"""Interrupted operations, the crash test, and the CSV export of the audit trail."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from salto_desk.host import this_desk
from salto_desk.keys.model import AuditAction, AuditDraft, AuditState
from salto_desk.services.audit_trail import (
    CSV_COLUMNS,
    INTERRUPTED_MESSAGE,
    recover_interrupted,
    start_database,
    write_audit_csv,
)
from salto_desk.simulator import Simulator, SimulatorConfig
from salto_desk.storage import AuditRepository, Database, KeyRepository
from tests.storage.helpers import NOW, add_administration, add_encoder, add_key_type, key_draft
from tests.storage.helpers import database as database

REPOSITORY = Path(__file__).resolve().parents[2]
WAIT = 30.0  # generous upper bound for "did not hang" (includes a Python start-up)

ENCODE_SCRIPT = """
import sys
from datetime import datetime

from salto_desk.keys.rules import EncodeMode
from tests.operations.helpers import salto_operations
from salto_desk.storage import ConfigRepository, Database, KeyRepository

database = Database(sys.argv[1])
with database.unit_of_work() as session:
    key = KeyRepository(session).get(int(sys.argv[2]))
    encoder = ConfigRepository(session).encoder(int(sys.argv[3]))
now = datetime.fromisoformat(sys.argv[4])
salto_operations(database, clock=lambda: now).encode_cards(key, encoder, 1, EncodeMode.NEW)
"""


def start_entry(database: Database, desk: str, process_id: int) -> int:
    with database.unit_of_work() as session:
        return AuditRepository(session).start(
            AuditDraft(action=AuditAction.ENCODE_NEW, command="CN"), desk=desk, process_id=process_id, now=NOW
        )


def states(database: Database) -> dict[int, AuditState]:
    with database.unit_of_work() as session:
        return {entry.id: entry.state for entry in AuditRepository(session).entries()}


def test_only_this_desks_rows_of_dead_processes_become_unknown(database: Database) -> None:
    dead = start_entry(database, "desk-1", 111)
    alive = start_entry(database, "desk-1", 222)
    other_desk = start_entry(database, "desk-2", 111)
    marked = recover_interrupted(database, desk="desk-1", alive=lambda pid: pid == 222, now=NOW)
    assert [entry.id for entry in marked] == [dead]
    assert states(database) == {dead: AuditState.UNKNOWN, alive: AuditState.PENDING, other_desk: AuditState.PENDING}
    with database.unit_of_work() as session:
        entry = next(each for each in AuditRepository(session).entries() if each.id == dead)
    assert entry.message == INTERRUPTED_MESSAGE and entry.finished_at == NOW
    assert recover_interrupted(database, desk="desk-1", alive=lambda pid: pid == 222) == []


def test_every_start_migrates_and_settles_interrupted_rows(tmp_path: Path) -> None:
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait(WAIT)
    first = start_database(data_dir=tmp_path)
    entry = start_entry(first, this_desk(), ended.pid)
    first.dispose()
    again = start_database(data_dir=tmp_path)
    try:
        assert states(again) == {entry: AuditState.UNKNOWN}
    finally:
        again.dispose()


def test_a_process_killed_while_salto_waits_for_the_card_leaves_an_unknown_row(
    database: Database, tmp_path: Path
) -> None:
    with Simulator(SimulatorConfig(no_card=True, card_timeout=WAIT * 2)) as simulator:
        administration = add_administration(database, salto_endpoint=simulator.endpoint)
        key_type = add_key_type(database, administration)
        encoder = add_encoder(database, administration)
        with database.unit_of_work() as session:
            key = KeyRepository(session).add(key_draft(administration, key_type), NOW)
        script = tmp_path / "encode.py"
        script.write_text(ENCODE_SCRIPT, encoding="utf-8")
        url = database.url.render_as_string(hide_password=False)
        environment = {**os.environ, "PYTHONPATH": str(REPOSITORY)}
        process = subprocess.Popen(
            [sys.executable, str(script), url, str(key.id), str(encoder.id), NOW.isoformat()],
            env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + WAIT
            while not simulator.state.is_busy("1") and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            assert simulator.state.is_busy("1"), process.stderr.read().decode() if process.stderr else ""
            assert list(states(database).values()) == [AuditState.PENDING]
        finally:
            process.kill()  # TerminateProcess on Windows, SIGKILL elsewhere: no clean-up runs
            process.communicate(timeout=WAIT)
        assert process.returncode != 0
    (marked,) = recover_interrupted(database)
    assert marked.desk == this_desk() and marked.process_id == process.pid and marked.key_id == key.id
    assert states(database) == {marked.id: AuditState.UNKNOWN}
    with database.unit_of_work() as session:
        assert KeyRepository(session).get(key.id) == key  # no half-written key data


def test_the_csv_export_has_a_header_and_one_line_per_row(database: Database) -> None:
    with database.unit_of_work() as session:
        audit = AuditRepository(session)
        first = audit.start(
            AuditDraft(action=AuditAction.ENCODE_NEW, command="CN", administration="adm-1", key_id=4,
                       holder="Jansen, P.", encoder="Front desk", rooms=("101", "Pool"), card_number=1, card_count=2,
                       operator="Anna"),
            desk="desk-1", process_id=1, now=NOW,
        )  # fmt: skip
        audit.finish(first, AuditState.SALTO_ERROR, NOW + timedelta(seconds=5), error_code="ED", message="Time-out")
        audit.record(AuditDraft(action=AuditAction.SEND_TO_PHONE, phone="+********678"), desk="desk-1", process_id=1,
                     now=NOW, state=AuditState.OK)  # fmt: skip
        entries = audit.entries()
    stream = io.StringIO()
    assert write_audit_csv(entries, stream) == 2
    rows = list(csv.DictReader(io.StringIO(stream.getvalue())))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert rows[0]["holder"] == "Jansen, P." and rows[0]["rooms"] == "101 Pool" and rows[0]["error_code"] == "ED"
    assert rows[0]["state"] == "salto_error" and rows[0]["card_number"] == "1" and rows[0]["key_id"] == "4"
    assert rows[0]["started_at"].startswith(NOW.astimezone().strftime("%Y-%m-%dT%H:%M:%S"))
    assert rows[1]["phone"] == "+********678" and rows[1]["key_id"] == "" and rows[1]["action"] == "send_to_phone"
