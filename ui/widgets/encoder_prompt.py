"""The live encoder prompt: each step of one SALTO job, a countdown of the card wait, and Cancel.

``JobWatch`` follows one job of an ``OperationQueue`` and re-emits its signals for that job only, on
the GUI thread. ``EncoderPrompt`` shows what a watched job is doing: *waiting for the encoder* ->
*sending* -> *place card k of N on encoder X* (with the seconds SALTO still waits for the card) ->
*card k done* -> *done*, or the error with the core's message and suggested action.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QProgressBar, QPushButton, QVBoxLayout, QWidget

from salto_desk.errors import SaltoDeskError, Text
from salto_desk.protocol.cards import CardProgress, CardStep
from salto_desk.protocol.client import Progress, Stage
from salto_desk.protocol.errors import Cancelled
from ui.workers.operations import OperationQueue, Work

COUNTDOWN_TICK_MS = 200

WAITING = Text(
    "Waiting for the encoder: another operation runs first.", "Wachten op de encoder: eerst loopt een andere handeling."
)
SENDING = Text("Sending to SALTO...", "Verzenden naar SALTO...")
SENDING_COMMAND = Text("Sending {command} to SALTO...", "{command} verzenden naar SALTO...")
PLACE_CARD = Text("Place the card on encoder {encoder}.", "Leg de kaart op encoder {encoder}.")
PLACE_CARD_ANY = Text("Place the card on the encoder.", "Leg de kaart op de encoder.")
SALTO_WORKING = Text(
    "SALTO accepted the request and is working on it...", "SALTO heeft het verzoek aangenomen en is ermee bezig..."
)
SALTO_ANSWERED = Text("SALTO answered.", "SALTO heeft geantwoord.")
DONE = Text("Done.", "Klaar.")
CANCELLING = Text("Cancelling...", "Annuleren...")
CANCELLED = Text("Cancelled.", "Geannuleerd.")
FAILED = Text("Failed.", "Mislukt.")
CARD_WAIT = Text("SALTO waits {seconds} s more for the card.", "SALTO wacht nog {seconds} s op de kaart.")
CANCEL = Text("Cancel", "Annuleren")
UNEXPECTED = Text(
    "Unexpected error: {error}",
    "Onverwachte fout: {error}",
)
UNEXPECTED_ACTION = Text(
    "Try again; if it happens again, send the log file to your support contact.",
    "Probeer het opnieuw; gebeurt het weer, stuur dan het logbestand naar uw supportcontact.",
)


def error_texts(error: BaseException, language: str) -> tuple[str, str]:
    """The plain message and the suggested action of an error, as the core words them."""
    if isinstance(error, SaltoDeskError):
        return error.message(language), error.action(language) if error.action else ""
    return UNEXPECTED(language).format(error=f"{type(error).__name__}: {error}"), UNEXPECTED_ACTION(language)


class JobWatch(QObject):
    """One job of an ``OperationQueue``: submit it, cancel it, and receive its signals alone.

    Connect to the signals, then call ``submit``. The queue's worker emits from its thread; Qt queues
    those emissions to this object's (the GUI) thread, so slots here run after ``submit`` returned
    and always know the job id.
    """

    started = Signal()
    progress = Signal(object)
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, queue: OperationQueue, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.queue = queue
        self.job_id: int | None = None
        self.finished = False
        queue.started.connect(self._on_started)
        queue.progress.connect(self._on_progress)
        queue.succeeded.connect(self._on_succeeded)
        queue.failed.connect(self._on_failed)

    def submit(self, label: str, work: Work, cancel: Callable[[], None] | None = None) -> int:
        self.job_id = self.queue.submit(label, work, cancel)
        return self.job_id

    def cancel(self) -> None:
        """Drop the job if it still waits, or stop it where it runs; it then fails with ``Cancelled``."""
        if self.job_id is not None and not self.finished:
            self.queue.cancel(self.job_id)

    @Slot(int, str)
    def _on_started(self, job_id: int, _label: str) -> None:
        if job_id == self.job_id:
            self.started.emit()

    @Slot(int, object)
    def _on_progress(self, job_id: int, payload: object) -> None:
        if job_id == self.job_id:
            self.progress.emit(payload)

    @Slot(int, object)
    def _on_succeeded(self, job_id: int, result: object) -> None:
        if job_id == self.job_id:
            self._finish()
            self.succeeded.emit(result)

    @Slot(int, object)
    def _on_failed(self, job_id: int, error: object) -> None:
        if job_id == self.job_id:
            self._finish()
            self.failed.emit(error)

    def _finish(self) -> None:
        # Deleting the watch drops its connections to the queue; no disconnect() (PySide6 6.12 on
        # Python 3.11 loses a reference to True on every disconnect).
        self.finished = True
        self.deleteLater()


class EncoderPrompt(QWidget):
    """Shows the steps of the watched job in order, the card-wait countdown, errors, and Cancel."""

    def __init__(self, language: str = "en", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.language = language
        self._watch: JobWatch | None = None
        self._card_wait = 0.0
        self._deadline: float | None = None
        self._encoder: str | None = None

        self.title_label = QLabel()
        self.title_label.setObjectName("promptTitle")
        self.step_label = QLabel()
        self.step_label.setObjectName("promptStep")
        self.step_label.setWordWrap(True)
        font = self.step_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.step_label.setFont(font)
        self.countdown_label = QLabel()
        self.countdown_bar = QProgressBar()
        self.countdown_bar.setTextVisible(False)
        self.cancel_button = QPushButton(CANCEL(language))
        self.cancel_button.clicked.connect(self.cancel)
        self.steps_list = QListWidget()
        self.steps_list.setMaximumHeight(110)
        self.error_label = QLabel()
        self.error_label.setObjectName("promptError")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.setStyleSheet("color: #b00020; font-weight: bold;")
        self.action_label = QLabel()
        self.action_label.setObjectName("promptAction")
        self.action_label.setWordWrap(True)
        self.action_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        countdown_row = QHBoxLayout()
        countdown_row.addWidget(self.countdown_label)
        countdown_row.addWidget(self.countdown_bar, 1)
        countdown_row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title_label)
        layout.addWidget(self.step_label)
        layout.addLayout(countdown_row)
        layout.addWidget(self.error_label)
        layout.addWidget(self.action_label)
        layout.addWidget(self.steps_list)

        self._timer = QTimer(self)
        self._timer.setInterval(COUNTDOWN_TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._reset()
        self.setVisible(False)

    # --- public ----------------------------------------------------------------------------------

    def follow(self, watch: JobWatch, title: str, *, card_wait: float, encoder: str | None = None) -> None:
        """Show the steps of ``watch``'s job; ``card_wait`` is how long SALTO waits for a card (seconds)."""
        self._reset()
        self._watch = watch
        self._card_wait = card_wait
        self._encoder = encoder
        self.title_label.setText(title)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setVisible(True)
        self.setVisible(True)
        self._step(WAITING(self.language) if watch.queue.busy() else SENDING(self.language))

        def followed(handler: Callable[..., None]) -> Callable[..., None]:
            """``handler`` for signals of this job only while it is the one followed."""

            def call(*args: object) -> None:
                if watch is self._watch:
                    handler(*args)

            return call

        watch.started.connect(followed(self._on_started))
        watch.progress.connect(followed(self._on_progress))
        watch.succeeded.connect(followed(self._on_succeeded))
        watch.failed.connect(followed(self._on_failed))

    def show_error(self, error: BaseException, title: str | None = None) -> None:
        """An error outside a watched job (for example loading data): message and suggested action."""
        if title is not None:
            self.title_label.setText(title)
        self.setVisible(True)
        self._stop_countdown()
        self.cancel_button.setVisible(False)
        self._show_failure(error)

    def add_guidance(self, guidance: str) -> None:
        """Extra advice below the suggested action (for example how a guest registers a phone)."""
        current = self.action_label.text()
        self.action_label.setText(f"{current}\n{guidance}" if current else guidance)

    def clear(self) -> None:
        """Hide the prompt of a finished job (another key is shown)."""
        self._reset()
        self.title_label.clear()
        self.setVisible(False)

    def busy(self) -> bool:
        """A job is being followed and has not finished."""
        return self._watch is not None

    def steps(self) -> list[str]:
        """The steps shown so far, oldest first."""
        return [self.steps_list.item(row).text() for row in range(self.steps_list.count())]

    def remaining_seconds(self) -> int | None:
        """Seconds SALTO still waits for the card, or None when it waits for none."""
        if self._deadline is None:
            return None
        return max(0, math.ceil(self._deadline - time.monotonic()))

    @Slot()
    def cancel(self) -> None:
        if self.busy() and self._watch is not None:
            self.cancel_button.setEnabled(False)
            self._step(CANCELLING(self.language))
            self._watch.cancel()

    # --- job signals -----------------------------------------------------------------------------

    def _on_started(self) -> None:
        if self.steps() != [SENDING(self.language)]:
            self._step(SENDING(self.language))

    def _on_progress(self, payload: object) -> None:
        if isinstance(payload, CardProgress):
            self._step(payload.text(self.language))
            if payload.step is CardStep.PLACE:
                self._start_countdown()
            else:
                self._stop_countdown()
        elif isinstance(payload, Progress):
            self._on_stage(payload)

    def _on_stage(self, progress: Progress) -> None:
        if progress.stage is Stage.SENDING:
            self._step(SENDING_COMMAND(self.language).format(command=progress.command))
        elif progress.stage is Stage.ACKNOWLEDGED and progress.waits_for_card:
            place = PLACE_CARD if self._encoder else PLACE_CARD_ANY
            self._step(place(self.language).format(encoder=self._encoder))
            self._start_countdown()
        elif progress.stage is Stage.ACKNOWLEDGED:
            self._step(SALTO_WORKING(self.language))
        else:
            self._stop_countdown()
            self._step(SALTO_ANSWERED(self.language))

    def _on_succeeded(self, _result: object) -> None:
        self._release()
        self._stop_countdown()
        self.cancel_button.setVisible(False)
        self._step(DONE(self.language))

    def _on_failed(self, error: object) -> None:
        self._release()
        self._stop_countdown()
        self.cancel_button.setVisible(False)
        failure = error if isinstance(error, BaseException) else RuntimeError(str(error))
        self._step((CANCELLED if isinstance(failure, Cancelled) else FAILED)(self.language))
        self._show_failure(failure)

    # --- internals -------------------------------------------------------------------------------

    def _show_failure(self, error: BaseException) -> None:
        message, action = error_texts(error, self.language)
        self.error_label.setText(message)
        self.action_label.setText(action)
        self.error_label.setVisible(True)
        self.action_label.setVisible(bool(action))

    def _step(self, text: str) -> None:
        self.step_label.setText(text)
        self.steps_list.addItem(text)
        self.steps_list.scrollToBottom()

    def _start_countdown(self) -> None:
        self._deadline = time.monotonic() + self._card_wait
        self.countdown_bar.setRange(0, max(1, math.ceil(self._card_wait)))
        self.countdown_label.setVisible(True)
        self.countdown_bar.setVisible(True)
        self._tick()
        self._timer.start()

    def _stop_countdown(self) -> None:
        self._timer.stop()
        self._deadline = None
        self.countdown_label.setVisible(False)
        self.countdown_bar.setVisible(False)

    @Slot()
    def _tick(self) -> None:
        remaining = self.remaining_seconds()
        if remaining is None:
            return
        self.countdown_label.setText(CARD_WAIT(self.language).format(seconds=remaining))
        self.countdown_bar.setValue(remaining)

    def _release(self) -> None:
        """Stop following the job (it finished, or another one replaces it)."""
        self._watch = None

    def _reset(self) -> None:
        self._release()
        self._stop_countdown()
        self.steps_list.clear()
        self.step_label.clear()
        self.error_label.clear()
        self.action_label.clear()
        self.error_label.setVisible(False)
        self.action_label.setVisible(False)
