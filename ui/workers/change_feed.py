"""Polls the database's change counters so that this desk shows what other desks did within seconds.

Every ``interval_ms`` one poll runs on the background lane of ``CoreCalls`` (never on the GUI thread,
never ahead of what a person asked for); when a topic's counter moved, the matching signal is emitted
on the GUI thread. A poll that fails (the database is away for a moment) is tried again at the next tick.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from salto_desk.storage.change_feed import Topic
from ui.workers.calls import CoreCalls, Lane

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_MS = 2000
Poll = Callable[[], frozenset[Topic]]
"""The topics whose counters moved since the previous poll (``ChangeWatcher.poll``)."""


class ChangeFeed(QObject):
    """Emits ``keys_changed``, ``config_changed`` or ``pms_changed`` when any desk committed such data."""

    keys_changed = Signal()
    config_changed = Signal()
    pms_changed = Signal()

    def __init__(self, poll: Poll, calls: CoreCalls, interval_ms: int = DEFAULT_INTERVAL_MS) -> None:
        super().__init__()
        self._poll = poll
        self._calls = calls
        self._polling = False
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)

    def start(self) -> None:
        """Take the baseline now and poll every interval from then on."""
        self.poll()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    @property
    def polling(self) -> bool:
        """A poll was asked for and has not answered yet."""
        return self._polling

    @Slot()
    def poll(self) -> None:
        """Ask once, unless the previous poll is still waiting or running."""
        if not self._polling:
            self._polling = True
            self._calls.run(self, self._poll, self._changed, self._failed, Lane.BACKGROUND)

    def _changed(self, topics: frozenset[Topic]) -> None:
        self._polling = False
        if Topic.KEYS in topics:
            self.keys_changed.emit()
        if Topic.CONFIG in topics:
            self.config_changed.emit()
        if Topic.PMS in topics:
            self.pms_changed.emit()

    def _failed(self, error: Exception) -> None:
        self._polling = False
        log.debug("polling the change counters failed; trying again at the next tick: %s", error)
