"""The live encoder prompt: each step of one SALTO job, a countdown of the card wait, and Cancel.

``run_salto_job`` runs a SALTO operation on its endpoint's lane of ``CoreCalls`` and has the prompt
follow it: *waiting for the encoder* -> *sending* -> *place card k of N on encoder X* (with the seconds
SALTO still waits for the card) -> *card k done* -> *done*, or the error with the core's message and
suggested action. A prompt follows one job at a time; a job it no longer follows leaves it alone.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QProgressBar, QPushButton, QVBoxLayout, QWidget

from salto_desk.errors import SaltoDeskError, Text
from salto_desk.protocol.cards import CardProgress, CardStep
from salto_desk.protocol.client import Progress, Stage
from salto_desk.protocol.errors import Cancelled
from ui.style import Icon, Tone, icon, set_tone
from ui.workers.calls import CoreCalls, SaltoLane

COUNTDOWN_TICK_MS = 200
T = TypeVar("T")

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
RETRY = Text("&Retry", "&Opnieuw")
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


class PromptJob:
    """The callbacks of the job an ``EncoderPrompt`` follows; once it follows another job they do nothing."""

    def __init__(self, prompt: EncoderPrompt) -> None:
        self._prompt = prompt
        self.cancel: Callable[[], None] = lambda: None
        """Stops the job (set once it is queued)."""

    def _followed(self) -> bool:
        return self._prompt.followed is self

    def started(self) -> None:
        if self._followed():
            self._prompt.on_started()

    def progress(self, step: object) -> None:
        if self._followed():
            self._prompt.on_progress(step)

    def succeeded(self) -> None:
        if self._followed():
            self._prompt.on_succeeded()

    def failed(self, error: Exception) -> None:
        if self._followed():
            self._prompt.on_failed(error)


def run_salto_job(
    owner: QObject,
    calls: CoreCalls,
    prompt: EncoderPrompt,
    endpoint: str,
    title: str,
    work: Callable[[Callable[[object], None]], T],
    stop: Callable[[], None],
    *,
    card_wait: float,
    encoder: str | None,
    done: Callable[[T], None],
    failed: Callable[[Exception], None],
) -> None:
    """Run ``work(report)`` on the endpoint's lane, followed by ``prompt``; ``stop`` is the operation's own
    cancel (it ends the card wait); ``done``/``failed`` run after the prompt showed the outcome."""
    lane = SaltoLane(endpoint)
    job = prompt.follow(title, card_wait=card_wait, encoder=encoder, waiting=calls.lane_busy(lane))

    def succeeded(result: T) -> None:
        job.succeeded()
        done(result)

    def refused(error: Exception) -> None:
        job.failed(error)
        failed(error)

    handle = calls.run_reporting(
        owner, work, job.progress, succeeded, refused, lane, label=title, started=job.started, cancel=stop
    )
    job.cancel = lambda: calls.cancel(handle)


class EncoderPrompt(QWidget):
    """Shows the steps of the watched job in order, the card-wait countdown, errors, and Cancel."""

    def __init__(self, language: str = "en", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.language = language
        self.followed: PromptJob | None = None
        self._card_wait = 0.0
        self._deadline: float | None = None
        self._encoder: str | None = None

        self.title_label = QLabel()
        self.title_label.setObjectName("promptTitle")
        self.title_label.setWordWrap(True)  # a long guest name never widens the window
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
        self.cancel_button.setIcon(icon(Icon.CANCEL))
        self.cancel_button.clicked.connect(self.cancel)
        self.retry_button = QPushButton(RETRY(language))
        self.retry_button.setObjectName("promptRetry")
        self.retry_button.setIcon(icon(Icon.RETRY))
        self.retry_button.clicked.connect(self._retry)
        self._retry_with: Callable[[], None] | None = None
        self.steps_list = QListWidget()
        self.steps_list.setMaximumHeight(110)
        self.error_label = QLabel()
        self.error_label.setObjectName("promptError")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        set_tone(self.error_label, Tone.ALERT)
        self.action_label = QLabel()
        self.action_label.setObjectName("promptAction")
        self.action_label.setWordWrap(True)
        self.action_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        countdown_row = QHBoxLayout()
        countdown_row.addWidget(self.countdown_label)
        countdown_row.addWidget(self.countdown_bar, 1)
        countdown_row.addWidget(self.cancel_button)
        countdown_row.addWidget(self.retry_button)
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

    def follow(self, title: str, *, card_wait: float, encoder: str | None, waiting: bool) -> PromptJob:
        """Follow a new job (``card_wait``: how long SALTO waits for a card, seconds; ``waiting``: another job
        runs on the encoder first); the job's callbacks are the returned ``PromptJob``'s."""
        self._reset()
        job = PromptJob(self)
        self.followed = job
        self._card_wait = card_wait
        self._encoder = encoder
        self.title_label.setText(title)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setVisible(True)
        self.setVisible(True)
        self._step(WAITING(self.language) if waiting else SENDING(self.language))
        return job

    def show_error(self, error: BaseException, title: str | None = None) -> None:
        """An error outside a watched job (for example loading data): message and suggested action."""
        if title is not None:
            self.title_label.setText(title)
        self.setVisible(True)
        self._stop_countdown()
        self.cancel_button.setVisible(False)
        self._show_failure(error)

    def offer_retry(self, again: Callable[[], None]) -> None:
        """A failure that trying again may cure (the card came too late): Retry runs ``again``."""
        self._retry_with = again
        self.retry_button.setVisible(True)
        self.retry_button.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot()
    def _retry(self) -> None:
        again, self._retry_with = self._retry_with, None
        self.retry_button.setVisible(False)
        if again is not None:
            again()

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
        return self.followed is not None

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
        if self.followed is not None:
            self.cancel_button.setEnabled(False)
            self._step(CANCELLING(self.language))
            self.followed.cancel()

    # --- the followed job (through its PromptJob) --------------------------------------------------

    def on_started(self) -> None:
        if self.steps() != [SENDING(self.language)]:
            self._step(SENDING(self.language))

    def on_progress(self, payload: object) -> None:
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

    def on_succeeded(self) -> None:
        self._release()
        self._stop_countdown()
        self.cancel_button.setVisible(False)
        self._step(DONE(self.language))

    def on_failed(self, error: Exception) -> None:
        self._release()
        self._stop_countdown()
        self.cancel_button.setVisible(False)
        self._step((CANCELLED if isinstance(error, Cancelled) else FAILED)(self.language))
        self._show_failure(error)

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
        self.followed = None

    def _reset(self) -> None:
        self._release()
        self._stop_countdown()
        self._retry_with = None
        self.retry_button.setVisible(False)
        self.steps_list.clear()
        self.step_label.clear()
        self.error_label.clear()
        self.action_label.clear()
        self.error_label.setVisible(False)
        self.action_label.setVisible(False)
