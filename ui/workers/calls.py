"""The one way the window calls the core: off the GUI thread, its typed result handed to the widget that asked.

In the spirit of Anki's ``QueryOp``: ``calls.run(owner, call, done, failed)`` runs ``call()`` (a use case of
the application layer, ``salto_desk.services``) on a worker thread of a lane, then runs ``done(result)``
or ``failed(error)`` on the GUI thread, but only while ``owner`` still exists: a page closed meanwhile
simply never hears back. Every call has its own callbacks, so no listener filters broadcasts by job id.

Two lanes keep people from waiting behind the desk's own housekeeping: ``USER`` serves what a person
asked for (a search, a page, a save) and ``BACKGROUND`` the polls (other desks' changes, link checks).
Workers are QThreads that run Python only: they make no Qt objects (see ``ui/models/rows.py``).
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar, cast

from PySide6.QtCore import QObject, QThread, Signal, Slot

log = logging.getLogger(__name__)

T = TypeVar("T")
Failed = Callable[[Exception], None]


class Lane(Enum):
    USER = "user"
    BACKGROUND = "background"


LANE_THREADS = {Lane.USER: 2, Lane.BACKGROUND: 1}
"""Two user threads: a slow search does not hold up a page that opens meanwhile."""


@dataclass
class _Pending:
    owner: QObject
    done: Callable[[object], None]
    failed: Failed


class _LaneThreads(QObject):
    """A queue of calls served by a few QThreads; lives on the GUI thread, reports through ``finished``."""

    finished = Signal(int, bool, object)  # token, succeeded, result or error
    _wake = Signal()

    def __init__(self, lane: Lane, threads: int) -> None:
        super().__init__()
        self._waiting: deque[tuple[int, Callable[[], object]]] = deque()
        self._guard = threading.Lock()
        self._threads: list[QThread] = []
        self._runners: list[_Runner] = []
        for number in range(threads):
            thread = QThread()
            thread.setObjectName(f"calls-{lane.value}-{number + 1}")
            runner = _Runner(self)
            runner.moveToThread(thread)
            self._wake.connect(runner.run_waiting)
            thread.start()
            self._threads.append(thread)
            self._runners.append(runner)

    def submit(self, token: int, call: Callable[[], object]) -> None:
        with self._guard:
            self._waiting.append((token, call))
        self._wake.emit()

    def take(self) -> tuple[int, Callable[[], object]] | None:
        with self._guard:
            return self._waiting.popleft() if self._waiting else None

    def shutdown(self, timeout_ms: int) -> None:
        with self._guard:
            self._waiting.clear()
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
        while (waiting := self._lane.take()) is not None:
            token, call = waiting
            try:
                result = call()
            except Exception as error:  # every failure reaches the widget that asked; nothing is silent
                self._lane.finished.emit(token, False, error)
            else:
                self._lane.finished.emit(token, True, result)


class CoreCalls(QObject):
    """Runs application-layer calls off the GUI thread; one per desk window (``DeskContext.calls``)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tokens = itertools.count(1)
        self._pending: dict[int, _Pending] = {}
        self._watched: set[int] = set()
        self._lanes = {lane: _LaneThreads(lane, threads) for lane, threads in LANE_THREADS.items()}
        for lane in self._lanes.values():
            lane.finished.connect(self._finished)

    def run(
        self, owner: QObject, call: Callable[[], T], done: Callable[[T], None], failed: Failed, lane: Lane = Lane.USER
    ) -> None:
        """``call()`` on a worker of ``lane``; then ``done(result)`` or ``failed(error)`` on the GUI thread,
        unless ``owner`` was destroyed meanwhile."""
        token = next(self._tokens)
        self._pending[token] = _Pending(owner, cast("Callable[[object], None]", done), failed)
        key = id(owner)
        if key not in self._watched:
            self._watched.add(key)
            owner.destroyed.connect(lambda _object=None: self._forget(key))
        self._lanes[lane].submit(token, call)

    def waiting(self) -> int:
        """Calls asked for whose answer has not been handed over yet."""
        return len(self._pending)

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Drop what waits, let running calls end, stop the threads (the window is closing)."""
        self._pending.clear()
        for lane in self._lanes.values():
            lane.shutdown(timeout_ms)

    def _forget(self, owner_key: int) -> None:
        self._watched.discard(owner_key)
        for token in [token for token, pending in self._pending.items() if id(pending.owner) == owner_key]:
            del self._pending[token]

    @Slot(int, bool, object)
    def _finished(self, token: int, succeeded: bool, result: object) -> None:
        pending = self._pending.pop(token, None)
        if pending is None:
            return  # its widget is gone
        if succeeded:
            pending.done(result)
            return
        error = result if isinstance(result, Exception) else RuntimeError(str(result))
        log.debug("a call of %s failed", type(pending.owner).__name__, exc_info=error)
        pending.failed(error)
