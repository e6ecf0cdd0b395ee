"""Tolerant JSON:API reading: unknown ignored, missing is None, a wrong kind names record and field."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from salto_desk.pms.errors import PmsBadResponse, PmsRecordError
from salto_desk.pms.jsonapi import Ref, Resource, parse_document, parse_error_details, parse_resource


def resource(attributes: dict[str, object], relationships: dict[str, object] | None = None) -> Resource:
    return parse_resource(
        {"type": "reservation", "id": "9001", "attributes": attributes, "relationships": relationships or {}}
    )


def test_missing_and_null_attributes_are_none_and_unknown_ones_are_ignored() -> None:
    record = resource({"booking_nr": None, "surprise": {"deep": [1, 2]}})
    assert record.text("booking_nr") is None
    assert record.text("state") is None
    assert record.day("start_date") is None
    assert record.moment("updated_at") is None
    assert record.boolean("late_checkout") is None
    assert record.texts("labels") == ()
    assert record.counts("guest_group") is None
    assert record.one("booking") is None
    assert record.many("guests") == ()


def test_values_of_the_right_kind_are_read() -> None:
    record = resource(
        {
            "booking_nr": "25-00123",
            "start_date": "2025-08-01",
            "checked_in_on": "2025-08-01T15:12:00+02:00",
            "updated_at": "2025-07-30T10:00:00.123Z",
            "created_at": "2025-07-01T08:00:00",
            "late_checkout": True,
            "labels": ["Sauna", "Aan het water"],
            "guest_group": {"adults": 2, "children": None},
        }
    )
    assert record.text("booking_nr") == "25-00123"
    assert record.day("start_date") == date(2025, 8, 1)
    assert record.day("checked_in_on") == date(2025, 8, 1)
    assert record.moment("updated_at") == datetime(2025, 7, 30, 10, 0, 0, 123000, tzinfo=UTC)
    assert record.moment("created_at") == datetime(2025, 7, 1, 8, 0, tzinfo=UTC)
    assert record.boolean("late_checkout") is True
    assert record.texts("labels") == ("Sauna", "Aan het water")
    assert record.counts("guest_group") == {"adults": 2}


def test_timestamps_keep_their_offset() -> None:
    moment = resource({"updated_at": "2025-07-30T12:00:00+02:00"}).moment("updated_at")
    assert moment is not None
    assert moment.utcoffset() == timedelta(hours=2)
    assert moment == datetime(2025, 7, 30, 10, 0, tzinfo=UTC)


def test_labels_may_come_as_one_comma_separated_text() -> None:
    assert resource({"labels": "Sauna, Hottub,,"}).texts("labels") == ("Sauna", "Hottub")


def test_localized_text_prefers_the_first_language_and_falls_back() -> None:
    record = resource({"name": {"nl": "Toegang zwembad", "en": "Pool access"}, "other": {"de": "Parken"}, "plain": "X"})
    assert record.localized("name", ("en", "nl")) == "Pool access"
    assert record.localized("name", ("nl", "en")) == "Toegang zwembad"
    assert record.localized("other", ("en", "nl")) == "Parken"
    assert record.localized("plain", ("en",)) == "X"


@pytest.mark.parametrize(
    ("attributes", "read", "field"),
    [
        ({"booking_nr": 25123}, lambda r: r.text("booking_nr"), "booking_nr"),
        ({"start_date": 20250801}, lambda r: r.day("start_date"), "start_date"),
        ({"start_date": "01-08-2025"}, lambda r: r.day("start_date"), "start_date"),
        ({"updated_at": "yesterday"}, lambda r: r.moment("updated_at"), "updated_at"),
        ({"guest_group": {"adults": True}}, lambda r: r.counts("guest_group"), "guest_group.adults"),
        ({"late_checkout": "yes"}, lambda r: r.boolean("late_checkout"), "late_checkout"),
        ({"labels": ["a", 1]}, lambda r: r.texts("labels"), "labels"),
        ({"name": ["Pool"]}, lambda r: r.localized("name", ("en",)), "name"),
        ({"guest_group": {"adults": "two"}}, lambda r: r.counts("guest_group"), "guest_group.adults"),
        ({"guest_group": [2]}, lambda r: r.counts("guest_group"), "guest_group"),
    ],
)
def test_a_value_of_the_wrong_kind_names_the_record_and_the_field(
    attributes: dict[str, object], read: object, field: str
) -> None:
    record = resource(attributes)
    with pytest.raises(PmsRecordError) as raised:
        read(record)  # type: ignore[operator]
    error = raised.value
    assert (error.record_type, error.record_id, error.field) == ("reservation", "9001", field)
    assert f"reservation 9001: field '{field}'" in error.user_message("en")
    assert f"BEX-record reservation 9001: veld '{field}'" in error.user_message("nl")


def test_a_wrong_kind_is_described_without_showing_the_value() -> None:
    record = resource({"phone": 31612345678})
    with pytest.raises(PmsRecordError) as raised:
        record.text("phone")
    assert "31612345678" not in raised.value.user_message("en")
    assert "should be text but is a number" in raised.value.user_message("en")
    assert "moet tekst zijn maar is een getal" in raised.value.user_message("nl")


def test_relationships_read_to_one_and_to_many_with_numeric_ids() -> None:
    record = resource(
        {},
        {
            "booking": {"data": {"type": "booking", "id": 555}},
            "guests": {"data": [{"type": "guest", "id": "1"}, {"type": "guest", "id": "2"}]},
            "order": {"links": {"related": "https://example.invalid/orders/1"}},
            "inventory_object": {"data": None},
        },
    )
    assert record.one("booking") == Ref("booking", "555")
    assert record.many("guests") == (Ref("guest", "1"), Ref("guest", "2"))
    assert record.one("order") is None
    assert record.one("inventory_object") is None


@pytest.mark.parametrize(
    "relationships",
    [{"booking": "555"}, {"booking": {"data": {"id": "555"}}}, {"booking": {"data": {"type": "booking"}}}],
)
def test_a_broken_relationship_is_a_record_error(relationships: dict[str, object]) -> None:
    with pytest.raises(PmsRecordError) as raised:
        resource({}, relationships).one("booking")
    assert raised.value.field == "booking"


def test_a_to_many_relationship_must_be_a_list() -> None:
    with pytest.raises(PmsRecordError) as raised:
        resource({}, {"guests": {"data": {"type": "guest", "id": "1"}}}).many("guests")
    assert raised.value.field == "guests"


@pytest.mark.parametrize(
    ("raw", "identity"),
    [
        ("not an object", ("?", "?", "data")),
        ({"type": "reservation"}, ("reservation", "?", "id")),
        ({"id": "5"}, ("?", "5", "type")),
        ({"type": "reservation", "id": "5", "attributes": []}, ("reservation", "5", "attributes")),
    ],
)
def test_a_broken_envelope_is_a_record_error(raw: object, identity: tuple[str, str, str]) -> None:
    with pytest.raises(PmsRecordError) as raised:
        parse_resource(raw)
    assert (raised.value.record_type, raised.value.record_id, raised.value.field) == identity


def test_a_document_reads_primary_included_and_next_link() -> None:
    document = parse_document(
        {
            "data": [{"type": "reservation", "id": "1"}, "junk"],
            "included": [{"type": "customer", "id": "7", "attributes": {"first_name": "Zoë"}}, {"type": "guest"}],
            "links": {"next": {"href": "https://api.example/v3/x?page%5Bnumber%5D=2"}},
        }
    )
    assert document.primary == ({"type": "reservation", "id": "1"}, "junk")
    customer = document.related(Ref("customer", "7"))
    assert customer is not None
    assert customer.text("first_name") == "Zoë"
    assert document.related(Ref("customer", "8")) is None
    assert [problem.field for problem in document.included_problems] == ["id"]
    assert document.next_link == "https://api.example/v3/x?page%5Bnumber%5D=2"


def test_a_single_record_document_and_an_empty_one() -> None:
    assert parse_document({"data": {"type": "administration", "id": "1"}}).primary == (
        {"type": "administration", "id": "1"},
    )
    empty = parse_document({"data": None, "included": None, "links": {"next": None}})
    assert empty.primary == ()
    assert empty.next_link is None


@pytest.mark.parametrize("payload", [[], {"errors": []}, {"data": 5}, {"data": [], "included": {}}])
def test_a_document_without_usable_data_is_a_bad_response(payload: object) -> None:
    with pytest.raises(PmsBadResponse):
        parse_document(payload)


def test_error_details_accept_numeric_and_string_status() -> None:
    details = parse_error_details(
        {
            "errors": [
                {
                    "status": 422,
                    "code": "INVALID",
                    "title": "Invalid",
                    "detail": "is wrong",
                    "source": {"pointer": "/x"},
                },
                {"status": "403", "code": "FORBIDDEN_INCLUDE"},
                "garbage",
            ]
        }
    )
    assert [(d.status, d.code, d.detail, d.pointer) for d in details] == [
        ("422", "INVALID", "is wrong", "/x"),
        ("403", "FORBIDDEN_INCLUDE", None, None),
    ]
    assert details[0].describe() == "is wrong (INVALID) at /x"
    assert parse_error_details("<html>") == ()
