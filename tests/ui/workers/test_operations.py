from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from salto_desk.protocol.errors import Cancelled
from ui.workers.operations import OperationQueue, Report


@pytest.fixture
def queue() -> Iterator[OperationQueue]:
    operations = OperationQueue("test")
    yield operations
    operations.shutdown()


def test_jobs_run_in_order_off_the_gui_thread(qtbot: QtBot, queue: OperationQueue) -> None:
    gui_thread = threading.get_ident()
    threads: list[int] = []
    results: list[object] = []
    queue.succeeded.connect(lambda job_id, result: results.append((job_id, result)))

    def work(value: int):  # type: ignore[no-untyped-def]
        def run(report: Report) -> int:
            threads.append(threading.get_ident())
            report(f"step {value}")
            return value * 10

        return run

    progress: list[object] = []
    queue.progress.connect(lambda job_id, payload: progress.append(payload))
    first = queue.submit("one", work(1))
    second = queue.submit("two", work(2))
    qtbot.waitUntil(lambda: len(results) == 2, timeout=5000)
    assert results == [(first, 10), (second, 20)]
    assert progress == ["step 1", "step 2"]
    assert gui_thread not in threads


def test_failure_is_reported_with_the_exception(qtbot: QtBot, queue: OperationQueue) -> None:
    def boom(report: Report) -> None:
        raise ValueError("bad input")

    with qtbot.waitSignal(queue.failed, timeout=5000) as blocker:
        job = queue.submit("boom", boom)
    assert blocker.args[0] == job
    assert isinstance(blocker.args[1], ValueError)
    assert not queue.busy()


def test_cancel_a_waiting_job_and_a_running_one(qtbot: QtBot, queue: OperationQueue) -> None:
    release = threading.Event()
    started = threading.Event()

    def blocking(report: Report) -> str:
        started.set()
        if not release.wait(5):
            return "timed out"
        raise Cancelled()

    failures: list[tuple[int, object]] = []
    queue.failed.connect(lambda job_id, error: failures.append((job_id, error)))
    waiting_labels: list[list[str]] = []
    queue.queue_changed.connect(waiting_labels.append)
    running = queue.submit("running", blocking, cancel=release.set)
    assert started.wait(5)
    waiting = queue.submit("waiting", lambda report: "never")
    queue.cancel(waiting)
    queue.cancel(running)
    qtbot.waitUntil(lambda: len(failures) == 2, timeout=5000)
    assert {job_id for job_id, _ in failures} == {running, waiting}
    assert all(isinstance(error, Cancelled) for _, error in failures)
    assert ["waiting"] in waiting_labels
    assert waiting_labels[-1] == []
