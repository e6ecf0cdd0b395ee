"""The optional manager PIN: the lock screen in front of the settings, and the page to set, change or remove it.

Hashing and checking (scrypt, tens of milliseconds) run on the background queue; only the hash is
stored, in the desk-wide setting ``manager_pin``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from salto_desk.errors import Text, ValidationError
from salto_desk.pin import check_pin, hash_pin, require_pin
from salto_desk.storage.settings_repository import MANAGER_PIN, SettingsRepository
from ui.context import DeskContext
from ui.settings.common import FieldErrors, JobRunner, MessageLabel, Say


def stored_pin_hash(context: DeskContext) -> str | None:
    with context.database.unit_of_work() as session:
        return SettingsRepository(session).get(MANAGER_PIN)


def _pin_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(32)
    return field


class LockPage(QWidget):
    """Asks for the manager PIN; ``unlocked`` is emitted once the right PIN was entered."""

    unlocked = Signal()

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.say = say = Say(context.language)
        self.jobs = JobRunner(context.background, self)
        self.pin = _pin_field()
        self.unlock_button = QPushButton(say("Unlock", "Ontgrendelen"))
        self.message = MessageLabel()
        title = QLabel(
            say(
                "The settings are protected by the manager PIN.",
                "De instellingen zijn beveiligd met de beheerders-pincode.",
            )
        )
        row = QHBoxLayout()
        row.addWidget(QLabel(say("Manager PIN", "Beheerders-pincode")))
        row.addWidget(self.pin)
        row.addWidget(self.unlock_button)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(title, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.pin.returnPressed.connect(self.unlock)
        self.unlock_button.clicked.connect(self.unlock)

    @Slot()
    def unlock(self) -> None:
        stored = stored_pin_hash(self.context)
        if stored is None:
            self.unlocked.emit()
            return
        entered = self.pin.text()
        self.unlock_button.setEnabled(False)
        self.message.clear_message()
        self.jobs.run("check manager PIN", lambda _report: require_pin(entered, stored), self._right, self._wrong)

    def _right(self, _result: object) -> None:
        self.unlock_button.setEnabled(True)
        self.pin.clear()
        self.unlocked.emit()

    def _wrong(self, error: BaseException) -> None:
        self.unlock_button.setEnabled(True)
        self.pin.selectAll()
        self.pin.setFocus()
        self.message.show_error(self.say.error(error))


class PinPage(QWidget):
    """Set, change or remove the manager PIN; changing or removing needs the current PIN."""

    changed = Signal()

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.say = say = Say(context.language)
        self.jobs = JobRunner(context.background, self)
        self.status = QLabel()
        self.current = _pin_field()
        self.new = _pin_field()
        self.repeat = _pin_field()
        self.save_button = QPushButton()
        self.remove_button = QPushButton(say("Remove PIN", "Pincode verwijderen"))
        self.message = MessageLabel()
        self.errors = FieldErrors(self.message, say, {"current": self.current, "pin": self.new, "repeat": self.repeat})
        self.form = QFormLayout()
        self.form.addRow(say("Current PIN", "Huidige pincode"), self.current)
        self.form.addRow(say("New PIN (4 to 12 digits)", "Nieuwe pincode (4 tot 12 cijfers)"), self.new)
        self.form.addRow(say("Repeat the new PIN", "Herhaal de nieuwe pincode"), self.repeat)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addLayout(self.form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.save_button.clicked.connect(self.save)
        self.remove_button.clicked.connect(self.remove)
        self.refresh()

    def refresh(self) -> None:
        say = self.say
        is_set = stored_pin_hash(self.context) is not None
        self.status.setText(
            say("A manager PIN protects the settings.", "Een beheerders-pincode beveiligt de instellingen.")
            if is_set
            else say(
                "No manager PIN is set: anyone at this desk can change the settings.",
                "Er is geen beheerders-pincode: iedereen aan deze balie kan de instellingen wijzigen.",
            )
        )
        self.form.setRowVisible(self.current, is_set)
        self.save_button.setText(
            say("Change PIN", "Pincode wijzigen") if is_set else say("Set PIN", "Pincode instellen")
        )
        self.remove_button.setVisible(is_set)
        for field in (self.current, self.new, self.repeat):
            field.clear()

    @Slot()
    def save(self) -> None:
        say = self.say
        self.errors.clear()
        new, repeat, current = self.new.text(), self.repeat.text(), self.current.text()
        try:
            check_pin(new)
            if new.strip() != repeat.strip():
                raise ValidationError(
                    "repeat",
                    Text("The two new PINs differ.", "De twee nieuwe pincodes verschillen."),
                    Text("Type the same PIN twice.", "Typ twee keer dezelfde pincode."),
                )
        except ValidationError as error:
            self.errors.show(error)
            return
        stored = stored_pin_hash(self.context)

        def work(_report: object) -> str:
            if stored is not None:
                require_pin(current, stored)
            return hash_pin(new)

        self._busy(True)
        self.jobs.run(
            "set manager PIN",
            work,
            lambda digest: self._store(
                str(digest), say("The manager PIN is set.", "De beheerders-pincode is ingesteld.")
            ),
            self._failed,
        )

    @Slot()
    def remove(self) -> None:
        say = self.say
        self.errors.clear()
        stored = stored_pin_hash(self.context)
        if stored is None:
            self.refresh()
            return
        current = self.current.text()
        self._busy(True)
        self.jobs.run(
            "remove manager PIN",
            lambda _report: require_pin(current, stored),
            lambda _result: self._store(
                None, say("The manager PIN is removed.", "De beheerders-pincode is verwijderd.")
            ),
            self._failed,
        )

    def _store(self, digest: str | None, done: str) -> None:
        self._busy(False)
        with self.context.database.unit_of_work() as session:
            SettingsRepository(session).set(MANAGER_PIN, digest)
        self.refresh()
        self.message.show_ok(done)
        self.changed.emit()

    def _failed(self, error: BaseException) -> None:
        self._busy(False)
        self.errors.show(error)
        if not isinstance(error, ValidationError):
            self.errors.fields["current"].setFocus()

    def _busy(self, busy: bool) -> None:
        self.save_button.setEnabled(not busy)
        self.remove_button.setEnabled(not busy)
