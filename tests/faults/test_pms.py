"""PMS faults during the sync: 429 bursts, 5xx, timeouts, malformed records, BEX gone mid-sync.

After each, the key data is what the last good pull implies (never half a reservation's key), no
phone key goes out twice, and no key of a cancelled stay is left looking active.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest

from salto_desk.coordination import Coordinator, SyncLeadership
from salto_desk.demo.records import DemoRecord
from salto_desk.demo.server import DEMO_API_KEY, DemoPmsServer
from salto_desk.keys.model import (
    Administration,
    AuditAction,
    AuditState,
    AuthorizationName,
    HolderKind,
    KeyData,
    KeyState,
    KeyTypeSettings,
    ProductSettings,
)
from salto_desk.keys.rules import EncodeMode
from salto_desk.pms.client import BexClient
from salto_desk.pms.settings import PmsSettings, PmsTimeouts, RetryPolicy
from salto_desk.simulator import Simulator, SimulatorConfig
from salto_desk.storage import (
    AuditRepository,
    ConfigRepository,
    Database,
    KeyRepository,
    OutboxAction,
    OutboxRepository,
    PmsReader,
    ReservationQuery,
)
from salto_desk.storage.leases import DeskProcess
from salto_desk.sync import OutboxRetry, SyncEngine, SyncSummary, run_as_leader
from tests.faults.conftest import TIMES, assert_settled
from tests.operations.helpers import salto_operations
from tests.storage.helpers import add_administration, add_encoder

TODAY = date(2030, 7, 1)
HOTEL = "2"
RESERVATIONS = 120
"""Enough for the hotel to have a few current stays in the first pull's window."""


class Clock:
    def __init__(self) -> None:
        self.now = datetime.combine(TODAY, time(9, 0), UTC)

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Park:
    database: Database
    pms: DemoPmsServer
    simulator: Simulator
    clock: Clock
    hotel: Administration
    engine: SyncEngine
    leadership: SyncLeadership

    def sync(self) -> SyncSummary:
        self.clock.now += timedelta(minutes=5)  # BEX's updated_at moves on between syncs
        summary = run_as_leader(self.engine, self.leadership)
        assert isinstance(summary, SyncSummary)
        return summary

    def key_data(self) -> list[KeyData]:
        with self.database.unit_of_work() as session:
            return KeyRepository(session).keys(self.hotel.id)

    def key(self, reservation_id: str) -> KeyData:
        with self.database.unit_of_work() as session:
            (key,) = KeyRepository(session).for_holder(self.hotel.id, HolderKind.RESERVATION, reservation_id)
        return key

    def upcoming(self, count: int, *, days: int = 0) -> list[DemoRecord]:
        found = [
            record
            for record in self.pms.store.all("reservation", HOTEL)
            if record.attributes["state"] == "confirmed"
            and date.fromisoformat(str(record.attributes["start_date"])) >= TODAY + timedelta(days=days)
            and record.refs("inventory_object")
        ]
        assert len(found) >= count
        return found[:count]

    def snapshot(self) -> list[tuple[str, tuple[str, ...], datetime, datetime, str]]:
        return sorted(
            (key.holder.pms_id, key.rooms, key.validity.start, key.validity.end, key.state.value)
            for key in self.key_data()
        )

    def assert_consistent(self) -> None:
        """Whole key data, one delivery per phone key SALTO made, cancelled stays revoking or gone."""
        assert_settled(self.database)
        with self.database.unit_of_work() as session:
            cached = {
                each.pms_id: each for each in PmsReader(session).search_reservations(ReservationQuery(limit=10_000))
            }
            audit = AuditRepository(session).entries()
            revoking = {
                entry.key_id for entry in OutboxRepository(session).entries() if entry.action is OutboxAction.REVOKE
            }
        keys = self.key_data()
        for key in keys:
            assert key.rooms and key.validity.start < key.validity.end
            if cached[key.holder.pms_id].state == "cancelled" and key.issued:
                assert key.state is KeyState.REVOKING and key.id in revoking
        sends = [entry for entry in audit if entry.action is AuditAction.SEND_TO_PHONE]
        made = [entry for entry in sends if entry.state in (AuditState.OK, AuditState.UNKNOWN)]
        assert len({entry.key_id for entry in made}) == len(made)  # never a second phone key for one key
        confirmed = sum(1 for entry in made if entry.state is AuditState.OK)
        assert confirmed <= len(self.simulator.state.mobile_keys) <= len(made)
        assert all(len(key.deliveries) <= 1 for key in keys)


@pytest.fixture
def park(database: Database) -> Iterator[Park]:
    clock = Clock()
    with DemoPmsServer(today=TODAY, reservations=RESERVATIONS, now=clock) as pms:
        rooms = tuple(str(unit.attributes["name"]) for unit in pms.store.all("inventory_object", HOTEL))
        with Simulator(SimulatorConfig(card_delay=0.0, rooms=rooms)) as simulator:
            hotel = add_administration(database, pms_id=HOTEL, name="Hotel", salto_endpoint=simulator.endpoint)
            add_encoder(database, hotel, "Front desk", "1")
            with database.unit_of_work() as session:
                config = ConfigRepository(session)
                config.replace_authorization_names(hotel.id, [AuthorizationName(1, "Main door")])
                key_type = config.add_key_type(KeyTypeSettings(administration_id=hotel.id, name="Guest", granted=(1,)))
                config.add_product(
                    ProductSettings(
                        key_type_id=key_type.id, name="Every stay", deliver_to_guest=True, delivery_days_before=60
                    )
                )
            coordinator = Coordinator(database, DeskProcess("DESK-1", 1), TIMES)
            service = salto_operations(database, coordinator=coordinator, clock=clock)
            settings = PmsSettings(
                base_url=pms.base_url,
                retry=RetryPolicy(attempts=4, first_delay=0.0),
                timeouts=PmsTimeouts(connect=2.0, read=0.5),
            )

            def bex() -> BexClient:
                return BexClient(DEMO_API_KEY, settings, now=clock, sleep=lambda _seconds: None)

            engine = SyncEngine(database, bex, lambda _administration: service, clock=clock)
            yield Park(database, pms, simulator, clock, hotel, engine, SyncLeadership(coordinator))


def test_a_429_burst_within_the_retries_still_syncs_everything(park: Park) -> None:
    park.pms.faults.fail_next(429, times=3, retry_after="0")
    summary = park.sync()
    assert summary.created > 0 and not [error for error in summary.errors if "BEX" in error]
    assert park.sync().created == 0  # the first run was complete
    park.assert_consistent()


@pytest.mark.parametrize(("status", "words"), [(429, "BEX"), (503, "BEX"), (500, "BEX")])
def test_a_lasting_429_or_5xx_changes_nothing_and_the_next_sync_catches_up(park: Park, status: int, words: str) -> None:
    park.sync()
    before = park.snapshot()
    record = park.upcoming(1, days=1)[0]
    park.pms.store.cancel(record.id)
    park.pms.faults.fail_next(status, times=100, retry_after="0")
    summary = park.sync()
    assert summary.errors and words in summary.errors[0]
    assert park.snapshot() == before  # nothing half applied
    park.assert_consistent()
    park.pms.faults.clear()
    assert park.sync().revoked == 1
    assert all(key.holder.pms_id != record.id for key in park.key_data())
    park.assert_consistent()


def test_timeouts_are_reported_and_change_nothing(park: Park) -> None:
    park.sync()
    before = park.snapshot()
    park.pms.faults.delay_next(2.0, times=100)
    summary = park.sync()
    assert summary.errors and "BEX" in summary.errors[0]
    assert park.snapshot() == before
    park.pms.faults.clear()
    assert not [error for error in park.sync().errors if "BEX" in error]
    park.assert_consistent()


def test_malformed_records_and_garbled_pages_are_skipped_or_refused_whole(park: Park) -> None:
    bad, good = park.upcoming(2)
    park.pms.store.corrupt("reservation", bad.id, "start_date", "next tuesday")
    summary = park.sync()
    assert any(bad.id in error for error in summary.errors)
    assert all(key.holder.pms_id != bad.id for key in park.key_data()) and park.key(good.id)
    before = park.snapshot()
    park.pms.faults.garble_next(times=100)
    assert park.sync().errors
    assert park.snapshot() == before
    park.assert_consistent()


def test_bex_disappearing_during_a_sync_leaves_whole_key_data(park: Park) -> None:
    park.pms.faults.delay_next(0.2, times=3)
    outcome: list[SyncSummary] = []
    runner = threading.Thread(target=lambda: outcome.append(park.sync()))
    runner.start()
    seen = threading.Event()
    while runner.is_alive() and not seen.wait(0.01):
        if len(park.pms.api.seen) >= 2:
            seen.set()
    park.pms.close()  # BEX goes away in the middle of the pull
    runner.join(30)
    assert outcome and outcome[0].errors
    park.assert_consistent()
    with park.database.unit_of_work() as session:
        status = PmsReader(session).sync_status(park.hotel.id)
    assert status.last_error


def test_no_phone_key_goes_out_twice_across_faults(park: Park) -> None:
    park.sync()
    delivered = [key for key in park.key_data() if key.deliveries]
    assert delivered
    park.pms.faults.fail_next(503, times=100)
    park.sync()
    park.pms.faults.clear()
    park.sync()
    park.clock.now += OutboxRetry().max_delay
    park.sync()
    assert all(len(key.deliveries) == 1 for key in delivered)
    park.assert_consistent()


def test_a_cancelled_issued_key_is_never_left_active(park: Park) -> None:
    park.sync()
    record = park.upcoming(1)[0]
    key = park.key(record.id)
    with park.database.unit_of_work() as session:
        encoder = ConfigRepository(session).encoders(park.hotel.id)[0]
    park.engine.operations_for(park.hotel).encode_cards(key, encoder, 1, EncodeMode.NEW)
    park.pms.store.cancel(record.id)
    park.simulator.faults.drop_mid_reply_next()  # the CO's answer is lost: the key stays revoking
    park.sync()
    assert park.key(record.id).state is KeyState.REVOKING
    park.assert_consistent()
    park.clock.now += OutboxRetry().max_delay
    assert park.sync().revoked == 1
    assert all(each.holder.pms_id != record.id for each in park.key_data())
    park.assert_consistent()


def test_a_phone_key_whose_answer_was_lost_is_not_sent_again_by_the_sync(park: Park) -> None:
    park.simulator.faults.drop_mid_reply_next()  # the first delivery's answer is lost after SALTO accepted it
    park.sync()
    with park.database.unit_of_work() as session:
        [lost] = [
            entry
            for entry in AuditRepository(session).entries()
            if entry.action is AuditAction.SEND_TO_PHONE and entry.state is AuditState.UNKNOWN
        ]
    park.clock.now += OutboxRetry().max_delay
    summary = park.sync()
    park.assert_consistent()
    with park.database.unit_of_work() as session:
        [entry] = [each for each in OutboxRepository(session).entries() if each.key_id == lost.key_id]
        sends = [
            each
            for each in AuditRepository(session).entries(key_id=lost.key_id)
            if each.action is AuditAction.SEND_TO_PHONE
        ]
    assert [each.id for each in sends] == [lost.id]  # no second CNM
    assert entry.stopped and entry.last_error is not None and "cut off after SALTO accepted it" in entry.last_error
    assert any(f"{lost.holder}: delivering the mobile key: An earlier send" in error for error in summary.errors)
    park.clock.now += OutboxRetry().max_delay
    assert not [error for error in park.sync().errors if lost.holder in error]  # reported once, then it waits
