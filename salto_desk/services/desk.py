"""``DeskServices``: the application layer of one desk, built once by the window's composition root."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from salto_desk.coordination import ChangeWatcher
from salto_desk.secrets import SecretStore
from salto_desk.services.administrations import Administrations
from salto_desk.services.door_names import DoorNames
from salto_desk.services.encoders import Encoders
from salto_desk.services.front_desk import FrontDesk
from salto_desk.services.key_types import KeyTypes
from salto_desk.services.pin import ManagerPin
from salto_desk.services.pms_connection import PmsConnection
from salto_desk.storage.database import Database

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class DeskServices:
    """The use cases of one desk over its database (and this computer's keyring), grouped by what the window
    shows."""

    def __init__(self, database: Database, secrets: SecretStore, clock: Clock = _utc_now) -> None:
        self.database = database
        self.front_desk = FrontDesk(database, clock)
        self.pin = ManagerPin(database)
        self.changes = ChangeWatcher(database)
        """What other desks (or this one) committed since the previous poll, by topic."""
        self.administrations = Administrations(database)
        self.key_types = KeyTypes(database)
        self.encoders = Encoders(database)
        self.door_names = DoorNames(database)
        self.pms_connection = PmsConnection(database, secrets)
