"""``DeskServices``: the application layer of one desk, built once by the window's composition root."""

from __future__ import annotations

from salto_desk.services.pin import ManagerPin
from salto_desk.storage.database import Database


class DeskServices:
    """The use cases of one desk over its database, grouped by what the window shows."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.pin = ManagerPin(database)
