"""Closing the desk while SALTO works: ask first, and never leave an operation half-recorded.

``QuitGuard.allows_close()`` is asked by the main window's ``closeEvent`` (the close button, Ctrl+Q, the
Desk menu). With nothing running on a SALTO link the window closes at once. Otherwise the person is
asked: keep working (the default), or cancel the operations and quit. Cancelling asks each operation
to stop (its audit row becomes ``cancelled``); the window closes by itself once every link is idle.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtWidgets import QMainWindow, QMessageBox

from salto_desk.errors import Text
from ui.workers.calls import CoreCalls

POLL_MS = 100

TITLE = Text("SALTO is still working", "SALTO is nog bezig")
QUESTION = Text(
    "This desk is still working with SALTO:\n\n{work}\n\nIf you quit now, this is cancelled; a card on the encoder "
    "may be left unfinished and must be made again.",
    "Deze balie is nog bezig met SALTO:\n\n{work}\n\nAls u nu afsluit, wordt dit geannuleerd; een kaart op de "
    "encoder kan onaf blijven en moet dan opnieuw gemaakt worden.",
)
WAITING = Text("(waiting) {label}", "(wacht) {label}")
KEEP = Text("&Keep working", "&Verder werken")
CANCEL_AND_QUIT = Text("&Cancel it and quit", "&Annuleren en afsluiten")
CANCELLING = Text("Cancelling the SALTO work, then the desk closes…", "SALTO-werk annuleren, daarna sluit de balie…")


class QuitGuard(QObject):
    """Keeps ``window`` open while SALTO operations run, unless the person chooses to cancel them."""

    def __init__(self, window: QMainWindow, calls: CoreCalls, language: str) -> None:
        super().__init__(window)  # the window is only reached as the parent: no reference cycle keeps it alive
        self._calls = calls
        self._language = language
        self._cancelling = False
        self.question: QMessageBox | None = None
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._close_when_idle)

    def working(self) -> list[str]:
        """What runs on the SALTO links, then what waits there, in words."""
        work: list[str] = []
        for lane in self._calls.salto_lanes():
            running, waiting = self._calls.lane_labels(lane)
            work += [label for label in running if label]
            work += [WAITING(self._language).format(label=label) for label in waiting if label]
        return work

    def busy(self) -> bool:
        return any(self._calls.lane_busy(lane) for lane in self._calls.salto_lanes())

    def allows_close(self) -> bool:
        """True when the window may close now; otherwise the question is shown (or the cancel runs)."""
        if not self.busy():
            return True
        if not self._cancelling and self.question is None:
            self._ask()
        return False

    def _ask(self) -> None:
        language = self._language
        work = "\n".join(f"• {each}" for each in self.working())
        question = QMessageBox(self._window())
        question.setIcon(QMessageBox.Icon.Warning)
        question.setWindowTitle(TITLE(language))
        question.setText(QUESTION(language).format(work=work))
        keep = question.addButton(KEEP(language), QMessageBox.ButtonRole.RejectRole)
        quit_button = question.addButton(CANCEL_AND_QUIT(language), QMessageBox.ButtonRole.DestructiveRole)
        question.setDefaultButton(keep)
        question.setEscapeButton(keep)
        question.buttonClicked.connect(lambda button: self._answered(button is quit_button))
        self.question = question
        question.open()

    def _answered(self, cancel: bool) -> None:
        self.question = None
        if cancel:
            self.cancel_and_close()

    def cancel_and_close(self) -> None:
        """Stop every SALTO operation of this desk; the window closes once they all ended."""
        self._cancelling = True
        for lane in self._calls.salto_lanes():
            self._calls.cancel_lane(lane)
        self._window().statusBar().showMessage(CANCELLING(self._language))
        self._poll.start()

    @Slot()
    def _close_when_idle(self) -> None:
        if not self.busy():
            self._poll.stop()
            self._window().close()

    def _window(self) -> QMainWindow:
        window = self.parent()
        assert isinstance(window, QMainWindow)
        return window
