"""+Key on the Reservations and Owners tabs: read the form's choices off the GUI thread, then open its dialog.

Both tabs do the same dance: the button waits while the choices are read, the dialog opens only for
the booking or owner still shown, a failure is said on the status line, and the key the dialog
stores is announced. The tab supplies what to read and which dialog to make of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, Signal, SignalInstance
from PySide6.QtWidgets import QDialog, QPushButton, QWidget

from salto_desk.errors import Text
from ui.context import DeskContext
from ui.widgets.encoder_prompt import error_texts
from ui.widgets.open_dialog import OpenDialog

Setup = TypeVar("Setup")
MadeDialog = tuple[QDialog, SignalInstance]
"""The dialog and its signal that carries the stored key data."""


class PlusKey(QObject):
    """One +Key button's flow; ``dialog`` is the dialog open now (tests drive it)."""

    stored = Signal(object)  # the KeyData the dialog stored

    def __init__(
        self,
        context: DeskContext,
        button: QPushButton,
        can_add: Callable[[], bool],
        status: Callable[[str], None],
        failure: Text,
        parent: QWidget,
    ) -> None:
        """``can_add``: whether something is selected to add a key to; ``failure`` starts the status message."""
        super().__init__(parent)
        self._context = context
        self._button = button
        button.setAutoDefault(True)  # Enter presses it once focused (outside a dialog Qt wants Space)
        self._can_add = can_add
        self._status = status
        self._failure = failure
        self._owner = parent
        self.reading = False
        self._dialog = OpenDialog()

    def start(self, read: Callable[[], Setup], make: Callable[[Setup], MadeDialog | None]) -> None:
        """Read the choices with ``read`` (on a worker), then open what ``make`` makes of them (None: the
        selection changed meanwhile)."""
        if self.reading:
            return
        self.reading = True
        self.refresh_button()

        def loaded(setup: Setup) -> None:
            self.reading = False
            self.refresh_button()
            made = make(setup)
            if made is not None:
                self._open(*made)

        def failed(error: Exception) -> None:
            self.reading = False
            self.refresh_button()
            message, action = error_texts(error, self._context.language)
            self._status(f"{self._failure(self._context.language)} {message} {action}".strip())

        self._context.calls.run(self._owner, read, loaded, failed)

    def refresh_button(self) -> None:
        self._button.setEnabled(self._can_add() and not self.reading)

    @property
    def dialog(self) -> QDialog | None:
        """The dialog open now (tests drive it)."""
        return self._dialog.current

    def _open(self, dialog: QDialog, saved: SignalInstance) -> None:
        saved.connect(self.stored)
        self._dialog.open(dialog)
