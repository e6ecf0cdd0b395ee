from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from salto_desk.errors import ValidationError
from salto_desk.keys.model import (
    Administration,
    BookingFacts,
    CardsEncoded,
    Holder,
    HolderKind,
    KeyData,
    KeyState,
    KeyType,
    MobileDelivery,
    ProductSettings,
    StayDates,
    Validity,
)
from salto_desk.keys.rules import (
    EncodeMode,
    KeyAction,
    KeyNotIssuable,
    card_texts,
    check_can_issue,
    checkout_rooms,
    commands_for,
    delivery_date,
    initial_state,
    is_active,
    local_moment,
    matching_products,
    mobile_command,
    owner_validity,
    product_matches,
    reservation_key_draft,
    reservation_validity,
    room_names,
    state_after_change,
    state_after_check_in,
    today_in,
)
from salto_desk.protocol.errors import LocalProtocolError
from salto_desk.protocol.text import format_time
from tests.storage.helpers import administration_settings

ADMINISTRATION = Administration(id=1, **administration_settings().__dict__)
ZONE = ADMINISTRATION.zone
NOW = datetime(2030, 7, 1, 10, 0, tzinfo=UTC)


def product(**changes: object) -> ProductSettings:
    values: dict[str, object] = {"key_type_id": 1, "name": "P", **changes}
    return ProductSettings(**values)  # type: ignore[arg-type]


def key(**changes: object) -> KeyData:
    values: dict[str, object] = {
        "id": 1, "administration_id": 1, "key_type_id": 1,
        "holder": Holder(HolderKind.RESERVATION, "res-1", "25-00123 Jansen"), "rooms": ("101", "Pool"),
        "validity": Validity(NOW, NOW + timedelta(days=2)),
    }  # fmt: skip
    values.update(changes)
    return KeyData(**values)  # type: ignore[arg-type]


ISSUED = CardsEncoded(count=1, last_encoder="Desk")


def local(moment: datetime) -> time:
    return moment.astimezone(ZONE).time()


# --- product matching -----------------------------------------------------------------------------

BOOKING = BookingFacts(
    labels=frozenset({"Sea view", "Dogs allowed"}), object_type="Chalet", costs=frozenset({"Tourist tax"}),
    extras=frozenset({"Pool pass", "Linen"}),
)  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "matches"),
    [
        ({}, True),
        ({"labels": ("sea VIEW",)}, True),
        ({"labels": ("Garden", "Dogs allowed")}, True),
        ({"labels": ("Garden",)}, False),
        ({"object_types": ("chalet", "Tent")}, True),
        ({"object_types": ("Tent",)}, False),
        ({"costs": ("Tourist tax",)}, True),
        ({"costs": ("Cleaning",)}, False),
        ({"extras": ("Pool pass",), "labels": ("Sea view",)}, True),
        ({"extras": ("Pool pass",), "labels": ("Garden",)}, False),
    ],
)
def test_products_match_every_non_empty_filter(changes: dict[str, object], matches: bool) -> None:
    assert product_matches(product(**changes), BOOKING) is matches


def test_a_type_filter_never_matches_a_booking_without_a_type() -> None:
    assert not product_matches(product(object_types=("Chalet",)), BookingFacts())
    assert product_matches(product(), BookingFacts())


def test_matching_keeps_the_given_order() -> None:
    pool, tent, everyone = product(name="pool", extras=("Pool pass",)), product(object_types=("Tent",)), product()
    assert matching_products([pool, tent, everyone], BOOKING) == [pool, everyone]


# --- validity -------------------------------------------------------------------------------------


def test_a_stay_runs_from_check_in_to_check_out_in_the_site_zone() -> None:
    validity = reservation_validity(StayDates(date(2030, 7, 1), date(2030, 7, 4)), ADMINISTRATION)
    assert validity.start == datetime(2030, 7, 1, 15, 0, tzinfo=ZONE)
    assert validity.end == datetime(2030, 7, 4, 10, 0, tzinfo=ZONE)
    assert validity.start.tzinfo is UTC and validity.start.hour == 13  # CEST is UTC+2


def test_a_stay_across_the_spring_dst_change_keeps_local_times() -> None:
    validity = reservation_validity(StayDates(date(2030, 3, 29), date(2030, 4, 2)), ADMINISTRATION)
    assert (validity.start.astimezone(UTC).hour, validity.end.astimezone(UTC).hour) == (14, 8)  # CET then CEST
    assert validity.end - validity.start == timedelta(days=3, hours=18)
    assert format_time(validity.start, ZONE) == b"1500290330"
    assert format_time(validity.end, ZONE) == b"1000020430"


def test_a_stay_across_the_autumn_dst_change_keeps_local_times() -> None:
    validity = reservation_validity(StayDates(date(2030, 10, 25), date(2030, 10, 28)), ADMINISTRATION)
    assert validity.end - validity.start == timedelta(days=2, hours=20)  # one hour longer than the wall clock
    assert format_time(validity.end, ZONE) == b"1000281030"


def test_fixed_product_times_override_the_administration_defaults() -> None:
    stay = StayDates(date(2030, 7, 1), date(2030, 7, 4))
    start_only = reservation_validity(stay, ADMINISTRATION, product(fixed_start_time=time(12, 0)))
    assert (local(start_only.start), local(start_only.end)) == (time(12, 0), time(10, 0))
    both = reservation_validity(stay, ADMINISTRATION, product(fixed_start_time=time(8), fixed_end_time=time(20)))
    assert (local(both.start), local(both.end)) == (time(8, 0), time(20, 0))


def test_times_that_dst_skips_or_repeats_give_the_longest_key() -> None:
    # 2030-03-31 02:30 does not exist in Amsterdam; 2030-10-27 02:30 happens twice.
    assert local_moment(date(2030, 3, 31), time(2, 30), ZONE, earliest=True) == datetime(2030, 3, 31, 0, 30, tzinfo=UTC)
    assert local_moment(date(2030, 3, 31), time(2, 30), ZONE, earliest=False) == datetime(
        2030, 3, 31, 1, 30, tzinfo=UTC
    )
    assert local_moment(date(2030, 10, 27), time(2, 30), ZONE, earliest=True) == datetime(2030, 10, 27, 0, 30,
                                                                                          tzinfo=UTC)  # fmt: skip
    assert local_moment(date(2030, 10, 27), time(2, 30), ZONE, earliest=False) == datetime(2030, 10, 27, 1, 30,
                                                                                           tzinfo=UTC)  # fmt: skip


def test_other_time_zones_are_respected() -> None:
    lisbon = Administration(id=2, **administration_settings(time_zone="Europe/Lisbon").__dict__)
    validity = reservation_validity(StayDates(date(2030, 7, 1), date(2030, 7, 2)), lisbon)
    assert validity.start.astimezone(UTC).hour == 14  # WEST is UTC+1


def test_a_day_visit_with_check_out_before_check_in_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        reservation_validity(StayDates(date(2030, 7, 1), date(2030, 7, 1)), ADMINISTRATION)
    assert caught.value.field == "end" and "before it starts" in caught.value.message.en
    same_day = reservation_validity(
        StayDates(date(2030, 7, 1), date(2030, 7, 1)), ADMINISTRATION,
        product(fixed_start_time=time(9), fixed_end_time=time(18)),
    )  # fmt: skip
    assert same_day.end - same_day.start == timedelta(hours=9)


def test_dates_beyond_the_two_digit_year_are_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        reservation_validity(StayDates(date(2099, 12, 30), date(2100, 1, 2)), ADMINISTRATION)
    assert "2000 to 2099" in caught.value.message.en


def test_owner_keys_run_from_the_start_of_today_by_default() -> None:
    today = today_in(ADMINISTRATION, datetime(2030, 6, 30, 23, 30, tzinfo=UTC))
    assert today == date(2030, 7, 1)  # already July 1st in Amsterdam
    validity = owner_validity(ADMINISTRATION, date(2030, 12, 31), today)
    assert validity.start == datetime(2030, 7, 1, 0, 0, tzinfo=ZONE)
    assert validity.end == datetime(2030, 12, 31, 23, 59, tzinfo=ZONE)
    later = owner_validity(ADMINISTRATION, date(2030, 12, 31), today, valid_from=date(2030, 8, 1))
    assert later.start == datetime(2030, 8, 1, 0, 0, tzinfo=ZONE)
    with pytest.raises(ValidationError):
        owner_validity(ADMINISTRATION, date(2030, 6, 30), today)


# --- lifecycle ------------------------------------------------------------------------------------


def test_wait_for_check_in_blocks_until_the_guest_checks_in() -> None:
    waiting = initial_state(product(wait_for_check_in=True), checked_in=False)
    assert waiting is KeyState.WAITING_FOR_CHECK_IN
    assert initial_state(product(wait_for_check_in=True), checked_in=True) is KeyState.READY
    assert initial_state(product(), checked_in=False) is KeyState.READY
    assert initial_state(None, checked_in=False) is KeyState.READY
    with pytest.raises(KeyNotIssuable) as caught:
        check_can_issue(key(state=waiting), NOW)
    assert "waits for check-in" in caught.value.message.en and "wacht op inchecken" in caught.value.message.nl
    assert state_after_check_in(waiting) is KeyState.READY
    check_can_issue(key(state=state_after_check_in(waiting)), NOW)
    assert state_after_check_in(KeyState.ISSUED) is KeyState.ISSUED


def test_expired_keys_cannot_be_issued() -> None:
    with pytest.raises(KeyNotIssuable) as caught:
        check_can_issue(key(validity=Validity(NOW - timedelta(days=3), NOW)), NOW, ZoneInfo("Europe/Amsterdam"))
    local_end = NOW.astimezone(ZoneInfo("Europe/Amsterdam")).strftime("%d-%m-%Y %H:%M")
    assert f"expired on {local_end} Europe/Amsterdam." in caught.value.message.en  # the site's time, not UTC


def test_a_change_to_an_issued_key_needs_a_re_encode() -> None:
    assert state_after_change(key(state=KeyState.ISSUED, cards=ISSUED)) is KeyState.NEEDS_REENCODE
    assert state_after_change(key()) is KeyState.READY


def test_mobile_keys_are_delivered_days_before_arrival() -> None:
    stay = StayDates(date(2030, 7, 10), date(2030, 7, 12))
    assert delivery_date(stay, product(deliver_to_guest=True, delivery_days_before=3)) == date(2030, 7, 7)
    assert delivery_date(stay, product(deliver_to_guest=True)) == date(2030, 7, 10)
    assert delivery_date(stay, product(delivery_days_before=3)) is None


def test_each_action_sends_its_commands() -> None:
    assert commands_for(KeyAction.ENCODE_NEW, count=3) == ("CN", "CC", "CC")
    assert commands_for(EncodeMode.COPY.action, count=2) == ("CC", "CC")
    assert commands_for(KeyAction.READ_CARD) == ("LT",)
    assert commands_for(KeyAction.SEND_TO_PHONE, key()) == ("CNM",)
    assert commands_for(KeyAction.SEND_TO_PHONE, key(cards=ISSUED)) == ("CCM",)
    assert commands_for(KeyAction.DELETE, key()) == ()
    assert commands_for(KeyAction.DELETE, key(cards=ISSUED)) == ("CO", "CO")
    with pytest.raises(LocalProtocolError):
        commands_for(KeyAction.ENCODE_NEW, count=0)
    with pytest.raises(ValueError):
        commands_for(KeyAction.DELETE)


def test_a_second_phone_gets_a_copy() -> None:
    first = key()
    assert mobile_command(first) == "CNM"
    delivered = key(deliveries=(MobileDelivery("+31612345678", "CNM", NOW),))
    assert mobile_command(delivered) == "CCM"


def test_only_issued_unexpired_keys_are_active_and_need_a_check_out() -> None:
    assert checkout_rooms(key()) == () and not is_active(key(), NOW)
    assert checkout_rooms(key(cards=ISSUED)) == ("101", "Pool")
    assert is_active(key(cards=ISSUED), NOW + timedelta(days=1))
    assert not is_active(key(cards=ISSUED), NOW + timedelta(days=2))


@pytest.mark.parametrize(
    ("settings", "plate", "expected"),
    [
        ({"include_license_plate": True, "license_plate_line": 3}, "AB-123-C", ("Welcome", "", "AB-123-C")),
        ({"include_license_plate": True, "license_plate_line": 1}, "AB-123-C", ("AB-123-C",)),
        ({"include_license_plate": True, "license_plate_line": 2}, None, ("Welcome",)),
        ({"include_license_plate": False, "license_plate_line": 3}, "AB-123-C", ("Welcome",)),
        ({"include_license_plate": True, "salto_version": "1.16"}, "AB-123-C", ("Welcome",)),
    ],
)
def test_the_license_plate_goes_in_its_configured_text_line(
    settings: dict[str, object], plate: str | None, expected: tuple[str, ...]
) -> None:
    administration = administration_settings(**settings)
    assert card_texts(key(print_info=("Welcome",), license_plate=plate), administration) == expected


def test_rooms_use_the_salto_door_name_when_one_is_set() -> None:
    objects = [("31", "Chalet 12"), ("32", "Chalet 13")]
    assert room_names(objects, {"31": "C12"}) == ("C12", "Chalet 13")


def test_reservation_key_data_takes_the_key_type_and_product_rules() -> None:
    key_type = KeyType(id=4, administration_id=1, name="Guest", print_info=("Hi",), granted=(1,), denied=(2,))
    draft = reservation_key_draft(
        administration=ADMINISTRATION, key_type=key_type, product=product(wait_for_check_in=True),
        holder=Holder(HolderKind.RESERVATION, "res-1", "25-00123"), stay=StayDates(date(2030, 7, 1), date(2030, 7, 3)),
        rooms=("101",), checked_in=False, phone="+31612345678",
    )  # fmt: skip
    assert (draft.key_type_id, draft.granted, draft.denied, draft.print_info) == (4, (1,), (2,), ("Hi",))
    assert draft.state is KeyState.WAITING_FOR_CHECK_IN
    assert draft.validity.start == datetime(2030, 7, 1, 15, 0, tzinfo=ZONE)
