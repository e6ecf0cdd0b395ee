"""The change feed: a commit at another desk reaches this desk's views as a signal, off the GUI thread."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from salto_desk.coordination import ChangeWatcher
from salto_desk.storage import Database, KeyRepository, SettingsRepository
from salto_desk.storage.change_feed import Topic
from salto_desk.storage.database import open_database
from tests.storage.helpers import NOW, add_administration, add_key_type, key_draft, migrated_database
from ui.workers.calls import CoreCalls
from ui.workers.change_feed import ChangeFeed

WAIT_MS = 10_000


@pytest.fixture
def desks(tmp_path: Path) -> Iterator[tuple[Database, Database]]:
    """Two desks' connections to one database file."""
    here = migrated_database(tmp_path)
    there = open_database(str(here.url))
    yield here, there
    here.dispose()
    there.dispose()


@pytest.fixture
def calls(qapp: QApplication) -> Iterator[CoreCalls]:
    running = CoreCalls()
    yield running
    running.shutdown()


class CountedWatcher:
    """``ChangeWatcher.poll`` that counts its answers and failures (from the worker thread)."""

    def __init__(self, database: Database) -> None:
        self._watcher = ChangeWatcher(database)
        self.polls = 0
        self.failures = 0

    def poll(self) -> frozenset[Topic]:
        try:
            topics = self._watcher.poll()
        except Exception:
            self.failures += 1
            raise
        self.polls += 1
        return topics


def test_changes_at_another_desk_are_signalled_by_topic(
    qtbot: QtBot, desks: tuple[Database, Database], calls: CoreCalls
) -> None:
    here, there = desks
    watcher = CountedWatcher(here)
    feed = ChangeFeed(watcher.poll, calls, interval_ms=20)
    seen: list[str] = []
    feed.keys_changed.connect(lambda: seen.append("keys"))
    feed.config_changed.connect(lambda: seen.append("config"))
    feed.pms_changed.connect(lambda: seen.append("pms"))
    feed.start()
    qtbot.waitUntil(lambda: watcher.polls >= 1, timeout=WAIT_MS)  # the baseline is taken
    administration = add_administration(there)
    qtbot.waitUntil(lambda: seen == ["config"], timeout=WAIT_MS)
    key_type = add_key_type(there, administration)
    with there.unit_of_work() as session:
        KeyRepository(session).add(key_draft(administration, key_type), NOW)
    qtbot.waitUntil(lambda: "keys" in seen, timeout=WAIT_MS)
    feed.stop()
    assert seen.count("config") >= 2 and "pms" not in seen


def test_a_failing_poll_is_retried_at_the_next_tick(
    qtbot: QtBot, desks: tuple[Database, Database], calls: CoreCalls
) -> None:
    here, there = desks
    watcher = CountedWatcher(here)
    feed = ChangeFeed(watcher.poll, calls, interval_ms=20)
    seen: list[str] = []
    feed.config_changed.connect(lambda: seen.append("config"))
    feed.start()
    qtbot.waitUntil(lambda: watcher.polls >= 1, timeout=WAIT_MS)  # the baseline is taken
    with here.engine.begin() as connection:  # the counters are away for a moment (as if the server restarted)
        connection.exec_driver_sql("ALTER TABLE change_counters RENAME TO counters_away")
    qtbot.waitUntil(lambda: watcher.failures >= 2, timeout=WAIT_MS)
    with here.engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE counters_away RENAME TO change_counters")
    with there.unit_of_work() as session:
        SettingsRepository(session).set("pms.base_url", "http://127.0.0.1:1")
    qtbot.waitUntil(lambda: seen == ["config"], timeout=WAIT_MS)
    feed.stop()
