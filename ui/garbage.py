"""Cyclic garbage is collected on the GUI thread only, on a timer.

Python runs its cyclic collector in whichever thread happens to allocate when a threshold is crossed.
On a worker thread (a search, an encode) that destroys Qt objects and their PySide wrappers away from
the GUI thread, and it deadlocked the window now and then: the worker held the interpreter lock and
waited for the binding's own lock while the GUI thread held that lock and waited for the interpreter's.
So automatic collection is off while the window runs, and the GUI thread collects on a timer with the
same generations logic; reference counting still frees everything that is not in a cycle at once.
(pyqtgraph's GarbageCollector does the same, for the same reason.)
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

THRESHOLDS = (20_000, 50, 1000)
"""Young objects before a young pass, young passes before a middle one, middle before a full one: fewer,
smaller passes than Python's defaults, since a pass holds the interpreter lock (bench/gui.py)."""
INTERVAL_MS = 500


class GarbageCollector(QObject):
    """Collects on the GUI thread every ``interval_ms`` while started; automatic collection is off meanwhile."""

    def __init__(
        self,
        parent: QObject | None = None,
        interval_ms: int = INTERVAL_MS,
        thresholds: tuple[int, int, int] = THRESHOLDS,
    ) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect)
        self._young, self._passes, self._full = thresholds
        self._young_passes = 0
        self._middle_passes = 0
        self._was_automatic = True

    def start(self) -> None:
        self._was_automatic = gc.isenabled()
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        """Stop collecting; automatic collection is back on if it was on at ``start``."""
        self._timer.stop()
        if self._was_automatic:
            gc.enable()

    def collect(self) -> int:
        """One pass of the generation that is due, if any; returns the number of objects collected."""
        if gc.get_count()[0] < self._young:
            return 0
        if self._middle_passes >= self._full:
            self._young_passes = self._middle_passes = 0
            return gc.collect(2)
        if self._young_passes >= self._passes:
            self._young_passes = 0
            self._middle_passes += 1
            return gc.collect(1)
        self._young_passes += 1
        return gc.collect(0)
