"""Every GUI test runs with cyclic garbage collected on the GUI thread only, as the desk does (ui/garbage.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from ui.garbage import GarbageCollector


@pytest.fixture(scope="session", autouse=True)
def gui_thread_garbage_collection(qapp: QApplication) -> Iterator[GarbageCollector]:
    collector = GarbageCollector(qapp)
    collector.start()
    yield collector
    collector.stop()
