"""The desk's first seconds: a window at once, the database opened off the GUI thread.

A park's shared database may be far away (a VPN): connecting, checking the schema and settling
interrupted rows takes a few round trips, and an unreachable server takes until the connection times
out. ``DatabaseStart`` opens the database on a thread of its own and, if that is not done within a
moment, shows a small window that says what it waits for, for how long, and offers Quit; a failure
stays in that window with its message, Try again and Quit, instead of a dialog and an exit (the
message also goes to ``failed``, for a desk started from a script).

The opening runs on a plain daemon thread, not a ``CoreCalls`` lane: a person who quits while the
server does not answer must not wait for the connection attempt to time out. That thread touches no
Qt at all: it leaves its outcome in a box that the window looks into every few milliseconds.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget
from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

from salto_desk.errors import SaltoDeskError, Text
from salto_desk.storage.database import Database

log = logging.getLogger(__name__)

SHOW_AFTER_MS = 150
"""A local database opens in less: the window then goes straight to the desk without a flash."""
TICK_MS = 1000
LOOK_MS = 15

OPENING = Text("Opening the database{where}…", "De database{where} wordt geopend…")
WAITED = Text("Waiting for {seconds} s.", "Al {seconds} s aan het wachten.")
FAILED = Text("The database{where} could not be opened.", "De database{where} kon niet worden geopend.")
WHERE = Text(" {name} on {host}", " {name} op {host}")
UNEXPECTED = Text(
    "Unexpected error: {error}. The details are in the log file.",
    "Onverwachte fout: {error}. De details staan in het logbestand.",
)
TRY_AGAIN = Text("&Try again", "&Opnieuw proberen")
QUIT = Text("&Quit", "&Afsluiten")


def database_place(url: str | None, language: str) -> str:
    """`` salto_desk on db.park.local`` for a server (never its user or password); empty for the local file."""
    if not url:
        return ""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return ""
    if parsed.get_backend_name() == "sqlite" or not parsed.host:
        return ""
    host = parsed.host if parsed.port is None else f"{parsed.host}:{parsed.port}"
    return WHERE(language).format(name=parsed.database or "", host=host)


@dataclass
class _Attempt:
    """One opening: the thread fills ``outcome`` (a Database or the exception) and sets ``done``."""

    number: int
    done: threading.Event = field(default_factory=threading.Event)
    outcome: object = None


class DatabaseStart(QWidget):
    """Opens the database without freezing the screen: ``opened(Database)`` when it is ready, then ``dismiss()``.

    ``failed(str)`` carries each failure's message; ``quit_requested`` when the person gives up (Quit, or
    closing the window).
    """

    opened = Signal(object)
    failed = Signal(str)
    quit_requested = Signal()

    def __init__(
        self,
        open_database: Callable[[], Database],
        language: str,
        *,
        where: str = "",
        show_after_ms: int = SHOW_AFTER_MS,
    ) -> None:
        super().__init__()
        self._open = open_database
        self._language = language
        self._where = where
        self._attempt = 0
        self._started = 0.0
        self._finished = False
        self.setWindowTitle("Salto Desk")
        self.title = QLabel(OPENING(language).format(where=where))
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.title.setFont(font)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.try_again = QPushButton(TRY_AGAIN(language))
        self.try_again.clicked.connect(self.start)
        self.quit_button = QPushButton(QUIT(language))
        self.quit_button.clicked.connect(self.quit_requested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.try_again)
        buttons.addWidget(self.quit_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.detail)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)
        self._current: _Attempt | None = None
        self._look = QTimer(self)
        self._look.setInterval(LOOK_MS)
        self._look.timeout.connect(self._look_in)
        self._show_timer = QTimer(self)
        self._show_timer.setSingleShot(True)
        self._show_timer.setInterval(show_after_ms)
        self._show_timer.timeout.connect(self.show)
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._show_waited)

    @property
    def opening(self) -> bool:
        return self._tick.isActive()

    def dismiss(self) -> None:
        """The desk's window is up, or the desk stops: this one goes (without asking to quit); once."""
        if self._finished:
            return
        self._finished = True
        self._attempt += 1  # a late answer is dropped
        self._look.stop()
        self._tick.stop()
        self._show_timer.stop()
        self.close()
        self.deleteLater()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._finished:
            self._attempt += 1  # a late answer is dropped
            self._look.stop()
            self.quit_requested.emit()
        super().closeEvent(event)

    @Slot()
    def start(self) -> None:
        """Open the database (again): on its own thread; this window shows if it takes a while."""
        self._attempt += 1
        attempt = self._current = _Attempt(self._attempt)
        self._started = time.monotonic()
        self.title.setText(OPENING(self._language).format(where=self._where))
        self.detail.clear()
        self.try_again.hide()
        self._tick.start()
        if not self.isVisible():
            self._show_timer.start()
        self._look.start()
        opener = self._open

        def run() -> None:
            try:
                attempt.outcome = opener()
            except Exception as error:  # every failure is shown in the window, none is lost
                attempt.outcome = error
            attempt.done.set()

        threading.Thread(target=run, name="open-database", daemon=True).start()

    @Slot()
    def _look_in(self) -> None:
        attempt = self._current
        if attempt is not None and attempt.done.is_set():
            self._look.stop()
            self._current = None
            self._arrived(attempt.number, attempt.outcome)

    @Slot()
    def _show_waited(self) -> None:
        self.detail.setText(WAITED(self._language).format(seconds=round(time.monotonic() - self._started)))

    def _arrived(self, attempt: int, outcome: object) -> None:
        if attempt != self._attempt:
            if isinstance(outcome, Database):
                outcome.dispose()  # the person gave up meanwhile
            return
        self._tick.stop()
        self._show_timer.stop()
        if isinstance(outcome, Database):
            self.opened.emit(outcome)
            return
        error = outcome if isinstance(outcome, Exception) else RuntimeError(repr(outcome))
        if isinstance(error, SaltoDeskError):
            message = error.user_message(self._language)
        else:
            log.error("the database could not be opened", exc_info=error)
            message = UNEXPECTED(self._language).format(error=f"{type(error).__name__}: {error}")
        self.title.setText(FAILED(self._language).format(where=self._where))
        self.detail.setText(message)
        self.failed.emit(message)
        self.try_again.show()
        self.try_again.setDefault(True)
        self.adjustSize()  # the message may take several lines
        self.show()
        self.raise_()
        self.activateWindow()
