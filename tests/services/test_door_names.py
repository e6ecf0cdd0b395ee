"""Door names: a row per synced object; only names that differ from the PMS name are stored, all or none."""

from __future__ import annotations

import pytest

from salto_desk.keys.model import DoorNameSettings
from salto_desk.pms.models import InventoryObject
from salto_desk.services.door_names import DoorNameEntry, DoorNames, DoorRow, RefusedDoorName
from salto_desk.storage import ConfigRepository, Database, PmsStore
from tests.storage.helpers import NOW, add_administration
from tests.storage.helpers import database as database

UNITS = (("10", "Chalet 10"), ("11", "Chalet 11"), ("12", "Chalet 12"))


def park(database: Database) -> int:
    administration = add_administration(database, pms_id="1")
    with database.unit_of_work() as session:
        PmsStore(session).store_objects(
            "1", [InventoryObject(pms_id, "1", name, None, (), None, None, NOW) for pms_id, name in UNITS]
        )
    return administration.id


def stored(database: Database, administration_id: int) -> dict[str, str]:
    with database.unit_of_work() as session:
        return ConfigRepository(session).door_name_map(administration_id)


def entries(rows: list[DoorRow], **typed: str) -> list[DoorNameEntry]:
    return [DoorNameEntry(row, typed.get(f"unit_{row.pms_id}", row.door_name)) for row in rows]


def test_rows_list_every_object_then_names_of_objects_no_longer_synced(database: Database) -> None:
    administration_id = park(database)
    with database.unit_of_work() as session:
        ConfigRepository(session).set_door_name(
            DoorNameSettings(administration_id=administration_id, pms_object_id="99", object_name="Old chalet",
                             door_name="199")
        )  # fmt: skip
    rows = DoorNames(database).rows(administration_id)
    assert [(row.pms_id, row.object_name, row.door_name) for row in rows] == [
        ("10", "Chalet 10", ""), ("11", "Chalet 11", ""), ("12", "Chalet 12", ""),
        ("99", "Old chalet", "199")]  # fmt: skip


def test_set_change_and_clear(database: Database) -> None:
    administration_id = park(database)
    door_names = DoorNames(database)
    rows = door_names.rows(administration_id)
    assert door_names.save(administration_id, entries(rows, unit_10=" 101 ", unit_11="Chalet 11")) == 1
    assert stored(database, administration_id) == {"10": "101"}
    rows = door_names.rows(administration_id)
    assert door_names.save(administration_id, entries(rows)) == 0  # nothing typed: nothing changes
    assert door_names.save(administration_id, entries(rows, unit_10="Chalet 10", unit_12="112")) == 2
    assert stored(database, administration_id) == {"12": "112"}


def test_a_name_salto_cannot_take_stores_nothing_and_names_its_object(database: Database) -> None:
    administration_id = park(database)
    door_names = DoorNames(database)
    rows = door_names.rows(administration_id)
    with pytest.raises(RefusedDoorName) as caught:
        door_names.save(administration_id, entries(rows, unit_10="101", unit_11="A door name far too long for SALTO"))
    assert caught.value.pms_object_id == "11" and caught.value.field == "door_name"
    assert "SALTO takes at most" in caught.value.user_message()
    assert stored(database, administration_id) == {}
