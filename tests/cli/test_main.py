"""The `salto-desk` entry point: database URLs without passwords, a log for every command, no tracebacks."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest

from salto_desk import cli
from salto_desk.coordination import DATABASE_PASSWORD
from salto_desk.exit_codes import ExitCode
from salto_desk.logs import LOG_FILE, DeskLogHandler
from salto_desk.secrets import SERVICE_NAME
from tests.conftest import MemoryKeyring


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_database_url_with_a_password_is_refused_with_the_ways_to_give_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], language: str
) -> None:
    url = "postgresql+psycopg://salto:s3cret@db.park.local/salto_desk"
    code = cli.main(["--data-dir", str(tmp_path), "--database-url", url, "--language", language, "keys", "list"])
    assert code == ExitCode.USAGE
    said = capsys.readouterr().err
    assert "s3cret" not in said
    assert "database set-password" in said and "PGPASSWORD" in said and "pgpass" in said
    assert ("process list" in said) == (language == "en") and ("proceslijst" in said) == (language == "nl")
    assert not (tmp_path / "salto-desk.sqlite3").exists()  # nothing was opened


def test_a_database_url_without_a_password_is_not_refused() -> None:
    assert cli._password_refused("postgresql+psycopg://salto@db.park.local/salto_desk") is None
    assert cli._password_refused("sqlite:////tmp/desk.sqlite3") is None
    assert cli._password_refused(None) is None


def _log(tmp_path: Path) -> str:
    return (tmp_path / "logs" / LOG_FILE).read_text(encoding="utf-8")


def test_a_command_writes_the_desk_log_and_lets_go_of_it(tmp_path: Path) -> None:
    exported = tmp_path / "configuration.json"
    assert cli.main(["--data-dir", str(tmp_path), "config", "export", str(exported)]) == ExitCode.OK
    text = _log(tmp_path)
    assert f"command started: salto-desk --data-dir {tmp_path} config export {exported}" in text
    assert "command finished with exit code 0" in text
    assert not [each for each in logging.getLogger().handlers if isinstance(each, DeskLogHandler)]


def test_an_unexpected_fault_is_logged_and_said_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_args: object) -> int:
        raise RuntimeError("a fault nobody expected")

    parser = cli.build_parser
    monkeypatch.setattr(cli, "build_parser", lambda: _with_command(parser(), broken))
    assert cli.main(["--data-dir", str(tmp_path), "--language", "nl", "pin", "clear"]) == ExitCode.FAILURE
    said = capsys.readouterr().err
    assert "onverwachte fout" in said and str(tmp_path / "logs" / LOG_FILE) in said and "Traceback" not in said
    assert "Traceback" in _log(tmp_path) and "a fault nobody expected" in _log(tmp_path)


def _with_command(parser: cli.argparse.ArgumentParser, func: object) -> cli.argparse.ArgumentParser:
    """The real parser, whose ``pin clear`` runs ``func`` instead."""
    original = parser.parse_args

    def parse_args(argv: list[str]) -> cli.argparse.Namespace:
        args = original(argv)
        args.func = func
        return args

    parser.parse_args = parse_args  # type: ignore[method-assign, assignment]
    return parser


def test_a_log_folder_that_cannot_be_made_is_said_and_the_command_still_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "logs").write_text("a file where the log folder should be", encoding="utf-8")
    database = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    assert cli.main(["--data-dir", str(tmp_path), "--database-url", database, "pin", "clear"]) == ExitCode.OK
    said = capsys.readouterr().err
    assert "cannot be created" in said and "No manager PIN was set" in said


def test_the_database_password_is_asked_for_and_kept_in_the_keyring(
    tmp_path: Path, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("pa55word\n"))
    assert cli.main(["--data-dir", str(tmp_path), "database", "set-password"]) == ExitCode.OK
    assert memory_keyring.secrets[(SERVICE_NAME, DATABASE_PASSWORD)] == "pa55word"
    assert "pa55word" not in capsys.readouterr().out and "pa55word" not in _log(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    assert cli.main(["--data-dir", str(tmp_path), "database", "set-password"]) == ExitCode.USAGE
    assert "An empty secret cannot be stored" in capsys.readouterr().err
