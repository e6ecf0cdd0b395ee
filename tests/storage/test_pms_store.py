"""What a pull brings, stored in the cache: replaced by id, in chunks, and marked for new key data."""

from __future__ import annotations

from dataclasses import replace

import pytest

from salto_desk.keys.model import Administration
from salto_desk.pms.models import CatalogueItem, Contact, RentableType
from salto_desk.storage import Database
from salto_desk.storage.pms_reader import PmsReader
from salto_desk.storage.pms_store import PmsStore
from tests.storage.bex_cache import BEX_ID, cache_park, reservation, search, store_reservations, unit
from tests.storage.helpers import add_administration


@pytest.fixture
def park(database: Database) -> Administration:
    return cache_park(database)


@pytest.fixture
def settled(database: Database) -> Administration:
    """A park whose two reservations have their key data: nothing waits."""
    administration = add_administration(database, pms_id=BEX_ID, name="Park")
    with database.unit_of_work() as session:
        cache = PmsStore(session)
        cache.store_objects(BEX_ID, [unit("10", "Chalet 10", ("Sauna",)), unit("11", "Chalet 11")])
        cache.store_reservations(BEX_ID, [reservation("1"), reservation("2", inventory_object_id="11")])
        cache.clear_pending(BEX_ID, ["1", "2"])
    return administration


def pending(database: Database, administration: Administration) -> list[str]:
    with database.unit_of_work() as session:
        return [each.pms_id for each in PmsReader(session).pending_reservations(administration.id)]


def test_storing_again_replaces_and_an_unknown_object_gives_empty_names(
    database: Database, park: Administration
) -> None:
    store_reservations(database, reservation("1"))
    store_reservations(database, reservation("1", state="Cancelled", inventory_object_id="99", ordered=()))
    with database.unit_of_work() as session:
        cached = PmsReader(session).reservation(park.id, "1")
        assert PmsReader(session).reservation(park.id, "2") is None
    assert cached is not None
    assert (cached.state, cached.object_name, cached.door_name, cached.extras) == ("cancelled", "", "", ())


def test_a_reservation_without_dates_is_refused(database: Database, park: Administration) -> None:
    with pytest.raises(ValueError, match="no stay dates"), database.unit_of_work() as session:
        PmsStore(session).store_reservations(BEX_ID, [reservation("1", start_date=None)])


def test_many_reservations_are_stored_in_chunks(database: Database, park: Administration) -> None:
    many = [reservation(str(number)) for number in range(1, 1203)]
    store_reservations(database, *many)
    store_reservations(database, *(replace(each, state="cancelled") for each in many[:600]))
    assert len(search(database, limit=5000)) == 1202
    assert len(search(database, states=frozenset({"cancelled"}), limit=5000)) == 600


def test_the_catalogue_and_the_owners_are_replaced_as_a_whole(database: Database, park: Administration) -> None:
    with database.unit_of_work() as session:
        cache = PmsStore(session)
        cache.replace_catalogue(
            BEX_ID, [RentableType("t3", BEX_ID, "Tent")], [CatalogueItem("e9", BEX_ID, "extra", "Bikes", None)]
        )
        cache.replace_owners(BEX_ID, [])
    with database.unit_of_work() as session:
        choices = PmsReader(session).filter_choices(park.id)
        assert PmsReader(session).owners(park.id) == []
    assert (choices.object_types, choices.extras, choices.costs) == (("Tent",), ("Bikes",), ())


def test_texts_no_database_can_hold_are_stored_with_a_replacement_character(
    database: Database, settled: Administration
) -> None:
    contact = Contact("Anna\x00", "de\ud800Boer", None, "06\x0012345678")
    store_reservations(database, reservation("5", contact=contact))
    with database.unit_of_work() as session:
        stored = PmsReader(session).reservation(settled.id, "5")
    assert stored is not None and stored.guest_name == "Anna\ufffd de\ufffdBoer"
    assert stored.phone_problem is not None  # the NUL in the phone made it unusable, never another number


def test_stored_reservations_wait_for_their_key_data_until_cleared(database: Database, settled: Administration) -> None:
    assert pending(database, settled) == []
    store_reservations(database, reservation("3"))
    assert pending(database, settled) == ["3"]
    with database.unit_of_work() as session:
        PmsStore(session).clear_pending(BEX_ID, ["3"])
    assert pending(database, settled) == []


def test_a_renamed_relabelled_or_removed_object_makes_its_reservations_wait_again(
    database: Database, settled: Administration
) -> None:
    with database.unit_of_work() as session:
        PmsStore(session).store_objects(BEX_ID, [unit("10", "Chalet 10", ("Sauna",))])  # unchanged
    assert pending(database, settled) == []
    with database.unit_of_work() as session:
        PmsStore(session).store_objects(BEX_ID, [unit("10", "Chalet Tien", ("Sauna",))])
    assert pending(database, settled) == ["1"]
    with database.unit_of_work() as session:
        cache = PmsStore(session)
        cache.clear_pending(BEX_ID, ["1"])
        cache.store_objects(BEX_ID, [unit("10", "Chalet Tien", ("Sauna",))])  # incremental: 11 is not gone
    assert pending(database, settled) == []
    with database.unit_of_work() as session:
        PmsStore(session).store_objects(BEX_ID, [unit("10", "Chalet Tien", ("Sauna",))], complete=True)
    with database.unit_of_work() as session:
        cache = PmsReader(session)
        assert [each.pms_id for each in cache.objects(settled.id)] == ["10"]
        gone = cache.reservation(settled.id, "2")
    assert pending(database, settled) == ["2"]
    assert gone is not None and gone.object_missing and gone.object_name == ""
