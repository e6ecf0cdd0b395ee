"""The rooms of a key, 1 to 4: each picked from the holder's accommodations or typed, checked as it is typed.

The owner's +Key form and the key data form (a booking's or an owner's key) both use this editor, so
rooms are chosen, typed, added, removed and refused the same way everywhere. A typed door name is
checked with the core's room rules (``salto_desk.keys.draft_validation.check_rooms``, what SALTO's room field
takes) on every keystroke; a name that does not fit is refused with the core's message, never cleaned.
The four rows exist from the start and are shown as needed, so the widgets a form refers to (the first
room for the core's verdict, the tab order) never go away.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from salto_desk.errors import Text, ValidationError
from salto_desk.keys.draft_validation import check_rooms
from salto_desk.protocol.text import MAX_ROOMS, TextEncoding
from ui.style import Tone, mark_invalid, set_tone
from ui.widgets.encoder_prompt import error_texts

ROOM = Text("Room {number}", "Kamer {number}")
ROOM_TIP = Text(
    "Pick an accommodation from the list, or type the door/room name exactly as SALTO knows it.",
    "Kies een accommodatie uit de lijst, of typ de deur-/kamernaam precies zoals SALTO die kent.",
)
ADD = Text("Add a room", "Kamer toevoegen")
ADD_TIP = Text(
    f"A key opens up to {MAX_ROOMS} rooms; the new room field gets the cursor.",
    f"Een sleutel opent tot {MAX_ROOMS} kamers; het nieuwe kamerveld krijgt de cursor.",
)
FULL_TIP = Text(f"A key opens at most {MAX_ROOMS} rooms.", f"Een sleutel opent hoogstens {MAX_ROOMS} kamers.")
REMOVE = Text("Remove", "Weghalen")
REMOVE_ROOM = Text("Remove room {number}", "Kamer {number} weghalen")
REFUSED = Text("Room {number}: {problem}", "Kamer {number}: {problem}")


@dataclass(frozen=True)
class RoomChoice:
    """One room to pick: what the list shows (an accommodation with its door) and the SALTO door name."""

    label: str
    door: str


class RoomEditor(QWidget):
    """Up to four room fields with Remove, an Add button, and the live verdict on what was typed.

    ``edited`` is emitted on every change of a room.
    """

    edited = Signal()

    def __init__(
        self, choices: Sequence[RoomChoice], encoding: TextEncoding, language: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.language = language
        self.encoding = encoding
        self.choices = tuple(choices)
        self._doors = {choice.label: choice.door for choice in self.choices}
        self._labels = {choice.door: choice.label for choice in reversed(self.choices)}  # the first label wins
        self._shown = 1
        self.fields: list[QComboBox] = []
        self.remove_buttons: list[QPushButton] = []
        rows = QGridLayout()
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setColumnStretch(0, 1)
        for number in range(1, MAX_ROOMS + 1):
            field = QComboBox()
            field.setEditable(True)
            field.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            field.addItem("")
            for choice in self.choices:
                field.addItem(choice.label, choice.door)
            field.setAccessibleName(ROOM(language).format(number=number))
            field.setToolTip(ROOM_TIP(language))
            field.editTextChanged.connect(self._changed)
            remove = QPushButton(REMOVE(language))
            remove.setAccessibleName(REMOVE_ROOM(language).format(number=number))
            remove.setToolTip(REMOVE_ROOM(language).format(number=number))
            remove.clicked.connect(lambda _checked=False, index=number - 1: self.remove_room(index))
            rows.addWidget(field, number - 1, 0)
            rows.addWidget(remove, number - 1, 1)
            self.fields.append(field)
            self.remove_buttons.append(remove)
        self.add_button = QPushButton(ADD(language))
        self.add_button.setAccessibleName(ADD(language))
        self.add_button.clicked.connect(self.add_room)
        self.message = QLabel()
        self.message.setWordWrap(True)
        set_tone(self.message, Tone.ERROR)
        self.message.hide()
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_button)
        add_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(rows)
        layout.addLayout(add_row)
        layout.addWidget(self.message)
        self.setFocusProxy(self.fields[0])
        for before, after in zip(self.focus_chain(), self.focus_chain()[1:], strict=False):
            QWidget.setTabOrder(before, after)
        self._show_rows()

    # --- what is entered -------------------------------------------------------------------------

    def rooms(self) -> list[str]:
        """The SALTO door names of the rooms filled in, in order; a picked accommodation gives its door."""
        return [door for door in (self._door(field) for field in self.fields[: self._shown]) if door]

    def set_rooms(self, doors: Sequence[str]) -> None:
        """Show exactly these rooms (an accommodation's door by the accommodation's name), at least one row."""
        self._shown = max(1, min(len(doors), MAX_ROOMS))
        for index, field in enumerate(self.fields):
            door = doors[index] if index < len(doors) else ""
            field.setEditText(self._labels.get(door, door))
        self._show_rows()

    def room_count(self) -> int:
        """How many room fields are shown."""
        return self._shown

    def problem(self) -> str:
        """What is wrong with the rooms as typed (empty when nothing is)."""
        return self.message.text()

    def focus_chain(self) -> list[QWidget]:
        """The editor's widgets in reading order, for the form's tab order (hidden ones are skipped)."""
        chain: list[QWidget] = []
        for field, remove in zip(self.fields, self.remove_buttons, strict=True):
            chain += [field, remove]
        return [*chain, self.add_button]

    # --- add and remove --------------------------------------------------------------------------

    @Slot()
    def add_room(self) -> None:
        """Show one more (empty) room field and put the cursor in it."""
        if self._shown >= MAX_ROOMS:
            return
        self.fields[self._shown].setEditText("")
        self._shown += 1
        self._show_rows()
        self.fields[self._shown - 1].setFocus()

    def remove_room(self, index: int) -> None:
        """Take one room out; the rooms below move up, and the cursor goes to the room now in its place."""
        if self._shown <= 1 or not 0 <= index < self._shown:
            return
        texts = [field.currentText() for field in self.fields[: self._shown]]
        del texts[index]
        self._shown -= 1
        for field, text in zip(self.fields, [*texts, ""], strict=False):
            field.setEditText(text)
        self._show_rows()
        self.fields[min(index, self._shown - 1)].setFocus()

    # --- internals -------------------------------------------------------------------------------

    def _door(self, field: QComboBox) -> str:
        text = field.currentText().strip()
        return self._doors.get(text, text)

    def _show_rows(self) -> None:
        for index, (field, remove) in enumerate(zip(self.fields, self.remove_buttons, strict=True)):
            field.setVisible(index < self._shown)
            remove.setVisible(index < self._shown)
            remove.setEnabled(self._shown > 1)
        self.add_button.setEnabled(self._shown < MAX_ROOMS)
        self.add_button.setToolTip((ADD_TIP if self._shown < MAX_ROOMS else FULL_TIP)(self.language))
        self._check()

    @Slot()
    def _changed(self, _text: str = "") -> None:
        self._check()
        self.edited.emit()

    def _check(self) -> None:
        """Outline each room the core's rules refuse (a name SALTO cannot take, a room listed before) and
        say why, the first problem, as the receptionist types."""
        problems: list[str] = []
        accepted: list[str] = []
        for number, field in enumerate(self.fields[: self._shown], 1):
            door = self._door(field)
            problem = ""
            if door:
                try:
                    check_rooms([*accepted, door], self.encoding)  # the rooms above passed: any refusal is this one's
                    accepted.append(door)
                except ValidationError as refused:
                    problem = " ".join(text for text in error_texts(refused, self.language) if text)
            mark_invalid(field, bool(problem))
            if problem:
                problems.append(REFUSED(self.language).format(number=number, problem=problem))
        for field in self.fields[self._shown :]:
            mark_invalid(field, False)
        self.message.setText(problems[0] if problems else "")
        self.message.setVisible(bool(problems))
