"""The administration page: SALTO link, version, license plate, default times, operator, authorization names.

The form is read through the core when the page is first shown (and again for another administration);
saving and deleting run through the core too, with Save and Delete off meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import time

from PySide6.QtCore import QTime, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from salto_desk.errors import Text, ValidationError
from salto_desk.keys.field_validation import MAX_TEXT_LINES
from salto_desk.keys.model import LICENSE_PLATE_MIN_VERSION, Administration, AdministrationSettings, AuthorizationName
from salto_desk.keys.settings_validation import (
    AUDIT_DATE_ORDERS,
    BAUD_RATES,
    PARITIES,
    REPLY_TIMEOUT_RANGE,
    STOP_BITS,
    TEXT_ENCODINGS,
    TRAILING_FIELDS,
)
from salto_desk.protocol.messages import EjectMode
from salto_desk.protocol.text import AUTHORIZATION_COUNT
from salto_desk.protocol.transport import SerialEndpoint, parse_endpoint
from salto_desk.services.administrations import AdministrationForm
from ui.context import DeskContext
from ui.models.rows import READ_ONLY, Cell, fill_cells
from ui.settings.common import FieldErrors, LoadedPage, Loader, MessageLabel, Question, Say
from ui.settings.forms import align_labels, content_sized, scrolling
from ui.settings.pms_id_check import PmsIdCheck
from ui.style import Icon, set_icons
from ui.widgets.moment_edit import TimeEdit
from ui.wording import DATE_ORDER_WORDS, PARITY_WORDS, TEXT_ENCODING_WORDS, TRAILING_FIELD_WORDS

_DEFAULTS = AdministrationSettings(pms_id="", name="", salto_endpoint="")


def _qtime(value: time) -> QTime:
    return QTime(value.hour, value.minute)


def _time(value: QTime) -> time:
    return time(value.hour(), value.minute())


def _combo(values: tuple[object, ...], words: Mapping[str, Text] | None = None, language: str = "en") -> QComboBox:
    """A choice of ``values``; with ``words`` each shows as words (the value stays the item's data)."""
    combo = QComboBox()
    for value in values:
        if words is not None:
            combo.addItem(words[str(value)](language), value)
        else:
            combo.addItem(f"{value:g}" if isinstance(value, float) else str(value), value)
    return combo


def _select(combo: QComboBox, value: object) -> None:
    combo.setCurrentIndex(max(0, combo.findData(value)))


class AdministrationPage(LoadedPage):
    """Edits one administration; ``saved`` carries the id after a successful save, ``deleted`` its removal."""

    saved = Signal(int)
    deleted = Signal()

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.say = say = Say(context.language)
        self.administration: Administration | None = None
        """The administration the form shows (None: a new one)."""
        self.administration_id: int | None = None
        """The administration chosen; the form shows it once loaded."""
        self.question: Question | None = None
        self.busy = False
        """A save or delete runs."""
        self.loader = Loader(
            self,
            context.calls,
            say,
            self._fetch,
            self._show_form,
            lambda error: self.errors.show(error),
            stale=False,
            changed=self._update_enabled,
        )

        self.pms_id = QLineEdit()
        self.pms_check = PmsIdCheck(context, say, self.pms_id)
        self.name = QLineEdit()
        self.endpoint = QLineEdit()
        self.endpoint.setPlaceholderText(
            say("host:port, e.g. 192.168.1.20:8090, or COM3", "host:poort, bv. 192.168.1.20:8090, of COM3")
        )
        self.baudrate = _combo(BAUD_RATES)
        self.bytesize = QSpinBox()
        self.bytesize.setRange(5, 8)
        self.parity = _combo(PARITIES, PARITY_WORDS, context.language)
        self.stopbits = _combo(STOP_BITS)
        self.version = QLineEdit()
        self.version.setPlaceholderText("1.20")
        self.license_plate = QCheckBox(
            say(
                "Include the license plate in keys (SALTO 1.20 and newer)",
                "Kenteken in sleutels opnemen (SALTO 1.20 en nieuwer)",
            )
        )
        self.license_plate_line = QSpinBox()
        self.license_plate_line.setRange(1, MAX_TEXT_LINES)
        self.check_in = TimeEdit()
        self.check_out = TimeEdit()
        self.time_zone = QComboBox()
        self.time_zone.setEditable(True)
        self._time_zones_asked = False  # the list is read off the GUI thread when the page is first used
        self.operator = QLineEdit()
        self.eject = QComboBox()
        for mode, label in (
            (EjectMode.EJECT, say("Eject the card", "Kaart uitwerpen")),
            (EjectMode.RETAIN, say("Keep the card in the encoder", "Kaart in de encoder houden")),
            (EjectMode.REAR, say("Eject at the rear", "Aan de achterkant uitwerpen")),
        ):
            self.eject.addItem(label, mode)
        self.encoding = _combo(TEXT_ENCODINGS, TEXT_ENCODING_WORDS, context.language)
        self.trailing = _combo(TRAILING_FIELDS, TRAILING_FIELD_WORDS, context.language)
        self.send_lrc = QCheckBox(say("Send the LRC check byte", "LRC-controlebyte meesturen"))
        self.date_order = _combo(AUDIT_DATE_ORDERS, DATE_ORDER_WORDS, context.language)
        self.acknowledge = QCheckBox(say("Acknowledge SALTO's replies (ACK)", "Antwoorden van SALTO bevestigen (ACK)"))
        self.reply_timeout = QSpinBox()
        self.reply_timeout.setRange(*REPLY_TIMEOUT_RANGE)
        self.reply_timeout.setSuffix(" s")

        self.authorizations = QTableWidget(AUTHORIZATION_COUNT, 2)
        self.authorizations.setHorizontalHeaderLabels(
            [say("No.", "Nr."), say("Name (the place it opens)", "Naam (de plek die hij opent)")]
        )
        self.authorizations.verticalHeader().hide()
        self.authorizations.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.authorizations.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)

        self.message = MessageLabel()
        self.errors = FieldErrors(
            self.message,
            say,
            {
                "pms_id": self.pms_id,
                "name": self.name,
                "salto_endpoint": self.endpoint,
                "serial_baudrate": self.baudrate,
                "serial_bytesize": self.bytesize,
                "serial_parity": self.parity,
                "serial_stopbits": self.stopbits,
                "salto_version": self.version,
                "include_license_plate": self.license_plate,
                "license_plate_line": self.license_plate_line,
                "check_in_time": self.check_in,
                "check_out_time": self.check_out,
                "time_zone": self.time_zone,
                "default_operator": self.operator,
                "eject_mode": self.eject,
                "text_encoding": self.encoding,
                "trailing_fields": self.trailing,
                "audit_date_order": self.date_order,
                "reply_timeout": self.reply_timeout,
                "authorizations": self.authorizations,
            },
        )
        self.save_button = QPushButton(say("Save", "Opslaan"))
        self.new_button = QPushButton(say("New administration", "Nieuwe administratie"))
        self.delete_button = QPushButton(say("Delete administration", "Administratie verwijderen"))
        set_icons((self.save_button, Icon.SAVE), (self.new_button, Icon.ADD), (self.delete_button, Icon.DELETE))

        general = QFormLayout()
        general.addRow(say("PMS administration id", "PMS-administratie-id"), self.pms_id)
        general.addRow("", self.pms_check.message)
        general.addRow(say("Name", "Naam"), self.name)
        general.addRow(say("Time zone", "Tijdzone"), self.time_zone)
        general.addRow(say("Default check-in time", "Standaard incheckttijd"), self.check_in)
        general.addRow(say("Default check-out time", "Standaard uitchecktijd"), self.check_out)
        general.addRow(say("Default operator", "Standaard operator"), self.operator)
        salto = QFormLayout()
        salto.addRow(say("SALTO address", "SALTO-adres"), self.endpoint)
        salto.addRow(say("SALTO software version", "SALTO-softwareversie"), self.version)
        salto.addRow(self.license_plate)
        salto.addRow(say("License plate on text line", "Kenteken op tekstregel"), self.license_plate_line)
        salto.addRow(say("After encoding", "Na het coderen"), self.eject)
        self.serial_group = QGroupBox(say("Serial line (serial ports only)", "Seriële lijn (alleen seriële poorten)"))
        serial = QFormLayout(self.serial_group)
        serial.addRow(say("Baud rate", "Baudrate"), self.baudrate)
        serial.addRow(say("Data bits", "Databits"), self.bytesize)
        serial.addRow(say("Parity", "Pariteit"), self.parity)
        serial.addRow(say("Stop bits", "Stopbits"), self.stopbits)
        advanced = QGroupBox(say("Protocol details (installer)", "Protocoldetails (installateur)"))
        wire = QFormLayout(advanced)
        wire.addRow(say("Text encoding", "Tekstcodering"), self.encoding)
        wire.addRow(say("Empty trailing fields", "Lege eindvelden"), self.trailing)
        wire.addRow(self.send_lrc)
        wire.addRow(self.acknowledge)
        wire.addRow(say("Dates in SALTO's audit trail", "Datums in SALTO's audittrail"), self.date_order)
        wire.addRow(
            say("Reply timeout (card wait included)", "Antwoordtime-out (inclusief wachten op kaart)"),
            self.reply_timeout,
        )

        content_sized(
            self.baudrate, self.bytesize, self.parity, self.stopbits, self.version, self.license_plate_line,
            self.check_in, self.check_out, self.eject, self.encoding, self.trailing, self.date_order,
            self.reply_timeout,
        )  # fmt: skip
        align_labels(general, salto, serial, wire)
        left = QVBoxLayout()
        general_box = QGroupBox(say("Administration", "Administratie"))
        general_box.setLayout(general)
        salto_box = QGroupBox("SALTO")
        salto_box.setLayout(salto)
        for widget in (general_box, salto_box, self.serial_group, advanced):
            left.addWidget(widget)
        left.addStretch(1)
        names = QGroupBox(say("Authorizations", "Autorisaties"))
        QVBoxLayout(names).addWidget(self.authorizations)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addWidget(names, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.loader.notice)
        layout.addWidget(scrolling(columns), 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

        self.endpoint.textChanged.connect(self._update_enabled)
        self.version.textChanged.connect(self._update_enabled)
        self.license_plate.toggled.connect(self._update_enabled)
        self.pms_check.changed.connect(self._update_enabled)
        self.save_button.clicked.connect(self.save)
        self.new_button.clicked.connect(self.start_new)
        self.delete_button.clicked.connect(self.ask_delete)
        self._fill(_DEFAULTS, ())

    # --- showing ---------------------------------------------------------------------------------

    def show_administration(self, administration_id: int | None) -> None:
        """Show an administration (loaded through the core), or ``None``: an empty form for a new one."""
        self.errors.clear()
        self.administration_id = administration_id
        self._ask_time_zones()
        self.loader.reload()

    def _ask_time_zones(self) -> None:
        if not self._time_zones_asked:
            self._time_zones_asked = True
            self.context.calls.run(
                self, self.context.services.administrations.time_zones, self._fill_time_zones, self.errors.show
            )

    def _fill_time_zones(self, zones: tuple[str, ...]) -> None:
        """The choices arrive after the form may show a zone: it keeps showing that one."""
        shown = self.time_zone.currentText()
        self.time_zone.addItems(zones)
        self.time_zone.setCurrentText(shown)

    def _fetch(self) -> Callable[[], AdministrationForm | None]:
        administration_id, administrations = self.administration_id, self.context.services.administrations
        if administration_id is None:
            return lambda: None
        return lambda: administrations.form(administration_id)

    def _show_form(self, form: AdministrationForm | None) -> None:
        if form is None:
            self.administration = None
            self._fill(_DEFAULTS, ())
        else:
            self.administration = form.administration
            self._fill(form.administration, form.names)

    def _fill(self, settings: AdministrationSettings, names: tuple[AuthorizationName, ...]) -> None:
        self.pms_id.setText(settings.pms_id)
        self.pms_check.reset()
        self.name.setText(settings.name)
        self.endpoint.setText(settings.salto_endpoint)
        _select(self.baudrate, settings.serial_baudrate)
        self.bytesize.setValue(settings.serial_bytesize)
        _select(self.parity, settings.serial_parity)
        _select(self.stopbits, settings.serial_stopbits)
        self.version.setText(settings.salto_version)
        self.license_plate.setChecked(settings.include_license_plate)
        self.license_plate_line.setValue(settings.license_plate_line)
        self.check_in.setTime(_qtime(settings.check_in_time))
        self.check_out.setTime(_qtime(settings.check_out_time))
        self.time_zone.setCurrentText(settings.time_zone)
        self.operator.setText(settings.default_operator)
        _select(self.eject, settings.eject_mode)
        _select(self.encoding, settings.text_encoding)
        _select(self.trailing, settings.trailing_fields)
        self.send_lrc.setChecked(settings.send_lrc)
        _select(self.date_order, settings.audit_date_order)
        self.acknowledge.setChecked(settings.acknowledge_replies)
        self.reply_timeout.setValue(settings.reply_timeout)
        by_number = {each.number: each.name for each in names}
        fill_cells(
            self.authorizations,
            [(Cell(str(number)), Cell(by_number.get(number, ""))) for number in range(1, AUTHORIZATION_COUNT + 1)],
            (READ_ONLY, None),
        )
        self._update_enabled()

    @Slot()
    def start_new(self) -> None:
        self.errors.clear()
        self.administration_id = self.administration = None
        self.loader.cancel()  # nothing to read: the empty form is all there is
        self._ask_time_zones()
        self._fill(_DEFAULTS, ())
        self.pms_id.setFocus()

    @Slot()
    def _update_enabled(self) -> None:
        try:
            serial = isinstance(parse_endpoint(self.endpoint.text()), SerialEndpoint)
        except ValidationError:
            serial = False
        self.serial_group.setEnabled(serial)
        try:
            major, minor = (int(part) for part in self.version.text().strip().split("."))
            plate_possible = (major, minor) >= LICENSE_PLATE_MIN_VERSION
        except ValueError:
            plate_possible = False
        self.license_plate.setEnabled(plate_possible or self.license_plate.isChecked())
        self.license_plate_line.setEnabled(self.license_plate.isChecked())
        idle = not self.busy and not self.loading
        self.save_button.setEnabled(idle and not self.pms_check.unknown)
        self.new_button.setEnabled(idle)
        self.delete_button.setEnabled(idle and self.administration is not None)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self._update_enabled()

    # --- saving ----------------------------------------------------------------------------------

    def settings(self) -> AdministrationSettings:
        """What the form says, unchecked (the core validates it when saving)."""
        return AdministrationSettings(
            pms_id=self.pms_id.text(),
            name=self.name.text(),
            salto_endpoint=self.endpoint.text(),
            time_zone=self.time_zone.currentText(),
            check_in_time=_time(self.check_in.time()),
            check_out_time=_time(self.check_out.time()),
            salto_version=self.version.text(),
            include_license_plate=self.license_plate.isChecked(),
            license_plate_line=self.license_plate_line.value(),
            default_operator=self.operator.text(),
            eject_mode=self.eject.currentData(),
            text_encoding=self.encoding.currentData(),
            trailing_fields=self.trailing.currentData(),
            send_lrc=self.send_lrc.isChecked(),
            audit_date_order=self.date_order.currentData(),
            acknowledge_replies=self.acknowledge.isChecked(),
            reply_timeout=self.reply_timeout.value(),
            serial_baudrate=self.baudrate.currentData(),
            serial_bytesize=self.bytesize.value(),
            serial_parity=self.parity.currentData(),
            serial_stopbits=self.stopbits.currentData(),
        )

    def authorization_names(self) -> list[AuthorizationName]:
        names = []
        for row in range(AUTHORIZATION_COUNT):
            item = self.authorizations.item(row, 1)
            if item is not None and item.text().strip():
                names.append(AuthorizationName(row + 1, item.text()))
        return names

    @Slot()
    def save(self) -> None:
        """Store settings and authorization names together through the core; on any error nothing changes."""
        if self.busy or self.loading:
            return
        self.errors.clear()
        administration_id = None if self.administration is None else self.administration.id
        settings, names = self.settings(), self.authorization_names()
        administrations = self.context.services.administrations
        self._set_busy(True)
        self.context.calls.run(
            self, lambda: administrations.save(administration_id, settings, names), self._saved, self._refused
        )

    def _saved(self, form: AdministrationForm) -> None:
        self.busy = False
        self.administration_id = form.administration.id
        self.loader.cancel()  # the stored form is the newest
        self._show_form(form)
        self.context.events.config_changed.emit()
        self.saved.emit(form.administration.id)
        name = form.administration.name
        self.message.show_ok(
            self.say(f"The settings of {name} are saved.", f"De instellingen van {name} zijn opgeslagen.")
        )

    def _refused(self, error: Exception) -> None:
        self._set_busy(False)
        self.errors.show(error)

    @Slot()
    def ask_delete(self) -> None:
        if self.administration is None or self.busy or self.loading:
            return
        say, name = self.say, self.administration.name
        self.question = Question(
            self,
            say("Delete administration", "Administratie verwijderen"),
            say(
                f"Delete {name} with its key types, products, encoders and door names?",
                f"{name} verwijderen met de sleuteltypes, producten, encoders en deurnamen?",
            ),
            self.delete,
        )
        self.question.open()

    def delete(self) -> None:
        if self.administration is None or self.busy:
            return
        administration_id, administrations = self.administration.id, self.context.services.administrations
        self._set_busy(True)
        self.context.calls.run(self, lambda: administrations.delete(administration_id), self._deleted, self._refused)

    def _deleted(self, _none: None) -> None:
        self.busy = False
        self.start_new()
        self.context.events.config_changed.emit()
        self.deleted.emit()
