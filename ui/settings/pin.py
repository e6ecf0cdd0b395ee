"""The optional manager PIN: the lock screen in front of the settings, the page to set, change or remove it,
and the idle watch that locks the settings again when nobody uses them.

Everything runs in the core (``DeskServices.pin``), off the GUI thread: hashing and checking (scrypt,
tens of milliseconds) as well as the database; the window never sees the stored hash.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget

from salto_desk.errors import ValidationError
from salto_desk.pin import MAX_LENGTH
from salto_desk.services.pin import DEFAULT_IDLE_MINUTES, IDLE_MINUTES_RANGE, PinState
from ui.context import DeskContext
from ui.settings.common import FieldErrors, MessageLabel, Say
from ui.settings.forms import align_labels, content_sized
from ui.style import Icon, icon, set_icons

ACTIVITY = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel})
"""The events that count as someone using the settings."""
MINUTE_MS = 60_000


def _pin_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(MAX_LENGTH)
    content_sized(field)
    return field


def within(area: QWidget, widget: QWidget) -> bool:
    """Whether ``widget`` is ``area`` or lies inside it, its dialogs (windows of their own) included."""
    current: QWidget | None = widget
    while current is not None:
        if current is area:
            return True
        current = current.parentWidget()
    return False


class IdleWatch(QObject):
    """Emits ``idle`` after ``minutes`` without a key or mouse event in ``area`` (its dialogs included).

    It watches only while armed (the settings are open behind a PIN): then every event of the application
    passes its filter, which is why it is disarmed whenever the settings lock.
    """

    idle = Signal()

    def __init__(self, area: QWidget) -> None:
        super().__init__(area)
        self.area = area
        self.minutes = DEFAULT_IDLE_MINUTES
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(self.minutes * MINUTE_MS)
        self.timer.timeout.connect(self.idle)
        self.armed = False

    def set_minutes(self, minutes: int) -> None:
        self.minutes = minutes
        self.timer.setInterval(minutes * MINUTE_MS)
        if self.armed:
            self.timer.start()

    def arm(self) -> None:
        application = QCoreApplication.instance()
        if not self.armed and application is not None:
            application.installEventFilter(self)
            self.armed = True
        self.timer.start()

    def disarm(self) -> None:
        application = QCoreApplication.instance()
        if self.armed and application is not None:
            application.removeEventFilter(self)
        self.armed = False
        self.timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY and isinstance(watched, QWidget) and within(self.area, watched):
            self.timer.start()
        return False


class LockPage(QWidget):
    """Asks for the manager PIN; ``unlocked`` is emitted once the right PIN was entered."""

    unlocked = Signal()

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.say = say = Say(context.language)
        self.pin = _pin_field()
        self.pin.setAccessibleName(say("Manager PIN", "Beheerders-pincode"))
        self.unlock_button = QPushButton(say("Unlock", "Ontgrendelen"))
        self.unlock_button.setIcon(icon(Icon.UNLOCK))
        self.message = MessageLabel()
        title = QLabel(
            say(
                "The settings are protected by the manager PIN.",
                "De instellingen zijn beveiligd met de beheerders-pincode.",
            )
        )
        label = QLabel(say("Manager &PIN", "Beheerders-&pincode"))
        label.setBuddy(self.pin)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(label)
        row.addWidget(self.pin)
        row.addWidget(self.unlock_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(title, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addLayout(row)
        self.message.setAlignment(Qt.AlignmentFlag.AlignHCenter)  # full width: a long message wraps, never clips
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
        self.message.clear_message()
        self.unlocked.emit()

    def _wrong(self, error: Exception) -> None:
        self.unlock_button.setEnabled(True)
        self.pin.selectAll()
        self.pin.setFocus()
        self.message.show_error(self.say.error(error))


class PinPage(QWidget):
    """Set, change or remove the manager PIN (changing or removing needs the current PIN), and choose after
    how many idle minutes the settings lock again."""

    known = Signal(object)  # the PinState, each time the page learns it
    changed = Signal(bool)  # a PIN was set, changed or removed here; whether one is set now

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.say = say = Say(context.language)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.current = _pin_field()
        self.new = _pin_field()
        self.repeat = _pin_field()
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setRange(*IDLE_MINUTES_RANGE)
        self.idle_minutes.setSuffix(say(" min", " min"))
        content_sized(self.idle_minutes)
        self.save_button = QPushButton(say("Set PIN", "Pincode instellen"))
        self.remove_button = QPushButton(say("Remove PIN", "Pincode verwijderen"))
        self.idle_button = QPushButton(say("Save lock time", "Vergrendeltijd opslaan"))
        set_icons((self.save_button, Icon.LOCK), (self.remove_button, Icon.UNLOCK), (self.idle_button, Icon.SAVE))
        self.message = MessageLabel()
        self.errors = FieldErrors(
            self.message,
            say,
            {"current": self.current, "pin": self.new, "repeat": self.repeat, "idle_minutes": self.idle_minutes},
        )
        self.form = QFormLayout()
        self.form.addRow(say("Current PIN", "Huidige pincode"), self.current)
        self.form.addRow(say("New PIN (4 to 12 digits)", "Nieuwe pincode (4 tot 12 cijfers)"), self.new)
        self.form.addRow(say("Repeat the new PIN", "Herhaal de nieuwe pincode"), self.repeat)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        self.idle_row = QWidget()
        idle = QHBoxLayout(self.idle_row)
        idle.setContentsMargins(0, 0, 0, 0)
        idle.addWidget(self.idle_minutes)
        idle.addWidget(self.idle_button)
        idle.addStretch(1)
        self.idle_form = QFormLayout()
        self.idle_form.addRow(
            say("Lock the settings when unused for", "Instellingen vergrendelen na ongebruikt"), self.idle_row
        )
        self.idle_hint = QLabel(
            say(
                "They also lock whenever someone leaves the Settings tab.",
                "Ze vergrendelen ook zodra iemand het tabblad Instellingen verlaat.",
            )
        )
        self.idle_hint.setWordWrap(True)
        align_labels(self.form, self.idle_form)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addLayout(self.form)
        layout.addLayout(buttons)
        layout.addSpacing(self.fontMetrics().height())
        layout.addLayout(self.idle_form)
        layout.addWidget(self.idle_hint)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.save_button.clicked.connect(self.save)
        self.remove_button.clicked.connect(self.remove)
        self.idle_button.clicked.connect(self.save_idle_minutes)
        self._busy(True)
        self.refresh()

    @property
    def busy(self) -> bool:
        return not self.save_button.isEnabled()

    def refresh(self) -> None:
        """Ask the core whether a PIN is set (and the idle time), then show the page for that."""
        self.context.calls.run(self, self.context.services.pin.state, self._show_state, self._failed)

    def _show_state(self, state: PinState) -> None:
        say = self.say
        self._busy(False)
        self.status.setText(
            say("A manager PIN protects the settings.", "Een beheerders-pincode beveiligt de instellingen.")
            if state.is_set
            else say(
                "No manager PIN is set: anyone at this desk can change the settings.",
                "Er is geen beheerders-pincode: iedereen aan deze balie kan de instellingen wijzigen.",
            )
        )
        self.form.setRowVisible(self.current, state.is_set)
        self.idle_form.setRowVisible(self.idle_row, state.is_set)
        self.idle_hint.setVisible(state.is_set)
        self.idle_minutes.setValue(state.idle_minutes)
        self.save_button.setText(
            say("Change PIN", "Pincode wijzigen") if state.is_set else say("Set PIN", "Pincode instellen")
        )
        self.remove_button.setVisible(state.is_set)
        for field in (self.current, self.new, self.repeat):
            field.clear()
        self.known.emit(state)

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

    @Slot()
    def save_idle_minutes(self) -> None:
        if self.busy:
            return
        self.errors.clear()
        minutes, pin = self.idle_minutes.value(), self.context.services.pin
        self._busy(True)
        self.context.calls.run(self, lambda: pin.set_idle_minutes(minutes), self._idle_minutes_stored, self._failed)

    def _idle_minutes_stored(self, minutes: int) -> None:
        self._busy(False)
        self.known.emit(PinState(True, minutes))
        self.message.show_ok(
            self.say(
                f"The settings lock after {minutes} idle minute{'' if minutes == 1 else 's'}.",
                f"De instellingen vergrendelen na {minutes} {'minuut' if minutes == 1 else 'minuten'} zonder gebruik.",
            )
        )

    def _stored(self, is_set: bool, done: str) -> None:
        self.refresh()
        self.message.show_ok(done)
        self.changed.emit(is_set)

    def _failed(self, error: Exception) -> None:
        self._busy(False)
        self.errors.show(error)
        if not isinstance(error, ValidationError):
            self.errors.fields["current"].setFocus()

    def _busy(self, busy: bool) -> None:
        for button in (self.save_button, self.remove_button, self.idle_button):
            button.setEnabled(not busy)
