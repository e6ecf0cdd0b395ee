"""The PMS administration id checked with BEX while it is typed: a short pause after the last keystroke,
then the core asks BEX (off the GUI thread) whether the API key sees that administration.

An id BEX does not list is refused (``unknown``; the page keeps Save off); a BEX that cannot be asked
only says so: the id may be right, it just could not be checked.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QLineEdit

from salto_desk.services.pms_connection import AdministrationCheck
from ui.context import DeskContext
from ui.settings.common import MessageLabel, Say
from ui.style import mark_invalid

PAUSE_MS = 700
"""How long typing must pause before BEX is asked (one question per id, not per keystroke)."""


class PmsIdCheck(QObject):
    """Watches what a person types in ``field``; ``changed`` follows ``unknown``."""

    changed = Signal()

    def __init__(self, context: DeskContext, say: Say, field: QLineEdit) -> None:
        super().__init__(field)
        self.context = context
        self.say = say
        self.field = field
        self.message = MessageLabel()
        self.unknown = False
        """BEX answered that it does not list the id as typed now."""
        self.checking = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(PAUSE_MS)
        self.timer.timeout.connect(self.check)
        field.textEdited.connect(self._edited)

    def reset(self) -> None:
        """A stored id was shown: nothing to say about it."""
        self.timer.stop()
        self._show(False)
        self.message.clear_message()

    @Slot()
    def _edited(self) -> None:
        self.message.clear_message()
        self._show(False)
        self.timer.start()

    @Slot()
    def check(self) -> None:
        typed = self.field.text().strip()
        if not typed:
            return
        connection = self.context.services.pms_connection
        self.checking = True
        self.message.show_info(self.say("Checking the id with BEX...", "Het id wordt bij BEX gecontroleerd..."))
        self.context.calls.run(self, lambda: connection.check_administration(typed), self._answered, self._failed)

    def _answered(self, answer: AdministrationCheck) -> None:
        self.checking = False
        if answer.pms_id != self.field.text().strip():
            return  # typed on meanwhile: a newer check follows
        said = answer.said(self.say.language)
        if answer.known is False:
            self.message.show_error(said)
        elif answer.known:
            self.message.show_ok(said)
        else:
            self.message.show_info(said)
        self._show(answer.known is False)

    def _failed(self, error: Exception) -> None:
        self.checking = False
        self.message.show_info(self.say.error(error))

    def _show(self, unknown: bool) -> None:
        self.unknown = unknown
        mark_invalid(self.field, unknown)
        self.changed.emit()
