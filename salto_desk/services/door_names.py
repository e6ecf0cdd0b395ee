"""SALTO door/room names of the PMS objects as the settings window edits them.

An object needs a door name only where SALTO's name differs from the PMS name: typing nothing, or the
object's own name, means "use the PMS name" and stores nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from salto_desk.errors import ValidationError
from salto_desk.keys.model import DoorName, DoorNameSettings
from salto_desk.storage.config_repository import ConfigRepository
from salto_desk.storage.database import Database
from salto_desk.storage.pms_reader import PmsReader


@dataclass(frozen=True)
class DoorRow:
    """One synced PMS object (or a stored name whose object is no longer synced) and its door name."""

    pms_id: str
    object_name: str
    object_type: str
    stored: DoorName | None

    @property
    def door_name(self) -> str:
        return self.stored.door_name if self.stored else ""

    def wanted(self, entered: str) -> str:
        """The door name to store for what was typed ("" for none)."""
        typed = entered.strip()
        return "" if typed == self.object_name else typed


@dataclass(frozen=True)
class DoorNameEntry:
    """What was typed in the row of one object."""

    row: DoorRow
    entered: str


class RefusedDoorName(ValidationError):
    """A door name SALTO cannot take, with the object it was typed for (so the page can point at its row)."""

    def __init__(self, pms_object_id: str, refused: ValidationError) -> None:
        super().__init__(refused.field, refused.message, refused.action)
        self.pms_object_id = pms_object_id


class DoorNames:
    """Door names of one database."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def rows(self, administration_id: int) -> list[DoorRow]:
        """Every synced object by name with its door name, then stored names of objects no longer synced."""
        with self.database.reading() as session:
            objects = PmsReader(session).objects(administration_id)
            stored = {door.pms_object_id: door for door in ConfigRepository(session).door_names(administration_id)}
        rows = [DoorRow(each.pms_id, each.name, each.object_type, stored.pop(each.pms_id, None)) for each in objects]
        return rows + [DoorRow(door.pms_object_id, door.object_name, "", door) for door in stored.values()]

    def save(self, administration_id: int, entries: Sequence[DoorNameEntry]) -> int:
        """Store every changed door name in one unit of work (all or none); the number of changed rows."""
        changed = 0
        with self.database.unit_of_work() as session:
            config = ConfigRepository(session)
            for entry in entries:
                row, wanted = entry.row, entry.row.wanted(entry.entered)
                if wanted == row.door_name:
                    continue
                changed += 1
                if wanted:
                    settings = DoorNameSettings(
                        administration_id=administration_id,
                        pms_object_id=row.pms_id,
                        object_name=row.object_name,
                        door_name=wanted,
                    )
                    try:
                        config.set_door_name(settings)
                    except ValidationError as refused:
                        raise RefusedDoorName(row.pms_id, refused) from refused
                elif row.stored is not None:
                    config.delete_door_name(row.stored.id)
        return changed
