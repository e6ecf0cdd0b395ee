"""The migrations are the only way the schema changes: they must build exactly the ORM's schema."""

from __future__ import annotations

import io
import os

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from salto_desk.keys.model import AuditAction, AuditDraft, AuditState, HolderKind, KeyState, KeyTypeSettings
from salto_desk.storage import AuditRepository, ConfigRepository, Database, KeyRepository, open_database
from salto_desk.storage.change_feed import Topic, versions
from salto_desk.storage.database import alembic_config
from salto_desk.storage.orm import Base
from tests.storage.helpers import NOW, add_administration, add_key_type, administration_settings, key_draft

POSTGRES_URL = os.environ.get("SALTO_DESK_TEST_POSTGRES_URL")


def schema_differences(database: Database) -> list[object]:
    with database.engine.connect() as connection:
        return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))


def test_sqlite_migrations_produce_exactly_the_orm_schema(database: Database) -> None:
    assert schema_differences(database) == []
    assert set(inspect(database.engine).get_table_names()) == set(Base.metadata.tables) | {"alembic_version"}


def test_the_check_itself_sees_a_missing_table(sqlite_database: Database) -> None:
    with sqlite_database.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE card_serials")
    differences = schema_differences(sqlite_database)
    assert differences and differences[0][0] == "add_table"  # type: ignore[index]


def test_upgrading_again_changes_nothing_and_downgrade_reverses(database: Database) -> None:
    database.upgrade()
    assert schema_differences(database) == []
    with database.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert set(inspect(database.engine).get_table_names()) == {"alembic_version"}
    database.upgrade()
    assert schema_differences(database) == []


def downgrade(database: Database, revision: str) -> None:
    with database.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_the_owners_default_column_comes_unmarked_and_goes_without_losing_key_types(database: Database) -> None:
    administration = add_administration(database)
    owner = add_key_type(database, administration, name="Owner", owners_default=True)
    with database.unit_of_work() as session:
        KeyRepository(session).add(key_draft(administration, owner), NOW)  # key data refers to the key type
    downgrade(database, "0006")
    assert "owners_default" not in {column["name"] for column in inspect(database.engine).get_columns("key_types")}
    with database.engine.begin() as connection:
        assert connection.exec_driver_sql("SELECT name FROM key_types").scalars().all() == ["Owner"]
        connection.exec_driver_sql(f"INSERT INTO key_types (administration_id, name, description, print_info) "
                                   f"VALUES ({administration.id}, 'Guest', '', '')")  # fmt: skip
    database.upgrade()
    assert schema_differences(database) == []
    with database.unit_of_work() as session:
        key_types = ConfigRepository(session).key_types(administration.id)
    assert [(each.name, each.owners_default) for each in key_types] == [("Guest", False), ("Owner", False)]


def test_the_sites_counter_comes_at_zero_and_goes_with_its_migration(database: Database) -> None:
    with database.reading() as session:
        assert versions(session, Topic.SITES) == {Topic.SITES: 0}
    downgrade(database, "0007")
    with database.reading() as session:
        assert set(versions(session)) == {Topic.KEYS, Topic.CONFIG, Topic.PMS}
    database.upgrade()
    with database.reading() as session:
        assert versions(session)[Topic.SITES] == 0


def test_audit_rows_learn_whose_key_they_are_about_from_keys_that_still_exist(database: Database) -> None:
    administration = add_administration(database)
    key_type = add_key_type(database, administration)
    with database.unit_of_work() as session:
        key = KeyRepository(session).add(key_draft(administration, key_type), NOW)
        audit = AuditRepository(session)
        for key_id in (key.id, key.id + 1000):  # the second key was deleted before this version
            audit.record(
                AuditDraft(action=AuditAction.ENCODE_NEW, administration=administration.pms_id, key_id=key_id),
                desk="DESK-1", process_id=1, now=NOW, state=AuditState.OK,
            )  # fmt: skip
    with database.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0005")
        command.upgrade(config, "0006")
    with database.reading() as session:
        found = AuditRepository(session).of_holder(administration.pms_id, HolderKind.RESERVATION, "res-1")
        kept = AuditRepository(session).entries()
    assert [entry.key_id for entry in found] == [key.id]
    assert [(entry.holder_kind, entry.holder_pms_id) for entry in kept] == [
        (HolderKind.RESERVATION, "res-1"),
        (None, ""),
    ]


def test_the_migrations_render_for_postgresql_without_a_server() -> None:
    config = alembic_config()
    config.set_main_option("sqlalchemy.url", "postgresql://")
    config.output_buffer = io.StringIO()
    command.upgrade(config, "head", sql=True)
    sql = config.output_buffer.getvalue()
    assert "CREATE TABLE key_data" in sql
    assert "id SERIAL NOT NULL" in sql
    assert "TIMESTAMP WITHOUT TIME ZONE" in sql
    assert "ON DELETE RESTRICT" in sql


@pytest.mark.skipif(POSTGRES_URL is None, reason="set SALTO_DESK_TEST_POSTGRES_URL to test on PostgreSQL")
def test_postgresql_migrations_and_repositories() -> None:
    assert POSTGRES_URL is not None
    database = open_database(POSTGRES_URL)
    try:
        with database.engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        database.upgrade()
        assert schema_differences(database) == []
        with database.unit_of_work() as session:
            config_repository = ConfigRepository(session)
            administration = config_repository.add_administration(administration_settings())
            key_type = config_repository.add_key_type(
                KeyTypeSettings(administration_id=administration.id, name="Guest", granted=(1,))
            )
            keys = KeyRepository(session)
            key = keys.add(key_draft(administration, key_type, rooms=("101", "102")), NOW)
            keys.record_cards(key.id, new_stay=True, encoder="Desk", serials=("04AA",), now=NOW)
        with database.unit_of_work() as session:
            stored = KeyRepository(session).get(key.id)
            assert stored.rooms == ("101", "102") and stored.state is KeyState.ISSUED
            assert stored.validity == key.validity and stored.cards.serials == ("04AA",)
            assert KeyRepository(session).sharing_rooms(stored) == []
    finally:
        with database.engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        database.dispose()
