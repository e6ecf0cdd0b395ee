from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from salto_desk.errors import Text, ValidationError
from salto_desk.keys.model import Validity
from salto_desk.keys.validation import (
    check_access,
    check_phone,
    check_rooms,
    check_text_lines,
    check_validity,
    plain_text,
    salto_identifier,
    salto_text,
    validate_administration,
)
from salto_desk.protocol.messages import EjectMode
from salto_desk.protocol.text import TextEncoding
from tests.storage.helpers import administration_settings


@pytest.mark.parametrize(
    ("changes", "field", "english", "dutch"),
    [
        ({"salto_endpoint": "10.0.0.5:99999"}, "salto_endpoint", "out of range", "buiten het bereik"),
        ({"salto_endpoint": "  "}, "salto_endpoint", "empty", "leeg"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "not a known time zone", "geen bekende tijdzone"),
        ({"salto_version": "one"}, "salto_version", "not a version number", "geen versienummer"),
        ({"include_license_plate": True, "salto_version": "1.16"}, "include_license_plate", "1.20 or newer",
         "1.20 of nieuwer"),
        ({"license_plate_line": 4}, "license_plate_line", "from 1 to 3", "van 1 tot 3"),
        ({"reply_timeout": 2}, "reply_timeout", "from 5 to 600", "van 5 tot 600"),
        ({"check_in_time": "15:00"}, "check_in_time", "time of day", "tijdstip"),
        ({"serial_baudrate": 1234}, "serial_baudrate", "not one of", "niet een van"),
        ({"serial_parity": "X"}, "serial_parity", "not one of", "niet een van"),
        ({"serial_bytesize": 9}, "serial_bytesize", "from 5 to 8", "van 5 tot 8"),
        ({"text_encoding": "utf-8"}, "text_encoding", "not one of", "niet een van"),
        ({"eject_mode": "E"}, "eject_mode", "Unknown eject mode", "Onbekende uitwerpmodus"),
        ({"default_operator": "x" * 25}, "default_operator", "at most 24", "hoogstens 24"),
        ({"name": ""}, "name", "is empty", "is leeg"),
        ({"pms_id": "x" * 65}, "pms_id", "at most 64", "hoogstens 64"),
        ({"send_lrc": "yes"}, "send_lrc", "true or false", "waar of onwaar"),
    ],
)  # fmt: skip
def test_administration_fields_get_specific_messages(
    changes: dict[str, object], field: str, english: str, dutch: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_administration(administration_settings(**changes))
    assert caught.value.field == field
    assert english in caught.value.message.en and dutch in caught.value.message.nl


def test_a_valid_administration_is_tidied() -> None:
    valid = validate_administration(administration_settings(
        name="  Park  ", salto_endpoint=" COM3 ", include_license_plate=True, salto_version="1.20",
        eject_mode=EjectMode.REAR,
    ))  # fmt: skip
    assert (valid.name, valid.salto_endpoint) == ("Park", "COM3")
    assert valid.carries_license_plate
    assert validate_administration(administration_settings(salto_version="2.3")).version == (2, 3)


def test_salto_text_is_measured_after_cleaning_but_stored_as_typed() -> None:
    label = Text("operator name", "operatornaam")
    assert salto_text("operator", label, " Château ", 24, "ascii") == "Château"
    assert salto_text("operator", label, "ß" * 12, 24, "ascii") == "ß" * 12  # 24 once transliterated
    with pytest.raises(ValidationError) as caught:
        salto_text("operator", label, "ß" * 13, 24, "ascii")
    assert "26 characters as SALTO receives it" in caught.value.message.en
    assert salto_text("operator", label, "ß" * 13, 24, "latin-1") == "ß" * 13
    with pytest.raises(ValidationError) as empty:
        salto_text("operator", label, "😀", 24, "ascii")
    assert "empty once characters SALTO cannot take are removed" in empty.value.message.en
    assert salto_text("operator", label, "", 24, "ascii", required=False) == ""


def test_room_door_and_encoder_names_are_kept_exactly_or_refused() -> None:
    label = Text("room name", "kamernaam")
    assert salto_identifier("rooms", label, " Chalet 12 ", 24, "ascii") == "Chalet 12"  # as typed, spaces aside
    assert salto_identifier("rooms", label, "Château", 24, "latin-1") == "Château"  # Latin-1 carries it as it is
    refused: dict[str, tuple[str, TextEncoding]] = {
        "Château": ("rooms", "ascii"),  # would be sent as "Chateau": another room
        "Chalet Duinzicht Noord 12": ("rooms", "ascii"),  # 25 characters: never cut to "... Noord 1"
        "1\x020\x031": ("rooms", "ascii"),
        "1😀": ("external_id", "latin-1"),
    }
    for value, (field, encoding) in refused.items():
        with pytest.raises(ValidationError) as caught:
            salto_identifier(field, label, value, 24, encoding)
        assert caught.value.field == field and caught.value.action is not None
    with pytest.raises(ValidationError) as long:
        salto_identifier("rooms", label, "Chalet Duinzicht Noord 12", 24, "ascii")
    assert "25 characters" in long.value.message.en and "24" in long.value.message.en


@pytest.mark.parametrize("value", ["Park\x00Zee", "Park\tZee", "Park\nZee", "Park\x85Zee", "Park\ud800Zee", "\x02\x03"])
def test_control_characters_and_half_surrogate_pairs_are_refused_by_name(value: str) -> None:
    label = Text("key type name", "naam van het sleuteltype")
    for check in (plain_text, lambda *args: salto_text(*args, "latin-1")):
        with pytest.raises(ValidationError) as caught:
            check("name", label, value, 100)
        assert "contains the control character" in caught.value.message.en
        assert "bevat het stuurteken" in caught.value.message.nl
    assert plain_text("name", label, "Château Zeezicht ☀", 100) == "Château Zeezicht ☀"


def test_plain_text_limits() -> None:
    label = Text("key type name", "naam van het sleuteltype")
    assert plain_text("name", label, "  Guest ", 10) == "Guest"
    with pytest.raises(ValidationError) as caught:
        plain_text("name", label, "x" * 11, 10)
    assert "11 characters long; at most 10" in caught.value.message.en


def test_text_lines_drop_trailing_blank_lines() -> None:
    assert check_text_lines(("Welcome", "", " "), "ascii") == ("Welcome",)
    assert check_text_lines(("", "Second"), "ascii") == ("", "Second")


def test_access_lists() -> None:
    assert check_access([1, 62], [3]) == ((1, 62), (3,))
    with pytest.raises(ValidationError) as caught:
        check_access([1, 2, 3], [3, 2])
    assert "2, 3 is both granted and denied" in caught.value.message.en


def test_rooms() -> None:
    assert check_rooms(["101", " Pool "], "ascii") == ("101", "Pool")
    with pytest.raises(ValidationError) as caught:
        check_rooms(["Pool", "POOL"], "ascii")
    assert "listed twice" in caught.value.message.en


def test_phone_numbers_must_be_international() -> None:
    assert check_phone("0031 6 12 34 56 78") == "+31612345678"
    with pytest.raises(ValidationError) as caught:
        check_phone("06-12345678")
    assert caught.value.field == "phone" and "E.164" in caught.value.message.en


def test_validity_is_returned_in_utc_and_compared_as_instants() -> None:
    zone = ZoneInfo("Europe/Amsterdam")
    # 02:30 twice on 2030-10-27: the second (fold=1, CET) is one hour after the first (CEST)
    first = datetime(2030, 10, 27, 2, 30, tzinfo=zone)
    second = datetime(2030, 10, 27, 2, 30, fold=1, tzinfo=zone)
    validity = check_validity(Validity(first, second))
    assert validity.start.tzinfo is UTC and validity.end - validity.start == timedelta(hours=1)
    with pytest.raises(ValidationError):
        check_validity(Validity(second, first))
    with pytest.raises(ValidationError) as naive:
        check_validity(Validity(datetime(2030, 1, 1), datetime(2030, 1, 2, tzinfo=UTC)))
    assert naive.value.field == "start" and "no time zone" in naive.value.message.en
    offset = timezone(timedelta(hours=-5))
    assert check_validity(Validity(datetime(2030, 1, 1, 18, tzinfo=offset), datetime(2030, 1, 2, tzinfo=UTC))).start \
        == datetime(2030, 1, 1, 23, tzinfo=UTC)  # fmt: skip


def test_times_of_day_must_be_naive_times() -> None:
    with pytest.raises(ValidationError):
        validate_administration(administration_settings(check_out_time=time(10, tzinfo=UTC)))
