"""A small park in the PMS cache (one administration, three chalets, four reservations), for the tests of
what reads the cache: the application layer and the window."""

from __future__ import annotations

from datetime import date, timedelta

from salto_desk.pms.models import Contact, InventoryObject, Reservation
from salto_desk.storage import Database
from salto_desk.storage.pms_store import PmsStore
from tests.storage.bex_cache import BEX_ID
from tests.storage.bex_cache import reservation as cached_reservation
from tests.storage.helpers import NOW

__all__ = ["BEX_ID", "cache_park", "reservation"]
TODAY = NOW.date()


def reservation(
    pms_id: str, guest: tuple[str, str], unit: str, start: date, nights: int, **changes: object
) -> Reservation:
    values: dict[str, object] = {
        "start_date": start,
        "end_date": start + timedelta(days=nights),
        "contact": Contact(guest[0], guest[1], None, "+31612345678"),
        "inventory_object_id": unit,
        "rentable_type_id": None,
        "ordered": (),
        "updated_at": NOW,
    }
    return cached_reservation(pms_id, **{**values, **changes})


UNITS = (("10", "Chalet 10"), ("11", "Chalet 11"), ("12", "Chalet 12"))
RESERVATIONS = (
    reservation("1", ("Joëlle", "van Dijk"), "10", TODAY + timedelta(days=2), 3),
    reservation("2", ("Jürgen", "Müller"), "11", TODAY, 4),
    reservation("3", ("Seán", "O'Brien"), "12", TODAY - timedelta(days=2), 2, checked_in_on=TODAY - timedelta(days=2)),
    reservation("4", ("Anouk", "Bakker"), "10", TODAY - timedelta(days=5), 7, state="cancelled"),
)


def cache_park(database: Database) -> None:
    """The chalets and reservations of the park, as a sync would have cached them."""
    with database.unit_of_work() as session:
        cache = PmsStore(session)
        cache.store_objects(
            BEX_ID, [InventoryObject(pms_id, BEX_ID, name, None, (), None, None, NOW) for pms_id, name in UNITS]
        )
        cache.store_reservations(BEX_ID, RESERVATIONS)
