"""The desk status view: the sync leader, encoders and links in use, and the desks waiting in line."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from salto_desk.coordination import Coordinator, DeskStatus, LeaseTimes, SyncLeadership
from salto_desk.keys.model import Encoder
from salto_desk.storage import Database
from salto_desk.storage.leases import DeskProcess, LeaseHolder, QueueEntry
from tests.storage.helpers import add_administration, add_encoder
from ui.widgets.desk_status import DeskStatusView, status_lines
from ui.workers.calls import CoreCalls

WAIT_MS = 10_000
ME = DeskProcess("DESK-1", 11)
OTHER = DeskProcess("DESK-2", 22)
AT = datetime(2030, 7, 1, 8, 41, tzinfo=UTC)


AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def test_lines_name_the_other_desks_and_mark_this_one() -> None:
    status = DeskStatus(
        ME,
        LeaseHolder("sync", "PMS sync", OTHER, AT, AT + timedelta(minutes=3)),
        (
            LeaseHolder("encoder:1:1", "Reception 1", OTHER, AT, AT),
            LeaseHolder("encoder:1:2", "Reception 2", ME, AT, AT),
        ),
        (LeaseHolder("salto:127.0.0.1:8090", "127.0.0.1:8090", OTHER, AT, AT),),
        (
            QueueEntry("127.0.0.1:8090", 1, ME, "t1", AT),
            QueueEntry("127.0.0.1:8090", 2, DeskProcess("DESK-3", 3), "t2", AT),
        ),
    )
    sync, lines = status_lines(status, "en", AMSTERDAM, AT + timedelta(hours=1))
    assert sync == "Automatic sync: runs at DESK-2 (since 10:41)."  # today in the sites' zone: the time only
    assert lines == [
        "Encoder Reception 1 is in use by DESK-2 since 10:41.",
        "Encoder Reception 2 is in use at this desk since 10:41.",
        "SALTO link 127.0.0.1:8090 is in use by DESK-2 since 10:41.",
        "This desk waits for SALTO link 127.0.0.1:8090: place 1.",
        "DESK-3 waits for SALTO link 127.0.0.1:8090: place 2.",
    ]
    yesterday, _ = status_lines(status, "en", AMSTERDAM, AT + timedelta(days=1))
    assert yesterday == "Automatic sync: runs at DESK-2 (since 01-07 10:41)."  # another day: with its date
    sync_nl, lines_nl = status_lines(DeskStatus(ME, None, (), (), ()), "nl")
    assert sync_nl == "Automatische synchronisatie: op dit moment bij geen enkele balie."
    assert lines_nl == ["Alle encoders en SALTO-verbindingen zijn vrij."]


@pytest.fixture
def calls(qapp: QApplication) -> Iterator[CoreCalls]:
    running = CoreCalls()
    yield running
    running.shutdown()


def test_the_view_follows_the_database(qtbot: QtBot, database: Database, calls: CoreCalls) -> None:
    administration = add_administration(database)
    encoder: Encoder = add_encoder(database, administration, "Reception 1", "1")
    here = Coordinator(database, ME, LeaseTimes(poll_seconds=0.02))
    there = Coordinator(database, OTHER, LeaseTimes(poll_seconds=0.02))
    view = DeskStatusView(here.status, calls, "en", interval_ms=20)
    qtbot.addWidget(view)
    view.start()
    qtbot.waitUntil(lambda: view.lines() == ["All encoders and SALTO links are free."], timeout=WAIT_MS)
    assert view.sync_label.text() == "Automatic sync: no desk runs it right now."
    leadership = SyncLeadership(here)
    leadership.claim()
    with there.encoder(administration, encoder, threading.Event()):
        qtbot.waitUntil(lambda: bool(view.lines()) and "DESK-2" in view.lines()[0], timeout=WAIT_MS)
        assert view.lines()[0].startswith("Encoder Reception 1 is in use by DESK-2 since ")
        assert view.sync_label.text() == "Automatic sync: runs at this desk."
    qtbot.waitUntil(lambda: view.lines() == ["All encoders and SALTO links are free."], timeout=WAIT_MS)
    leadership.resign()
    qtbot.waitUntil(lambda: view.sync_label.text().endswith("no desk runs it right now."), timeout=WAIT_MS)
    view.stop()
