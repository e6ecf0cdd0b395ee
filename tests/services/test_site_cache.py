"""Searches keep the administrations and their lookups in memory, and never show them older than committed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from salto_desk.keys.model import Administration, DoorNameSettings, Holder, HolderKind, KeyType
from salto_desk.pms.models import InventoryObject
from salto_desk.services.front_desk import FrontDesk
from salto_desk.storage import ConfigRepository, Database, KeyRepository
from salto_desk.storage.pms_store import PmsStore
from salto_desk.storage.pms_values import ReservationQuery
from tests.park import BEX_ID, cache_park
from tests.services.helpers import statements
from tests.storage.helpers import NOW, add_administration, add_key_type, administration_settings, key_draft
from tests.storage.helpers import database as database


@pytest.fixture
def park(database: Database) -> tuple[Administration, KeyType]:
    administration = add_administration(database, pms_id=BEX_ID, name="Park De Wielewaal")
    key_type = add_key_type(database, administration)
    cache_park(database)
    with database.unit_of_work() as session:
        holder = Holder(HolderKind.RESERVATION, "2", "30-00002 Müller")
        KeyRepository(session).add(key_draft(administration, key_type, holder=holder, rooms=("11",)), NOW)
    return administration, key_type


@pytest.fixture
def other_desk(database: Database) -> Iterator[Database]:
    """Another desk (or the sync's own process) on the same database."""
    other = Database(database.url.render_as_string(hide_password=False))
    yield other
    other.dispose()


def doors(front_desk: FrontDesk, text: str = "") -> dict[str, str]:
    found = front_desk.search_reservations(ReservationQuery(text=text))
    return {row.reservation.pms_id: row.reservation.door_name for row in found.rows}


def test_a_search_reads_the_lookups_once_then_asks_one_counter(
    database: Database, park: tuple[Administration, KeyType]
) -> None:
    """Four statements a search (counter, reservations, key data, its rooms and cards): a far database
    charges a round trip each."""
    front_desk = FrontDesk(database, lambda: NOW)
    with statements(database) as first:
        doors(front_desk)
    with statements(database) as second:
        found = front_desk.search_reservations(ReservationQuery(text="müller"))
    assert len(first) == 8  # the counter, administrations, objects, object types, door names, then as below
    assert len(second) == 4
    assert [(row.reservation.pms_id, len(row.keys)) for row in found.rows] == [("2", 1)]
    with statements(database) as owners:
        front_desk.search_owners(None, "")
    assert len(owners) == 3  # the counter, owners, agreements (no owner: no key data to read)


def test_what_another_desk_or_the_sync_commits_shows_in_the_next_search(
    database: Database, other_desk: Database, park: tuple[Administration, KeyType]
) -> None:
    administration, _key_type = park
    front_desk = FrontDesk(database, lambda: NOW)
    assert doors(front_desk) == {"1": "Chalet 10", "2": "Chalet 11", "3": "Chalet 12", "4": "Chalet 10"}
    with other_desk.unit_of_work() as session:
        ConfigRepository(session).set_door_name(
            DoorNameSettings(administration_id=administration.id, pms_object_id="11", object_name="", door_name="C-11")
        )
    assert doors(front_desk, "c-11") == {"2": "C-11"}  # found by its new door name, too
    with other_desk.unit_of_work() as session:
        PmsStore(session).store_objects(BEX_ID, [InventoryObject("10", BEX_ID, "Lodge 10", None, (), None, None, NOW)])
    assert doors(front_desk, "lodge") == {"1": "Lodge 10", "4": "Lodge 10"}
    with other_desk.unit_of_work() as session:
        ConfigRepository(session).add_administration(administration_settings(pms_id="2", name="Hotel Aan Zee"))
    assert [each.name for each in front_desk.search_reservations(ReservationQuery()).administrations] == [
        "Hotel Aan Zee",
        "Park De Wielewaal",
    ]


def test_the_same_objects_from_the_sync_keep_the_lookups_in_memory(
    database: Database, other_desk: Database, park: tuple[Administration, KeyType]
) -> None:
    front_desk = FrontDesk(database, lambda: NOW)
    doors(front_desk)
    with other_desk.unit_of_work() as session:
        PmsStore(session).store_objects(BEX_ID, [InventoryObject("10", BEX_ID, "Chalet 10", None, (), None, None, NOW)])
    with statements(database) as sent:
        assert doors(front_desk, "chalet 10") == {"1": "Chalet 10", "4": "Chalet 10"}
    assert len(sent) == 3  # the counter, the reservations and their key data (none: no rooms or cards to read)
