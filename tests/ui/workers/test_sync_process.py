"""The desk's sync in a child process: the command it runs, its JSON lines, cancelling, crashes; and PmsSync."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from salto_desk.cli.sync import API_KEY_VARIABLE, DATABASE_URL_VARIABLE, OWNER_PID_VARIABLE, progress_line
from salto_desk.coordination import SYNC_LEASE, Coordinator, this_process
from salto_desk.demo.desk import Demo
from salto_desk.demo.server import DEMO_API_KEY
from salto_desk.errors import SaltoDeskError, Text
from salto_desk.exit_codes import ExitCode
from salto_desk.paths import app_paths
from salto_desk.protocol.client import TraceRecord
from salto_desk.storage.database import Database
from salto_desk.storage.leases import DeskProcess, LeaseHolder
from salto_desk.sync import SyncProgress, SyncSummary
from ui.context import PmsSync, TraceBus
from ui.events import DeskEvents
from ui.workers.sync_process import CONSOLE_PROGRAM, SyncCommand, SyncProcess, sync_command

WAIT_MS = 30_000


class _Url:
    """Stands in for a SQLAlchemy URL (only what ``sync_command`` reads)."""

    def __init__(self, text: str, password: str | None) -> None:
        self.text, self.password = text, password

    def render_as_string(self, hide_password: bool = True) -> str:
        assert not hide_password
        return self.text


class _Database:
    def __init__(self, text: str, password: str | None = None) -> None:
        self.url = _Url(text, password)


def _database(text: str, password: str | None = None) -> Database:
    database: Database = _Database(text, password)  # type: ignore[assignment]
    return database


def python(code: str) -> SyncCommand:
    """A stand-in child: this Python running ``code``."""
    return SyncCommand(sys.executable, ("-c", code))


def printing(*lines: str, code: int = 0) -> SyncCommand:
    return python(f"import sys\nfor line in {list(lines)!r}: print(line, flush=True)\nsys.exit({code})")


@pytest.fixture
def process() -> Iterator[SyncProcess]:
    worker = SyncProcess()
    yield worker
    worker.cancel()
    worker.wait(10_000)


def test_from_source_the_child_is_python_m_salto_desk_cli_with_the_key_in_the_environment(tmp_path: Path) -> None:
    command = sync_command(_database(f"sqlite:///{tmp_path}/desk.sqlite3"), app_paths(tmp_path), "nl", "secret-key")
    assert command.program == sys.executable
    assert command.arguments == (
        "-m", "salto_desk.cli", "--data-dir", str(tmp_path.resolve()), "--database-url",
        f"sqlite:///{tmp_path}/desk.sqlite3", "--language", "nl", "sync", "--once", "--progress-json", "--background",
    )  # fmt: skip
    assert command.environment[API_KEY_VARIABLE] == "secret-key"
    assert command.environment[OWNER_PID_VARIABLE] == str(os.getpid())  # the child leads in this desk's name
    assert "secret-key" not in " ".join(command.arguments) and "secret-key" not in repr(command)
    source = str(Path(__file__).resolve().parents[3])
    assert command.environment["PYTHONPATH"].split(os.pathsep)[0] == source


def test_frozen_the_child_is_the_program_itself_and_a_password_stays_off_the_command_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    url = "postgresql+psycopg://desk:hunter2@db.example/desk"
    command = sync_command(_database(url, password="hunter2"), app_paths(), "en", None)
    assert command.program == sys.executable
    assert command.arguments == ("--language", "en", "sync", "--once", "--progress-json", "--background")
    assert command.environment == {DATABASE_URL_VARIABLE: url, OWNER_PID_VARIABLE: str(os.getpid())}


def test_frozen_the_child_is_the_console_program_next_to_the_windowed_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    windowed = tmp_path / "salto-desk.exe"
    console = tmp_path / f"{CONSOLE_PROGRAM}.exe"
    windowed.write_bytes(b"")
    console.write_bytes(b"")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(windowed))
    command = sync_command(_database("sqlite:///desk.sqlite3"), app_paths(), "en", None)
    assert command.program == str(console)
    assert command.arguments[-4:] == ("sync", "--once", "--progress-json", "--background")


def test_progress_lines_become_signals_and_the_summary_ends_the_run(qtbot: QtBot, process: SyncProcess) -> None:
    step = SyncProgress("Hotel", "reservations", 100, None)
    summary = SyncSummary(100, 3, 0, 0, 0, ("Hotel: a problem",))
    seen: list[object] = []
    process.progress.connect(seen.append)
    assert process.start(printing("not a progress line", progress_line(step), progress_line(summary), code=1))
    assert process.running and not process.start(printing())  # one at a time
    with qtbot.waitSignal(process.finished, timeout=WAIT_MS) as finished:
        pass
    assert finished.args == [summary] and seen == [step] and not process.running


def test_an_error_line_fails_the_run_with_that_error(qtbot: QtBot, process: SyncProcess) -> None:
    error = SaltoDeskError(Text("No BEX API key.", "Geen BEX-API-sleutel."), Text("Enter it.", "Vul hem in."))
    process.start(printing(progress_line(error), code=ExitCode.USAGE))
    with qtbot.waitSignal(process.failed, timeout=WAIT_MS) as failed:
        pass
    reported = failed.args[0]
    assert isinstance(reported, SaltoDeskError) and reported.user_message("nl") == "Geen BEX-API-sleutel. Vul hem in."


LEADER = LeaseHolder(
    SYNC_LEASE, "PMS sync", DeskProcess("DESK-2", 4242), datetime(2026, 7, 1, 8, 41, tzinfo=UTC),
    datetime(2026, 7, 1, 8, 44, tzinfo=UTC),
)  # fmt: skip


def test_a_leader_line_skips_the_run_naming_the_desk_that_leads(qtbot: QtBot) -> None:
    events = DeskEvents()
    sync = PmsSync(lambda: printing(progress_line(LEADER)), events, TraceBus())
    announced: list[object] = []
    events.pms_synced.connect(announced.append)
    sync.failed.connect(announced.append)
    with qtbot.waitSignal(sync.skipped, timeout=WAIT_MS) as skipped:
        assert sync.run()
    assert skipped.args == [LEADER] and announced == [] and not sync.running


def test_a_leader_line_of_a_child_that_then_crashed_is_a_failure(qtbot: QtBot, process: SyncProcess) -> None:
    process.start(printing(progress_line(LEADER), code=3))
    with qtbot.waitSignal(process.failed, timeout=WAIT_MS) as failed:
        pass
    assert "stopped unexpectedly" in failed.args[0].user_message("en")


def test_a_crash_is_reported_with_the_last_line_it_wrote(qtbot: QtBot, process: SyncProcess) -> None:
    process.start(python("import sys; sys.stderr.write('Traceback...\\nRuntimeError: boom\\n'); sys.exit(3)"))
    with qtbot.waitSignal(process.failed, timeout=WAIT_MS) as failed:
        pass
    assert "stopped unexpectedly (RuntimeError: boom)" in failed.args[0].user_message("en")


def test_a_program_that_cannot_start_is_reported(qtbot: QtBot, process: SyncProcess, tmp_path: Path) -> None:
    process.start(SyncCommand(str(tmp_path / "missing-program"), ()))
    with qtbot.waitSignal(process.failed, timeout=WAIT_MS) as failed:
        pass
    assert "could not be started" in failed.args[0].user_message("en") and not process.running


def test_cancel_terminates_the_child(qtbot: QtBot, process: SyncProcess) -> None:
    process.start(python("import time\nprint('{}', flush=True)\ntime.sleep(60)"))
    qtbot.waitUntil(lambda: process._process is not None and process._process.processId() > 0, timeout=WAIT_MS)
    with qtbot.waitSignal(process.failed, timeout=WAIT_MS) as failed:
        process.cancel()
    assert failed.args[0].user_message("en") == "The sync was stopped." and not process.running


def test_pms_sync_runs_the_command_it_is_given_and_announces_the_summary(qtbot: QtBot) -> None:
    summary = SyncSummary(1, 1, 0, 0, 0, ())
    events = DeskEvents()
    sync = PmsSync(lambda: printing(progress_line(summary)), events, TraceBus())
    announced: list[object] = []
    events.pms_synced.connect(announced.append)
    with qtbot.waitSignal(sync.started, timeout=WAIT_MS):
        assert sync.run()
    assert sync.running and not sync.run()
    with qtbot.waitSignal(sync.finished, timeout=WAIT_MS) as finished:
        pass
    assert finished.args == [summary] and announced == [summary] and not sync.running


def test_the_childs_salto_traffic_reaches_the_diagnostics_trace(qtbot: QtBot) -> None:
    sent = TraceRecord(datetime(2026, 7, 1, 8, 41, tzinfo=UTC), "out", "02 43 4f 03", "CO 101")
    answered = TraceRecord(datetime(2026, 7, 1, 8, 41, 1, tzinfo=UTC), "in", "06", "ACK")
    bus = TraceBus()
    traced: list[object] = []
    bus.record.connect(traced.append)
    lines = (progress_line(sent), progress_line(answered), progress_line(SyncSummary(1, 0, 0, 0, 0, ())))
    sync = PmsSync(lambda: printing(*lines), DeskEvents(), bus)
    with qtbot.waitSignal(sync.finished, timeout=WAIT_MS):
        assert sync.run()
    assert traced == [sent, answered]


def test_pms_sync_reports_a_key_that_cannot_be_read_without_starting_a_child(qtbot: QtBot) -> None:
    unreadable = SaltoDeskError(Text("The keyring is locked.", "De sleutelbos is vergrendeld."))

    def command() -> SyncCommand:
        raise unreadable

    sync = PmsSync(command, DeskEvents(), TraceBus())
    with qtbot.waitSignal(sync.failed, timeout=WAIT_MS) as failed:
        assert sync.run()
    assert failed.args == [unreadable] and not sync.running


def test_the_real_child_syncs_the_demo_with_the_session_key_and_leads_in_this_desks_name(qtbot: QtBot) -> None:
    with Demo(reservations=60, activity_interval=None) as demo:
        command = sync_command(demo.database, app_paths(demo.data_dir), "en", DEMO_API_KEY)
        process = SyncProcess()
        progress: list[object] = []
        process.progress.connect(progress.append)
        process.start(command)
        with qtbot.waitSignal(process.finished, timeout=WAIT_MS * 2) as finished:
            pass
        leader = Coordinator(demo.database).store.holder(SYNC_LEASE)
    summary = finished.args[0]
    assert isinstance(summary, SyncSummary) and 0 < summary.fetched <= 60 and summary.errors == ()
    assert any(isinstance(each, SyncProgress) and each.stage == "reservations" for each in progress)
    assert leader is not None and leader.holder == this_process()  # kept for this desk's next run


def test_the_real_child_syncs_nothing_while_another_desk_leads(qtbot: QtBot) -> None:
    with Demo(reservations=20, activity_interval=None) as demo:
        other = Coordinator(demo.database, DeskProcess("DESK-2", os.getpid() + 1))
        taken = other.store.acquire(SYNC_LEASE, other.me, timedelta(minutes=3), "PMS sync")
        assert not isinstance(taken, LeaseHolder)
        process = SyncProcess()
        process.start(sync_command(demo.database, app_paths(demo.data_dir), "en", DEMO_API_KEY))
        with qtbot.waitSignal(process.skipped, timeout=WAIT_MS * 2) as skipped:
            pass
    leader = skipped.args[0]
    assert isinstance(leader, LeaseHolder) and leader.holder == other.me and leader.acquired_at == taken.acquired_at
