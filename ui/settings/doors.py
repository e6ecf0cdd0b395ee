"""SALTO door/room names per PMS object: empty (or the object's own name) means the PMS name is used.

The rows are read through the core when the page is first shown, and again after every PMS sync (this
desk's or the leading desk's): the objects of an administration arrive with the sync, which may run after
the page was first shown. Names typed but not yet saved survive that reload. Save stores every change
through the core in one unit of work.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from salto_desk.services.door_names import DoorNameEntry, DoorRow, RefusedDoorName
from ui.context import DeskContext
from ui.models.rows import READ_ONLY, fill_cells
from ui.settings.common import (
    FieldErrors,
    LoadedPage,
    Loader,
    MessageLabel,
    Say,
    administration_list,
    cell,
    item_at,
    table,
)
from ui.style import Icon, icon

DOOR_COLUMN = 2


class DoorNamesPage(LoadedPage):
    """One row per synced PMS object (and per stored name whose object is no longer synced)."""

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.say = say = Say(context.language)
        self.administration_id: int | None = None
        self.rows: list[DoorRow] = []
        self.rows_of: int | None = None
        """The administration whose objects the rows are."""
        self.saving = False
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
        self.save_button.setIcon(icon(Icon.SAVE))
        self.message = MessageLabel()
        self.errors = FieldErrors(self.message, say, {"door_name": self.doors})
        self.loader = Loader(
            self,
            context.calls,
            say,
            self._fetch,
            self._show_rows,
            self.errors.show,
            stale=False,
            changed=self._update_buttons,
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.filter, 1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.loader.notice)
        layout.addWidget(self.doors, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.message)
        self.filter.textChanged.connect(self._apply_filter)
        self.save_button.clicked.connect(self.save)
        context.events.pms_synced.connect(self._synced)
        self._show_rows([])

    def show_administration(self, administration_id: int | None) -> None:
        self.administration_id = administration_id
        self.errors.clear()
        self.refresh()

    @Slot(object)
    def _synced(self, _summary: object) -> None:
        """A sync stored PMS data: objects may have come or gone (now when shown, else when next shown)."""
        if self.administration_id is not None:
            self.refresh()

    def _fetch(self) -> Callable[[], list[DoorRow]]:
        return administration_list(self.administration_id, self.context.services.door_names.rows)

    def typed(self) -> dict[str, str]:
        """The door names typed but not saved, by PMS object id."""
        return {
            row.pms_id: text
            for index, row in enumerate(self.rows)
            if (text := item_at(self.doors, index, DOOR_COLUMN).text()) != row.door_name
        }

    def _show_rows(self, rows: list[DoorRow]) -> None:
        typed = self.typed() if self.rows_of == self.administration_id else {}
        self.rows, self.rows_of = rows, self.administration_id
        fill_cells(
            self.doors,
            [
                (
                    cell(row.object_name or row.pms_id, row.pms_id),
                    cell(row.object_type),
                    cell(typed.get(row.pms_id, row.door_name)),
                )
                for row in rows
            ],
            (READ_ONLY, READ_ONLY),  # the door name (DOOR_COLUMN) keeps Qt's default flags: editable
        )
        self.doors.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self._update_buttons()
        self._apply_filter()

    def _update_buttons(self) -> None:
        self.save_button.setEnabled(bool(self.rows) and not self.saving and not self.loading)

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
    def save(self) -> None:
        """Store every changed row through the core in one unit of work: all door names are saved, or none."""
        administration_id = self.administration_id
        if administration_id is None or self.saving or self.loading:
            return
        self.errors.clear()
        entries = [
            DoorNameEntry(row, item_at(self.doors, index, DOOR_COLUMN).text()) for index, row in enumerate(self.rows)
        ]
        door_names = self.context.services.door_names
        self.saving = True
        self._update_buttons()
        self.context.calls.run(self, lambda: door_names.save(administration_id, entries), self._saved, self._refused)

    def _saved(self, changed: int) -> None:
        self.saving = False
        self.rows_of = None  # what was typed is stored: the rows read next show it
        self.refresh()
        if changed == 1:
            self.message.show_ok(self.say("1 door name saved.", "1 deurnaam opgeslagen."))
        else:
            self.message.show_ok(self.say(f"{changed} door names saved.", f"{changed} deurnamen opgeslagen."))
        if changed:
            self.context.events.config_changed.emit()

    def _refused(self, error: Exception) -> None:
        self.saving = False
        self._update_buttons()
        self.errors.show(error)
        if isinstance(error, RefusedDoorName):
            for index, row in enumerate(self.rows):
                if row.pms_id == error.pms_object_id:
                    self.doors.selectRow(index)
