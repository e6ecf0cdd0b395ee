"""A queue of operations run one after another on a thread of its own.

One instance per SALTO endpoint keeps encoder operations from ever overlapping on a link; another
instance runs PMS and database calls. The worker only emits signals: widgets connect to them and are
updated on the GUI thread by Qt's queued connections.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from salto_desk.protocol.errors import Cancelled

log = logging.getLogger(__name__)

Report = Callable[[object], None]
Work = Callable[[Report], object]


@dataclass
class Job:
    id: int
    label: str
    work: Work
    cancel: Callable[[], None] | None


class OperationQueue(QObject):
    """Runs submitted jobs in order on its own QThread; signals carry the job id."""

    started = Signal(int, str)
    progress = Signal(int, object)
    succeeded = Signal(int, object)
    failed = Signal(int, object)
    queue_changed = Signal(list)  # labels of the jobs waiting, in order
    _wake = Signal()
    _changed = Signal()

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self._ids = itertools.count(1)
        self._waiting: deque[Job] = deque()
        self._running: Job | None = None
        self._guard = threading.Lock()
        self._thread = QThread()
        self._thread.setObjectName(f"operations-{name}")
        self._runner = _Runner(self)
        self._runner.moveToThread(self._thread)
        self._wake.connect(self._runner.run_next)
        self._changed.connect(self._announce)
        self._thread.start()

    def submit(self, label: str, work: Work, cancel: Callable[[], None] | None = None) -> int:
        """Queue ``work(report)``; ``cancel`` is called from the GUI thread to stop it while it runs."""
        job = Job(next(self._ids), label, work, cancel)
        with self._guard:
            self._waiting.append(job)
        self._changed.emit()
        self._wake.emit()
        return job.id

    def cancel(self, job_id: int) -> None:
        """Drop a waiting job, or ask the running one to stop; either way it fails with Cancelled."""
        with self._guard:
            for job in self._waiting:
                if job.id == job_id:
                    self._waiting.remove(job)
                    break
            else:
                running = self._running if self._running and self._running.id == job_id else None
                if running is not None and running.cancel is not None:
                    running.cancel()
                return
        self._changed.emit()
        self.failed.emit(job_id, Cancelled())

    @Slot()
    def _announce(self) -> None:
        """Runs on the queue's own (GUI) thread, so the labels are read when they are shown, never stale."""
        with self._guard:
            labels = [waiting.label for waiting in self._waiting]
        self.queue_changed.emit(labels)

    def busy(self) -> bool:
        with self._guard:
            return self._running is not None or bool(self._waiting)

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Cancel what runs, drop what waits and stop the thread."""
        with self._guard:
            self._waiting.clear()
            running = self._running
        if running is not None and running.cancel is not None:
            running.cancel()
        self._thread.quit()
        self._thread.wait(timeout_ms)

    def _take(self) -> Job | None:
        with self._guard:
            self._running = self._waiting.popleft() if self._waiting else None
            job = self._running
        if job is not None:
            self._changed.emit()
        return job

    def _finish(self) -> None:
        with self._guard:
            self._running = None


class _Runner(QObject):
    """Lives on the worker thread; runs one job per wake-up."""

    def __init__(self, queue: OperationQueue) -> None:
        super().__init__()
        self._queue = queue

    @Slot()
    def run_next(self) -> None:
        queue = self._queue
        job = queue._take()
        if job is None:
            return
        queue.started.emit(job.id, job.label)

        def report(payload: object, job_id: int = job.id) -> None:
            queue.progress.emit(job_id, payload)

        try:
            result: Any = job.work(report)
        except Exception as error:  # every failure reaches the GUI; nothing is silent
            if not isinstance(error, Cancelled):
                log.debug("operation %r failed", job.label, exc_info=True)
            queue._finish()
            queue.failed.emit(job.id, error)
            return
        queue._finish()
        queue.succeeded.emit(job.id, result)
