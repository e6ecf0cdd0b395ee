"""Builders shared by the storage and key tests: a migrated database and a small configuration."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from salto_desk.keys.model import (
    Administration,
    AdministrationSettings,
    Encoder,
    EncoderSettings,
    Holder,
    HolderKind,
    KeyDraft,
    KeyType,
    KeyTypeSettings,
    Validity,
)
from salto_desk.storage import ConfigRepository, Database, open_database

NOW = datetime(2030, 7, 1, 10, 0, tzinfo=UTC)


def migrated_database(folder: Path) -> Database:
    return open_database(f"sqlite:///{folder / 'test.sqlite3'}")


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    """A migrated SQLite database in the test's temporary folder."""
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
