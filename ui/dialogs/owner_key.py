"""The +Key dialog: key data for an owner, without a booking.

Key type (the owners' default the manager marked), validity (from today by default), 1 to 4 rooms
picked from the owner's accommodations (their SALTO door names) or typed as SALTO knows the door, print
info prefilled from the key type, and the owner's details to check. Create hands everything to
``KeyDataService.create_owner_key``, which validates it; a refused field is marked and its message
shown, and the dialog stays open.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from itertools import pairwise

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from salto_desk.errors import Text
from salto_desk.keys.model import KeyData, KeyType, OwnerDetails
from salto_desk.keys.rules import today_in
from salto_desk.protocol.text import MAX_ROOMS
from salto_desk.services.front_desk import OwnerKeySetup
from salto_desk.storage.pms_repository import CachedOwner
from ui.context import DeskContext
from ui.models.owners import unit_text
from ui.widgets.fitting_dialog import FittingDialog
from ui.widgets.key_form import (
    DATE_FORMAT,
    LICENSE_PLATE,
    FieldFeedback,
    PrintInfoLines,
    key_type_combo,
    license_plate_edit,
    phone_edit,
    pydate,
    qdate,
)
from ui.widgets.room_editor import RoomChoice, RoomEditor

DEFAULT_DAYS = 365

TITLE = Text("New key for {owner}", "Nieuwe sleutel voor {owner}")
NO_KEY_TYPES = Text(
    "{administration} has no key types yet. Add one under Settings > Key types first.",
    "{administration} heeft nog geen sleuteltypes. Voeg er eerst een toe onder Instellingen > Sleuteltypes.",
)
NO_UNITS = Text(
    "{owner} has no accommodation in the PMS today: type the door/room name as SALTO knows it.",
    "{owner} heeft vandaag geen accommodatie in het PMS: typ de deur-/kamernaam zoals SALTO die kent.",
)
ROOMS_HINT = Text(
    f"Pick the owner's accommodation or type a door/room name as SALTO knows it: 1 to {MAX_ROOMS} rooms.",
    f"Kies de accommodatie van de eigenaar of typ een deur-/kamernaam zoals SALTO die kent: 1 tot {MAX_ROOMS} kamers.",
)
CREATING = Text("Creating the key data...", "Sleutelgegevens maken...")


def accommodation_choices(owner: CachedOwner) -> list[RoomChoice]:
    """The owner's accommodations of today as rooms to pick, one per SALTO door (two units behind one door
    are one room)."""
    choices: dict[str, RoomChoice] = {}
    for unit in owner.objects:
        choices.setdefault(unit.door_name, RoomChoice(unit_text(unit), unit.door_name))
    return list(choices.values())


class OwnerKeyDialog(FittingDialog):
    """Asks for the owner key's data; closes only once the key data is stored (``created``)."""

    created = Signal(object)  # the stored KeyData

    def __init__(self, context: DeskContext, setup: OwnerKeySetup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.administration = administration = setup.administration
        self.owner = owner = setup.owner
        self.key_types = setup.key_types
        self.key: KeyData | None = None
        self._creating = False
        self.language = language = context.language
        say = self._t
        self.setWindowTitle(TITLE(language).format(owner=owner.name))

        self.key_type = key_type_combo(self.key_types, language)
        self.key_type.setCurrentIndex(max(0, self.key_type.findData(setup.key_type_id)))
        self.key_type.currentIndexChanged.connect(self._key_type_chosen)

        today = today_in(administration, context.clock())
        self.valid_from = QDateEdit(qdate(today))
        self.valid_until = QDateEdit(qdate(today + timedelta(days=DEFAULT_DAYS)))
        for edit, name in (
            (self.valid_from, say("Valid from", "Geldig vanaf")),
            (self.valid_until, say("Valid until (last day)", "Geldig tot (laatste dag)")),
        ):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(DATE_FORMAT)
            edit.setAccessibleName(name)

        choices = accommodation_choices(owner)
        self.rooms = RoomEditor(choices, administration.text_encoding, language)
        if len(choices) == 1:
            self.rooms.set_rooms([choices[0].door])  # the owner's only accommodation
        rooms_hint = QLabel((ROOMS_HINT if choices else NO_UNITS)(language).format(owner=owner.name))
        rooms_hint.setWordWrap(True)

        self.print_info_lines = PrintInfoLines(language, administration.text_encoding)
        self.print_info = self.print_info_lines.edits

        self.phone, phone_hint = phone_edit(owner.phone, language)
        self.license_plate, plate_hint = license_plate_edit(administration, language)

        key_form = QFormLayout()
        key_form.addRow(say("Key type", "Sleuteltype"), self.key_type)
        key_form.addRow(say("Valid from", "Geldig vanaf"), self.valid_from)
        key_form.addRow(say("Valid until (last day)", "Geldig tot (laatste dag)"), self.valid_until)
        key_form.addRow(say("Rooms", "Kamers"), self.rooms)
        key_form.addRow("", rooms_hint)
        self.print_info_lines.add_rows(key_form)
        key_form.addRow(LICENSE_PLATE(language), self.license_plate)
        key_form.addRow("", plate_hint)

        owner_box = QGroupBox(say("Check the owner's details", "Controleer de gegevens van de eigenaar"))
        owner_form = QFormLayout(owner_box)
        owner_form.addRow(say("Name", "Naam"), QLabel(owner.name))
        owner_form.addRow(say("E-mail", "E-mail"), QLabel(owner.email or "—"))
        owner_form.addRow(say("Administration", "Administratie"), QLabel(administration.name))
        owner_form.addRow(say("Phone", "Telefoon"), self.phone)
        owner_form.addRow("", phone_hint)

        self.feedback = FieldFeedback(
            language,
            {
                "rooms": self.rooms.fields[0],
                "start": self.valid_from,
                "end": self.valid_until,
                "print_info": self.print_info[0],
                "phone": self.phone,
                "license_plate": self.license_plate,
            },
        )
        self.message = self.feedback.message
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = QPushButton(say("Create key", "Sleutel maken"))
        self.create_button.setDefault(True)
        self.create_button.setAccessibleName(say("Create key", "Sleutel maken"))
        self.create_button.setToolTip(say("Store the key data (Enter)", "Sleutelgegevens opslaan (Enter)"))
        self.buttons.addButton(self.create_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.create_button.clicked.connect(self.create_key)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(key_form)
        layout.addWidget(owner_box)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        chain: list[QWidget] = [
            self.key_type, self.valid_from, self.valid_until, *self.rooms.focus_chain(), *self.print_info,
            self.license_plate, self.phone, self.create_button,
        ]  # fmt: skip
        for before, after in pairwise(chain):
            QWidget.setTabOrder(before, after)

        self._key_type_chosen()
        self.key_type.setFocus()
        if not self.key_types:
            self._say(NO_KEY_TYPES(language).format(administration=administration.name), error=True)
        self.create_button.setEnabled(bool(self.key_types))
        self.fit_to_content()

    # --- what was entered ------------------------------------------------------------------------

    def chosen_key_type(self) -> KeyType | None:
        return next((each for each in self.key_types if each.id == self.key_type.currentData()), None)

    def chosen_rooms(self) -> list[str]:
        return self.rooms.rooms()

    def set_rooms(self, doors: Sequence[str]) -> None:
        """Fill in exactly these door names (what the receptionist picks or types)."""
        self.rooms.set_rooms(doors)

    def print_lines(self) -> list[str]:
        return self.print_info_lines.lines()

    def creating(self) -> bool:
        return self._creating

    # --- create ----------------------------------------------------------------------------------

    def invalid_fields(self) -> list[str]:
        """The fields marked as refused by the last Create."""
        return self.feedback.invalid_fields()

    @Slot()
    def create_key(self) -> None:
        """Store the key data through the core, off the GUI thread; the dialog closes when it is stored."""
        key_type = self.chosen_key_type()
        if key_type is None or self._creating:
            return
        self._mark(None)
        self._say(CREATING(self.language))
        service = self.context.services.key_data
        administration_id, owner = self.administration.id, self.owner
        details = OwnerDetails(owner.pms_id, owner.name, self.phone.text().strip() or None)
        rooms, lines = self.chosen_rooms(), self.print_lines()
        plate = self.license_plate.text().strip() or None
        valid_from, valid_until = pydate(self.valid_from.date()), pydate(self.valid_until.date())

        self._creating = True
        self.create_button.setEnabled(False)
        self.context.calls.run(
            self,
            lambda: service.create_owner_key(
                administration_id,
                key_type.id,
                details,
                rooms,
                valid_until,
                valid_from=valid_from,
                print_info=lines,
                license_plate=plate,
            ),
            self._created,
            self._refused,
        )

    def _created(self, key: KeyData) -> None:
        self._creating = False
        self.key = key
        self._say("")
        self.created.emit(key)
        self.accept()

    def _refused(self, error: Exception) -> None:
        self._creating = False
        self.create_button.setEnabled(True)
        self.feedback.refused(error)

    @Slot()
    def _key_type_chosen(self, _index: int | None = None) -> None:
        key_type = self.chosen_key_type()
        self.print_info_lines.set_lines(key_type.print_info if key_type is not None else ())

    # --- internals -------------------------------------------------------------------------------

    def _say(self, text: str, *, error: bool = False) -> None:
        self.feedback.say(text, error=error)

    def _mark(self, field: str | None) -> None:
        self.feedback.mark(field)

    def _t(self, en: str, nl: str) -> str:
        return Text(en, nl)(self.language)
