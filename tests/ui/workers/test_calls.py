"""CoreCalls: calls run off the GUI thread and answer the widget that asked, if it still exists."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QObject, QThread
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from salto_desk.errors import SaltoDeskError, Text
from salto_desk.protocol.errors import Cancelled
from ui.workers.calls import CoreCalls, Lane, SaltoLane

WAIT_MS = 10_000


@pytest.fixture
def calls(qapp: QApplication) -> Iterator[CoreCalls]:
    running = CoreCalls()
    yield running
    running.shutdown()


def test_the_result_reaches_the_widget_on_the_gui_thread_typed(qtbot: QtBot, calls: CoreCalls) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    ran_on: list[QThread] = []
    answered: list[tuple[int, bool]] = []

    def call() -> int:
        ran_on.append(QThread.currentThread())
        return 42

    calls.run(owner, call, lambda value: answered.append((value + 1, QThread.currentThread() is owner.thread())),
              lambda error: pytest.fail(f"failed: {error}"))  # fmt: skip
    qtbot.waitUntil(lambda: bool(answered), timeout=WAIT_MS)
    assert answered == [(43, True)]
    assert ran_on and ran_on[0] is not owner.thread()
    assert calls.waiting() == 0


def test_an_error_reaches_the_failure_callback(qtbot: QtBot, calls: CoreCalls) -> None:
    owner = QObject()
    refused = SaltoDeskError(Text("No.", "Nee."))
    errors: list[Exception] = []

    def call() -> None:
        raise refused

    calls.run(owner, call, lambda _value: pytest.fail("no result expected"), errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=WAIT_MS)
    assert errors == [refused]


def test_a_widget_gone_meanwhile_never_hears_back(qtbot: QtBot, calls: CoreCalls) -> None:
    owner = QObject()
    release, finished = threading.Event(), threading.Event()
    heard: list[object] = []

    def call() -> str:
        release.wait(WAIT_MS / 1000)
        finished.set()
        return "late"

    calls.run(owner, call, heard.append, heard.append)
    assert calls.waiting() == 1
    owner.deleteLater()
    qtbot.waitUntil(lambda: calls.waiting() == 0, timeout=WAIT_MS)  # forgotten when the owner went
    release.set()
    assert finished.wait(WAIT_MS / 1000)
    later = QObject()
    done: list[str] = []
    calls.run(later, lambda: "next", done.append, heard.append)  # delivered after the late one
    qtbot.waitUntil(lambda: bool(done), timeout=WAIT_MS)
    assert heard == []


def test_a_person_does_not_wait_behind_a_slow_background_call(qtbot: QtBot, calls: CoreCalls) -> None:
    owner = QObject()
    release = threading.Event()
    order: list[str] = []
    calls.run(
        owner, lambda: release.wait(WAIT_MS / 1000), lambda _ok: order.append("poll"), pytest.fail, Lane.BACKGROUND
    )
    calls.run(owner, lambda: "found", order.append, pytest.fail)
    qtbot.waitUntil(lambda: order == ["found"], timeout=WAIT_MS)
    release.set()
    qtbot.waitUntil(lambda: order == ["found", "poll"], timeout=WAIT_MS)


def test_a_slow_user_call_does_not_hold_up_the_next_one(qtbot: QtBot, calls: CoreCalls) -> None:
    owner = QObject()
    release = threading.Event()
    order: list[str] = []
    calls.run(owner, lambda: release.wait(WAIT_MS / 1000), lambda _ok: order.append("slow search"), pytest.fail)
    calls.run(owner, lambda: "page", order.append, pytest.fail)
    qtbot.waitUntil(lambda: order == ["page"], timeout=WAIT_MS)
    release.set()
    qtbot.waitUntil(lambda: order == ["page", "slow search"], timeout=WAIT_MS)


def test_progress_reaches_the_widget_in_order_before_the_result(qtbot: QtBot, calls: CoreCalls) -> None:
    owner = QObject()
    seen: list[object] = []

    def work(report: Callable[[str], None]) -> str:
        for step in ("sending", "place the card", "card done"):
            report(step)
        return "written"

    calls.run_reporting(owner, work, seen.append, seen.append, pytest.fail, SaltoLane("127.0.0.1:8090"))
    qtbot.waitUntil(lambda: "written" in seen, timeout=WAIT_MS)
    assert seen == ["sending", "place the card", "card done", "written"]


def test_a_salto_lane_runs_one_operation_at_a_time_and_shows_what_waits(qtbot: QtBot, calls: CoreCalls) -> None:
    owner = QObject()
    lane = SaltoLane("127.0.0.1:8090")
    release = threading.Event()
    changes: list[bool] = []
    calls.lanes_changed.connect(lambda: changes.append(True))
    done: list[str] = []
    calls.run(owner, lambda: release.wait(WAIT_MS / 1000) and "printed", done.append, pytest.fail, lane, label="Print")
    calls.run(owner, lambda: "read", done.append, pytest.fail, lane, label="Read card")
    qtbot.waitUntil(lambda: calls.lane_labels(lane) == (["Print"], ["Read card"]), timeout=WAIT_MS)
    assert calls.lane_busy(lane) and lane in calls.salto_lanes() and changes
    release.set()
    qtbot.waitUntil(lambda: done == ["printed", "read"], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not calls.lane_busy(lane), timeout=WAIT_MS)
    assert calls.lane_labels(lane) == ([], [])


def test_cancel_drops_a_waiting_call_and_stops_a_running_one(qtbot: QtBot, calls: CoreCalls) -> None:
    owner = QObject()
    lane = SaltoLane("127.0.0.1:8090")
    stop = threading.Event()
    failures: list[Exception] = []

    def running() -> None:
        if stop.wait(WAIT_MS / 1000):
            raise Cancelled()

    started: list[bool] = []
    first = calls.run(
        owner, running, pytest.fail, failures.append, lane, started=lambda: started.append(True), cancel=stop.set
    )
    second = calls.run(owner, lambda: pytest.fail("a dropped call never runs"), pytest.fail, failures.append, lane)
    qtbot.waitUntil(lambda: started == [True], timeout=WAIT_MS)
    calls.cancel(second)
    assert len(failures) == 1 and isinstance(failures[0], Cancelled)  # answered at once: it never ran
    calls.cancel(first)
    qtbot.waitUntil(lambda: len(failures) == 2, timeout=WAIT_MS)
    assert isinstance(failures[1], Cancelled)


def test_cancel_lane_stops_what_runs_and_drops_what_waits_there_only(qtbot: QtBot, calls: CoreCalls) -> None:
    """Quitting during an encode cancels the SALTO work; other endpoints and lanes are left alone."""
    owner = QObject()
    lane, other = SaltoLane("127.0.0.1:8090"), SaltoLane("127.0.0.1:8091")
    stop = threading.Event()
    failures: list[Exception] = []
    answers: list[str] = []

    def running() -> None:
        if stop.wait(WAIT_MS / 1000):
            raise Cancelled()

    calls.run(owner, running, pytest.fail, failures.append, lane, cancel=stop.set)
    calls.run(owner, lambda: pytest.fail("a dropped call never runs"), pytest.fail, failures.append, lane)
    calls.run(owner, lambda: "other link", answers.append, pytest.fail, other)
    qtbot.waitUntil(lambda: calls.lane_labels(lane)[0] == [""], timeout=WAIT_MS)
    calls.cancel_lane(lane)
    qtbot.waitUntil(lambda: len(failures) == 2 and not calls.lane_busy(lane), timeout=WAIT_MS)
    assert all(isinstance(each, Cancelled) for each in failures)
    qtbot.waitUntil(lambda: answers == ["other link"], timeout=WAIT_MS)
