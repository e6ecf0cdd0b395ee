"""A desk against the simulator and a temporary SQLite database, for the key panel tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from salto_desk.keys.model import Administration, AuditEntry, AuthorizationName, Encoder, Holder, KeyData
from salto_desk.keys.rules import EncodeMode
from salto_desk.paths import app_paths
from salto_desk.simulator import Simulator, SimulatorConfig
from salto_desk.storage import AuditRepository, ConfigRepository, Database, KeyRepository
from tests.storage.helpers import NOW, add_administration, add_encoder, add_key
from ui.context import DeskContext
from ui.widgets.key_actions import KeyActionsPanel

WAIT_MS = 10_000  # generous upper bound for "did not hang"
PHONES = ("+31612345678", "+31687654321")  # registered in JustIN Mobile; other numbers get EG


@dataclass
class Desk:
    simulator: Simulator
    database: Database
    administration: Administration
    encoder: Encoder
    context: DeskContext

    def key(self, **changes: object) -> KeyData:
        return add_key(self.database, self.administration, "Guest", **changes)

    def issued(self, key: KeyData) -> KeyData:
        """Cards made for ``key`` outside the panel (a new stay in the simulator)."""
        service = self.context.salto_operations(self.administration)
        return service.encode_cards(key, self.encoder, 1, EncodeMode.NEW).key

    def reload(self, key: KeyData) -> KeyData:
        with self.database.unit_of_work() as session:
            return KeyRepository(session).get(key.id)

    def audit(self) -> list[AuditEntry]:
        with self.database.unit_of_work() as session:
            return AuditRepository(session).entries()

    def panel(
        self, qtbot: QtBot, key: KeyData | None, phone_hint: str | None = None, *, holder: Holder | None = None
    ) -> KeyActionsPanel:
        panel = KeyActionsPanel(self.context)
        qtbot.addWidget(panel)
        panel.show_key(key, self.administration, phone_hint, holder=holder)
        if key is not None:
            qtbot.waitUntil(lambda: panel.details() is not None, timeout=WAIT_MS)
        return panel


DeskFactory = Callable[..., Desk]


@pytest.fixture
def make_desk(database: Database, tmp_path: Path, qtbot: QtBot) -> Iterator[DeskFactory]:
    """Builds the desk with a simulator of the given card delay and language; stops both afterwards."""
    running: list[tuple[Simulator, DeskContext]] = []

    def make(
        card_delay: float = 0.0,
        language: str = "en",
        reply_timeout: int = 10,
        *,
        no_card: bool = False,
        card_timeout: float = WAIT_MS / 1000,
    ) -> Desk:
        config = SimulatorConfig(card_delay=card_delay, card_timeout=card_timeout, no_card=no_card, phones=PHONES)
        simulator = Simulator(config).start()
        administration = add_administration(
            database, salto_endpoint=simulator.endpoint, reply_timeout=reply_timeout, default_operator="Desk 1"
        )
        with database.unit_of_work() as session:
            ConfigRepository(session).replace_authorization_names(
                administration.id, [AuthorizationName(1, "Main gate"), AuthorizationName(2, "Pool")]
            )
        encoder = add_encoder(database, administration, "Front desk", "1")
        context = DeskContext(
            database,
            QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat),
            language=language,
            clock=lambda: NOW,
            paths=app_paths(tmp_path),
        )
        running.append((simulator, context))
        return Desk(simulator, database, administration, encoder, context)

    yield make
    for simulator, context in running:
        context.shutdown()
        simulator.stop()
