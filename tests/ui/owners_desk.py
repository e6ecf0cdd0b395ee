"""A desk with cached PMS owners for the Owners tab, +Key dialog and owners model tests.

Park "De Duinen" (BEX administration 7) has three units: Villa 20 and Villa 21 (SALTO doors 101 and
102) and Chalet Zee (no door name: SALTO knows it by its PMS name). Joëlle de Vries owns both villas,
Piet Jansen (phone not in E.164) owns the chalet, and Anna Smit's agreement has ended.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from salto_desk.keys.model import (
    Administration,
    AuthorizationName,
    DoorNameSettings,
    Encoder,
    HolderKind,
    KeyData,
    KeyType,
)
from salto_desk.paths import app_paths
from salto_desk.pms.models import Agreement, Contact, InventoryObject, Owner
from salto_desk.simulator import Simulator, SimulatorConfig
from salto_desk.storage import ConfigRepository, Database, KeyRepository
from salto_desk.storage.pms_repository import PmsRepository
from tests.storage.helpers import NOW, add_administration, add_encoder, add_key_type
from ui.context import DeskContext

WAIT_MS = 10_000
BEX_ID = "7"
UNITS = (("20", "Villa 20"), ("21", "Villa 21"), ("22", "Chalet Zee"))
DOORS = {"20": "101", "21": "102"}
ROOMS = ("101", "102", "Chalet Zee")
OWNERS = (
    Owner("o1", BEX_ID, Contact("Joëlle", "de Vries", "joelle@example.com", "+31612345678"), (
        Agreement("a1", None, "20", date(2020, 1, 1), None), Agreement("a2", None, "21", None, None),
    )),
    Owner("o2", BEX_ID, Contact("Piet", "Jansen", None, "06 1234 5678"), (
        Agreement("a3", None, "22", date(2030, 1, 1), date(2030, 12, 31)),
    )),
    Owner("o3", BEX_ID, Contact("Anna", "Smit", "anna@example.com", None), (
        Agreement("a4", None, "22", date(2020, 1, 1), date(2029, 12, 31)),
    )),
)  # fmt: skip


@dataclass
class OwnersDesk:
    simulator: Simulator
    database: Database
    administration: Administration
    encoder: Encoder
    key_type: KeyType
    context: DeskContext

    def owner_keys(self, pms_id: str) -> list[KeyData]:
        with self.database.unit_of_work() as session:
            return KeyRepository(session).for_holder(self.administration.id, HolderKind.OWNER, pms_id)

    def key_types(self) -> list[KeyType]:
        with self.database.unit_of_work() as session:
            return ConfigRepository(session).key_types(self.administration.id)


OwnersDeskFactory = Callable[..., OwnersDesk]


@pytest.fixture
def make_owners_desk(database: Database, tmp_path: Path) -> Iterator[OwnersDeskFactory]:
    """Builds the owners desk (language, clock); stops the simulator and the queues afterwards."""
    running: list[tuple[Simulator, DeskContext]] = []

    def make(language: str = "en", clock: Callable[[], datetime] = lambda: NOW) -> OwnersDesk:
        simulator = Simulator(SimulatorConfig(card_delay=0.0, card_timeout=WAIT_MS / 1000, rooms=ROOMS)).start()
        administration = add_administration(
            database, pms_id=BEX_ID, name="Park De Duinen", salto_endpoint=simulator.endpoint, reply_timeout=10
        )
        key_type = add_key_type(database, administration, name="Owner", print_info=("Welcome home", "Owner card"))
        add_key_type(database, administration, name="Owner pool", print_info=("Pool only",), granted=(2,))
        encoder = add_encoder(database, administration, "Reception", "1")
        with database.unit_of_work() as session:
            config = ConfigRepository(session)
            config.replace_authorization_names(
                administration.id, [AuthorizationName(1, "Main gate"), AuthorizationName(2, "Pool")]
            )
            for pms_id, door in DOORS.items():
                name = dict(UNITS)[pms_id]
                config.set_door_name(DoorNameSettings(administration_id=administration.id, pms_object_id=pms_id,
                                                      object_name=name, door_name=door))  # fmt: skip
            cache = PmsRepository(session)
            cache.store_objects(
                BEX_ID, [InventoryObject(pms_id, BEX_ID, name, None, (), None, None, NOW) for pms_id, name in UNITS]
            )
            cache.replace_owners(BEX_ID, OWNERS)
        context = DeskContext(
            database,
            QSettings(str(tmp_path / f"desk-{len(running)}.ini"), QSettings.Format.IniFormat),
            language=language,
            clock=clock,
            paths=app_paths(tmp_path),
        )
        running.append((simulator, context))
        return OwnersDesk(simulator, database, administration, encoder, key_type, context)

    yield make
    for simulator, context in running:
        context.shutdown()
        simulator.stop()
