"""A small desk for the window tests: a simulator, a migrated database with one park whose PMS data is cached."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from salto_desk.keys.model import Administration, Encoder, Holder, HolderKind, KeyData, KeyState, KeyType, Validity
from salto_desk.paths import app_paths
from salto_desk.pms.models import Contact, InventoryObject, Reservation
from salto_desk.simulator import Simulator, SimulatorConfig
from salto_desk.storage import Database, KeyRepository
from salto_desk.storage.pms_repository import PmsRepository
from tests.storage.helpers import NOW, add_administration, add_encoder, add_key_type, key_draft
from ui.context import DeskContext

WAIT_MS = 10_000
BEX_ID = "1"
TODAY = NOW.date()


def reservation(
    pms_id: str, guest: tuple[str, str], unit: str, start: date, nights: int, **changes: object
) -> Reservation:
    values: dict[str, object] = {
        "id": pms_id,
        "administration_id": BEX_ID,
        "booking_nr": f"30-{int(pms_id):05d}",
        "state": "confirmed",
        "start_date": start,
        "end_date": start + timedelta(days=nights),
        "checked_in_on": None,
        "checked_out_on": None,
        "late_checkout": None,
        "fixed_rentable": None,
        "guest_name": None,
        "guest_group": None,
        "contact": Contact(guest[0], guest[1], None, "+31612345678"),
        "booking_id": None,
        "inventory_object_id": unit,
        "rentable_identity_id": None,
        "rentable_type_id": None,
        "ordered": (),
        "created_at": None,
        "updated_at": NOW,
    }
    values.update(changes)
    return Reservation(**values)  # type: ignore[arg-type]


UNITS = (("10", "Chalet 10"), ("11", "Chalet 11"), ("12", "Chalet 12"))
RESERVATIONS = (
    reservation("1", ("Joëlle", "van Dijk"), "10", TODAY + timedelta(days=2), 3),
    reservation("2", ("Jürgen", "Müller"), "11", TODAY, 4),
    reservation("3", ("Seán", "O'Brien"), "12", TODAY - timedelta(days=2), 2, checked_in_on=TODAY - timedelta(days=2)),
    reservation("4", ("Anouk", "Bakker"), "10", TODAY - timedelta(days=5), 7, state="cancelled"),
)


@dataclass
class Desk:
    simulator: Simulator
    database: Database
    administration: Administration
    encoder: Encoder
    key_type: KeyType
    context: DeskContext

    def add_key(self, reservation_pms_id: str, state: KeyState = KeyState.READY) -> KeyData:
        holder = Holder(HolderKind.RESERVATION, reservation_pms_id, f"30-{int(reservation_pms_id):05d}")
        draft = key_draft(
            self.administration, self.key_type, holder=holder, rooms=("Chalet 10",), state=state,
            validity=Validity(NOW - timedelta(hours=1), NOW + timedelta(days=3)),
        )  # fmt: skip
        with self.database.unit_of_work() as session:
            return KeyRepository(session).add(draft, NOW)


DeskFactory = Callable[..., Desk]


@pytest.fixture
def make_desk(database: Database, tmp_path: Path) -> Iterator[DeskFactory]:
    running: list[tuple[Simulator, DeskContext]] = []

    def make(language: str = "en", card_delay: float = 0.0) -> Desk:
        simulator = Simulator(SimulatorConfig(card_delay=card_delay, rooms=tuple(name for _id, name in UNITS))).start()
        administration = add_administration(
            database, pms_id=BEX_ID, name="Park De Wielewaal", salto_endpoint=simulator.endpoint
        )
        key_type = add_key_type(database, administration)
        encoder = add_encoder(database, administration, "Reception", "1")
        with database.unit_of_work() as session:
            cache = PmsRepository(session)
            cache.store_objects(
                BEX_ID, [InventoryObject(pms_id, BEX_ID, name, None, (), None, None, NOW) for pms_id, name in UNITS]
            )
            cache.store_reservations(BEX_ID, RESERVATIONS)
        context = DeskContext(
            database,
            QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat),
            language=language,
            clock=lambda: NOW,
            paths=app_paths(tmp_path),
        )
        running.append((simulator, context))
        return Desk(simulator, database, administration, encoder, key_type, context)

    yield make
    QApplication.closeAllWindows()  # windows stop their timers before the queues stop
    for simulator, context in running:
        context.shutdown()
        simulator.stop()
