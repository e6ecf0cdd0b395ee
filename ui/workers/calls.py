"""The one way the window calls the core: off the GUI thread, its typed result handed to the widget that asked.

In the spirit of Anki's ``QueryOp``: ``calls.run(owner, call, done, failed)`` runs ``call()`` (a use case of
the application layer, ``salto_desk.services``, or a SALTO operation) on a worker thread of a lane, then
runs ``done(result)`` or ``failed(error)`` on the GUI thread, but only while ``owner`` still exists: a page
closed meanwhile simply never hears back. Every call has its own callbacks, so no listener filters
broadcasts by job id. A call that reports progress runs with ``run_reporting``.

Lanes keep work apart: ``USER`` serves what a person asked for (a search, a page, a save),
``BACKGROUND`` the polls (other desks' changes), and each SALTO endpoint has a ``SaltoLane`` of its own,
one request at a time, so two operations never overlap on a link; a person sees what waits there
(``lane_labels``) and may cancel a call that waits or runs. Workers are QThreads that run Python only:
they make no Qt objects (see ``ui/models/rows.py``).
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import TypeVar, cast

from PySide6.QtCore import QObject, QThread, Signal, Slot

from salto_desk.protocol.errors import Cancelled

log = logging.getLogger(__name__)

T = TypeVar("T")
P = TypeVar("P")
R = TypeVar("R")
Failed = Callable[[Exception], None]


class Lane(Enum):
    USER = "user"
    BACKGROUND = "background"


@dataclass(frozen=True)
class SaltoLane:
    """The lane of one SALTO endpoint: its operations run one after the other."""

    endpoint: str


LaneKey = Lane | SaltoLane
LANE_THREADS = {Lane.USER: 2, Lane.BACKGROUND: 1}
"""Two user threads: a slow search does not hold up a page that opens meanwhile. A SALTO lane has one."""


@dataclass(frozen=True)
class CallHandle:
    """One call asked for: what ``cancel`` needs."""

    token: int
    lane: LaneKey


@dataclass
class _Pending:
    owner: QObject
    done: Callable[[object], None]
    failed: Failed
    started: Callable[[], None] | None


@dataclass
class _Job:
    token: int
    label: str
    call: Callable[[], object]
    cancel: Callable[[], None] | None


@dataclass
class _LaneState:
    waiting: deque[_Job] = field(default_factory=deque)
    running: dict[int, _Job] = field(default_factory=dict)


class _LaneThreads(QObject):
    """A queue of calls served by a few QThreads; lives on the GUI thread, reports through its signals."""

    started = Signal(int)  # token
    finished = Signal(int, bool, object)  # token, succeeded, result or error
    changed = Signal()
    _wake = Signal()

    def __init__(self, name: str, threads: int) -> None:
        super().__init__()
        self._state = _LaneState()
        self._guard = threading.Lock()
        self._threads: list[QThread] = []
        self._runners: list[_Runner] = []
        for number in range(threads):
            thread = QThread()
            thread.setObjectName(f"calls-{name}-{number + 1}")
            runner = _Runner(self)
            runner.moveToThread(thread)
            self._wake.connect(runner.run_waiting)
            thread.start()
            self._threads.append(thread)
            self._runners.append(runner)

    def submit(self, job: _Job) -> None:
        with self._guard:
            self._state.waiting.append(job)
        self.changed.emit()
        self._wake.emit()

    def take(self) -> _Job | None:
        with self._guard:
            if not self._state.waiting:
                return None
            job = self._state.waiting.popleft()
            self._state.running[job.token] = job
        self.changed.emit()
        return job

    def done(self, job: _Job) -> None:
        with self._guard:
            self._state.running.pop(job.token, None)
        self.changed.emit()

    def cancel(self, token: int) -> bool:
        """Drop a waiting call (True), or ask a running one to stop; False when it is not here any more."""
        with self._guard:
            for job in self._state.waiting:
                if job.token == token:
                    self._state.waiting.remove(job)
                    break
            else:
                running = self._state.running.get(token)
                if running is not None and running.cancel is not None:
                    running.cancel()
                return False
        self.changed.emit()
        return True

    def tokens(self) -> list[int]:
        """The calls running and waiting, running first."""
        with self._guard:
            return [*self._state.running, *(job.token for job in self._state.waiting)]

    def labels(self) -> tuple[list[str], list[str]]:
        with self._guard:
            return [job.label for job in self._state.running.values()], [job.label for job in self._state.waiting]

    def busy(self) -> bool:
        with self._guard:
            return bool(self._state.running or self._state.waiting)

    def shutdown(self, timeout_ms: int) -> None:
        with self._guard:
            self._state.waiting.clear()
            running = list(self._state.running.values())
        for job in running:
            if job.cancel is not None:
                job.cancel()
        for thread in self._threads:
            thread.quit()
        for thread in self._threads:
            thread.wait(timeout_ms)


class _Runner(QObject):
    """Lives on one worker thread; runs waiting calls until none is left."""

    def __init__(self, lane: _LaneThreads) -> None:
        super().__init__()
        self._lane = lane

    @Slot()
    def run_waiting(self) -> None:
        while (job := self._lane.take()) is not None:
            self._lane.started.emit(job.token)
            try:
                result = job.call()
            except Exception as error:  # every failure reaches the widget that asked; nothing is silent
                self._lane.done(job)
                self._lane.finished.emit(job.token, False, error)
            else:
                self._lane.done(job)
                self._lane.finished.emit(job.token, True, result)


class _Reports(QObject):
    """Carries progress from worker threads to the GUI thread."""

    reported = Signal(int, object)  # reporter key, payload


class CoreCalls(QObject):
    """Runs calls into the core off the GUI thread; one per desk window (``DeskContext.calls``)."""

    lanes_changed = Signal()
    """A call was queued, started or finished on some lane: what ``lane_labels`` says may have changed."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tokens = itertools.count(1)
        self._pending: dict[int, _Pending] = {}
        self._reporters: dict[int, tuple[QObject, Callable[[object], None]]] = {}
        self._watched: set[int] = set()
        self._lanes: dict[LaneKey, _LaneThreads] = {}
        self._reports = _Reports(self)
        self._reports.reported.connect(self._reported)
        for lane in LANE_THREADS:
            self._lane(lane)

    def run(
        self,
        owner: QObject,
        call: Callable[[], T],
        done: Callable[[T], None],
        failed: Failed,
        lane: LaneKey = Lane.USER,
        *,
        label: str = "",
        started: Callable[[], None] | None = None,
        cancel: Callable[[], None] | None = None,
    ) -> CallHandle:
        """``call()`` on a worker of ``lane``; then ``done(result)`` or ``failed(error)`` on the GUI thread,
        unless ``owner`` was destroyed meanwhile. ``started`` runs when the call leaves the queue; ``cancel``
        stops it while it runs (see ``cancel``); ``label`` is what a person sees of it while it waits."""
        token = next(self._tokens)
        self._pending[token] = _Pending(owner, cast("Callable[[object], None]", done), failed, started)
        self._watch(owner)
        self._lane(lane).submit(_Job(token, label, call, cancel))
        return CallHandle(token, lane)

    def run_reporting(
        self,
        owner: QObject,
        call: Callable[[Callable[[P], None]], T],
        progress: Callable[[P], None],
        done: Callable[[T], None],
        failed: Failed,
        lane: LaneKey = Lane.USER,
        *,
        label: str = "",
        started: Callable[[], None] | None = None,
        cancel: Callable[[], None] | None = None,
    ) -> CallHandle:
        """``run`` for a call that reports its progress: ``call(report)``; each ``report(step)`` reaches
        ``progress(step)`` on the GUI thread, in order, before ``done`` or ``failed``."""
        key = next(self._tokens)
        self._reporters[key] = (owner, cast("Callable[[object], None]", progress))
        reported = self._reports.reported

        def report(step: P) -> None:
            reported.emit(key, step)

        def finished(callback: Callable[[R], None]) -> Callable[[R], None]:
            def forget_reporter(value: R) -> None:
                self._reporters.pop(key, None)
                callback(value)

            return forget_reporter

        return self.run(
            owner, lambda: call(report), finished(done), finished(failed), lane,
            label=label, started=started, cancel=cancel,
        )  # fmt: skip

    def cancel(self, handle: CallHandle) -> None:
        """Drop a call that still waits (its ``failed`` gets ``Cancelled``) or stop one that runs (through the
        ``cancel`` it was given; it then fails as the core says)."""
        lane = self._lanes.get(handle.lane)
        if lane is not None and lane.cancel(handle.token):
            self._finished(handle.token, False, Cancelled())

    def cancel_lane(self, lane: LaneKey) -> None:
        """Cancel every call of ``lane``: those waiting at once, those running through their own cancel."""
        threads = self._lanes.get(lane)
        for token in threads.tokens() if threads is not None else ():
            self.cancel(CallHandle(token, lane))

    def lane_busy(self, lane: LaneKey) -> bool:
        return lane in self._lanes and self._lanes[lane].busy()

    def lane_labels(self, lane: LaneKey) -> tuple[list[str], list[str]]:
        """The labels of the calls running on ``lane`` and of those waiting, in order."""
        return self._lanes[lane].labels() if lane in self._lanes else ([], [])

    def salto_lanes(self) -> list[SaltoLane]:
        return [lane for lane in self._lanes if isinstance(lane, SaltoLane)]

    def waiting(self) -> int:
        """Calls asked for whose answer has not been handed over yet."""
        return len(self._pending)

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Drop what waits, stop what runs, stop the threads (the window is closing)."""
        self._pending.clear()
        self._reporters.clear()
        for lane in self._lanes.values():
            lane.shutdown(timeout_ms)

    def _lane(self, key: LaneKey) -> _LaneThreads:
        if key not in self._lanes:
            name = key.value if isinstance(key, Lane) else f"salto-{key.endpoint}"
            lane = _LaneThreads(name, LANE_THREADS.get(key, 1) if isinstance(key, Lane) else 1)
            lane.started.connect(self._started)
            lane.finished.connect(self._finished)
            lane.changed.connect(self.lanes_changed)
            self._lanes[key] = lane
        return self._lanes[key]

    def _watch(self, owner: QObject) -> None:
        key = id(owner)
        if key not in self._watched:
            self._watched.add(key)
            owner.destroyed.connect(lambda _object=None: self._forget(key))

    def _forget(self, owner_key: int) -> None:
        self._watched.discard(owner_key)
        for token in [token for token, pending in self._pending.items() if id(pending.owner) == owner_key]:
            del self._pending[token]
        for key in [key for key, (owner, _report) in self._reporters.items() if id(owner) == owner_key]:
            del self._reporters[key]

    @Slot(int)
    def _started(self, token: int) -> None:
        pending = self._pending.get(token)
        if pending is not None and pending.started is not None:
            pending.started()

    @Slot(int, object)
    def _reported(self, key: int, payload: object) -> None:
        reporter = self._reporters.get(key)
        if reporter is not None:
            reporter[1](payload)

    @Slot(int, bool, object)
    def _finished(self, token: int, succeeded: bool, result: object) -> None:
        pending = self._pending.pop(token, None)
        if pending is None:
            return  # its widget is gone, or a cancel already answered it
        if succeeded:
            pending.done(result)
            return
        error = result if isinstance(result, Exception) else RuntimeError(str(result))
        if not isinstance(error, Cancelled):
            log.debug("a call of %s failed", type(pending.owner).__name__, exc_info=error)
        pending.failed(error)
