"""`salto-desk sync` and `salto-desk keys list` against the demo PMS and the simulator."""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from salto_desk.cli import sync as sync_cli
from salto_desk.coordination import SYNC_LEASE, Coordinator
from salto_desk.demo.server import DEMO_API_KEY, DemoPmsServer
from salto_desk.errors import SaltoDeskError, Text
from salto_desk.exit_codes import ExitCode
from salto_desk.keys.model import KeyTypeSettings, ProductSettings
from salto_desk.operations.salto_operations import salto_client_for
from salto_desk.protocol.client import TraceRecord
from salto_desk.secrets import PMS_API_KEY, SecretStore
from salto_desk.simulator import Simulator, SimulatorConfig
from salto_desk.storage import ConfigRepository, SettingsRepository, open_database
from salto_desk.storage.leases import DeskProcess, LeaseHolder
from salto_desk.storage.settings_repository import PMS_BASE_URL
from salto_desk.sync import SyncProgress, SyncSummary
from tests.storage.helpers import add_administration

OTHER_DESK = DeskProcess("DESK-2", 4242)


def run(argv: list[str], data_dir: Path, language: str = "en") -> int:
    parser = argparse.ArgumentParser(prog="salto-desk")
    sync_cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    args.data_dir, args.database_url, args.language = data_dir, None, language
    code: int = args.func(args)
    return code


@pytest.fixture
def pms() -> Iterator[DemoPmsServer]:
    with DemoPmsServer(reservations=150) as server:  # "today" is the demo's day in Amsterdam
        yield server


@pytest.fixture
def desk(tmp_path: Path, pms: DemoPmsServer) -> Iterator[Path]:
    """A data folder set up for the demo hotel, with the API key in the keyring and the base URL stored."""
    rooms = tuple(str(unit.attributes["name"]) for unit in pms.store.all("inventory_object", "2"))
    with Simulator(SimulatorConfig(card_delay=0.0, rooms=rooms)) as simulator:
        database = open_database(data_dir=tmp_path)
        hotel = add_administration(database, pms_id="2", name="Hotel", salto_endpoint=simulator.endpoint)
        with database.unit_of_work() as session:
            config = ConfigRepository(session)
            key_type = config.add_key_type(KeyTypeSettings(administration_id=hotel.id, name="Guest"))
            config.add_product(ProductSettings(key_type_id=key_type.id, name="Every stay"))
            SettingsRepository(session).set(PMS_BASE_URL, pms.base_url)
        database.dispose()
        SecretStore().set(PMS_API_KEY, DEMO_API_KEY)
        yield tmp_path


def test_sync_once_prints_progress_and_a_json_summary_then_keys_list_shows_the_key_data(
    desk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["sync", "--once", "--json"], desk) == ExitCode.OK
    out, err = capsys.readouterr()
    summary = json.loads(out)
    assert summary["ok"] is True and summary["errors"] == []
    assert 0 < summary["fetched"] < 150 and summary["created"] > 0  # the stays that can still need a key
    assert "Hotel: reservations" in err

    assert run(["keys", "list", "--json", "--administration", "2"], desk) == ExitCode.OK
    listed = json.loads(capsys.readouterr().out)
    assert listed["ok"] is True and len(listed["keys"]) == summary["created"]
    assert {key["state"] for key in listed["keys"]} <= {"ready", "waiting_for_check_in"}

    assert run(["keys", "list"], desk, language="nl") == ExitCode.OK
    out, err = capsys.readouterr()
    keys = [line for line in out.splitlines() if not line.startswith(" " * 8)]  # flags and debts are indented
    assert len(keys) == summary["created"] and f"{summary['created']} sleutelgegeven(s)" in err


def test_watch_runs_again_and_the_second_run_changes_nothing(desk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["sync", "--watch", "--interval", "0.01", "--count", "2", "--json"], desk) == ExitCode.OK
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert first["created"] > 0
    assert (second["created"], second["updated"], second["revoked"]) == (0, 0, 0)


def test_text_summary_in_dutch(desk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["sync"], desk, language="nl") == ExitCode.OK
    assert "reservering(en) opgehaald" in capsys.readouterr().out


def test_without_an_api_key_nothing_runs(desk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    SecretStore().delete(PMS_API_KEY)
    assert run(["sync", "--once"], desk) == ExitCode.USAGE
    assert "No BEX API key" in capsys.readouterr().err


def test_problems_give_exit_code_1(desk: Path, pms: DemoPmsServer, capsys: pytest.CaptureFixture[str]) -> None:
    pms.faults.fail_next(401, times=5)
    assert run(["sync", "--json"], desk) == ExitCode.FAILURE
    summary = json.loads(capsys.readouterr().out)
    assert summary["ok"] is False and "BEX rejected the API key" in summary["errors"][0]


def test_an_unknown_administration_is_a_usage_error(desk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["keys", "list", "--administration", "99"], desk) == ExitCode.USAGE
    assert "There is no administration '99'" in capsys.readouterr().err


def test_progress_json_streams_progress_then_the_summary_with_the_key_from_the_environment(
    desk: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    SecretStore().delete(PMS_API_KEY)  # the desk window hands the key over for this run only
    monkeypatch.setenv(sync_cli.API_KEY_VARIABLE, DEMO_API_KEY)
    assert run(["sync", "--once", "--progress-json"], desk) == ExitCode.OK
    assert sync_cli.API_KEY_VARIABLE not in os.environ
    out, err = capsys.readouterr()
    events = [sync_cli.read_progress_line(line) for line in out.splitlines()]
    assert err == "" and DEMO_API_KEY not in out
    assert all(isinstance(event, SyncProgress) for event in events[:-1])
    assert {event.stage for event in events[:-1] if isinstance(event, SyncProgress)} >= {"objects", "reservations"}
    summary = events[-1]
    assert isinstance(summary, SyncSummary) and 0 < summary.fetched < 150 and summary.errors == ()


def test_progress_json_reports_a_usage_error_as_a_line(desk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    SecretStore().delete(PMS_API_KEY)
    assert run(["sync", "--once", "--progress-json"], desk, language="nl") == ExitCode.USAGE
    error = sync_cli.read_progress_line(capsys.readouterr().out.strip())
    assert isinstance(error, SaltoDeskError) and "No BEX API key" in error.message.en
    assert error.action is not None and "sleutelbos" in error.action.nl


def test_progress_lines_read_back_as_they_were_written() -> None:
    progress = SyncProgress("Hotel", "reservations", 100, None)
    summary = SyncSummary(10, 2, 1, 0, 0, ("Hotel: één probleem",))
    error = SaltoDeskError(Text("Broken.", "Kapot."), Text("Fix it.", "Repareer het."))
    assert sync_cli.read_progress_line(sync_cli.progress_line(progress)) == progress
    assert sync_cli.read_progress_line(sync_cli.progress_line(summary)) == summary
    read = sync_cli.read_progress_line(sync_cli.progress_line(error))
    assert isinstance(read, SaltoDeskError) and (read.message, read.action) == (error.message, error.action)
    trace = TraceRecord(datetime(2026, 7, 1, 8, 41, 5, 120000, tzinfo=UTC), "out", "02 43 4f 03", "CO 101")
    assert sync_cli.read_progress_line(sync_cli.progress_line(trace)) == trace
    sideways = '{"trace": {"time": "2026-07-01T08:41:05+00:00", "direction": "up", "hex": "", "summary": ""}}'
    for noise in ("", "Traceback (most recent call last):", "[1, 2]", '{"progress": {"stage": 1}}', '{"a": 1, "b": 2}',
                  sideways):  # fmt: skip
        assert sync_cli.read_progress_line(noise) is None


def test_with_progress_json_the_syncs_salto_traffic_is_a_trace_line_each(
    desk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = open_database(data_dir=desk)
    with database.unit_of_work() as session:
        hotel = ConfigRepository(session).administrations()[0]
    database.dispose()
    with salto_client_for(hotel, trace=sync_cli._print_trace) as client:
        client.ping()
    lines = capsys.readouterr().out.splitlines()
    records = [sync_cli.read_progress_line(line) for line in lines]
    assert records and all(isinstance(record, TraceRecord) for record in records)
    assert {record.direction for record in records if isinstance(record, TraceRecord)} == {"out", "in"}


def lead_elsewhere(data_dir: Path) -> datetime:
    """DESK-2 takes the sync leadership in the desk's database; when it did."""
    database = open_database(data_dir=data_dir)
    try:
        taken = Coordinator(database, OTHER_DESK).store.acquire(SYNC_LEASE, OTHER_DESK, timedelta(minutes=3))
    finally:
        database.dispose()
    assert not isinstance(taken, LeaseHolder)
    return taken.acquired_at


def sync_leader(data_dir: Path) -> LeaseHolder | None:
    database = open_database(data_dir=data_dir)
    try:
        return Coordinator(database).store.holder(SYNC_LEASE)
    finally:
        database.dispose()


def test_a_sync_by_hand_leads_while_it_runs_and_hands_the_leadership_on_when_it_stops(
    desk: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    led: list[LeaseHolder | None] = []
    run_once = sync_cli.SyncEngine.run_once

    def watched(engine: sync_cli.SyncEngine, progress: object = None) -> SyncSummary:
        led.append(sync_leader(desk))
        return run_once(engine, progress)  # type: ignore[arg-type]

    monkeypatch.setattr(sync_cli.SyncEngine, "run_once", watched)
    assert run(["sync", "--once", "--json"], desk) == ExitCode.OK
    assert json.loads(capsys.readouterr().out)["ok"] is True
    assert [each.holder.process_id if each else None for each in led] == [os.getpid()]
    assert sync_leader(desk) is None  # another desk takes over at its next run


def test_while_another_desk_leads_the_sync_is_skipped_with_exit_code_0(
    desk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    since = lead_elsewhere(desk)
    assert run(["sync", "--once", "--json"], desk) == ExitCode.OK
    out, err = capsys.readouterr()
    skipped = json.loads(out)
    assert skipped["ok"] is True and skipped["skipped"] == "leader" and err == ""
    assert skipped["leader"]["desk"] == "DESK-2" and skipped["leader"]["acquired_at"] == since.isoformat()
    held = sync_leader(desk)
    assert held is not None and held.holder == OTHER_DESK  # not taken, not released

    clock = since.astimezone().strftime("%H:%M")
    assert run(["sync"], desk) == ExitCode.OK
    assert capsys.readouterr().out.strip() == f"The sync runs at DESK-2 since {clock}; this run is skipped."
    assert run(["sync"], desk, language="nl") == ExitCode.OK
    assert f"De synchronisatie loopt aan DESK-2 sinds {clock}" in capsys.readouterr().out
    assert run(["keys", "list", "--json"], desk) == ExitCode.OK
    assert json.loads(capsys.readouterr().out)["keys"] == []  # nothing was synced here


@pytest.fixture
def window_pid() -> Iterator[int]:
    """A running process of this computer standing for the desk window (a stopped one would lose its leases)."""
    window = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    yield window.pid
    window.kill()
    window.wait(10)


def test_a_sync_started_by_the_desk_window_leads_in_the_windows_name(
    desk: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, window_pid: int
) -> None:
    monkeypatch.setenv(sync_cli.OWNER_PID_VARIABLE, str(window_pid))
    assert run(["sync", "--once", "--progress-json"], desk) == ExitCode.OK
    assert sync_cli.OWNER_PID_VARIABLE not in os.environ
    assert isinstance(sync_cli.read_progress_line(capsys.readouterr().out.splitlines()[-1]), SyncSummary)
    held = sync_leader(desk)
    assert held is not None and held.holder.process_id == window_pid  # kept for the window's next run

    monkeypatch.setenv(sync_cli.OWNER_PID_VARIABLE, str(window_pid))
    assert run(["sync", "--once", "--progress-json"], desk) == ExitCode.OK  # its next run leads again
    assert isinstance(sync_cli.read_progress_line(capsys.readouterr().out.splitlines()[-1]), SyncSummary)

    assert run(["sync", "--once", "--progress-json"], desk) == ExitCode.OK  # by hand: the window leads
    leader = sync_cli.read_progress_line(capsys.readouterr().out.strip())
    assert isinstance(leader, LeaseHolder) and leader.holder.process_id == window_pid


def test_a_leader_line_reads_back_as_it_was_written() -> None:
    at = datetime(2026, 7, 1, 8, 41, tzinfo=UTC)
    leader = LeaseHolder(SYNC_LEASE, "PMS sync", OTHER_DESK, at, at + timedelta(minutes=3))
    assert sync_cli.read_progress_line(sync_cli.progress_line(leader)) == leader
    assert sync_cli.read_progress_line('{"leader": {"desk": "DESK-2"}}') is None
    assert sync_cli.read_progress_line('{"leader": {"name": "sync", "label": "", "desk": "D", "process_id": 1, '
                                       '"acquired_at": "yesterday", "expires_at": "today"}}') is None  # fmt: skip


def test_keys_list_shows_the_sync_s_flags_and_no_control_characters(
    desk: Path, pms: DemoPmsServer, capsys: pytest.CaptureFixture[str]
) -> None:
    today = pms.store.today
    record = next(
        each
        for each in pms.store.all("reservation", "2")
        if each.attributes["state"] == "confirmed"
        and str(each.attributes["start_date"]) > today.isoformat()
        and each.refs("inventory_object")
    )
    booking = pms.store.get(*record.refs("booking")[0])
    assert booking is not None
    customer = pms.store.get(*booking.refs("customer")[0])
    assert customer is not None
    customer.attributes.update(phone="+31 06 1234 5678", last_name="Bakker\x1b[31m\tred")
    assert run(["sync", "--once"], desk) == ExitCode.OK
    capsys.readouterr()
    assert run(["keys", "list", "--json"], desk) == ExitCode.OK
    [flagged] = [key for key in json.loads(capsys.readouterr().out)["keys"] if key["holder_pms_id"] == record.id]
    assert [flag["code"] for flag in flagged["flags"]] == ["phone_refused"]
    assert "a 0 right after the country code +31" in flagged["flags"][0]["message"]
    assert run(["keys", "list"], desk, language="nl") == ExitCode.OK
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\t" not in out
    assert "Bakker[31m red" in out
    assert "        let op: Er kan geen mobiele sleutel naar de telefoon uit BEX" in out


def test_an_unusable_database_is_a_failure_for_sync_and_keys_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parser = argparse.ArgumentParser(prog="salto-desk")
    sync_cli.register(parser.add_subparsers(dest="command"))
    url = f"sqlite:///{tmp_path / 'no-folder' / 'db.sqlite3'}"
    for argv in (["sync", "--once"], ["keys", "list"]):
        args = parser.parse_args(argv)
        args.data_dir, args.database_url, args.language = None, url, "en"
        assert args.func(args) == ExitCode.FAILURE
        assert capsys.readouterr().err


def test_the_garbage_collector_is_paused_for_each_run_and_resumes_after(
    desk: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    during: list[bool] = []

    def run_as_leader(*_args: object) -> SyncSummary:
        during.append(gc.isenabled())
        return SyncSummary(0, 0, 0, 0, 0, ())

    monkeypatch.setattr(sync_cli, "run_as_leader", run_as_leader)
    assert run(["sync", "--watch", "--interval", "0.01", "--count", "2"], desk) == ExitCode.OK
    assert during == [False, False] and gc.isenabled()
    gc.disable()
    try:
        with sync_cli.collector_paused():
            pass
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()
    with pytest.raises(RuntimeError), sync_cli.collector_paused():
        raise RuntimeError("a run that fails")
    assert gc.isenabled()


def test_a_sync_killed_on_this_computer_does_not_skip_the_next_one(
    desk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``kill -9`` of a sync that leads: its 3-minute lease does not hold the next run back."""
    leader = subprocess.Popen(
        [sys.executable, "-c", KILLED_LEADER, str(desk)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert leader.stdout is not None and leader.stdout.readline().strip() == "leading"
    leader.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: no clean-up runs
    leader.wait(10)
    held = sync_leader(desk)
    assert held is None  # its process is gone: its holding no longer counts
    assert run(["sync", "--once", "--json"], desk) == ExitCode.OK
    summary = json.loads(capsys.readouterr().out)
    assert summary["ok"] is True and "skipped" not in summary


ROOT = Path(__file__).resolve().parents[1]
KILLED_LEADER = """
import sys, time
from pathlib import Path
from salto_desk.coordination import Coordinator, SyncLeadership
from salto_desk.storage import open_database
from salto_desk.storage.leases import Lease
assert isinstance(SyncLeadership(Coordinator(open_database(data_dir=Path(sys.argv[1])))).claim(), Lease)
print("leading", flush=True)
time.sleep(600)
"""
