from __future__ import annotations

import argparse
import csv
import io
import json
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from salto_desk.cli import desk as cli
from salto_desk.exit_codes import ExitCode
from salto_desk.keys.model import AuditAction, AuditDraft, AuditState
from salto_desk.pin import hash_pin
from salto_desk.storage import AuditRepository, open_database
from salto_desk.storage.settings_repository import MANAGER_PIN, PMS_BASE_URL, SettingsRepository
from tests.storage.helpers import add_administration, add_key_type


def run(argv: list[str], data_dir: Path | None, database_url: str | None = None, language: str = "en") -> int:
    parser = argparse.ArgumentParser(prog="salto-desk")
    subparsers = parser.add_subparsers(dest="command")
    cli.register(subparsers)
    args = parser.parse_args(argv)
    args.data_dir, args.database_url, args.language = data_dir, database_url, language
    code: int = args.func(args)
    return code


def test_config_export_and_import_move_a_set_up_between_desks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = open_database(data_dir=tmp_path / "desk-1")
    add_key_type(source, add_administration(source), name="Guest")
    source.dispose()
    exported = tmp_path / "config.json"
    assert run(["config", "export", str(exported)], tmp_path / "desk-1") == ExitCode.OK
    assert "Wrote 1 administration(s)" in capsys.readouterr().err
    assert json.loads(exported.read_text(encoding="utf-8"))["administrations"][0]["key_types"][0]["name"] == "Guest"

    target_url = f"sqlite:///{tmp_path / 'desk-2.sqlite3'}"
    assert run(["config", "import", str(exported)], None, target_url, language="nl") == ExitCode.OK
    assert "1 administratie(s), 1 sleuteltype(s)" in capsys.readouterr().err
    again = tmp_path / "again.json"
    assert run(["config", "export", str(again)], None, target_url) == ExitCode.OK
    first, second = (json.loads(path.read_text(encoding="utf-8")) for path in (exported, again))
    assert first["administrations"] == second["administrations"]


def test_a_bad_configuration_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "salto-desk-configuration", "version": 1, "administrations": [{"name": 5}]}',
                      encoding="utf-8")  # fmt: skip
    assert run(["config", "import", str(broken)], tmp_path) == ExitCode.USAGE
    assert "administrations[0]: the field 'pms_id' is missing" in capsys.readouterr().err
    broken.write_text("{", encoding="utf-8")
    assert run(["config", "import", str(broken)], tmp_path, language="nl") == ExitCode.USAGE
    assert "geen geldige JSON" in capsys.readouterr().err


def test_files_that_cannot_be_read_or_written_are_failures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["config", "import", str(tmp_path / "missing.json")], tmp_path) == ExitCode.FAILURE
    assert "cannot be read" in capsys.readouterr().err
    assert run(["config", "export", str(tmp_path / "no-folder" / "x.json")], tmp_path) == ExitCode.FAILURE
    assert "cannot be written" in capsys.readouterr().err


def test_an_unreachable_database_is_a_failure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'no-folder' / 'db.sqlite3'}"
    assert run(["config", "export", str(tmp_path / "x.json")], None, url) == ExitCode.FAILURE
    assert "cannot be used" in capsys.readouterr().err


def test_audit_export_writes_rows_since_a_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    database = open_database(data_dir=tmp_path)
    today = datetime.now(UTC)
    with database.unit_of_work() as session:
        audit = AuditRepository(session)
        for started, holder in ((today - timedelta(days=10), "old"), (today, "recent")):
            audit.record(AuditDraft(action=AuditAction.READ_CARD, command="LT", holder=holder), desk="d",
                         process_id=1, now=started, state=AuditState.OK)  # fmt: skip
    database.dispose()
    since = (today - timedelta(days=2)).astimezone().date().isoformat()
    output = tmp_path / "audit.csv"
    assert run(["audit", "export", "--since", since, "--output", str(output)], tmp_path) == ExitCode.OK
    assert "Exported 1 audit row(s)" in capsys.readouterr().err
    with output.open(newline="", encoding="utf-8") as stream:
        assert [row["holder"] for row in csv.DictReader(stream)] == ["recent"]
    assert run(["audit", "export", "--since", "2000-01-01"], tmp_path) == ExitCode.OK
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [row["holder"] for row in rows] == ["old", "recent"]


def test_the_since_date_must_be_a_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        run(["audit", "export", "--since", "yesterday"], tmp_path)
    assert caught.value.code == 2
    assert "expected a date as YYYY-MM-DD" in capsys.readouterr().err


def test_pin_clear_removes_a_forgotten_manager_pin(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    database = open_database(data_dir=tmp_path)
    with database.unit_of_work() as session:
        SettingsRepository(session).set(MANAGER_PIN, hash_pin("4821"))
        SettingsRepository(session).set(PMS_BASE_URL, "https://api.bookingexperts.nl")
    assert run(["pin", "clear"], tmp_path) == ExitCode.OK
    assert "The manager PIN is removed" in capsys.readouterr().err
    with database.unit_of_work() as session:
        settings = SettingsRepository(session)
        assert settings.get(MANAGER_PIN) is None
        assert settings.get(PMS_BASE_URL) == "https://api.bookingexperts.nl"  # nothing else touched
    assert run(["pin", "clear"], tmp_path, language="nl") == ExitCode.OK
    assert "Er was geen beheerders-pincode ingesteld" in capsys.readouterr().err
    database.dispose()


CONFIGURATION_HEAD = '{"format": "salto-desk-configuration", "version": 1, "administrations": '


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (CONFIGURATION_HEAD + "[" * 5000 + "]" * 5000 + "}", "nests its data deeper than a configuration file does"),
        (CONFIGURATION_HEAD + "[[[[[[[[[[1]]]]]]]]]]}", "nests its data deeper than a configuration file does"),
        (
            CONFIGURATION_HEAD + '[{"pms_id": "a", "name": "\\ud800"}]}',
            "administrations[0].name contains the character",
        ),
        (CONFIGURATION_HEAD + '[{"pms_id": "a\\u0000b"}]}', "administrations[0].pms_id contains the character '\\x00'"),
        (CONFIGURATION_HEAD + '[{"\\ud800": 1}]}', "administrations[0] (field name) contains the character"),
    ],
)
def test_nested_or_unstorable_configurations_are_refused_with_their_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, said: str
) -> None:
    document = tmp_path / "hostile.json"
    document.write_text(content, encoding="utf-8")
    assert run(["config", "import", str(document)], tmp_path) == ExitCode.USAGE
    error = capsys.readouterr().err
    assert said in error and "Traceback" not in error and len(error) < 1_000


def test_a_file_too_large_to_be_a_configuration_is_refused_before_it_is_read_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = tmp_path / "huge.json"
    with huge.open("wb") as stream:
        stream.truncate(2 * 1024 * 1024 * 1024)  # 2 GB of zero bytes, sparse on disk
    assert run(["config", "import", str(huge)], tmp_path) == ExitCode.USAGE
    assert "is larger than 16 MB: not a configuration file" in capsys.readouterr().err


def test_an_audit_day_outside_what_salto_can_date_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for day in ("0001-01-01", "1999-12-31", "2100-01-01", "9999-12-31"):
        with pytest.raises(SystemExit) as stopped:
            run(["audit", "export", "--since", day], tmp_path)
        assert stopped.value.code == ExitCode.USAGE
        assert "outside the days the audit trail can hold (2000-01-01 to 2099-12-31)" in capsys.readouterr().err


@pytest.mark.skipif(os.name != "posix", reason="on Windows the user's profile keeps the files private")
def test_exports_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        configuration, audit = tmp_path / "config.json", tmp_path / "audit.csv"
        assert run(["config", "export", str(configuration)], tmp_path) == ExitCode.OK
        assert run(["audit", "export", "--since", "2020-01-01", "--output", str(audit)], tmp_path) == ExitCode.OK
    finally:
        os.umask(previous)
    assert stat.S_IMODE(configuration.stat().st_mode) == stat.S_IMODE(audit.stat().st_mode) == 0o600
