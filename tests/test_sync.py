"""The sync against the demo PMS and the SALTO simulator, one test per rule of the automation."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from salto_desk.demo.faults import RateLimit
from salto_desk.demo.records import DemoRecord
from salto_desk.demo.server import DEMO_API_KEY, DemoPmsServer
from salto_desk.errors import Text
from salto_desk.keys.model import (
    Administration,
    AuthorizationName,
    DoorNameSettings,
    HolderKind,
    KeyData,
    KeyState,
    KeyTypeSettings,
    ProductSettings,
)
from salto_desk.keys.rules import EncodeMode
from salto_desk.keys.services import KeyService, salto_client_for
from salto_desk.pms.client import BexClient, ReservationPage
from salto_desk.pms.connection import PmsNotConfigured, pms_client_from_settings
from salto_desk.pms.errors import PmsUnreachable
from salto_desk.pms.selection import ReservationSelection
from salto_desk.pms.settings import PmsSettings, RetryPolicy
from salto_desk.protocol.client import SaltoClient
from salto_desk.secrets import PMS_API_KEY, SecretStore
from salto_desk.simulator import Simulator, SimulatorConfig
from salto_desk.storage import (
    ConfigRepository,
    Database,
    KeyRepository,
    OutboxAction,
    OutboxEntry,
    OutboxRepository,
    PmsRepository,
    ReservationQuery,
    SettingsRepository,
)
from salto_desk.storage.orm import PmsReservationRow
from salto_desk.storage.settings_repository import PMS_BASE_URL
from salto_desk.storage.sync_key_repository import FlagCode, SyncKeyRepository
from salto_desk.sync import OutboxRetry, PullOptions, SyncEngine, SyncProgress, SyncSummary, flag_text
from tests.storage.helpers import add_administration, add_encoder
from tests.storage.helpers import database as database

TODAY = date(2030, 7, 1)
HOTEL, PARK = "2", "1"
RESERVATIONS = 600
FIRST_PULL_FROM = TODAY - timedelta(days=PullOptions().first_pull_days)


class Clock:
    """One time for the demo PMS, the BEX client, the key service and the sync; tests move it."""

    def __init__(self) -> None:
        self.now = datetime.combine(TODAY, time(9, 0), UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@dataclass
class World:
    database: Database
    pms: DemoPmsServer
    simulator: Simulator
    clock: Clock
    hotel: Administration
    key_type_id: int
    salto_down: list[bool]
    engine: SyncEngine

    def sync(self) -> SyncSummary:
        return self.engine.run_once()

    def product(self, **settings: object) -> None:
        with self.database.unit_of_work() as session:
            config = ConfigRepository(session)
            for product in config.products(self.key_type_id):
                config.delete_product(product.id)
            values: dict[str, object] = {"key_type_id": self.key_type_id, "name": "Every stay"}
            values.update(settings)
            config.add_product(ProductSettings(**values))  # type: ignore[arg-type]

    def key_data(self, reservation_id: str | None = None) -> list[KeyData]:
        with self.database.unit_of_work() as session:
            keys = KeyRepository(session)
            if reservation_id is None:
                return keys.keys(self.hotel.id)
            return keys.for_holder(self.hotel.id, HolderKind.RESERVATION, reservation_id)

    def key(self, reservation_id: str) -> KeyData:
        found = self.key_data(reservation_id)
        assert len(found) == 1, found
        return found[0]

    def stretch(self, count: int, *, days: int = 1) -> list[DemoRecord]:
        """Upcoming reservations that BEX gave one more night (those whose unit was free for it)."""
        stretched: list[DemoRecord] = []
        for record in self.upcoming(None, days=days):
            start = date.fromisoformat(str(record.attributes["start_date"]))
            end = date.fromisoformat(str(record.attributes["end_date"]))
            try:
                self.pms.store.move(record.id, start, end + timedelta(days=1))
            except ValueError:
                continue
            stretched.append(record)
            if len(stretched) == count:
                return stretched
        raise AssertionError("no free unit to stretch a stay into")

    def outbox(self) -> list[OutboxEntry]:
        with self.database.unit_of_work() as session:
            return OutboxRepository(session).entries()

    def upcoming(self, count: int | None = 1, *, days: int = 1, phone: bool = True) -> list[DemoRecord]:
        """``count`` (None: all) hotel reservations confirmed, arriving after ``days``, with a unit and an E.164
        phone (or none)."""
        found = []
        for record in self.pms.store.all("reservation", HOTEL):
            attributes = record.attributes
            booking = self.pms.store.get(*record.refs("booking")[0])
            assert booking is not None
            customer = self.pms.store.get(*booking.refs("customer")[0])
            phone_number = customer.attributes.get("phone") if customer else None
            if (
                attributes["state"] == "confirmed"
                and date.fromisoformat(str(attributes["start_date"])) >= TODAY + timedelta(days=days)
                and record.refs("inventory_object")
                and (
                    str(phone_number or "").startswith("+") and " " not in str(phone_number)
                    if phone
                    else not phone_number
                )
            ):
                found.append(record)
        assert len(found) >= (count or 1)
        return found[:count]


@pytest.fixture
def world(database: Database) -> Iterator[World]:
    clock = Clock()
    with DemoPmsServer(today=TODAY, reservations=RESERVATIONS, now=clock) as pms:
        rooms = tuple(str(unit.attributes["name"]) for unit in pms.store.all("inventory_object", HOTEL))
        with Simulator(SimulatorConfig(card_delay=0.0, rooms=rooms)) as simulator:
            hotel = add_administration(database, pms_id=HOTEL, name="Hotel", salto_endpoint=simulator.endpoint,
                                       reply_timeout=10)  # fmt: skip
            add_encoder(database, hotel, "Front desk", "1")
            with database.unit_of_work() as session:
                config = ConfigRepository(session)
                config.replace_authorization_names(hotel.id, [AuthorizationName(1, "Main door")])
                key_type = config.add_key_type(
                    KeyTypeSettings(administration_id=hotel.id, name="Guest", granted=(1,), print_info=("Welcome",))
                )
                config.add_product(ProductSettings(key_type_id=key_type.id, name="Every stay"))
            salto_down = [False]

            def client_for(administration: Administration) -> SaltoClient:
                if salto_down[0]:
                    return salto_client_for(replace(administration, salto_endpoint="127.0.0.1:1"))
                return salto_client_for(administration)

            service = KeyService(database, client_for, clock=clock)

            def bex() -> BexClient:
                settings = PmsSettings(base_url=pms.base_url, retry=RetryPolicy(attempts=1))
                return BexClient(DEMO_API_KEY, settings, now=clock, sleep=lambda _seconds: None)

            engine = SyncEngine(database, bex, lambda _administration: service, clock=clock)
            yield World(database, pms, simulator, clock, hotel, key_type.id, salto_down, engine)


def later(world: World) -> None:
    """Time passes between two syncs (BEX's updated_at moves on with it)."""
    world.clock.advance(timedelta(minutes=5))


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
        cached = PmsRepository(session).search_reservations(ReservationQuery(limit=5000))
        park_cached = PmsRepository(session).sync_cursor(PARK)
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


def test_check_in_activates_a_waiting_key_and_delivers_it_once(world: World) -> None:
    world.product(wait_for_check_in=True, deliver_to_guest=True)
    world.sync()
    delivered_before = len(world.simulator.state.mobile_keys)  # stays checked in before today
    record = world.upcoming()[0]
    assert world.key(record.id).state is KeyState.WAITING_FOR_CHECK_IN
    assert world.outbox() == []
    later(world)
    world.pms.store.check_in(record.id)
    summary = world.sync()
    key = world.key(record.id)
    assert summary.delivered == 1
    assert [delivery.command for delivery in key.deliveries] == ["CNM"]
    assert key.state is KeyState.ISSUED
    later(world)
    world.pms.store.check_in(record.id)  # touched again in BEX: still only one delivery
    assert world.sync().delivered == 0
    assert len(world.key(record.id).deliveries) == 1
    assert len(world.simulator.state.mobile_keys) == delivered_before + 1


def test_delivery_waits_for_its_day_and_for_salto_then_goes_exactly_once(world: World) -> None:
    world.product(deliver_to_guest=True, delivery_days_before=2)
    world.sync()
    record = world.upcoming(days=4)[0]
    arrival = date.fromisoformat(str(record.attributes["start_date"]))
    assert world.key(record.id).deliveries == ()
    [entry] = [entry for entry in world.outbox() if entry.key_id == world.key(record.id).id]
    assert entry.next_attempt_at == datetime.combine(arrival - timedelta(days=2), time(0, 0), UTC) - timedelta(hours=2)
    world.clock.now = entry.next_attempt_at
    world.salto_down[0] = True
    failed = world.sync()
    [entry] = [each for each in world.outbox() if each.key_id == world.key(record.id).id]
    assert entry.attempts == 1 and entry.last_error and "SALTO" in entry.last_error
    assert any(record.attributes["booking_nr"] in error for error in failed.errors)
    assert entry.next_attempt_at == world.clock.now + OutboxRetry().first_delay
    world.salto_down[0] = False
    world.sync()  # the retry is not due yet
    assert world.key(record.id).deliveries == ()
    world.clock.advance(OutboxRetry().first_delay)
    world.sync()
    assert len(world.key(record.id).deliveries) == 1
    world.clock.advance(timedelta(days=1))
    world.sync()
    assert len(world.key(record.id).deliveries) == 1


def test_a_guest_without_an_international_number_gets_a_visible_failure(world: World) -> None:
    world.product(deliver_to_guest=True, delivery_days_before=60)
    world.sync()
    record = world.upcoming(phone=False)[0]
    stopped = [each for each in world.outbox() if each.key_id == world.key(record.id).id]
    assert len(stopped) == 1 and stopped[0].stopped
    assert stopped[0].last_error is not None and "has no mobile number" in stopped[0].last_error


def test_cancelling_deletes_key_data_that_was_never_issued(world: World) -> None:
    world.sync()
    record = world.upcoming()[0]
    assert world.key_data(record.id)
    later(world)
    world.pms.store.cancel(record.id)
    summary = world.sync()
    assert summary.revoked == 1
    assert world.key_data(record.id) == []
    assert "CO" not in world.simulator.state.requests


def test_cancelling_an_issued_key_checks_out_first_and_keeps_it_while_salto_is_away(world: World) -> None:
    world.sync()
    record = world.upcoming(days=0)[0]
    key = world.key(record.id)
    with world.database.unit_of_work() as session:
        encoder = ConfigRepository(session).encoders(world.hotel.id)[0]
    world.engine.key_service_for(world.hotel).encode_cards(key, encoder, 1, EncodeMode.NEW)
    later(world)
    world.pms.store.cancel(record.id)
    world.salto_down[0] = True
    summary = world.sync()
    assert summary.revoked == 0
    assert world.key(record.id).state is KeyState.REVOKING  # its card still opens the door: not shown as gone
    [entry] = world.outbox()
    assert entry.action is OutboxAction.REVOKE and entry.last_error and not entry.stopped
    world.salto_down[0] = False
    world.clock.advance(OutboxRetry().first_delay)
    assert world.sync().revoked == 1
    assert world.key_data(record.id) == [] and world.outbox() == []
    assert world.simulator.state.requests.count("CO") == 1


def test_changed_dates_move_the_key_and_an_issued_key_needs_re_encoding(world: World) -> None:
    world.sync()
    before = {record.id: world.key(record.id) for record in world.upcoming(None, days=3)}
    first, second = world.stretch(2, days=3)
    world.engine.key_service_for(world.hotel).send_to_phone(before[second.id], "+31612345678")
    later(world)
    summary = world.sync()
    assert summary.updated == 2
    moved, issued = world.key(first.id), world.key(second.id)
    end = date.fromisoformat(str(first.attributes["end_date"]))
    assert moved.validity.end == datetime.combine(end, time(8, 0), UTC)  # 10:00 in Amsterdam
    assert moved.validity.end == before[first.id].validity.end + timedelta(days=1)
    assert moved.state is KeyState.READY
    assert issued.state is KeyState.NEEDS_REENCODE
    assert issued.validity.end == before[second.id].validity.end + timedelta(days=1)


def test_fields_changed_at_the_desk_are_never_undone(world: World) -> None:
    world.sync()
    keys = {record.id: world.key(record.id) for record in world.upcoming(None)}
    with world.database.unit_of_work() as session:
        for key in keys.values():
            KeyRepository(session).update(key.id, replace(key, rooms=("Annex 1",), phone="+31687654321"), world.clock())
    [record] = world.stretch(1)
    later(world)
    world.sync()
    changed = world.key(record.id)
    assert changed.rooms == ("Annex 1",) and changed.phone == "+31687654321"  # the desk's
    assert changed.validity.end == keys[record.id].validity.end + timedelta(days=1)  # the PMS's
    [again] = world.stretch(1)
    later(world)
    world.sync()
    assert world.key(again.id).rooms == ("Annex 1",)


def test_key_data_deleted_at_the_desk_is_never_made_again_and_a_key_made_by_hand_is_the_desks(world: World) -> None:
    world.sync()
    record = next(
        each
        for each in world.upcoming(None)
        if date.fromisoformat(str(each.attributes["end_date"])) - date.fromisoformat(str(each.attributes["start_date"]))
        > timedelta(days=1)
    )
    start = date.fromisoformat(str(record.attributes["start_date"]))
    end = date.fromisoformat(str(record.attributes["end_date"]))
    service = world.engine.key_service_for(world.hotel)
    service.delete_key(world.key(record.id))
    later(world)
    world.pms.store.touch(record)  # BEX touches the stay: the sync looks at it again
    assert world.sync().created == 0
    assert world.key_data(record.id) == []
    world.product(name="Every stay, renamed")  # a configuration change applies the rules to every current stay
    later(world)
    assert world.sync().created == 0
    assert world.key_data(record.id) == []

    made = service.create_reservation_key(
        world.hotel.id, record.id, service.reservation_key_defaults(world.hotel.id, record.id, world.key_type_id)
    )
    world.pms.store.move(record.id, start + timedelta(days=1), end)  # one night less: always free
    later(world)
    assert world.sync().updated == 0
    assert world.key_data(record.id) == [made]  # the desk's own key data: the sync leaves it as the desk made it


def test_a_key_the_sync_revoked_for_a_cancellation_is_made_again_when_the_stay_is_confirmed_again(
    world: World,
) -> None:
    world.sync()
    record = world.upcoming()[0]
    key = world.key(record.id)
    with world.database.unit_of_work() as session:
        encoder = ConfigRepository(session).encoders(world.hotel.id)[0]
    world.engine.key_service_for(world.hotel).encode_cards(key, encoder, 1, EncodeMode.NEW)
    later(world)
    world.pms.store.cancel(record.id)
    assert world.sync().revoked == 1  # checked out in SALTO and deleted by the sync, not at the desk
    assert world.key_data(record.id) == []
    later(world)
    world.pms.store.confirm(record.id)
    assert world.sync().created == 1
    assert world.key(record.id).state is KeyState.READY


def test_product_filters_match_names_or_ids_and_a_product_change_applies_to_every_current_stay(
    world: World,
) -> None:
    world.product(extras=("Breakfast",))
    world.sync()
    with world.database.unit_of_work() as session:
        cached = PmsRepository(session).search_reservations(ReservationQuery(limit=5000))
    with_breakfast = {each.pms_id for each in cached if "Breakfast" in each.extras}
    by_name = {key.holder.pms_id for key in world.key_data()}
    assert by_name and by_name <= with_breakfast
    [breakfast] = [each for each in world.pms.store.all("extra", HOTEL) if "Breakfast" in str(each.attributes)]
    world.product(extras=(breakfast.id,))
    later(world)
    assert world.sync().created == 0  # the same stays by the extra's id
    world.product()
    later(world)
    summary = world.sync()
    assert summary.fetched == 0 and summary.created > 0  # nothing changed in BEX; the product did
    assert {key.holder.pms_id for key in world.key_data()} > by_name


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
        status = PmsRepository(session).sync_status(world.hotel.id)
        cached = PmsRepository(session).search_reservations(ReservationQuery(limit=5000))
    assert status.offline_since == failed_at and status.last_error
    assert len(cached) > 0 and world.key_data() == before
    world.pms.faults.clear()
    later(world)
    assert world.sync().errors == ()
    with world.database.unit_of_work() as session:
        assert PmsRepository(session).sync_status(world.hotel.id).offline_since is None


def test_matching_reservations_previews_a_product(world: World) -> None:
    world.sync()
    preview = world.engine.matching_reservations(
        world.hotel.id, ProductSettings(key_type_id=world.key_type_id, name="x", extras=("Parking",)), days=10
    )
    assert preview and all("Parking" in each.extras for each in preview)
    assert all(each.start_date <= TODAY + timedelta(days=10) and each.end_date >= TODAY for each in preview)


def test_pms_client_from_settings(world: World) -> None:
    with pytest.raises(PmsNotConfigured):
        pms_client_from_settings(world.database)
    SecretStore().set(PMS_API_KEY, DEMO_API_KEY)
    with world.database.unit_of_work() as session:
        SettingsRepository(session).set(PMS_BASE_URL, world.pms.base_url)
    with pms_client_from_settings(world.database) as client:
        assert client.settings.base_url == world.pms.base_url
        assert [each.id for each in client.administrations().records] == [PARK, HOTEL]


def test_a_changed_object_or_door_name_changes_the_rooms(world: World) -> None:
    world.sync()
    record, other = world.upcoming(2, days=2)
    start = date.fromisoformat(str(record.attributes["start_date"]))
    end = date.fromisoformat(str(record.attributes["end_date"]))
    old_unit = record.refs("inventory_object")[0][1]
    for unit in world.pms.store.all("inventory_object", HOTEL):
        if unit.id == old_unit:
            continue
        try:
            world.pms.store.move(record.id, start, end, unit.id)
        except ValueError:
            continue  # taken on those nights
        new_unit = unit
        break
    else:
        raise AssertionError("no free unit to move the stay to")
    later(world)
    world.sync()
    assert world.key(record.id).rooms == (str(new_unit.attributes["name"]),)

    key = world.key(other.id)
    world.engine.key_service_for(world.hotel).send_to_phone(key, "+31612345678")
    with world.database.unit_of_work() as session:
        ConfigRepository(session).set_door_name(
            DoorNameSettings(
                administration_id=world.hotel.id,
                pms_object_id=other.refs("inventory_object")[0][1],
                object_name="",
                door_name="Suite 9",
            )
        )
    later(world)
    summary = world.sync()  # nothing changed in BEX; the door name did
    assert summary.fetched == 0
    changed = world.key(other.id)
    assert changed.rooms == ("Suite 9",) and changed.state is KeyState.NEEDS_REENCODE


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


def engine_with(world: World, client: Callable[[], BexClient], **options: object) -> SyncEngine:
    return SyncEngine(
        world.database,
        client,
        world.engine.key_service_for,
        clock=world.clock,
        options=PullOptions(**options),  # type: ignore[arg-type]
    )


def hotel_keys_expected(world: World) -> set[str]:
    """The hotel reservations a complete sync makes key data for (confirmed, with a unit, not over)."""
    return {
        record.id
        for record in world.pms.store.all("reservation", HOTEL)
        if record.attributes["state"] == "confirmed"
        and record.refs("inventory_object")
        and not record.attributes["checked_out_on"]
        and date.fromisoformat(str(record.attributes["end_date"])) >= TODAY
    }


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
        cache = PmsRepository(session)
        unfinished = cache.unfinished_pull(PARK)
        cursor = cache.sync_cursor(PARK)
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
        cache = PmsRepository(session)
        assert cache.unfinished_pull(PARK) is None
        assert cache.sync_cursor(PARK).reservations_until is not None
    assert {key.holder.pms_id for key in world.key_data()} == hotel_keys_expected(world)


def in_window(world: World, administration: str | None = None) -> set[str]:
    """The reservations the first pull reads: departing from ``first_pull_days`` ago on."""
    return {
        record.id
        for record in world.pms.store.all("reservation", administration)
        if date.fromisoformat(str(record.attributes["end_date"])) >= FIRST_PULL_FROM
    }


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
        cached = PmsRepository(session).search_reservations(ReservationQuery(world.hotel.id, limit=5000))
        assert PmsRepository(session).unfinished_pull(PARK) is None
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


def hotel_customer(world: World, record: DemoRecord) -> DemoRecord:
    booking = world.pms.store.get(*record.refs("booking")[0])
    assert booking is not None
    customer = world.pms.store.get(*booking.refs("customer")[0])
    assert customer is not None
    return customer


def test_phones_from_bex_are_normalised_or_refused_with_the_reason_on_the_key(world: World) -> None:
    world.product(deliver_to_guest=True, delivery_days_before=60)
    bracketed, broken = world.upcoming(2, days=3)
    hotel_customer(world, bracketed).attributes["phone"] = "+31 (0)6 1234 5678"
    hotel_customer(world, broken).attributes["phone"] = "+31 06 1234 5678"  # dialled like this it reaches nobody
    world.sync()
    assert world.key(bracketed.id).phone == "+31612345678"
    assert world.key(bracketed.id).deliveries[0].phone == "+31612345678"
    refused = world.key(broken.id)
    assert refused.phone is None and refused.deliveries == ()
    [entry] = [each for each in world.outbox() if each.key_id == refused.id]
    assert entry.stopped and entry.last_error is not None
    assert "a 0 right after the country code +31" in entry.last_error and "+31612345678" in entry.last_error
    with world.database.unit_of_work() as session:
        [flag] = SyncKeyRepository(session).flags([refused.id])[refused.id]
    assert flag.code is FlagCode.PHONE_REFUSED and "+31 06 1234 5678" in flag_text(flag).en
    assert "+310612345678" not in {each.phone for each in world.simulator.state.mobile_keys}  # never the wrong number
    hotel_customer(world, broken).attributes["phone"] = "06 1234 5678"  # corrected in BEX: national, Dutch
    world.pms.store.touch(broken)
    later(world)
    world.sync()
    assert world.key(broken.id).phone == "+31612345678"
    with world.database.unit_of_work() as session:
        assert SyncKeyRepository(session).flags([refused.id]) == {}


def test_an_object_deleted_in_bex_leaves_the_cache_and_its_keys_are_flagged(world: World) -> None:
    world.sync()
    record = world.upcoming()[0]
    unit = record.refs("inventory_object")[0][1]
    world.pms.store.delete_object(unit)
    later(world)
    world.sync()  # an incremental read of the objects cannot see a deletion
    with world.database.unit_of_work() as session:
        assert unit in {each.pms_id for each in PmsRepository(session).objects(world.hotel.id)}
    world.clock.advance(PullOptions().objects_read_in_full_every)
    world.sync()
    key = world.key(record.id)
    with world.database.unit_of_work() as session:
        assert unit not in {each.pms_id for each in PmsRepository(session).objects(world.hotel.id)}
        flags = SyncKeyRepository(session).flags([key.id])[key.id]
    assert [flag.code for flag in flags] == [FlagCode.OBJECT_MISSING]
    assert f"(object {unit})" in flag_text(flags[0]).en
    assert key.rooms  # the key keeps its rooms until the desk or BEX says otherwise


def test_a_renamed_object_reaches_the_keys_of_unchanged_reservations(world: World) -> None:
    world.sync()
    first, second = world.upcoming(2, days=2)
    world.engine.key_service_for(world.hotel).send_to_phone(world.key(second.id), "+31612345678")
    for record in (first, second):
        world.pms.store.rename_object(record.refs("inventory_object")[0][1], f"Suite {record.id}")
    later(world)
    summary = world.sync()
    assert summary.fetched == 0  # the reservations did not change; their objects did
    assert world.key(first.id).rooms == (f"Suite {first.id}",) and world.key(first.id).state is KeyState.READY
    issued = world.key(second.id)
    assert issued.rooms == (f"Suite {second.id}",) and issued.state is KeyState.NEEDS_REENCODE


def test_dates_sent_as_timestamps_are_days_of_the_administration(world: World) -> None:
    stamped = [
        record
        for record in world.pms.store.all("reservation", HOTEL)
        if "T" in str(record.attributes["checked_in_on"]) and record.id in in_window(world, HOTEL)
    ]
    assert stamped  # the demo sends some check-ins as the UTC timestamp of 00:30 in Amsterdam
    world.sync()
    with world.database.unit_of_work() as session:
        cache = PmsRepository(session)
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
        cache = PmsRepository(session)
        shown = [cache.reservation(world.hotel.id, row.pms_id) for row in hostile]
    for row, reservation in zip(hostile, shown, strict=True):
        assert reservation is not None and reservation.guest_name.isprintable()
        assert row.guest_name != reservation.guest_name  # the cache keeps what BEX sent
    labels = [key.holder.label for key in world.key_data()]
    assert labels and all(label.isprintable() for label in labels)
