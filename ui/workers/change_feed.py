"""Polls the database's change counters so that this desk shows what other desks did within seconds.

Every ``interval_ms`` one poll runs on the given ``OperationQueue`` (never on the GUI thread); when a
topic's counter moved, the matching signal is emitted on the GUI thread. A poll that fails (the
database is away for a moment) is simply tried again at the next tick.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from salto_desk.coordination import ChangeWatcher
from salto_desk.storage.change_feed import Topic
from salto_desk.storage.database import Database
from ui.workers.operations import OperationQueue

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_MS = 2000
LABEL = "Changes at other desks"


class ChangeFeed(QObject):
    """Emits ``keys_changed``, ``config_changed`` or ``pms_changed`` when any desk committed such data."""

    keys_changed = Signal()
    config_changed = Signal()
    pms_changed = Signal()

    def __init__(self, database: Database, queue: OperationQueue, interval_ms: int = DEFAULT_INTERVAL_MS) -> None:
        super().__init__()
        self._watcher = ChangeWatcher(database)
        self._queue = queue
        self._job: int | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)
        queue.succeeded.connect(self._on_succeeded)
        queue.failed.connect(self._on_failed)

    def start(self) -> None:
        """Take the baseline now and poll every interval from then on."""
        self.poll()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    @Slot()
    def poll(self) -> None:
        """Queue one poll unless the previous one is still waiting or running."""
        if self._job is None:
            watcher = self._watcher
            self._job = self._queue.submit(LABEL, lambda _report: watcher.poll())

    @Slot(int, object)
    def _on_succeeded(self, job_id: int, topics: object) -> None:
        if job_id != self._job:
            return
        self._job = None
        assert isinstance(topics, frozenset)
        if Topic.KEYS in topics:
            self.keys_changed.emit()
        if Topic.CONFIG in topics:
            self.config_changed.emit()
        if Topic.PMS in topics:
            self.pms_changed.emit()

    @Slot(int, object)
    def _on_failed(self, job_id: int, error: object) -> None:
        if job_id != self._job:
            return
        self._job = None
        log.debug("polling the change counters failed; trying again at the next tick: %s", error)
