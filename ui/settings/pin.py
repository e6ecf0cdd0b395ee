"""The optional manager PIN: the lock screen in front of the settings, and the page to set, change or remove it.

Everything runs in the core (``DeskServices.pin``), off the GUI thread: hashing and checking (scrypt,
tens of milliseconds) as well as the database; the window never sees the stored hash.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from salto_desk.errors import ValidationError
from ui.context import DeskContext
from ui.settings.common import FieldErrors, MessageLabel, Say
from ui.style import Icon, icon, set_icons


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
        self.pin = _pin_field()
        self.unlock_button = QPushButton(say("Unlock", "Ontgrendelen"))
        self.unlock_button.setIcon(icon(Icon.UNLOCK))
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

    @property
    def checking(self) -> bool:
        return not self.unlock_button.isEnabled()

    @Slot()
    def unlock(self) -> None:
        if self.checking:
            return
        entered = self.pin.text()
        self.unlock_button.setEnabled(False)
        self.message.clear_message()
        self.context.calls.run(self, lambda: self.context.services.pin.unlock(entered), self._right, self._wrong)

    def _right(self, _result: None) -> None:
        self.unlock_button.setEnabled(True)
        self.pin.clear()
        self.unlocked.emit()

    def _wrong(self, error: Exception) -> None:
        self.unlock_button.setEnabled(True)
        self.pin.selectAll()
        self.pin.setFocus()
        self.message.show_error(self.say.error(error))


class PinPage(QWidget):
    """Set, change or remove the manager PIN; changing or removing needs the current PIN."""

    known = Signal(bool)  # whether a PIN is set, each time the page learns it
    changed = Signal(bool)  # a PIN was set, changed or removed here; whether one is set now

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.say = say = Say(context.language)
        self.status = QLabel()
        self.current = _pin_field()
        self.new = _pin_field()
        self.repeat = _pin_field()
        self.save_button = QPushButton(say("Set PIN", "Pincode instellen"))
        self.remove_button = QPushButton(say("Remove PIN", "Pincode verwijderen"))
        set_icons((self.save_button, Icon.LOCK), (self.remove_button, Icon.UNLOCK))
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
        self._busy(True)
        self.refresh()

    @property
    def busy(self) -> bool:
        return not self.save_button.isEnabled()

    def refresh(self) -> None:
        """Ask the core whether a PIN is set, then show the page for that."""
        self.context.calls.run(self, self.context.services.pin.is_set, self._show_state, self._failed)

    def _show_state(self, is_set: bool) -> None:
        say = self.say
        self._busy(False)
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
        self.known.emit(is_set)

    @Slot()
    def save(self) -> None:
        if self.busy:
            return
        self.errors.clear()
        new, repeat, current = self.new.text(), self.repeat.text(), self.current.text()
        self._busy(True)
        self.context.calls.run(
            self,
            lambda: self.context.services.pin.set(new, repeat, current),
            lambda _none: self._stored(
                True, self.say("The manager PIN is set.", "De beheerders-pincode is ingesteld.")
            ),
            self._failed,
        )

    @Slot()
    def remove(self) -> None:
        if self.busy:
            return
        self.errors.clear()
        current = self.current.text()
        self._busy(True)
        self.context.calls.run(
            self,
            lambda: self.context.services.pin.remove(current),
            lambda _none: self._stored(
                False, self.say("The manager PIN is removed.", "De beheerders-pincode is verwijderd.")
            ),
            self._failed,
        )

    def _stored(self, is_set: bool, done: str) -> None:
        self._show_state(is_set)
        self.message.show_ok(done)
        self.changed.emit(is_set)

    def _failed(self, error: Exception) -> None:
        self._busy(False)
        self.errors.show(error)
        if not isinstance(error, ValidationError):
            self.errors.fields["current"].setFocus()

    def _busy(self, busy: bool) -> None:
        self.save_button.setEnabled(not busy)
        self.remove_button.setEnabled(not busy)
