"""Change counters: every committed write bumps its topic, whichever way the repository wrote it."""

from __future__ import annotations

import pytest

from salto_desk.keys.model import AuditAction, AuditDraft
from salto_desk.storage import AuditRepository, ConfigRepository, Database, KeyRepository, SettingsRepository
from salto_desk.storage.change_feed import Topic, versions
from salto_desk.storage.pms_store import PmsStore
from salto_desk.storage.sync_bookkeeping import SyncBookkeeping
from tests.storage.helpers import NOW, add_administration, add_key_type, administration_settings, key_draft


def counters(database: Database) -> dict[Topic, int]:
    with database.unit_of_work() as session:
        return versions(session)


def test_orm_and_statement_writes_bump_their_topic_once_per_transaction(database: Database) -> None:
    assert counters(database) == {Topic.KEYS: 0, Topic.CONFIG: 0, Topic.PMS: 0}
    administration = add_administration(database)  # ORM flush
    key_type = add_key_type(database, administration)
    assert counters(database) == {Topic.KEYS: 0, Topic.CONFIG: 2, Topic.PMS: 0}
    with database.unit_of_work() as session:  # INSERT statements, two tables, one transaction
        KeyRepository(session).add(key_draft(administration, key_type), NOW)
    with database.unit_of_work() as session:
        AuditRepository(session).start(
            AuditDraft(action=AuditAction.READ_CARD, administration="adm-1"), desk="d", process_id=1, now=NOW
        )
    with database.unit_of_work() as session:
        SettingsRepository(session).set("pms.base_url", "http://127.0.0.1:1")
    with database.unit_of_work() as session:
        PmsStore(session).store_objects("1", [])  # nothing to store: nothing changed
    with database.unit_of_work() as session:
        SyncBookkeeping(session).record_sync_failure("1", now=NOW, error="unreachable")
    assert counters(database) == {Topic.KEYS: 2, Topic.CONFIG: 3, Topic.PMS: 1}


def test_reads_and_rolled_back_writes_bump_nothing(database: Database) -> None:
    with database.unit_of_work() as session:
        ConfigRepository(session).administrations()
    with pytest.raises(RuntimeError), database.unit_of_work() as session:
        ConfigRepository(session).add_administration(administration_settings())
        raise RuntimeError("failed halfway")
    assert counters(database) == {Topic.KEYS: 0, Topic.CONFIG: 0, Topic.PMS: 0}
