"""A small desk for the window tests: a simulator, a migrated database with one park whose PMS data is cached."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from salto_desk.keys.model import Administration, Encoder, Holder, HolderKind, KeyData, KeyState, KeyType, Validity
from salto_desk.paths import app_paths
from salto_desk.simulator import Simulator, SimulatorConfig
from salto_desk.storage import Database, KeyRepository
from tests.park import BEX_ID, UNITS, cache_park
from tests.storage.helpers import NOW, add_administration, add_encoder, add_key_type, key_draft
from ui.context import DeskContext

WAIT_MS = 10_000


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
        cache_park(database)
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
