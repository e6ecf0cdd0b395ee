"""Stage 1, the pull: what BEX sends reaches the cache, whatever BEX does meanwhile."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from salto_desk.demo.faults import RateLimit
from salto_desk.demo.server import DEMO_API_KEY
from salto_desk.errors import SaltoDeskError, Text
from salto_desk.keys.flags import flag_text
from salto_desk.keys.model import (
    Administration,
    FlagCode,
    KeyTypeSettings,
    ProductSettings,
)
from salto_desk.pms.client import BexClient, ReservationPage
from salto_desk.pms.errors import PmsUnreachable
from salto_desk.pms.selection import ReservationSelection
from salto_desk.pms.settings import PmsSettings, RetryPolicy
from salto_desk.storage import (
    ConfigRepository,
    PmsReader,
    ReservationQuery,
)
from salto_desk.storage.orm import PmsReservationRow
from salto_desk.storage.sync_bookkeeping import SyncBookkeeping
from salto_desk.storage.sync_key_repository import SyncKeyRepository
from salto_desk.sync import PullOptions, SyncProgress
from salto_desk.sync.progress import Counts
from salto_desk.sync.pull import Puller
from tests.sync.conftest import (
    FIRST_PULL_FROM,
    HOTEL,
    PARK,
    RESERVATIONS,
    TODAY,
    World,
    engine_with,
    hotel_keys_expected,
    in_window,
    later,
)


def test_a_full_sync_caches_everything_and_makes_key_data_for_confirmed_stays_only(world: World) -> None:
    progress: list[SyncProgress] = []
    summary = world.engine.run_once(progress.append)
    assert summary.errors == ()
    in_window = [
        record
        for record in world.pms.store.all("reservation")
        if date.fromisoformat(str(record.attributes["end_date"])) >= FIRST_PULL_FROM
    ]
    assert summary.fetched == len(in_window) < RESERVATIONS  # the first pull reads only stays that can need a key
    keys = world.key_data()
    assert summary.created == len(keys) > 0
    with world.database.unit_of_work() as session:
        cached = PmsReader(session).search_reservations(ReservationQuery(limit=5000))
        park_cached = SyncBookkeeping(session).sync_cursor(PARK)
    by_id = {reservation.pms_id: reservation for reservation in cached}
    assert {key.holder.pms_id for key in keys} == {
        reservation.pms_id
        for reservation in cached
        if reservation.state == "confirmed"
        and reservation.object_pms_id
        and reservation.checked_out_at is None
        and reservation.end_date >= TODAY
    }
    one = keys[0]
    reservation = by_id[one.holder.pms_id]
    assert one.rooms == (reservation.door_name,)
    assert one.validity.start == datetime.combine(reservation.start_date, time(13, 0), UTC)  # 15:00 in Amsterdam
    assert one.granted == (1,) and one.print_info == ("Welcome",)
    assert one.holder.label == f"{reservation.booking_nr} {reservation.guest_name}"
    # the park is in BEX but not set up at the desk: cached, no key data
    assert park_cached.reservations_until is not None
    assert {stage.stage for stage in progress} == {"objects", "reservations", "keys"}
    assert progress[0].text("nl") == "Vakantiepark De Wielewaal: objecten, typen en eigenaren 0"
    assert SyncProgress("Hotel", "keys", 3, 10).text("en") == "Hotel: key data 3/10"


def test_running_again_changes_nothing_and_pulls_only_what_changed(world: World) -> None:
    world.sync()
    before = world.key_data()
    later(world)
    again = world.sync()
    assert (again.fetched, again.created, again.updated, again.revoked, again.errors) == (0, 0, 0, 0, ())
    assert world.key_data() == before
    assert world.pms.api.seen[-1].param("filter[updated_at]") is not None


def test_one_bad_record_is_reported_and_the_rest_synced(world: World) -> None:
    bad, good = world.upcoming(2)
    world.pms.store.corrupt("reservation", bad.id, "start_date", "next tuesday")
    summary = world.sync()
    assert any(bad.id in error for error in summary.errors)
    assert world.key_data(bad.id) == [] and world.key_data(good.id)


def test_bex_unreachable_keeps_the_cache_and_says_since_when(world: World) -> None:
    world.sync()
    before = world.key_data()
    later(world)
    failed_at = world.clock()
    world.pms.faults.fail_next(503, times=50)
    summary = world.sync()
    assert summary.errors and "BEX" in summary.errors[0]
    later(world)
    world.sync()
    with world.database.unit_of_work() as session:
        status = PmsReader(session).sync_status(world.hotel.id)
        cached = PmsReader(session).search_reservations(ReservationQuery(limit=5000))
    assert status.offline_since == failed_at and status.last_error
    assert len(cached) > 0 and world.key_data() == before
    world.pms.faults.clear()
    later(world)
    assert world.sync().errors == ()
    with world.database.unit_of_work() as session:
        assert PmsReader(session).sync_status(world.hotel.id).offline_since is None


class _DroppedAfterPages(BexClient):
    """BEX goes away after three pages of the park's reservations (or the desk's sync process is stopped there)."""

    def reservation_pages(
        self, administration_id: str, selection: ReservationSelection, zone: tzinfo, *, first_page: int = 1
    ) -> Iterator[ReservationPage]:
        pages = super().reservation_pages(administration_id, selection, zone, first_page=first_page)
        if administration_id != PARK:
            yield from pages
            return
        yield from itertools.islice(pages, 3)
        raise PmsUnreachable(Text("BEX went away.", "BEX ging weg."))


def test_an_interrupted_pull_goes_on_from_the_page_it_stopped_at(world: World) -> None:
    def dropping() -> BexClient:
        settings = PmsSettings(base_url=world.pms.base_url, retry=RetryPolicy(attempts=1), page_size=20)
        return _DroppedAfterPages(DEMO_API_KEY, settings, now=world.clock, sleep=lambda _seconds: None)

    interrupted = engine_with(world, dropping).run_once()
    assert any("BEX went away." in error for error in interrupted.errors)
    hotel_window = [
        record
        for record in world.pms.store.all("reservation", HOTEL)
        if date.fromisoformat(str(record.attributes["end_date"])) >= FIRST_PULL_FROM
    ]
    assert interrupted.fetched == 60 + len(hotel_window)  # the park's three pages count, though its pull stopped
    with world.database.unit_of_work() as session:
        bookkeeping = SyncBookkeeping(session)
        unfinished = bookkeeping.unfinished_pull(PARK)
        cursor = bookkeeping.sync_cursor(PARK)
    assert unfinished is not None and unfinished.offset == 60 and cursor.reservations_until is None
    seen = len(world.pms.api.seen)
    later(world)

    def small_pages() -> BexClient:
        settings = PmsSettings(base_url=world.pms.base_url, retry=RetryPolicy(attempts=1), page_size=20)
        return BexClient(DEMO_API_KEY, settings, now=world.clock, sleep=lambda _seconds: None)

    again = engine_with(world, small_pages).run_once()
    park_requests = [
        request for request in world.pms.api.seen[seen:] if request.path.endswith("/administrations/1/reservations")
    ]
    assert park_requests[0].param("page[number]") == "3"  # the last stored page again, then on
    park_window = [
        record
        for record in world.pms.store.all("reservation", PARK)
        if date.fromisoformat(str(record.attributes["end_date"])) >= FIRST_PULL_FROM
    ]
    assert again.errors == () and again.fetched == len(park_window) - 40  # the hotel's pull is incremental
    with world.database.unit_of_work() as session:
        bookkeeping = SyncBookkeeping(session)
        assert bookkeeping.unfinished_pull(PARK) is None
        assert bookkeeping.sync_cursor(PARK).reservations_until is not None
    assert {key.holder.pms_id for key in world.key_data()} == hotel_keys_expected(world)


def test_a_first_pull_larger_than_the_rate_limit_completes_across_windows(world: World) -> None:
    """BEX allows so many calls per moving window (500 per 15 minutes; here 25): the pull pauses and goes on."""
    window = timedelta(minutes=15)
    world.pms.api.rate_limit = RateLimit(calls=25, window=window)

    def limited() -> BexClient:
        retry = RetryPolicy(attempts=4, first_delay=0.0, max_retry_after=120.0)
        settings = PmsSettings(base_url=world.pms.base_url, retry=retry, page_size=20)
        return BexClient(DEMO_API_KEY, settings, now=world.clock, sleep=lambda _seconds: None)

    engine = engine_with(world, limited)
    summaries = [engine.run_once()]
    while summaries[-1].errors and len(summaries) < 10:
        assert any("goes on where it stopped" in error for error in summaries[-1].errors), summaries[-1].errors
        world.clock.advance(timedelta(minutes=5))  # too early: the sync asks BEX nothing and says when it goes on
        seen = len(world.pms.api.seen)
        early = engine.run_once()
        assert len(world.pms.api.seen) == seen and any("BEX limits the number of requests" in e for e in early.errors)
        world.clock.advance(window)
        summaries.append(engine.run_once())
    assert len(summaries) >= 3 and summaries[-1].errors == ()
    assert sum(summary.fetched for summary in summaries) >= len(in_window(world))
    assert all(summary.fetched > 0 for summary in summaries[:2])  # also the runs that stopped count what they read
    with world.database.unit_of_work() as session:
        cached = PmsReader(session).search_reservations(ReservationQuery(world.hotel.id, limit=5000))
        assert SyncBookkeeping(session).unfinished_pull(PARK) is None
    assert {each.pms_id for each in cached} == in_window(world, HOTEL)
    assert {key.holder.pms_id for key in world.key_data()} == hotel_keys_expected(world)
    calls = len([request for request in world.pms.api.seen if request.key_accepted])
    assert calls <= 25 * len(summaries) + 4 * len(summaries)  # within the limit, plus one refused call per run


def test_a_cut_page_is_read_again_and_the_sync_goes_through(world: World) -> None:
    def patient() -> BexClient:
        settings = PmsSettings(base_url=world.pms.base_url, retry=RetryPolicy(attempts=3, first_delay=0.0))
        return BexClient(DEMO_API_KEY, settings, now=world.clock, sleep=lambda _seconds: None)

    world.pms.faults.cut_next()
    world.pms.faults.garble_next()
    summary = engine_with(world, patient).run_once()
    assert summary.errors == () and summary.fetched == len(in_window(world))


def test_without_order_data_the_pull_goes_on_and_extra_products_are_reported(world: World) -> None:
    world.pms.api.forbidden_includes.update({"order", "extra_order_items"})  # the app lacks order|read
    with world.database.unit_of_work() as session:
        config = ConfigRepository(session)
        key_type = config.add_key_type(KeyTypeSettings(administration_id=world.hotel.id, name="Parking"))
        config.add_product(ProductSettings(key_type_id=key_type.id, name="Parking pass", extras=("Parking",)))
    summary = world.sync()
    assert summary.fetched == len(in_window(world))
    [problem] = [error for error in summary.errors if "Parking pass" in error]
    assert problem.startswith("Hotel: BEX refused the order data") and "grant the app 'order|read'" in problem
    assert {key.holder.pms_id for key in world.key_data() if key.key_type_id == world.key_type_id} == (
        hotel_keys_expected(world)
    )  # the product without extras still matches every stay
    assert not [key for key in world.key_data() if key.key_type_id == key_type.id]


def test_a_refused_updated_at_filter_on_objects_reads_them_all(world: World) -> None:
    world.sync()
    world.pms.api.refused_filters.add(("inventory_objects", "updated_at"))
    later(world)
    summary = world.sync()
    assert summary.errors == ()
    objects = [request for request in world.pms.api.seen if request.path.endswith("/inventory_objects")]
    assert objects[-2].param("filter[updated_at]") is not None and objects[-1].param("filter[updated_at]") is None


def test_an_object_deleted_in_bex_leaves_the_cache_and_its_keys_are_flagged(world: World) -> None:
    world.sync()
    record = world.upcoming()[0]
    unit = record.refs("inventory_object")[0][1]
    world.pms.store.delete_object(unit)
    later(world)
    world.sync()  # an incremental read of the objects cannot see a deletion
    with world.database.unit_of_work() as session:
        assert unit in {each.pms_id for each in PmsReader(session).objects(world.hotel.id)}
    world.clock.advance(PullOptions().objects_read_in_full_every)
    world.sync()
    key = world.key(record.id)
    with world.database.unit_of_work() as session:
        assert unit not in {each.pms_id for each in PmsReader(session).objects(world.hotel.id)}
        flags = SyncKeyRepository(session).flags([key.id])[key.id]
    assert [flag.code for flag in flags] == [FlagCode.OBJECT_MISSING]
    assert f"(object {unit})" in flag_text(flags[0]).en
    assert key.rooms  # the key keeps its rooms until the desk or BEX says otherwise


def test_dates_sent_as_timestamps_are_days_of_the_administration(world: World) -> None:
    stamped = [
        record
        for record in world.pms.store.all("reservation", HOTEL)
        if "T" in str(record.attributes["checked_in_on"]) and record.id in in_window(world, HOTEL)
    ]
    assert stamped  # the demo sends some check-ins as the UTC timestamp of 00:30 in Amsterdam
    world.sync()
    with world.database.unit_of_work() as session:
        cache = PmsReader(session)
        for record in stamped:
            cached = cache.reservation(world.hotel.id, record.id)
            assert cached is not None and cached.checked_in_at is not None
            assert cached.checked_in_at.astimezone(ZoneInfo("Europe/Amsterdam")).date() == cached.start_date


def test_names_with_control_characters_are_kept_but_shown_without_them(world: World) -> None:
    world.sync()
    with world.database.unit_of_work() as session:
        raw = session.scalars(select(PmsReservationRow).where(PmsReservationRow.administration_pms_id == HOTEL)).all()
        hostile = [row for row in raw if not row.guest_name.isprintable()]
        assert hostile  # the demo sends a few names with escape sequences, tabs, line breaks and direction marks
        cache = PmsReader(session)
        shown = [cache.reservation(world.hotel.id, row.pms_id) for row in hostile]
    for row, reservation in zip(hostile, shown, strict=True):
        assert reservation is not None and reservation.guest_name.isprintable()
        assert row.guest_name != reservation.guest_name  # the cache keeps what BEX sent
    labels = [key.holder.label for key in world.key_data()]
    assert labels and all(label.isprintable() for label in labels)


def test_an_administration_id_bex_does_not_list_is_recorded_as_unknown_not_as_bex_offline(world: World) -> None:
    with world.database.unit_of_work() as session:
        config = ConfigRepository(session)
        config.update_administration(world.hotel.id, replace(config.administration(world.hotel.id), pms_id="abc"))
    summary = world.sync()
    assert any("does not know the administration id 'abc'" in error for error in summary.errors)
    with world.database.unit_of_work() as session:
        status = PmsReader(session).sync_status(world.hotel.id)
    assert status.offline_since is None  # BEX answered: nothing may say it cannot be reached
    assert status.last_error is not None and "Settings > Administration" in status.last_error


def test_a_page_whose_key_data_fails_is_still_stored_and_waits_for_the_key_stage(world: World) -> None:
    """The per-page key data runs under a savepoint: its failure never costs the page itself."""

    def failing(_session: Session, _administration: Administration, _pms_ids: Sequence[str]) -> Counts:
        raise SaltoDeskError(Text("No key data now.", "Nu geen sleutelgegevens."))

    @contextlib.contextmanager
    def client() -> Iterator[BexClient]:
        yield BexClient(DEMO_API_KEY, PmsSettings(base_url=world.pms.base_url), now=world.clock)

    puller = Puller(world.database, world.clock, PullOptions(), "en", failing)
    pulled = puller.pull_all(client, [world.hotel], lambda _progress: None)
    assert pulled.counts.errors == () and pulled.counts.fetched > 0
    with world.database.unit_of_work() as session:
        waiting = PmsReader(session).pending_reservations(world.hotel.id)
    assert len(waiting) > 0  # stored, and still waiting: the run's key-data stage derives them and reports
