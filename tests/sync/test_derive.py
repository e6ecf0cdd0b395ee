"""Stage 2, the key data: one test per rule of the automation."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from salto_desk.demo.server import DEMO_API_KEY
from salto_desk.keys.flags import flag_text
from salto_desk.keys.model import (
    DoorNameSettings,
    FlagCode,
    HolderKind,
    KeyState,
    ProductSettings,
)
from salto_desk.keys.rules import EncodeMode
from salto_desk.pms.client import BexClient
from salto_desk.pms.settings import PmsSettings, RetryPolicy
from salto_desk.services.front_desk import FrontDesk
from salto_desk.storage import (
    ConfigRepository,
    KeyRepository,
    PmsReader,
    ReservationQuery,
)
from salto_desk.storage.sync_key_repository import SyncKeyRepository
from salto_desk.sync.derive import matching_reservations
from salto_desk.sync.progress import SyncProgress, SyncStage
from tests.sync.conftest import (
    HOTEL,
    TODAY,
    World,
    engine_with,
    hotel_customer,
    hotel_keys_expected,
    later,
)


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


def test_changed_dates_move_the_key_and_an_issued_key_needs_re_encoding(world: World) -> None:
    world.sync()
    before = {record.id: world.key(record.id) for record in world.upcoming(None, days=3)}
    first, second = world.stretch(2, days=3)
    world.engine.operations_for(world.hotel).send_to_phone(before[second.id], "+31612345678")
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
    service = world.engine.operations_for(world.hotel)
    service.delete_key(world.key(record.id))
    later(world)
    world.pms.store.touch(record)  # BEX touches the stay: the sync looks at it again
    assert world.sync().created == 0
    assert world.key_data(record.id) == []
    world.product(name="Every stay, renamed")  # a configuration change applies the rules to every current stay
    later(world)
    assert world.sync().created == 0
    assert world.key_data(record.id) == []

    defaults = FrontDesk(world.database, world.clock).reservation_key_setup(world.hotel.id, record.id).defaults
    made = service.key_data.create_reservation_key(world.hotel.id, record.id, defaults[world.key_type_id])
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
    world.engine.operations_for(world.hotel).encode_cards(key, encoder, 1, EncodeMode.NEW)
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
        cached = PmsReader(session).search_reservations(ReservationQuery(limit=5000))
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
    world.engine.operations_for(world.hotel).send_to_phone(key, "+31612345678")
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


def test_a_renamed_object_reaches_the_keys_of_unchanged_reservations(world: World) -> None:
    world.sync()
    first, second = world.upcoming(2, days=2)
    world.engine.operations_for(world.hotel).send_to_phone(world.key(second.id), "+31612345678")
    for record in (first, second):
        world.pms.store.rename_object(record.refs("inventory_object")[0][1], f"Suite {record.id}")
    later(world)
    summary = world.sync()
    assert summary.fetched == 0  # the reservations did not change; their objects did
    assert world.key(first.id).rooms == (f"Suite {first.id}",) and world.key(first.id).state is KeyState.READY
    issued = world.key(second.id)
    assert issued.rooms == (f"Suite {second.id}",) and issued.state is KeyState.NEEDS_REENCODE


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


def test_matching_reservations_previews_a_product(world: World) -> None:
    world.sync()
    product = ProductSettings(key_type_id=world.key_type_id, name="x", extras=("Parking",))
    preview = matching_reservations(world.database, world.hotel.id, product, world.clock(), days=10)
    assert preview and all("Parking" in each.extras for each in preview)
    assert all(each.start_date <= TODAY + timedelta(days=10) and each.end_date >= TODAY for each in preview)


def test_a_phone_the_desk_entered_for_a_refused_one_clears_the_flag(world: World) -> None:
    [record] = world.upcoming(1, days=3)
    hotel_customer(world, record).attributes["phone"] = "+31 06 1234 5678"
    world.sync()
    key = world.key(record.id)
    with world.database.unit_of_work() as session:
        assert SyncKeyRepository(session).flags([key.id])
        KeyRepository(session).update(key.id, replace(key, phone="+31687654321"), world.clock())
    world.pms.store.touch(record)
    later(world)
    world.sync()
    assert world.key(record.id).phone == "+31687654321"  # the desk's
    with world.database.unit_of_work() as session:
        assert SyncKeyRepository(session).flags([key.id]) == {}


def test_each_pulled_page_brings_its_key_data_so_no_list_sees_a_booking_without_it(world: World) -> None:
    """Between two pages of a first pull the cache never holds a reservation that waits for its key data."""
    world.product()
    waiting_after_page: list[int] = []

    def small_pages() -> BexClient:
        settings = PmsSettings(base_url=world.pms.base_url, retry=RetryPolicy(attempts=1), page_size=20)
        return BexClient(DEMO_API_KEY, settings, now=world.clock, sleep=lambda _seconds: None)

    def after_each_page(progress: SyncProgress) -> None:
        hotel_page = progress.administration == world.hotel.name and progress.stage == SyncStage.RESERVATIONS
        if hotel_page and progress.done and progress.total is None:
            with world.database.unit_of_work() as session:  # what the desk's list would read now
                waiting_after_page.append(len(PmsReader(session).pending_reservations(world.hotel.id)))

    summary = engine_with(world, small_pages).run_once(after_each_page)
    assert summary.errors == () and summary.created > 0
    assert len(waiting_after_page) >= 2 and set(waiting_after_page) == {0}
    with world.database.unit_of_work() as session:
        keys = KeyRepository(session).for_holders(
            world.hotel.id, HolderKind.RESERVATION, sorted(hotel_keys_expected(world))
        )
    assert set(keys) == hotel_keys_expected(world)  # the same key data as a sync that derives at the end
