"""Create or edit key data by hand: key type, validity, rooms 1-4, access, print info, phone, license plate.

Edit works on any key data (a reservation's or an owner's); create makes key data for a reservation,
starting from the defaults the core computes per key type (``FrontDesk.reservation_key_setup``:
the stay at the administration's check-in and check-out times, or a matching product's fixed times).
Saving hands everything to ``KeyDataService.update_key`` / ``create_reservation_key`` off the GUI thread;
the core validates, and a refused field is outlined with its message while the dialog stays open.
"""

from __future__ import annotations

from datetime import datetime, time
from itertools import pairwise

from PySide6.QtCore import QDateTime, QTime, Signal, Slot
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from salto_desk.errors import Text
from salto_desk.keys.model import KeyData, KeyFields, Validity
from salto_desk.keys.rules import local_moment
from salto_desk.moments import TIMES_ARE_LOCAL
from salto_desk.services.front_desk import KeyDataSetup
from ui.context import DeskContext
from ui.widgets.fitting_dialog import FittingDialog
from ui.widgets.key_form import (
    LICENSE_PLATE,
    AccessTable,
    FieldFeedback,
    PrintInfoLines,
    key_type_combo,
    license_plate_edit,
    phone_edit,
    pydate,
    qdate,
)
from ui.widgets.moment_edit import MomentEdit
from ui.widgets.room_editor import RoomChoice, RoomEditor

EDIT_TITLE = Text("Key data of {holder}", "Sleutelgegevens van {holder}")
CREATE_TITLE = Text("New key for {holder}", "Nieuwe sleutel voor {holder}")
VALID_FROM = Text("Valid from", "Geldig vanaf")
VALID_UNTIL = Text("Valid until", "Geldig tot")
NO_KEY_TYPES = Text(
    "{administration} has no key types yet. Add one under Settings > Key types first.",
    "{administration} heeft nog geen sleuteltypes. Voeg er eerst een toe onder Instellingen > Sleuteltypes.",
)
SAVE = Text("Save", "Opslaan")
CREATE = Text("Create key", "Sleutel maken")
SAVE_TIP = Text("Store the key data (Enter); Esc cancels", "Sleutelgegevens opslaan (Enter); Esc annuleert")
SAVING = Text("Saving the key data...", "Sleutelgegevens opslaan...")
REENCODE_WARNING = Text(
    "Cards or phone keys were made already: changing rooms, validity, access or texts means new cards.",
    "Er zijn al kaarten of telefoonsleutels gemaakt: kamers, geldigheid, toegang of teksten wijzigen betekent "
    "nieuwe kaarten.",
)


def _time(value: QTime) -> time:
    return time(value.hour(), value.minute())


class KeyDataDialog(FittingDialog):
    """Edits ``key``, or creates key data for the reservation ``reservation_pms_id``; ``saved`` carries the result."""

    saved = Signal(object)  # the stored KeyData

    def __init__(
        self,
        context: DeskContext,
        setup: KeyDataSetup,
        holder: str,
        *,
        key: KeyData | None = None,
        reservation_pms_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if (key is None) == (reservation_pms_id is None):
            raise ValueError("give the key to edit or the reservation to create key data for")
        self.context = context
        self.setup = setup
        self.administration = administration = setup.administration
        self.editing = key
        self.reservation_pms_id = reservation_pms_id
        self.holder = holder
        self.key: KeyData | None = None
        self._saving = False
        self.language = language = context.language
        say = self._t
        self.setWindowTitle((EDIT_TITLE if key else CREATE_TITLE)(language).format(holder=holder))

        self.key_type = key_type_combo(setup.key_types, language)
        self.valid_from = MomentEdit()
        self.valid_until = MomentEdit()
        zone_hint = TIMES_ARE_LOCAL(language).format(zone=administration.time_zone)
        for edit, name in ((self.valid_from, VALID_FROM), (self.valid_until, VALID_UNTIL)):
            edit.name(name(language), say("day", "dag"), say("time", "tijd"))
            edit.explain(zone_hint)
        self.rooms = RoomEditor(
            [RoomChoice(door, door) for door in setup.doors], administration.text_encoding, language
        )
        self.access = AccessTable(setup.authorization_names, language)
        self.print_info = PrintInfoLines(language, administration.text_encoding)
        self.phone, phone_hint = phone_edit(None, language)
        self.license_plate, plate_hint = license_plate_edit(administration, language)

        form = QFormLayout()
        form.addRow(say("Key type", "Sleuteltype"), self.key_type)
        form.addRow(VALID_FROM(language), self.valid_from)
        form.addRow(VALID_UNTIL(language), self.valid_until)
        form.addRow("", QLabel(zone_hint))
        form.addRow(say("Rooms", "Kamers"), self.rooms)
        form.addRow(say("Authorizations", "Autorisaties"), self.access)
        self.print_info.add_rows(form)
        form.addRow(say("Phone", "Telefoon"), self.phone)
        form.addRow("", phone_hint)
        form.addRow(LICENSE_PLATE(language), self.license_plate)
        form.addRow("", plate_hint)

        self.feedback = FieldFeedback(
            language,
            {
                "key_type_id": self.key_type,
                "start": self.valid_from,
                "end": self.valid_until,
                "rooms": self.rooms.fields[0],
                "access": self.access,
                "print_info": self.print_info.edits[0],
                "phone": self.phone,
                "license_plate": self.license_plate,
            },
            {"granted": "access", "denied": "access"},
        )
        self.message = self.feedback.message
        self.save_button = QPushButton((SAVE if key else CREATE)(language))
        self.save_button.setDefault(True)
        self.save_button.setAccessibleName(self.save_button.text())
        self.save_button.setToolTip(SAVE_TIP(language))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.clicked.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        chain: list[QWidget] = [
            self.key_type, self.valid_from, self.valid_until, *self.rooms.focus_chain(), self.access,
            *self.print_info.edits, self.phone, self.license_plate, self.save_button,
        ]  # fmt: skip
        for before, after in pairwise(chain):
            QWidget.setTabOrder(before, after)

        if key is not None:
            self.key_type.setCurrentIndex(max(0, self.key_type.findData(key.key_type_id)))
            self.show_fields(KeyFields.of(key))
            if key.issued:
                self.feedback.say(REENCODE_WARNING(language))
        elif (defaults := setup.defaults.get(self.key_type.currentData())) is not None:
            self.show_fields(defaults)
        self.key_type.currentIndexChanged.connect(self._key_type_chosen)
        if not setup.key_types:
            self.feedback.say(NO_KEY_TYPES(language).format(administration=administration.name), error=True)
        self.save_button.setEnabled(bool(setup.key_types))
        self.key_type.setFocus()
        self.fit_to_content()

    # --- what is shown and entered ---------------------------------------------------------------

    def show_fields(self, fields: KeyFields) -> None:
        self.valid_from.setDateTime(self._local(fields.validity.start))
        self.valid_until.setDateTime(self._local(fields.validity.end))
        self.rooms.set_rooms(fields.rooms)
        self.access.set_access(fields.granted, fields.denied)
        self.print_info.set_lines(fields.print_info)
        self.phone.setText(fields.phone or "")
        self.license_plate.setText(fields.license_plate or "")

    def fields(self) -> KeyFields:
        """What the form holds now (the core checks it when saving)."""
        granted, denied = self.access.access()
        zone = self.administration.zone
        start, end = self.valid_from.dateTime(), self.valid_until.dateTime()
        return KeyFields(
            key_type_id=int(self.key_type.currentData()),
            rooms=tuple(self.rooms.rooms()),
            validity=Validity(
                local_moment(pydate(start.date()), _time(start.time()), zone, earliest=True),
                local_moment(pydate(end.date()), _time(end.time()), zone, earliest=False),
            ),
            granted=granted,
            denied=denied,
            print_info=tuple(self.print_info.lines()),
            phone=self.phone.text().strip() or None,
            license_plate=self.license_plate.text().strip() or None,
        )

    def saving(self) -> bool:
        return self._saving

    def invalid_fields(self) -> list[str]:
        return self.feedback.invalid_fields()

    # --- save ------------------------------------------------------------------------------------

    @Slot()
    def save(self) -> None:
        """Store the key data through the core, off the GUI thread; the dialog closes once it is stored."""
        if self._saving or self.key_type.currentData() is None:
            return
        self.feedback.mark(None)
        self.feedback.say(SAVING(self.language))
        fields = self.fields()
        service = self.context.services.key_data
        editing, administration_id, reservation = self.editing, self.administration.id, self.reservation_pms_id
        if editing is None and reservation is None:
            return

        def store() -> KeyData:
            if editing is not None:
                return service.update_key(editing, fields)
            return service.create_reservation_key(administration_id, str(reservation), fields)

        self._saving = True
        self.save_button.setEnabled(False)
        self.context.calls.run(self, store, self._saved, self._refused)

    def _saved(self, key: KeyData) -> None:
        self._saving = False
        self.key = key
        self.feedback.say("")
        self.saved.emit(key)
        self.accept()

    def _refused(self, error: Exception) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.feedback.refused(error)

    @Slot()
    def _key_type_chosen(self, _index: int | None = None) -> None:
        """The chosen type's access and texts; for a new key also its validity (a product may fix the times)."""
        key_type_id = self.key_type.currentData()
        key_type = next((each for each in self.setup.key_types if each.id == key_type_id), None)
        if key_type is None:
            return
        self.access.set_access(key_type.granted, key_type.denied)
        self.print_info.set_lines(key_type.print_info)
        defaults = self.setup.defaults.get(key_type.id)
        if defaults is not None:
            self.valid_from.setDateTime(self._local(defaults.validity.start))
            self.valid_until.setDateTime(self._local(defaults.validity.end))

    # --- internals -------------------------------------------------------------------------------

    def _local(self, moment: datetime) -> QDateTime:
        local = moment.astimezone(self.administration.zone)
        return QDateTime(qdate(local.date()), QTime(local.hour, local.minute))

    def _t(self, en: str, nl: str) -> str:
        return Text(en, nl)(self.language)
