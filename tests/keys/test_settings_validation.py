"""Checks of what managers and installers set up: each refusal names the field, in English and Dutch."""

from __future__ import annotations

from datetime import UTC, time

import pytest

from salto_desk.errors import ValidationError
from salto_desk.keys.settings_validation import validate_administration
from salto_desk.protocol.messages import EjectMode
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


def test_times_of_day_must_be_naive_times() -> None:
    with pytest.raises(ValidationError):
        validate_administration(administration_settings(check_out_time=time(10, tzinfo=UTC)))
