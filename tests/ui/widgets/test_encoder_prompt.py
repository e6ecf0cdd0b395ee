"""The encoder prompt following jobs on a SALTO lane of CoreCalls: steps, countdown, waiting jobs, cancel, errors."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from salto_desk.errors import SaltoDeskError, Text
from salto_desk.protocol.cards import CardProgress, CardStep
from salto_desk.protocol.client import Progress, Stage
from salto_desk.protocol.errors import Cancelled
from ui.widgets.encoder_prompt import EncoderPrompt, run_salto_job
from ui.workers.calls import CoreCalls, SaltoLane

WAIT_MS = 5000
ENDPOINT = "127.0.0.1:8090"
LANE = SaltoLane(ENDPOINT)
Report = Callable[[object], None]
Work = Callable[[Report], object]


@pytest.fixture
def queue(qapp: QApplication) -> Iterator[CoreCalls]:
    calls = CoreCalls()
    yield calls
    calls.shutdown()


@pytest.fixture
def prompt(qtbot: QtBot) -> EncoderPrompt:
    widget = EncoderPrompt("en")
    qtbot.addWidget(widget)
    return widget


def follow(
    prompt: EncoderPrompt,
    queue: CoreCalls,
    work: Work,
    *,
    encoder: str | None = "Desk",
    stop: Callable[[], None] = lambda: None,
) -> list[object]:
    """Run ``work`` followed by the prompt; the list receives the outcome (result or error)."""
    outcome: list[object] = []
    run_salto_job(
        prompt, queue, prompt, ENDPOINT, "Test job", work, stop,
        card_wait=60.0, encoder=encoder, done=outcome.append, failed=outcome.append,
    )  # fmt: skip
    return outcome


def test_client_stages_become_steps_and_the_card_wait_counts_down(
    qtbot: QtBot, queue: CoreCalls, prompt: EncoderPrompt
) -> None:
    release = threading.Event()

    def work(report: Report) -> str:
        report(Progress(Stage.SENDING, "LT", waits_for_card=True))
        report(Progress(Stage.ACKNOWLEDGED, "LT", waits_for_card=True))
        release.wait(WAIT_MS / 1000)
        report(Progress(Stage.REPLY, "LT", waits_for_card=True))
        return "read"

    follow(prompt, queue, work)
    qtbot.waitUntil(lambda: prompt.remaining_seconds() is not None, timeout=WAIT_MS)
    assert prompt.isVisible() or prompt.isVisibleTo(prompt)
    remaining = prompt.remaining_seconds()
    assert remaining is not None and 0 < remaining <= 60
    assert prompt.countdown_label.text() == f"SALTO waits {prompt.countdown_bar.value()} s more for the card."
    assert prompt.step_label.text() == "Place the card on encoder Desk."
    release.set()
    qtbot.waitUntil(lambda: not prompt.busy(), timeout=WAIT_MS)
    assert prompt.steps() == [
        "Sending to SALTO...",
        "Sending LT to SALTO...",
        "Place the card on encoder Desk.",
        "SALTO answered.",
        "Done.",
    ]
    assert prompt.remaining_seconds() is None


def test_a_request_without_a_card_has_no_countdown(qtbot: QtBot, queue: CoreCalls, prompt: EncoderPrompt) -> None:
    def work(report: Report) -> None:
        report(Progress(Stage.ACKNOWLEDGED, "CNM", waits_for_card=False))
        report(CardProgress(CardStep.DONE, 1, 1, "Desk", "CN"))

    seen: list[int | None] = []
    shown = prompt.on_progress

    def watched(step: object) -> None:
        shown(step)
        seen.append(prompt.remaining_seconds())

    prompt.on_progress = watched  # type: ignore[method-assign]
    follow(prompt, queue, work)
    qtbot.waitUntil(lambda: not prompt.busy(), timeout=WAIT_MS)
    assert seen == [None, None]  # no step of this job waits for a card
    assert prompt.steps()[1:] == ["SALTO accepted the request and is working on it...", "Card 1 of 1 done.", "Done."]


def test_a_job_behind_another_waits_and_can_be_cancelled_before_it_runs(
    qtbot: QtBot, queue: CoreCalls, prompt: EncoderPrompt
) -> None:
    release = threading.Event()
    started = threading.Event()

    def blocking(report: Report) -> None:
        started.set()
        release.wait(WAIT_MS / 1000)

    queue.run(prompt, lambda: blocking(lambda _step: None), lambda _none: None, pytest.fail, LANE, label="first")
    assert started.wait(WAIT_MS / 1000)
    ran: list[bool] = []
    outcome = follow(prompt, queue, lambda report: ran.append(True))
    assert prompt.steps() == ["Waiting for the encoder: another operation runs first."]
    prompt.cancel_button.click()
    assert not prompt.busy()
    assert prompt.steps()[-2:] == ["Cancelling...", "Cancelled."]
    assert prompt.error_label.text() == Cancelled().message("en")
    action = Cancelled().action
    assert action is not None and prompt.action_label.text() == action("en")
    assert len(outcome) == 1 and isinstance(outcome[0], Cancelled)  # the job that asked hears it too
    release.set()
    qtbot.waitUntil(lambda: not queue.lane_busy(LANE), timeout=WAIT_MS)
    assert ran == []


def test_cancel_reaches_the_running_job(qtbot: QtBot, queue: CoreCalls, prompt: EncoderPrompt) -> None:
    cancelled = threading.Event()

    def work(report: Report) -> None:
        report(CardProgress(CardStep.PLACE, 1, 1, "Desk", "CN"))
        if cancelled.wait(WAIT_MS / 1000):
            raise Cancelled()

    follow(prompt, queue, work, stop=cancelled.set)
    qtbot.waitUntil(lambda: prompt.remaining_seconds() is not None, timeout=WAIT_MS)
    prompt.cancel_button.click()
    assert not prompt.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: not prompt.busy(), timeout=WAIT_MS)
    assert prompt.steps()[-1] == "Cancelled."
    assert prompt.remaining_seconds() is None


def test_errors_show_the_core_message_and_action_and_unexpected_ones_say_so(
    qtbot: QtBot, queue: CoreCalls, prompt: EncoderPrompt
) -> None:
    def refused(report: Report) -> None:
        raise SaltoDeskError(Text("Room 999 is unknown.", "Kamer 999 is onbekend."), Text("Fix it.", "Herstel het."))

    follow(prompt, queue, refused)
    qtbot.waitUntil(lambda: not prompt.busy(), timeout=WAIT_MS)
    assert (prompt.error_label.text(), prompt.action_label.text()) == ("Room 999 is unknown.", "Fix it.")
    prompt.add_guidance("Ask the guest.")
    assert prompt.action_label.text() == "Fix it.\nAsk the guest."

    def broken(report: Report) -> None:
        raise KeyError("oops")

    follow(prompt, queue, broken)
    assert prompt.error_label.text() == ""  # a new job starts clean
    qtbot.waitUntil(lambda: not prompt.busy(), timeout=WAIT_MS)
    assert prompt.error_label.text() == "Unexpected error: KeyError: 'oops'"
    assert "log file" in prompt.action_label.text()


def test_dutch_steps(qtbot: QtBot, queue: CoreCalls) -> None:
    prompt = EncoderPrompt("nl")
    qtbot.addWidget(prompt)

    def work(report: Report) -> str:
        report(CardProgress(CardStep.PLACE, 1, 2, "Balie", "CN"))
        return "written"

    follow(prompt, queue, work)
    qtbot.waitUntil(lambda: not prompt.busy(), timeout=WAIT_MS)
    assert prompt.steps() == ["Verzenden naar SALTO...", "Leg kaart 1 van 2 op encoder Balie.", "Klaar."]
    assert prompt.cancel_button.text() == "Annuleren"


def test_a_long_title_wraps_instead_of_widening_the_window(prompt: EncoderPrompt) -> None:
    narrow = prompt.minimumSizeHint().width()
    title = "26-00497 Maximilian Wagner-Hoffmann van den Heuvel: 2 nieuwe kaarten op encoder Receptie hoofdgebouw"
    prompt.follow(title, card_wait=60.0, encoder="Receptie hoofdgebouw", waiting=False)
    assert prompt.title_label.text() == title
    assert prompt.minimumSizeHint().width() <= max(narrow, 400)
