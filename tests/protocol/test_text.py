from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salto_desk.errors import Text
from salto_desk.protocol.errors import LocalProtocolError, RemoteProtocolError
from salto_desk.protocol.text import (
    AUTHORIZATION_CHARACTERS,
    clean_required,
    clean_text,
    decode_authorizations,
    encode_authorizations,
    format_time,
    mask_phone_numbers,
    normalize_phone,
    parse_time,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def test_accents_are_transliterated_to_ascii() -> None:
    assert clean_text("Hôtel Bäckerstraße Ørsted Łódź", 64) == b"Hotel Backerstrasse Orsted Lodz"


def test_o_acute_never_becomes_the_separator() -> None:
    # In UTF-8 'ó' is C3 B3, which would smuggle a field separator onto the wire.
    assert b"\xb3" not in clean_text("Aragón", 24)
    assert clean_text("Aragón", 24) == b"Aragon"


def test_latin1_mode_keeps_latin1_letters_but_never_0xb3() -> None:
    assert clean_text("Hôtel ³", 24, "latin-1") == "Hôtel 3".encode("latin-1")
    assert clean_text("Łódź", 24, "latin-1") == "Lódz".encode("latin-1")


def test_control_bytes_are_removed_and_line_breaks_become_spaces() -> None:
    dirty = "A\x02B\x03C\x05D\x06E\x15F\x7f\x85G\r\nH\tI"
    assert clean_text(dirty, 64) == b"ABCDEFG H I"


def test_text_is_cut_to_the_field_length() -> None:
    assert clean_text("x" * 30, 24) == b"x" * 24
    assert clean_text("ab   cd", 3) == b"ab"


@given(st.text(max_size=80), st.sampled_from(["ascii", "latin-1"]), st.integers(1, 64))
def test_cleaned_text_is_always_safe_single_byte(value: str, encoding: str, length: int) -> None:
    cleaned = clean_text(value, length, encoding)  # type: ignore[arg-type]
    assert len(cleaned) <= length
    assert all(0x20 <= byte < 0x7F or 0xA0 <= byte <= 0xFF for byte in cleaned)
    assert 0xB3 not in cleaned
    if encoding == "ascii":
        assert cleaned.isascii()


def test_required_text_that_cleans_to_nothing_is_refused() -> None:
    with pytest.raises(LocalProtocolError) as caught:
        clean_required("rooms", Text("room name", "kamernaam"), "\x02\x03", 24, "ascii")
    assert caught.value.field == "rooms"
    assert "room name" in caught.value.user_message("en")
    assert "kamernaam" in caught.value.user_message("nl")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+31612345678", "+31612345678"),
        ("+31 6 1234 5678", "+31612345678"),
        ("0031-6-12345678", "+31612345678"),
        ("+49 (30) 123456", "+4930123456"),
        ("0612345678", None),
        ("+0612345678", None),
        ("+31abc", None),
        ("", None),
        ("+1234567890123456", None),
    ],
)
def test_phone_numbers_must_be_e164(raw: str, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(LocalProtocolError, match=r"E\.164"):
            normalize_phone(raw)
    else:
        assert normalize_phone(raw) == expected


def test_phone_masking_keeps_last_three_digits() -> None:
    assert mask_phone_numbers(b"\xb3CNM\xb3+34619123456\xb3101") == b"\xb3CNM\xb3+********456\xb3101"
    assert mask_phone_numbers(b"room 101") == b"room 101"


def test_times_use_site_local_time_across_dst() -> None:
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=ZoneInfo("UTC"))
    winter = datetime(2026, 12, 1, 12, 0, tzinfo=ZoneInfo("UTC"))
    assert format_time(summer, AMSTERDAM) == b"1400010726"
    assert format_time(winter, AMSTERDAM) == b"1300011226"


def test_naive_times_are_refused() -> None:
    with pytest.raises(LocalProtocolError, match="no time zone"):
        format_time(datetime(2026, 7, 1, 12, 0), AMSTERDAM)


def test_parse_time_round_trip_and_errors() -> None:
    parsed = parse_time("1400211222", AMSTERDAM)
    assert parsed == datetime(2022, 12, 21, 14, 0, tzinfo=AMSTERDAM)
    assert parse_time("", AMSTERDAM) is None
    with pytest.raises(RemoteProtocolError, match="hhmmDDMMYY"):
        parse_time("2500211222", AMSTERDAM)


def test_authorization_table_has_62_distinct_characters() -> None:
    assert len(AUTHORIZATION_CHARACTERS) == 62
    assert len(set(AUTHORIZATION_CHARACTERS)) == 62
    assert encode_authorizations((1, 9, 10, 35, 36, 62)) == b"19az!}"


def test_reference_example_of_denied_authorizations() -> None:
    assert encode_authorizations((62, 61, 60, 59, 58)) == b"}{_^]"
    assert decode_authorizations("}{_^]") == (62, 61, 60, 59, 58)


def test_duplicate_authorizations_are_sent_once() -> None:
    assert encode_authorizations((3, 3, 1)) == b"31"


@pytest.mark.parametrize("number", [0, 63, -1])
def test_authorization_numbers_outside_1_to_62_are_refused(number: int) -> None:
    with pytest.raises(LocalProtocolError, match="1 to 62"):
        encode_authorizations((number,))


def test_unknown_authorization_character_from_salto_is_a_remote_error() -> None:
    with pytest.raises(RemoteProtocolError, match="'~'"):
        decode_authorizations("1~")


@given(st.lists(st.integers(1, 62), unique=True, max_size=62))
def test_authorizations_round_trip(numbers: list[int]) -> None:
    assert decode_authorizations(encode_authorizations(tuple(numbers)).decode()) == tuple(numbers)
