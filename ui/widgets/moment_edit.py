"""A day and a time as two fields: the time can be typed as digits ("1600") the moment it has the focus.

One ``QDateTimeEdit`` puts the cursor on the day, so typing a time there changes the day instead
(the reason typed times looked ignored). Here Tab reaches the time field on its own, the field selects
its hours whenever it gets the focus, and a run of three or four digits (``930``, ``1600``) or
``16:00`` sets the whole time. The pair offers what the dialogs used of ``QDateTimeEdit``.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, QDateTime, QTime, Signal, Slot
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QDateEdit, QHBoxLayout, QTimeEdit, QWidget

DAY_FORMAT = "dd-MM-yyyy"
TIME_FORMAT = "HH:mm"


class TimeEdit(QTimeEdit):
    """``HH:mm`` that takes typed digits: the hours are selected on focus; ``1600`` or ``930`` sets the time."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDisplayFormat(TIME_FORMAT)
        self._typed = ""  # the digits typed since the field got the focus or since the last other key

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self._typed = ""
        self.setCurrentSection(QTimeEdit.Section.HourSection)
        self.setSelectedSection(QTimeEdit.Section.HourSection)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if len(text) == 1 and text.isascii() and text.isdigit():
            self._typed = (self._typed + text)[-4:]
            typed = _typed_time(self._typed)
            if typed is not None and len(self._typed) >= 3:
                self.setTime(typed)
                self.setCurrentSection(QTimeEdit.Section.MinuteSection)
                event.accept()
                return
        elif text != ":":
            self._typed = ""
        super().keyPressEvent(event)


def _typed_time(digits: str) -> QTime | None:
    """``1600`` -> 16:00, ``930`` -> 09:30; None when the digits are not a time of day."""
    if len(digits) not in (3, 4):
        return None
    hours, minutes = int(digits[:-2]), int(digits[-2:])
    return QTime(hours, minutes) if hours < 24 and minutes < 60 else None


class MomentEdit(QWidget):
    """A day (with a calendar) and a time; ``dateTime``/``setDateTime`` like ``QDateTimeEdit``."""

    dateTimeChanged = Signal(QDateTime)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.day = QDateEdit()
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat(DAY_FORMAT)
        self.clock = TimeEdit()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.day, 1)
        layout.addWidget(self.clock)
        self.setFocusProxy(self.day)
        self.day.dateChanged.connect(self._changed)
        self.clock.timeChanged.connect(self._changed)

    def dateTime(self) -> QDateTime:
        return QDateTime(self.day.date(), self.clock.time())

    def setDateTime(self, moment: QDateTime) -> None:
        self.day.setDate(moment.date())
        self.clock.setTime(moment.time())

    def date(self) -> QDate:
        return self.day.date()

    def setDate(self, day: QDate) -> None:
        self.day.setDate(day)

    def time(self) -> QTime:
        return self.clock.time()

    def text(self) -> str:
        return f"{self.day.text()} {self.clock.text()}"

    def name(self, name: str, day_word: str, time_word: str) -> None:
        """Accessible names for the pair: ``Valid from``, ``Valid from (day)``, ``Valid from (time)``."""
        self.setAccessibleName(name)
        self.day.setAccessibleName(f"{name} ({day_word})")
        self.clock.setAccessibleName(f"{name} ({time_word})")

    def explain(self, tip: str) -> None:
        """The same tooltip on both fields (e.g. the zone the times are in)."""
        for part in (self, self.day, self.clock):
            part.setToolTip(tip)

    @Slot()
    def _changed(self) -> None:
        self.dateTimeChanged.emit(self.dateTime())
