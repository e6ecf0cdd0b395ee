from __future__ import annotations

import os
import socket
import stat
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import make_url, select, text

from salto_desk.storage import (
    ConcurrentChangeError,
    ConfigRepository,
    Database,
    DatabaseError,
    default_url,
    open_database,
)
from salto_desk.storage import database as database_module
from salto_desk.storage.errors import UnstorableTextError
from salto_desk.storage.orm import AdministrationRow, AuditRow, SettingRow
from tests.storage.helpers import administration_settings


def test_default_database_is_sqlite_in_the_data_folder(tmp_path: Path) -> None:
    url = default_url(tmp_path / "data")
    assert url.startswith("sqlite+pysqlite:///")
    assert url.endswith(str((tmp_path / "data" / "salto-desk.sqlite3").resolve()))
    database = open_database(data_dir=tmp_path / "data")
    try:
        assert (tmp_path / "data" / "salto-desk.sqlite3").is_file()
        with database.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        database.dispose()


def test_a_unit_of_work_commits_all_or_nothing(database: Database) -> None:
    with pytest.raises(RuntimeError), database.unit_of_work() as session:
        ConfigRepository(session).add_administration(administration_settings())
        raise RuntimeError("something failed halfway")
    with database.unit_of_work() as session:
        assert session.scalars(select(AdministrationRow)).all() == []
        ConfigRepository(session).add_administration(administration_settings())
    with database.unit_of_work() as session:
        assert [row.pms_id for row in session.scalars(select(AdministrationRow))] == ["adm-1"]


def test_foreign_keys_are_enforced(database: Database) -> None:
    with pytest.raises(ConcurrentChangeError) as caught, database.unit_of_work() as session:
        session.execute(text("INSERT INTO encoders (administration_id, name, external_id) VALUES (999, 'x', '1')"))
    assert "foreign key" in caught.value.message.en.lower()
    assert "nothing was changed" in (caught.value.action.en if caught.value.action else "")


@pytest.mark.parametrize(
    ("url", "expected"),
    [("not a url", "is not valid"), ("nosuchdb://host/db", "driver"), ("postgresql+nosuchdriver://h/db", "driver")],
)
def test_bad_urls_are_clear_errors(url: str, expected: str) -> None:
    with pytest.raises(DatabaseError) as caught:
        Database(url)
    assert expected in caught.value.message.en


def test_an_unreachable_database_is_a_clear_error(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'missing-folder' / 'db.sqlite3'}")
    with pytest.raises(DatabaseError) as caught:
        database.upgrade()
    assert "cannot be used" in caught.value.message.en
    assert "kan niet worden gebruikt" in caught.value.message.nl


def test_times_are_stored_as_utc_and_come_back_aware(database: Database) -> None:
    summer = datetime(2030, 7, 1, 15, 0, tzinfo=timezone(timedelta(hours=2)))
    with database.unit_of_work() as session:
        session.add(_audit_row(summer))
    with database.unit_of_work() as session:
        stored = session.scalars(select(AuditRow)).one()
        assert stored.started_at == summer
        assert stored.started_at.tzinfo is UTC and stored.started_at.hour == 13
        raw = session.execute(text("SELECT started_at FROM audit_entries")).scalar()
        assert str(raw).startswith("2030-07-01 13:00:00")


def test_naive_times_are_refused(database: Database) -> None:
    with pytest.raises(Exception, match="naive datetime"), database.unit_of_work() as session:
        session.add(_audit_row(datetime(2030, 7, 1, 15, 0)))
        session.flush()


def _audit_row(started: datetime) -> AuditRow:
    return AuditRow(
        started_at=started, desk="desk", process_id=1, operator="", administration="", action="read_card",
        command="LT", holder="", encoder="", rooms="", phone="", state="ok", error_code="", message="", serials="",
    )  # fmt: skip


@pytest.mark.skipif(os.name != "posix", reason="on Windows the user's profile keeps the files private")
def test_the_database_and_its_log_files_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        older = tmp_path / "data" / "salto-desk.sqlite3-wal"
        older.parent.mkdir()
        older.write_bytes(b"")
        older.chmod(0o644)  # left by an older version
        database = open_database(data_dir=tmp_path / "data")
        with database.unit_of_work() as session:
            ConfigRepository(session).add_administration(administration_settings())
        files = sorted((tmp_path / "data").glob("salto-desk.sqlite3*"))
        assert [path.name for path in files] == [
            "salto-desk.sqlite3",
            "salto-desk.sqlite3-shm",
            "salto-desk.sqlite3-wal",
        ]
        assert {stat.S_IMODE(path.stat().st_mode) for path in files} == {0o600}
        database.dispose()
    finally:
        os.umask(previous)


@pytest.mark.parametrize("name", ["Park\x00Zee", "Park\ud800Zee"])
def test_text_no_database_can_store_is_refused_alike_on_every_database(database: Database, name: str) -> None:
    with database.unit_of_work() as session:
        session.add(SettingRow(name="kept", value="Kept"))
    with pytest.raises(UnstorableTextError) as caught, database.unit_of_work() as session:
        session.add(SettingRow(name="refused", value=name))
    assert "cannot be stored" in caught.value.message.en and "niet kan worden opgeslagen" in caught.value.message.nl
    with database.unit_of_work() as session:
        assert [row.name for row in session.scalars(select(SettingRow))] == ["kept"]


def test_a_server_that_accepts_but_never_answers_is_reported_after_the_connect_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without a timeout psycopg would wait for the server's first answer for ever (a VPN half down)."""
    monkeypatch.setattr(database_module, "CONNECT_TIMEOUT_S", 1)
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        database = Database(f"postgresql+psycopg://salto@127.0.0.1:{port}/salto_desk")
        try:
            with pytest.raises(DatabaseError) as raised:
                database.upgrade()
        finally:
            database.dispose()
    message = raised.value.user_message()
    assert f"127.0.0.1:{port}/salto_desk cannot be used" in message
    assert "timeout expired. Check that the database server runs" in message


def test_a_connect_timeout_in_the_url_is_kept() -> None:
    database = Database("postgresql+psycopg://salto@127.0.0.1:1/salto_desk?connect_timeout=30")
    try:
        assert database_module._connect_arguments(database.url) == {}
    finally:
        database.dispose()
    assert database_module._connect_arguments(make_url("postgresql+psycopg://salto@h/d")) == {"connect_timeout": 10}
    assert database_module._connect_arguments(make_url("sqlite:///x")) == {}


def test_a_reading_session_sees_committed_data_and_refuses_to_write(database: Database) -> None:
    with database.unit_of_work() as session:
        session.add(SettingRow(name="greeting", value="hello"))
    with database.reading() as session:
        assert session.scalar(select(SettingRow.value).where(SettingRow.name == "greeting")) == "hello"
        if database.engine.dialect.name == "postgresql":  # no BEGIN and COMMIT round trips to a far server
            assert session.connection().connection.dbapi_connection.autocommit  # type: ignore[union-attr]
        session.add(SettingRow(name="other", value="x"))
        with pytest.raises(RuntimeError, match="stores nothing"):
            session.flush()
    with database.reading() as session:
        assert session.scalar(select(SettingRow.value).where(SettingRow.name == "other")) is None
    with database.unit_of_work() as session:  # the pool's connection writes in transactions as before
        session.add(SettingRow(name="other", value="y"))
    with database.reading() as session:
        assert session.scalar(select(SettingRow.value).where(SettingRow.name == "other")) == "y"
