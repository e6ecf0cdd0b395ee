"""Reading the desk's records from JSON:API documents, including the open choices of the reference."""

from __future__ import annotations

from datetime import UTC, date, timedelta
from zoneinfo import ZoneInfo

import pytest

from salto_desk.pms.errors import PmsRecordError
from salto_desk.pms.jsonapi import parse_document, parse_resource
from salto_desk.pms.models import (
    Agreement,
    Contact,
    ContactSource,
    GuestGroup,
    OrderedItem,
    Reservation,
    read_administration,
    read_inventory_object,
    read_owner,
    read_reservation,
)

LANGUAGES = ("en", "nl")
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def ref(kind: str, identifier: str) -> dict[str, str]:
    return {"type": kind, "id": identifier}


def reservation_json(**attributes: object) -> dict[str, object]:
    return {
        "type": "reservation",
        "id": "9001",
        "attributes": {
            "booking_nr": "25-00123",
            "state": "confirmed",
            "start_date": "2025-08-01",
            "end_date": "2025-08-08",
            "checked_in_on": None,
            "late_checkout": True,
            "guest_name": "Jürgen Müller",
            "guest_group": {"adults": 2, "children": 1, "dragons": 4},
            "updated_at": "2025-07-30T10:00:00Z",
            "brand_new_attribute": "ignored",
            **attributes,
        },
        "relationships": {
            "booking": {"data": ref("booking", "555")},
            "inventory_object": {"data": ref("inventory_object", "31")},
            "category": {"data": ref("category", "4")},
            "guests": {"data": [ref("guest", "1"), ref("guest", "2")]},
            "order": {"data": ref("order", "4040")},
            "extra_order_items": {"data": [ref("order_item", "71")]},
        },
    }


def included(**replacements: dict[str, object]) -> list[dict[str, object]]:
    records: dict[str, dict[str, object]] = {
        "booking": {
            "type": "booking",
            "id": "555",
            "attributes": {"booking_nr": "B-555"},
            "relationships": {"customer": {"data": ref("customer", "8")}},
        },
        "customer": {
            "type": "customer",
            "id": "8",
            "attributes": {
                "first_name": "Jürgen",
                "last_name": "Müller",
                "email": "j@example.net",
                "phone": "0171 2345678",
            },
        },
        "guest1": {
            "type": "guest",
            "id": "1",
            "attributes": {"first_name": "Jürgen", "last_name": "Müller", "phone": None},
        },
        "guest2": {
            "type": "guest",
            "id": "2",
            "attributes": {"first_name": "Käthe", "last_name": "Müller", "phone": "+4917100000"},
        },
        "order": {
            "type": "order",
            "id": "4040",
            "relationships": {
                "main_order_items": {"data": [ref("order_item", "70"), ref("order_item", "72")]},
                "extra_order_items": {"data": [ref("order_item", "71")]},
            },
        },
        "rent": {"type": "order_item", "id": "70", "attributes": {"name": {"en": "Rent", "nl": "Huur"}}},
        "pool": {
            "type": "order_item",
            "id": "71",
            "attributes": {"name": {"en": "Pool access", "nl": "Toegang zwembad"}},
            "relationships": {"extra": {"data": ref("extra", "3")}},
        },
        "cleaning": {
            "type": "order_item",
            "id": "72",
            "attributes": {"description": "Final cleaning"},
            "relationships": {"product": {"data": ref("cost", "11")}},
        },
    }
    records.update(replacements)
    return list(records.values())


def read(
    source: ContactSource = "customer",
    record: dict[str, object] | None = None,
    extra: list[dict[str, object]] | None = None,
) -> tuple[Reservation, list[PmsRecordError]]:
    document = parse_document(
        {"data": record or reservation_json(), "included": included() if extra is None else extra}
    )
    problems: list[PmsRecordError] = []
    reservation = read_reservation(
        parse_resource(document.primary[0]), document, "12", LANGUAGES, source, problems.append, AMSTERDAM
    )
    return reservation, problems


def test_a_reservation_is_read_with_its_contact_from_the_booking_customer() -> None:
    reservation, problems = read("customer")
    assert problems == []
    assert reservation.id == "9001"
    assert reservation.administration_id == "12"
    assert reservation.booking_nr == "25-00123"
    assert reservation.state == "confirmed"
    assert (reservation.start_date, reservation.end_date) == (date(2025, 8, 1), date(2025, 8, 8))
    assert reservation.checked_in_on is None
    assert reservation.late_checkout is True
    assert reservation.fixed_rentable is None
    assert reservation.guest_group == GuestGroup(adults=2, children=1)
    assert reservation.guest_group is not None and reservation.guest_group.people == 3
    assert reservation.contact == Contact("Jürgen", "Müller", "j@example.net", "0171 2345678")
    assert reservation.display_name == "Jürgen Müller"
    assert reservation.booking_id == "555"
    assert reservation.inventory_object_id == "31"
    assert reservation.rentable_type_id == "4"  # from the older "category" relationship


def test_the_guests_alternative_takes_the_first_guest_with_a_phone() -> None:
    reservation, problems = read("guests")
    assert problems == []
    assert reservation.contact == Contact("Käthe", "Müller", None, "+4917100000")


def test_the_guests_alternative_falls_back_to_the_first_guest_without_phones() -> None:
    silent = {"type": "guest", "id": "2", "attributes": {"first_name": "Käthe", "phone": ""}}
    reservation, _problems = read("guests", extra=included(guest2=silent))
    assert reservation.contact == Contact("Jürgen", "Müller", None, None)


def test_extras_and_costs_come_from_the_stay_and_the_order_once_each() -> None:
    reservation, _problems = read()
    assert reservation.ordered == (
        OrderedItem("extra", "3", "Pool access"),
        OrderedItem("cost", "11", "Final cleaning"),
    )
    assert reservation.catalogue_ids("extra") == frozenset({"3"})
    assert reservation.catalogue_ids("cost") == frozenset({"11"})


def test_without_included_records_only_the_reservation_itself_is_read() -> None:
    reservation, problems = read(extra=[])
    assert problems == []
    assert reservation.contact is None
    assert reservation.ordered == ()
    assert reservation.display_name == "Jürgen Müller"  # BEX's guest_name attribute


def test_the_booking_number_falls_back_to_the_booking() -> None:
    reservation, _problems = read(record=reservation_json(booking_nr=None))
    assert reservation.booking_nr == "B-555"


def test_a_broken_customer_is_reported_but_the_reservation_is_kept() -> None:
    broken = {"type": "customer", "id": "8", "attributes": {"first_name": "Jürgen", "phone": 4917123}}
    reservation, problems = read(extra=included(customer=broken))
    assert reservation.id == "9001"
    assert reservation.contact is None
    assert [(p.record_type, p.record_id, p.field) for p in problems] == [("customer", "8", "phone")]


def test_an_end_before_the_start_is_a_record_error() -> None:
    with pytest.raises(PmsRecordError) as raised:
        read(record=reservation_json(end_date="2025-07-30"))
    assert raised.value.field == "end_date"
    assert "is before start_date" in raised.value.user_message("en")
    assert "ligt vóór start_date" in raised.value.user_message("nl")


@pytest.mark.parametrize(
    ("sent", "day"),
    [
        ("2025-08-03", date(2025, 8, 3)),
        ("2025-08-02T23:30:00Z", date(2025, 8, 3)),  # 01:30 in Amsterdam (summer time)
        ("2025-12-02T23:30:00+00:00", date(2025, 12, 3)),  # 00:30 in Amsterdam (winter time)
        ("2025-08-03T00:30:00+02:00", date(2025, 8, 3)),
        ("2025-08-03T22:30:00-04:00", date(2025, 8, 4)),  # New York evening: the next day in Amsterdam
        ("2025-08-03T23:30:00", date(2025, 8, 3)),  # no offset: a wall time of the administration
    ],
)
def test_date_fields_sent_as_timestamps_are_days_in_the_administration_s_zone(sent: str, day: date) -> None:
    reservation, problems = read(record=reservation_json(checked_in_on=sent, end_date="2025-12-31"))
    assert problems == [] and reservation.checked_in_on == day
    document = parse_document({"data": reservation_json(checked_in_on="2025-08-02T23:30:00Z")})
    in_utc = read_reservation(parse_resource(document.primary[0]), document, "12", LANGUAGES, "customer",
                              problems.append, UTC)  # fmt: skip
    assert in_utc.checked_in_on == date(2025, 8, 2)  # the zone decides, not the timestamp's offset


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        ("+01:00", timedelta(hours=1)),
        ("+0200", timedelta(hours=2)),
        ("-05:30", -timedelta(hours=5, minutes=30)),
        ("UTC+01:00", timedelta(hours=1)),
        (None, None),
    ],
)
def test_the_administration_utc_offset(offset: str | None, expected: timedelta | None) -> None:
    resource = parse_resource(
        {"type": "administration", "id": "1", "attributes": {"name": {"nl": "Park"}, "utc_offset": offset}}
    )
    administration = read_administration(resource, LANGUAGES)
    assert administration.name == "Park"
    assert administration.utc_offset == expected


@pytest.mark.parametrize("offset", ["Europe/Amsterdam", "+25:00", "+01:75", ""])
def test_an_unreadable_utc_offset_is_a_record_error(offset: str) -> None:
    resource = parse_resource({"type": "administration", "id": "1", "attributes": {"utc_offset": offset}})
    with pytest.raises(PmsRecordError) as raised:
        read_administration(resource, LANGUAGES)
    assert raised.value.field == "utc_offset"


def test_an_inventory_object_with_labels_type_and_identity() -> None:
    resource = parse_resource(
        {
            "type": "inventory_object",
            "id": "31",
            "attributes": {"name": "Chalet 12", "name_with_type": "Chalet 12 (Chalet 4p)", "labels": ["Sauna"]},
            "relationships": {
                "rentable_type": {"data": ref("rentable_type", "4")},
                "rentable_identity": {"data": ref("rentable_identity", "9031")},
            },
        }
    )
    unit = read_inventory_object(resource, "12")
    assert (unit.name, unit.name_with_type, unit.labels) == ("Chalet 12", "Chalet 12 (Chalet 4p)", ("Sauna",))
    assert (unit.rentable_type_id, unit.rentable_identity_id, unit.administration_id) == ("4", "9031", "12")


def test_an_owner_whose_unit_changed_hands_has_the_right_agreements_per_day() -> None:
    document = parse_document(
        {
            "data": [
                {
                    "type": "owner",
                    "id": "5",
                    "attributes": {"first_name": "Sjoerd", "last_name": "ter Horst"},
                    "relationships": {
                        "agreements": {"data": [ref("agreement", "1"), ref("agreement", "2"), ref("agreement", "3")]}
                    },
                }
            ],
            "included": [
                {
                    "type": "agreement",
                    "id": "1",
                    "attributes": {"start_date": "2019-01-01", "end_date": "2025-06-16"},
                    "relationships": {"rentable_identity": {"data": ref("rentable_identity", "9001")}},
                },
                {
                    "type": "agreement",
                    "id": "2",
                    "attributes": {"start_date": "2025-06-17", "end_date": None},
                    "relationships": {"rentable_identity": {"data": ref("rentable_identity", "9002")}},
                },
                {"type": "agreement", "id": "3", "attributes": {"start_date": "someday"}},
            ],
        }
    )
    problems: list[PmsRecordError] = []
    owner = read_owner(parse_resource(document.primary[0]), document, "1", problems.append, AMSTERDAM)
    assert owner.contact.name == "Sjoerd ter Horst"
    assert [agreement.id for agreement in owner.agreements] == ["1", "2"]
    assert [a.rentable_identity_id for a in owner.agreements_on(date(2025, 6, 16))] == ["9001"]
    assert [a.rentable_identity_id for a in owner.agreements_on(date(2025, 6, 17))] == ["9002"]
    assert [(p.record_type, p.record_id, p.field) for p in problems] == [("agreement", "3", "start_date")]


def test_an_agreement_without_dates_is_always_active() -> None:
    assert Agreement("1", None, None, None, None).active_on(date(1999, 1, 1))
