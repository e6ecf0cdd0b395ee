"""The sync's bookkeeping in the cache: reservations waiting for key data, unfinished pulls, pauses, flags."""

from __future__ import annotations

from datetime import timedelta

import pytest

from salto_desk.keys.model import Administration, FlagCode, KeyFlag
from salto_desk.pms.models import Contact
from salto_desk.pms.selection import ReservationSelection
from salto_desk.storage import Database, KeyRepository
from salto_desk.storage.pms_repository import PmsRepository, SyncCursor, UnfinishedPull
from salto_desk.storage.sync_key_repository import SyncKeyRepository
from tests.storage.helpers import add_administration, add_key_type, key_draft
from tests.storage.test_pms_repository import BEX_ID, NOW, TODAY, reservation, unit


@pytest.fixture
def park(database: Database) -> Administration:
    administration = add_administration(database, pms_id=BEX_ID, name="Park")
    with database.unit_of_work() as session:
        cache = PmsRepository(session)
        cache.store_objects(BEX_ID, [unit("10", "Chalet 10", ("Sauna",)), unit("11", "Chalet 11")])
        cache.store_reservations(BEX_ID, [reservation("1"), reservation("2", inventory_object_id="11")])
        cache.clear_pending(BEX_ID, ["1", "2"])
    return administration


def pending(database: Database, administration: Administration) -> list[str]:
    with database.unit_of_work() as session:
        return [each.pms_id for each in PmsRepository(session).pending_reservations(administration.id)]


def test_stored_reservations_wait_for_their_key_data_until_cleared(database: Database, park: Administration) -> None:
    assert pending(database, park) == []
    with database.unit_of_work() as session:
        PmsRepository(session).store_reservations(BEX_ID, [reservation("3")])
    assert pending(database, park) == ["3"]
    with database.unit_of_work() as session:
        PmsRepository(session).clear_pending(BEX_ID, ["3"])
    assert pending(database, park) == []


def test_a_renamed_relabelled_or_removed_object_makes_its_reservations_wait_again(
    database: Database, park: Administration
) -> None:
    with database.unit_of_work() as session:
        PmsRepository(session).store_objects(BEX_ID, [unit("10", "Chalet 10", ("Sauna",))])  # unchanged
    assert pending(database, park) == []
    with database.unit_of_work() as session:
        PmsRepository(session).store_objects(BEX_ID, [unit("10", "Chalet Tien", ("Sauna",))])
    assert pending(database, park) == ["1"]
    with database.unit_of_work() as session:
        cache = PmsRepository(session)
        cache.clear_pending(BEX_ID, ["1"])
        cache.store_objects(BEX_ID, [unit("10", "Chalet Tien", ("Sauna",))])  # incremental: 11 is not gone
    assert pending(database, park) == []
    with database.unit_of_work() as session:
        PmsRepository(session).store_objects(BEX_ID, [unit("10", "Chalet Tien", ("Sauna",))], complete=True)
    with database.unit_of_work() as session:
        cache = PmsRepository(session)
        assert [each.pms_id for each in cache.objects(park.id)] == ["10"]
        gone = cache.reservation(park.id, "2")
    assert pending(database, park) == ["2"]
    assert gone is not None and gone.object_missing and gone.object_name == ""


def test_an_unfinished_pull_is_kept_with_its_selection_until_it_finishes(database: Database) -> None:
    selection = ReservationSelection(NOW, updated_since=NOW - timedelta(hours=2), departing_from=TODAY)
    with database.unit_of_work() as session:
        cache = PmsRepository(session)
        assert cache.unfinished_pull(BEX_ID) is None
        cache.record_pull_progress(BEX_ID, UnfinishedPull(selection, 300))
    with database.unit_of_work() as session:
        assert PmsRepository(session).unfinished_pull(BEX_ID) == UnfinishedPull(selection, 300)
        PmsRepository(session).record_pull_progress(BEX_ID, None)
    with database.unit_of_work() as session:
        assert PmsRepository(session).unfinished_pull(BEX_ID) is None


def test_a_pause_is_not_an_outage_and_a_success_ends_it(database: Database, park: Administration) -> None:
    with database.unit_of_work() as session:
        cache = PmsRepository(session)
        assert cache.paused_until() is None
        cache.record_pause(BEX_ID, now=NOW, until=NOW + timedelta(minutes=15), error="BEX limits ...")
        cache.record_pause("2", now=NOW, until=NOW + timedelta(minutes=5), error="BEX limits ...")
    with database.unit_of_work() as session:
        cache = PmsRepository(session)
        assert cache.paused_until() == NOW + timedelta(minutes=15)
        status = cache.sync_status(park.id)
        assert status.last_error == "BEX limits ..." and status.offline_since is None
        cache.record_sync_success(BEX_ID, name="Park", now=NOW, cursor=SyncCursor(NOW, NOW, NOW))
    with database.unit_of_work() as session:
        cache = PmsRepository(session)
        assert cache.paused_until() == NOW + timedelta(minutes=5)
        assert cache.sync_cursor(BEX_ID) == SyncCursor(NOW, NOW, NOW)
        cache.record_sync_success(BEX_ID, name="Park", now=NOW, cursor=SyncCursor(NOW, NOW))
        assert cache.sync_cursor(BEX_ID).objects_complete_at == NOW  # an incremental read keeps the last full one


def test_texts_no_database_can_hold_are_stored_with_a_replacement_character(
    database: Database, park: Administration
) -> None:
    contact = Contact("Anna\x00", "de\ud800Boer", None, "06\x0012345678")
    with database.unit_of_work() as session:
        PmsRepository(session).store_reservations(BEX_ID, [reservation("5", contact=contact)])
    with database.unit_of_work() as session:
        stored = PmsRepository(session).reservation(park.id, "5")
    assert stored is not None and stored.guest_name == "Anna\ufffd de\ufffdBoer"
    assert stored.phone_problem is not None  # the NUL in the phone made it unusable, never another number


def test_the_guest_phone_is_read_with_the_administration_s_country(database: Database, park: Administration) -> None:
    with database.unit_of_work() as session:
        cache = PmsRepository(session)
        cache.store_reservations(
            BEX_ID,
            [
                reservation("6", contact=Contact("A", "B", None, "06 1234 5678")),
                reservation("7", contact=Contact("A", "B", None, "+31 06 1234 5678")),
            ],
        )
        national, broken = cache.reservation(park.id, "6"), cache.reservation(park.id, "7")
    assert national is not None and national.phone == "+31612345678" and national.sendable_phone == "+31612345678"
    assert broken is not None and broken.phone == "+31 06 1234 5678" and broken.sendable_phone is None
    assert broken.phone_problem is not None


def test_flags_are_replaced_per_key_and_go_with_the_key(database: Database, park: Administration) -> None:
    guest = add_key_type(database, park, name="Guest")
    with database.unit_of_work() as session:
        keys = KeyRepository(session)
        first, second = (keys.add(key_draft(park, guest), NOW) for _ in range(2))
        flags = SyncKeyRepository(session)
        missing = KeyFlag(FlagCode.OBJECT_MISSING, (("object", "11"),))
        phone = KeyFlag(FlagCode.PHONE_REFUSED, (("phone", "+31 06"), ("reason", "zero_after_country_code")))
        flags.replace_flags({first.id: [missing, phone], second.id: [missing]})
    with database.unit_of_work() as session:
        flags = SyncKeyRepository(session)
        assert flags.flags([first.id, second.id]) == {first.id: (missing, phone), second.id: (missing,)}
        flags.replace_flags({first.id: [phone], second.id: []})
        KeyRepository(session).delete(first.id)
    with database.unit_of_work() as session:
        assert SyncKeyRepository(session).flags([first.id, second.id]) == {}
