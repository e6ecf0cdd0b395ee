"""Every GUI test runs with cyclic garbage collected on the GUI thread only, as the desk does (ui/garbage.py),
and on SQLite only: these tests test widgets, not SQL (storage, domain, sync and fault tests cover PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from salto_desk.storage import Database
from tests.storage.helpers import migrated_database
from ui.garbage import GarbageCollector
from ui.style import apply_style


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty SQLite database in the test's folder."""
    migrated = migrated_database(tmp_path)
    yield migrated
    migrated.dispose()


@pytest.fixture(scope="session", autouse=True)
def desk_style(qapp: QApplication) -> None:
    """The desk's stylesheet on every GUI test, as ``run_gui`` gives it: a rule Qt cannot use fails the test."""
    apply_style(qapp)


@pytest.fixture(scope="session", autouse=True)
def gui_thread_garbage_collection(qapp: QApplication) -> Iterator[GarbageCollector]:
    collector = GarbageCollector(qapp)
    collector.start()
    yield collector
    collector.stop()
