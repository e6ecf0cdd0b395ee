"""`salto-desk sync` and `salto-desk keys list` against the demo PMS and the simulator."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from salto_desk import sync_cli
from salto_desk.errors import SaltoDeskError, Text
from salto_desk.keys.model import KeyTypeSettings, ProductSettings
from salto_desk.pms.demo_server import DEMO_API_KEY, DemoPmsServer
from salto_desk.secrets import PMS_API_KEY, SecretStore
from salto_desk.simulator import Simulator, SimulatorConfig
from salto_desk.storage import ConfigRepository, SettingsRepository, open_database
from salto_desk.storage.settings_repository import PMS_BASE_URL
from salto_desk.sync import SyncProgress, SyncSummary
from tests.storage.helpers import add_administration


def run(argv: list[str], data_dir: Path, language: str = "en") -> int:
    parser = argparse.ArgumentParser(prog="salto-desk")
    sync_cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    args.data_dir, args.database_url, args.language = data_dir, None, language
    code: int = args.func(args)
    return code


@pytest.fixture
def pms() -> Iterator[DemoPmsServer]:
    with DemoPmsServer(today=date.today(), reservations=150) as server:
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
    assert run(["sync", "--once", "--json"], desk) == sync_cli.EXIT_OK
    out, err = capsys.readouterr()
    summary = json.loads(out)
    assert summary["ok"] is True and summary["errors"] == []
    assert summary["fetched"] == 150 and summary["created"] > 0
    assert "Hotel: reservations" in err

    assert run(["keys", "list", "--json", "--administration", "2"], desk) == sync_cli.EXIT_OK
    listed = json.loads(capsys.readouterr().out)
    assert listed["ok"] is True and len(listed["keys"]) == summary["created"]
    assert {key["state"] for key in listed["keys"]} <= {"ready", "waiting_for_check_in"}

    assert run(["keys", "list"], desk, language="nl") == sync_cli.EXIT_OK
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == summary["created"] and f"{summary['created']} sleutelgegeven(s)" in err


def test_watch_runs_again_and_the_second_run_changes_nothing(desk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["sync", "--watch", "--interval", "0.01", "--count", "2", "--json"], desk) == sync_cli.EXIT_OK
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert first["created"] > 0
    assert (second["created"], second["updated"], second["revoked"]) == (0, 0, 0)


def test_text_summary_in_dutch(desk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["sync"], desk, language="nl") == sync_cli.EXIT_OK
    assert "reservering(en) opgehaald" in capsys.readouterr().out


def test_without_an_api_key_nothing_runs(desk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    SecretStore().delete(PMS_API_KEY)
    assert run(["sync", "--once"], desk) == sync_cli.EXIT_USAGE
    assert "No BEX API key" in capsys.readouterr().err


def test_problems_give_exit_code_1(desk: Path, pms: DemoPmsServer, capsys: pytest.CaptureFixture[str]) -> None:
    pms.faults.fail_next(401, times=5)
    assert run(["sync", "--json"], desk) == sync_cli.EXIT_PROBLEMS
    summary = json.loads(capsys.readouterr().out)
    assert summary["ok"] is False and "BEX rejected the API key" in summary["errors"][0]


def test_an_unknown_administration_is_a_usage_error(desk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["keys", "list", "--administration", "99"], desk) == sync_cli.EXIT_USAGE
    assert "There is no administration '99'" in capsys.readouterr().err


def test_progress_json_streams_progress_then_the_summary_with_the_key_from_the_environment(
    desk: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    SecretStore().delete(PMS_API_KEY)  # the desk window hands the key over for this run only
    monkeypatch.setenv(sync_cli.API_KEY_VARIABLE, DEMO_API_KEY)
    assert run(["sync", "--once", "--progress-json"], desk) == sync_cli.EXIT_OK
    assert sync_cli.API_KEY_VARIABLE not in os.environ
    out, err = capsys.readouterr()
    events = [sync_cli.read_progress_line(line) for line in out.splitlines()]
    assert err == "" and DEMO_API_KEY not in out
    assert all(isinstance(event, SyncProgress) for event in events[:-1])
    assert {event.stage for event in events[:-1] if isinstance(event, SyncProgress)} >= {"objects", "reservations"}
    summary = events[-1]
    assert isinstance(summary, SyncSummary) and summary.fetched == 150 and summary.errors == ()


def test_progress_json_reports_a_usage_error_as_a_line(desk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    SecretStore().delete(PMS_API_KEY)
    assert run(["sync", "--once", "--progress-json"], desk, language="nl") == sync_cli.EXIT_USAGE
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
    for noise in ("", "Traceback (most recent call last):", "[1, 2]", '{"progress": {"stage": 1}}', '{"a": 1, "b": 2}'):
        assert sync_cli.read_progress_line(noise) is None
