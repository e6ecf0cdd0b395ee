"""Change counters: every committed write bumps its topic, whichever way the repository wrote it."""

from __future__ import annotations

import pytest

from salto_desk.keys.model import AuditAction, AuditDraft, DoorNameSettings
from salto_desk.pms.models import RentableType
from salto_desk.storage import AuditRepository, ConfigRepository, Database, KeyRepository, SettingsRepository
from salto_desk.storage.change_feed import Topic, versions
from salto_desk.storage.pms_store import PmsStore
from salto_desk.storage.sync_bookkeeping import SyncBookkeeping
from tests.storage.bex_cache import BEX_ID, reservation, store_reservations, unit
from tests.storage.helpers import NOW, add_administration, add_key_type, administration_settings, key_draft


def counters(database: Database) -> dict[Topic, int]:
    with database.unit_of_work() as session:
        return versions(session)


def test_orm_and_statement_writes_bump_their_topic_once_per_transaction(database: Database) -> None:
    assert counters(database) == {Topic.KEYS: 0, Topic.CONFIG: 0, Topic.PMS: 0, Topic.SITES: 0}
    administration = add_administration(database)  # ORM flush
    key_type = add_key_type(database, administration)
    assert counters(database) == {Topic.KEYS: 0, Topic.CONFIG: 2, Topic.PMS: 0, Topic.SITES: 1}
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
    assert counters(database) == {Topic.KEYS: 2, Topic.CONFIG: 3, Topic.PMS: 1, Topic.SITES: 1}


def test_reads_and_rolled_back_writes_bump_nothing(database: Database) -> None:
    with database.unit_of_work() as session:
        ConfigRepository(session).administrations()
    with pytest.raises(RuntimeError), database.unit_of_work() as session:
        ConfigRepository(session).add_administration(administration_settings())
        raise RuntimeError("failed halfway")
    assert counters(database) == {Topic.KEYS: 0, Topic.CONFIG: 0, Topic.PMS: 0, Topic.SITES: 0}


def test_sites_moves_only_with_what_searches_look_reservations_up_in(database: Database) -> None:
    """Objects, object types, door names and administrations; BEX sending the same objects again moves nothing."""
    administration = add_administration(database, pms_id=BEX_ID)
    start = counters(database)[Topic.SITES]
    types = [RentableType("t1", BEX_ID, "Chalet")]
    for _again in range(2):
        with database.unit_of_work() as session:
            cache = PmsStore(session)
            cache.store_objects(BEX_ID, [unit("10", "Chalet 10")], complete=True)
            cache.replace_catalogue(BEX_ID, types, [])
        assert counters(database)[Topic.SITES] == start + 1
    store_reservations(database, reservation("1"))
    with database.unit_of_work() as session:
        PmsStore(session).replace_owners(BEX_ID, [])
        SettingsRepository(session).set("pms.base_url", "http://127.0.0.1:1")
    assert counters(database)[Topic.SITES] == start + 1
    with database.unit_of_work() as session:
        PmsStore(session).replace_catalogue(BEX_ID, [RentableType("t1", BEX_ID, "Lodge")], [])
    with database.unit_of_work() as session:
        ConfigRepository(session).set_door_name(
            DoorNameSettings(
                administration_id=administration.id, pms_object_id="10", object_name="Chalet 10", door_name="Lodge ten"
            )
        )
    with database.unit_of_work() as session:
        PmsStore(session).store_objects(BEX_ID, [unit("10", "Chalet 10", ("Sauna",))])
    assert counters(database)[Topic.SITES] == start + 4
