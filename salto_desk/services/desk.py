"""``DeskServices``: the application layer of one desk, built once by the window's composition root."""

from __future__ import annotations

from salto_desk.coordination import ChangeWatcher
from salto_desk.operations.key_data import KeyDataService
from salto_desk.secrets import SecretStore
from salto_desk.services.administrations import Administrations
from salto_desk.services.door_names import DoorNames
from salto_desk.services.encoders import Encoders
from salto_desk.services.front_desk import FrontDesk
from salto_desk.services.key_types import KeyTypes
from salto_desk.services.pin import ManagerPin
from salto_desk.services.pms_connection import PmsConnection
from salto_desk.storage.database import Database


class DeskServices:
    """The use cases of one desk over its database (and this computer's keyring), grouped by what the window
    shows."""

    def __init__(self, database: Database, secrets: SecretStore, key_data: KeyDataService | None = None) -> None:
        """``key_data`` carries the desk's operator, name and clock (default: this computer's, now)."""
        self.database = database
        self.key_data = key_data or KeyDataService(database)
        clock = self.key_data.clock
        self.front_desk = FrontDesk(database, clock)
        self.pin = ManagerPin(database)
        self.changes = ChangeWatcher(database)
        """What other desks (or this one) committed since the previous poll, by topic."""
        self.administrations = Administrations(database)
        self.key_types = KeyTypes(database, clock)
        self.encoders = Encoders(database)
        self.door_names = DoorNames(database)
        self.pms_connection = PmsConnection(database, secrets)
