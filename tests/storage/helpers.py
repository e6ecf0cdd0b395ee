"""Builders shared by the storage and key tests: a migrated database and a small configuration."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, inspect, text

from salto_desk.keys.model import (
    Administration,
    AdministrationSettings,
    Encoder,
    EncoderSettings,
    Holder,
    HolderKind,
    KeyData,
    KeyDraft,
    KeyType,
    KeyTypeSettings,
    Validity,
)
from salto_desk.storage import ConfigRepository, Database, KeyRepository, open_database
from salto_desk.storage.change_feed import Topic
from salto_desk.storage.orm import Base, ChangeCounterRow

NOW = datetime(2030, 7, 1, 10, 0, tzinfo=UTC)


POSTGRES_URL = os.environ.get("SALTO_DESK_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", "postgresql"]


def migrated_database(folder: Path) -> Database:
    return open_database(f"sqlite:///{folder / 'test.sqlite3'}")


def emptied_postgres() -> Database:
    """The test server's database, migrated and with every table emptied (much faster than re-creating it)."""
    if POSTGRES_URL is None:
        pytest.skip("set SALTO_DESK_TEST_POSTGRES_URL to test on PostgreSQL")
    postgres = Database(POSTGRES_URL)
    if set(inspect(postgres.engine).get_table_names()) != {*Base.metadata.tables, "alembic_version"}:
        with postgres.engine.begin() as connection:  # a test changed the schema: build it anew
            schema = connection.exec_driver_sql("SELECT current_schema()").scalar_one()  # the URL's search_path
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE; CREATE SCHEMA "{schema}"')
    postgres.upgrade()
    tables = ", ".join(Base.metadata.tables)
    with postgres.engine.begin() as connection:
        connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        connection.execute(insert(ChangeCounterRow), [{"topic": topic.value, "version": 0} for topic in Topic])
    return postgres


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database: SQLite in the test's folder, and PostgreSQL when
    SALTO_DESK_TEST_POSTGRES_URL names a server (skipped otherwise). The GUI tests have their own,
    SQLite only (tests/ui/conftest.py)."""
    migrated = migrated_database(tmp_path) if request.param == "sqlite" else emptied_postgres()
    yield migrated
    migrated.dispose()


@pytest.fixture
def sqlite_database(tmp_path: Path) -> Iterator[Database]:
    """A migrated SQLite database, for what only SQLite has (its file, pragmas, page limits)."""
    migrated = migrated_database(tmp_path)
    yield migrated
    migrated.dispose()


def administration_settings(**changes: object) -> AdministrationSettings:
    values: dict[str, object] = {"pms_id": "adm-1", "name": "Park Zeezicht", "salto_endpoint": "127.0.0.1:8090"}
    values.update(changes)
    return AdministrationSettings(**values)  # type: ignore[arg-type]


def add_administration(database: Database, **changes: object) -> Administration:
    with database.unit_of_work() as session:
        return ConfigRepository(session).add_administration(administration_settings(**changes))


def add_key_type(database: Database, administration: Administration, **changes: object) -> KeyType:
    values: dict[str, object] = {
        "administration_id": administration.id,
        "name": "Guest",
        "print_info": ("Welcome",),
        "granted": (1, 2),
    }
    values.update(changes)
    with database.unit_of_work() as session:
        return ConfigRepository(session).add_key_type(KeyTypeSettings(**values))  # type: ignore[arg-type]


def add_encoder(database: Database, administration: Administration, name: str = "Front desk",
                external_id: str = "1") -> Encoder:  # fmt: skip
    with database.unit_of_work() as session:
        return ConfigRepository(session).add_encoder(
            EncoderSettings(administration_id=administration.id, name=name, external_id=external_id)
        )


def key_draft(administration: Administration, key_type: KeyType, **changes: object) -> KeyDraft:
    values: dict[str, object] = {
        "administration_id": administration.id,
        "key_type_id": key_type.id,
        "holder": Holder(HolderKind.RESERVATION, "res-1", "25-00123 Jansen"),
        "rooms": ("101",),
        "validity": Validity(NOW + timedelta(hours=5), NOW + timedelta(days=3)),
        "granted": key_type.granted,
        "print_info": key_type.print_info,
    }
    values.update(changes)
    return KeyDraft(**values)  # type: ignore[arg-type]


def add_key(database: Database, administration: Administration, type_name: str, **changes: object) -> KeyData:
    """Stored key data of a key type of its own (named ``type_name`` plus a unique number)."""
    key_type = add_key_type(database, administration, name=f"{type_name} {time.monotonic_ns()}")
    with database.unit_of_work() as session:
        return KeyRepository(session).add(key_draft(administration, key_type, **changes), NOW)


def drop_every_other_connection(database: Database) -> int:
    """What a PostgreSQL restart does to every open connection of the desks (all but the one asking)."""
    with database.engine.connect() as connection:
        return len(
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).all()
        )
