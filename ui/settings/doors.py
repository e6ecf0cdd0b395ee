"""SALTO door/room names per PMS object: empty (or the object's own name) means the PMS name is used."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from salto_desk.errors import SaltoDeskError
from salto_desk.keys.model import DoorName, DoorNameSettings
from salto_desk.storage.config_repository import ConfigRepository
from salto_desk.storage.pms_repository import PmsRepository
from ui.context import DeskContext
from ui.models.rows import READ_ONLY, fill_cells
from ui.settings.common import FieldErrors, MessageLabel, Say, cell, item_at, table

DOOR_COLUMN = 2


@dataclass(frozen=True)
class DoorRow:
    pms_id: str
    object_name: str
    object_type: str
    stored: DoorName | None


class DoorNamesPage(QWidget):
    """One row per synced PMS object (and per stored name whose object is no longer synced)."""

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.say = say = Say(context.language)
        self.administration_id: int | None = None
        self.rows: list[DoorRow] = []
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(say("Filter objects", "Objecten filteren"))
        self.doors = table(
            [say("PMS object", "PMS-object"), say("Type", "Type"), say("SALTO door/room name", "SALTO-deur-/kamernaam")]
        )
        self.empty = QLabel(
            say(
                "No PMS objects synced yet; run a sync to list them here.",
                "Nog geen PMS-objecten gesynchroniseerd; synchroniseer om ze hier te zien.",
            )
        )
        self.save_button = QPushButton(say("Save door names", "Deurnamen opslaan"))
        self.message = MessageLabel()
        self.errors = FieldErrors(self.message, say, {"door_name": self.doors})
        buttons = QHBoxLayout()
        buttons.addWidget(self.filter, 1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.doors, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.message)
        self.filter.textChanged.connect(self._apply_filter)
        self.save_button.clicked.connect(self.save)

    def show_administration(self, administration_id: int | None) -> None:
        self.administration_id = administration_id
        self.errors.clear()
        self.refresh()

    def refresh(self) -> None:
        rows: list[DoorRow] = []
        if self.administration_id is not None:
            with self.context.database.unit_of_work() as session:
                objects = PmsRepository(session).objects(self.administration_id)
                stored = {
                    door.pms_object_id: door for door in ConfigRepository(session).door_names(self.administration_id)
                }
            rows = [
                DoorRow(each.pms_id, each.name, each.object_type, stored.pop(each.pms_id, None)) for each in objects
            ]
            rows += [DoorRow(door.pms_object_id, door.object_name, "", door) for door in stored.values()]
        self.rows = rows
        fill_cells(
            self.doors,
            [
                (
                    cell(row.object_name or row.pms_id, row.pms_id),
                    cell(row.object_type),
                    cell(row.stored.door_name if row.stored else ""),
                )
                for row in rows
            ],
            (READ_ONLY, READ_ONLY),  # the door name (DOOR_COLUMN) keeps Qt's default flags: editable
        )
        self.empty.setVisible(not rows)
        self.save_button.setEnabled(bool(rows))
        self._apply_filter()

    def set_door_name(self, pms_id: str, door_name: str) -> None:
        """Type a door name into the row of one object."""
        for index, row in enumerate(self.rows):
            if row.pms_id == pms_id:
                item_at(self.doors, index, DOOR_COLUMN).setText(door_name)

    @Slot()
    def _apply_filter(self) -> None:
        needle = self.filter.text().strip().casefold()
        for index in range(self.doors.rowCount()):
            texts = (item_at(self.doors, index, column).text().casefold() for column in range(self.doors.columnCount()))
            self.doors.setRowHidden(index, bool(needle) and not any(needle in text for text in texts))

    @Slot()
    def save(self) -> bool:
        """Store every changed row in one unit of work: all door names are saved, or none."""
        administration_id = self.administration_id
        if administration_id is None:
            return False
        self.errors.clear()
        say = self.say
        changed, index = 0, -1
        try:
            with self.context.database.unit_of_work() as session:
                config = ConfigRepository(session)
                for index, row in enumerate(self.rows):
                    entered = item_at(self.doors, index, DOOR_COLUMN).text().strip()
                    wanted = "" if entered == row.object_name else entered  # the PMS name needs no door name
                    if wanted == (row.stored.door_name if row.stored else ""):
                        continue
                    changed += 1
                    if wanted:
                        config.set_door_name(
                            DoorNameSettings(
                                administration_id=administration_id,
                                pms_object_id=row.pms_id,
                                object_name=row.object_name,
                                door_name=wanted,
                            )
                        )
                    elif row.stored is not None:
                        config.delete_door_name(row.stored.id)
        except SaltoDeskError as error:
            self.errors.show(error)
            if index >= 0:
                self.doors.selectRow(index)
            return False
        self.refresh()
        self.message.show_ok(say(f"{changed} door names saved.", f"{changed} deurnamen opgeslagen."))
        if changed:
            self.context.events.config_changed.emit()
        return True
