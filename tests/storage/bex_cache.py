"""Builders shared by the BEX cache tests: BEX records, a park with its objects and catalogue cached, searches."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from salto_desk.keys.model import Administration, DoorNameSettings
from salto_desk.pms.models import CatalogueItem, Contact, InventoryObject, OrderedItem, RentableType, Reservation
from salto_desk.storage import ConfigRepository, Database
from salto_desk.storage.pms_reader import PmsReader
from salto_desk.storage.pms_store import PmsStore
from salto_desk.storage.pms_values import ReservationQuery
from tests.storage.helpers import add_administration

TODAY = date(2030, 7, 1)
NOW = datetime(2030, 7, 1, 8, 0, tzinfo=UTC)
BEX_ID = "1"


def reservation(pms_id: str, **changes: object) -> Reservation:
    values: dict[str, object] = {
        "id": pms_id,
        "administration_id": BEX_ID,
        "booking_nr": f"30-{int(pms_id):05d}",
        "state": "confirmed",
        "start_date": TODAY,
        "end_date": TODAY + timedelta(days=3),
        "checked_in_on": None,
        "checked_out_on": None,
        "late_checkout": None,
        "fixed_rentable": None,
        "guest_name": None,
        "guest_group": None,
        "contact": Contact("Joëlle", "van Dijk", "joelle@example.org", "+31612345678"),
        "booking_id": None,
        "inventory_object_id": "10",
        "rentable_identity_id": None,
        "rentable_type_id": "t1",
        "ordered": (OrderedItem("extra", "e1", "Pool access"), OrderedItem("cost", "c1", "Final cleaning")),
        "created_at": None,
        "updated_at": NOW,
    }
    values.update(changes)
    return Reservation(**values)  # type: ignore[arg-type]


def unit(pms_id: str, name: str, labels: tuple[str, ...] = (), type_id: str = "t1") -> InventoryObject:
    return InventoryObject(pms_id, BEX_ID, name, None, labels, type_id, f"ri-{pms_id}", NOW)


def cache_park(database: Database) -> Administration:
    """An administration with two chalets (one with a SALTO door name), types, extras and costs cached."""
    administration = add_administration(database, pms_id=BEX_ID, name="Park")
    with database.unit_of_work() as session:
        ConfigRepository(session).set_door_name(
            DoorNameSettings(administration_id=administration.id, pms_object_id="11", object_name="", door_name="C-11")
        )
        cache = PmsStore(session)
        cache.store_objects(
            BEX_ID, [unit("10", "Chalet Zeezicht", ("Sauna", "Aan het water")), unit("11", "Chalet Bos", ("Sauna",))]
        )
        cache.replace_catalogue(
            BEX_ID,
            [RentableType("t1", BEX_ID, "Chalet for 4"), RentableType("t2", BEX_ID, "Pitch")],
            [
                CatalogueItem("e1", BEX_ID, "extra", "Pool access", None),
                CatalogueItem("e2", BEX_ID, "extra", "Parking", None),
                CatalogueItem("c1", BEX_ID, "cost", "Final cleaning", None),
            ],
        )
    return administration


def store_reservations(database: Database, *reservations: Reservation) -> None:
    with database.unit_of_work() as session:
        PmsStore(session).store_reservations(BEX_ID, reservations)


def search(database: Database, **query: object) -> list[str]:
    with database.unit_of_work() as session:
        found = PmsReader(session).search_reservations(ReservationQuery(**query))  # type: ignore[arg-type]
    return [each.pms_id for each in found]
