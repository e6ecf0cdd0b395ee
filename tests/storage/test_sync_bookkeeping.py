"""The sync's bookkeeping per BEX administration: cursors, unfinished pulls, pauses, failures, configuration."""

from __future__ import annotations

from datetime import timedelta

import pytest

from salto_desk.keys.model import Administration
from salto_desk.pms.selection import ReservationSelection
from salto_desk.storage import Database
from salto_desk.storage.pms_reader import PmsReader
from salto_desk.storage.pms_values import SyncCursor, UnfinishedPull
from salto_desk.storage.sync_bookkeeping import SyncBookkeeping
from tests.storage.bex_cache import BEX_ID, NOW, TODAY
from tests.storage.helpers import add_administration


@pytest.fixture
def park(database: Database) -> Administration:
    return add_administration(database, pms_id=BEX_ID, name="Park")


def test_sync_status_keeps_the_first_failure_until_a_success(database: Database, park: Administration) -> None:
    later = NOW + timedelta(minutes=5)
    with database.unit_of_work() as session:
        bookkeeping = SyncBookkeeping(session)
        assert PmsReader(session).sync_status(park.id).last_success_at is None
        assert bookkeeping.sync_cursor(BEX_ID) == SyncCursor(None, None)
        bookkeeping.record_sync_success(BEX_ID, name="Park", now=NOW, cursor=SyncCursor(NOW, NOW))
        bookkeeping.record_sync_failure(BEX_ID, now=later, error="BEX cannot be reached.")
        bookkeeping.record_sync_failure(BEX_ID, now=later + timedelta(minutes=5), error="BEX did not answer in time.")
    with database.unit_of_work() as session:
        status = PmsReader(session).sync_status(park.id)
        assert SyncBookkeeping(session).sync_cursor(BEX_ID) == SyncCursor(NOW, NOW)
    assert (status.last_success_at, status.offline_since) == (NOW, later)
    assert status.last_attempt_at == later + timedelta(minutes=5)
    assert status.last_error == "BEX did not answer in time."
    with database.unit_of_work() as session:
        SyncBookkeeping(session).record_sync_success(
            BEX_ID, name=None, now=later + timedelta(hours=1), cursor=SyncCursor(None, None)
        )
        status = PmsReader(session).sync_status(park.id)
    assert (status.offline_since, status.last_error) == (None, None)


def test_a_refusal_bex_answered_keeps_the_error_but_ends_the_outage(database: Database, park: Administration) -> None:
    with database.unit_of_work() as session:
        bookkeeping = SyncBookkeeping(session)
        bookkeeping.record_sync_failure(BEX_ID, now=NOW, error="BEX cannot be reached.")
        bookkeeping.record_sync_failure(BEX_ID, now=NOW + timedelta(minutes=5), error="Unknown id.", offline=False)
        status = PmsReader(session).sync_status(park.id)
    assert (status.offline_since, status.last_error) == (None, "Unknown id.")
    assert status.last_attempt_at == NOW + timedelta(minutes=5)


def test_an_unfinished_pull_is_kept_with_its_selection_until_it_finishes(database: Database) -> None:
    selection = ReservationSelection(NOW, updated_since=NOW - timedelta(hours=2), departing_from=TODAY)
    with database.unit_of_work() as session:
        bookkeeping = SyncBookkeeping(session)
        assert bookkeeping.unfinished_pull(BEX_ID) is None
        bookkeeping.record_pull_progress(BEX_ID, UnfinishedPull(selection, 300))
    with database.unit_of_work() as session:
        assert SyncBookkeeping(session).unfinished_pull(BEX_ID) == UnfinishedPull(selection, 300)
        SyncBookkeeping(session).record_pull_progress(BEX_ID, None)
    with database.unit_of_work() as session:
        assert SyncBookkeeping(session).unfinished_pull(BEX_ID) is None


def test_a_pause_is_not_an_outage_and_a_success_ends_it(database: Database, park: Administration) -> None:
    with database.unit_of_work() as session:
        bookkeeping = SyncBookkeeping(session)
        assert bookkeeping.paused_until() is None
        bookkeeping.record_pause(BEX_ID, now=NOW, until=NOW + timedelta(minutes=15), error="BEX limits ...")
        bookkeeping.record_pause("2", now=NOW, until=NOW + timedelta(minutes=5), error="BEX limits ...")
    with database.unit_of_work() as session:
        bookkeeping = SyncBookkeeping(session)
        assert bookkeeping.paused_until() == NOW + timedelta(minutes=15)
        status = PmsReader(session).sync_status(park.id)
        assert status.last_error == "BEX limits ..." and status.offline_since is None
        bookkeeping.record_sync_success(BEX_ID, name="Park", now=NOW, cursor=SyncCursor(NOW, NOW, NOW))
    with database.unit_of_work() as session:
        bookkeeping = SyncBookkeeping(session)
        assert bookkeeping.paused_until() == NOW + timedelta(minutes=5)
        assert bookkeeping.sync_cursor(BEX_ID) == SyncCursor(NOW, NOW, NOW)
        bookkeeping.record_sync_success(BEX_ID, name="Park", now=NOW, cursor=SyncCursor(NOW, NOW))
        assert bookkeeping.sync_cursor(BEX_ID).objects_complete_at == NOW  # an incremental read keeps the last full one


def test_the_configuration_the_key_data_follows_is_kept_per_administration(database: Database) -> None:
    with database.unit_of_work() as session:
        bookkeeping = SyncBookkeeping(session)
        assert bookkeeping.configuration_digest(BEX_ID) is None
        bookkeeping.record_configuration_digest(BEX_ID, "first")
        bookkeeping.record_configuration_digest(BEX_ID, "second")
    with database.unit_of_work() as session:
        assert SyncBookkeeping(session).configuration_digest(BEX_ID) == "second"
        assert SyncBookkeeping(session).configuration_digest("2") is None
