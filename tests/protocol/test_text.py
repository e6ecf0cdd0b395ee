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
    _clean_per_character,
    check_no_overlap,
    clean_text,
    decode_authorizations,
    encode_authorizations,
    format_time,
    mask_phone_numbers,
    normalize_phone,
    parse_time,
    wire_identifier,
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


@given(st.text(max_size=40), st.sampled_from(["ascii", "latin-1"]), st.integers(1, 30))
def test_the_fast_path_of_clean_text_changes_nothing(value: str, encoding: str, length: int) -> None:
    assert clean_text(value, length, encoding) == _clean_per_character(value, length, encoding)  # type: ignore[arg-type]


ROOM = Text("room name", "kamernaam")


@pytest.mark.parametrize(
    ("value", "encoding", "expected"),
    [
        ("101", "ascii", b"101"),
        ("Chalet Duinzicht Noord 1", "ascii", b"Chalet Duinzicht Noord 1"),
        ("Hütte 3", "latin-1", "Hütte 3".encode("latin-1")),
        ("A B", "ascii", b"A B"),
    ],
)
def test_identifiers_that_fit_are_sent_exactly(value: str, encoding: str, expected: bytes) -> None:
    assert wire_identifier("room", ROOM, value, 24, encoding) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "encoding", "english", "dutch"),
    [
        ("Chalet Duinzicht Noord 12", "ascii", "is 25 characters; SALTO takes at most 24", "is 25 tekens"),
        ("1\x020\x031", "ascii", "control character U+0002 at position 2", "stuurteken U+0002"),
        ("1😀", "ascii", "'😀', which the ASCII code page", "'😀', dat de ASCII-codetabel"),
        ("1😀", "latin-1", "'😀', which the Latin-1 code page", "Latin-1-codetabel"),
        ("Hütte", "ascii", "'ü', which the ASCII code page", "'ü'"),
        ("10³", "latin-1", "0xB3", "veldscheiding"),
        (" 101", "ascii", "starts or ends with a space", "begint of eindigt met een spatie"),
        ("101 ", "ascii", "starts or ends with a space", "spatie"),
        ("101\xa0", "latin-1", "U+00A0", "U+00A0"),
        ("", "ascii", "The room name is empty", "De kamernaam is leeg"),
    ],
)
def test_identifiers_that_do_not_fit_are_refused_never_changed(
    value: str, encoding: str, english: str, dutch: str
) -> None:
    with pytest.raises(LocalProtocolError) as caught:
        wire_identifier("room", ROOM, value, 24, encoding)  # type: ignore[arg-type]
    error = caught.value
    assert error.field == "room"
    assert english in error.user_message("en") and "room name" in error.user_message("en")
    assert dutch in error.user_message("nl") and "kamernaam" in error.user_message("nl")
    assert "exactly as it is known in SALTO" in error.user_message("en")


@given(st.text(max_size=30), st.sampled_from(["ascii", "latin-1"]))
def test_an_identifier_is_sent_unchanged_or_refused(value: str, encoding: str) -> None:
    try:
        sent = wire_identifier("room", ROOM, value, 24, encoding)  # type: ignore[arg-type]
    except LocalProtocolError:
        return
    assert sent.decode(encoding) == value
    assert 0xB3 not in sent and all(byte >= 0x20 for byte in sent)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+31612345678", "+31612345678"),
        ("+31 6 1234 5678", "+31612345678"),
        ("0031-6-12345678", "+31612345678"),
        ("+49.30.123456", "+4930123456"),
        ("+31/6/12345678", "+31612345678"),
        ("+31\u00a06\u00a012345678", "+31612345678"),  # no-break spaces
        ("+31\u0666\u0661\u0662\u0663\u0664\u0665\u0666\u0667", None),  # Arabic-Indic digits
        ("+31²12345678", None),
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


@pytest.mark.parametrize("raw", ["+31 (0)6 12345678", "+49 (30) 123456", "(020) 1234567"])
def test_a_bracketed_part_is_refused_not_guessed(raw: str) -> None:
    with pytest.raises(LocalProtocolError, match="brackets") as caught:
        normalize_phone(raw)
    assert "haakjes" in caught.value.user_message("nl")


def test_phone_masking_keeps_last_three_digits() -> None:
    assert mask_phone_numbers(b"\xb3CNM\xb3+34619123456\xb3101") == b"\xb3CNM\xb3+********456\xb3101"
    assert mask_phone_numbers(b"room 101") == b"room 101"


def test_times_use_site_local_time_across_dst() -> None:
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=ZoneInfo("UTC"))
    winter = datetime(2026, 12, 1, 12, 0, tzinfo=ZoneInfo("UTC"))
    assert format_time(summer, AMSTERDAM) == b"1400010726"
    assert format_time(winter, AMSTERDAM) == b"1300011226"


@pytest.mark.parametrize(
    ("moment", "zone"),
    [
        (datetime(2100, 1, 1, 0, 0, tzinfo=AMSTERDAM), AMSTERDAM),
        (datetime(1999, 12, 31, 23, 59, tzinfo=AMSTERDAM), AMSTERDAM),
        (datetime(2099, 12, 31, 23, 30, tzinfo=ZoneInfo("UTC")), AMSTERDAM),  # 00:30 in 2100 at the site
        (datetime(9999, 12, 31, 23, 59, tzinfo=ZoneInfo("UTC")), ZoneInfo("Pacific/Kiritimati")),  # past year 9999
    ],
)
def test_times_outside_the_two_digit_years_are_refused_never_wrapped(moment: datetime, zone: ZoneInfo) -> None:
    with pytest.raises(LocalProtocolError, match="2000 to 2099") as caught:
        format_time(moment, zone, "end")
    assert caught.value.field == "end"
    assert "2000 tot 2099" in caught.value.user_message("nl")


def test_the_year_range_is_the_site_s_year() -> None:
    assert format_time(datetime(1999, 12, 31, 23, 30, tzinfo=ZoneInfo("UTC")), AMSTERDAM) == b"0030010100"
    assert format_time(datetime(2099, 12, 31, 22, 30, tzinfo=ZoneInfo("UTC")), AMSTERDAM) == b"2330311299"


def test_naive_times_are_refused() -> None:
    with pytest.raises(LocalProtocolError, match="no time zone"):
        format_time(datetime(2026, 7, 1, 12, 0), AMSTERDAM)


def test_parse_time_round_trip_and_errors() -> None:
    parsed = parse_time("1400211222", AMSTERDAM)
    assert parsed == datetime(2022, 12, 21, 14, 0, tzinfo=AMSTERDAM)
    assert parse_time("", AMSTERDAM) is None
    assert parse_time(" 1400211222 ", AMSTERDAM) == parsed


@pytest.mark.parametrize(
    "value", ["2500211222", "1400321222", "1400211322", "140021122", "14002112222", "14002112²2", "1400 11222", "x"]
)
def test_parse_time_refuses_what_is_not_a_time(value: str) -> None:
    with pytest.raises(RemoteProtocolError, match="hhmmDDMMYY"):
        parse_time(value, AMSTERDAM)


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31, 23, 59)))
def test_times_round_trip_to_the_minute(moment: datetime) -> None:
    aware = moment.replace(second=0, microsecond=0, tzinfo=AMSTERDAM)
    assert parse_time(format_time(aware, AMSTERDAM).decode(), AMSTERDAM) == aware


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


def test_an_authorization_both_granted_and_denied_is_refused() -> None:
    check_no_overlap((1, 2), (3,))
    with pytest.raises(LocalProtocolError, match="Authorization 2, 3 is both granted and denied") as caught:
        check_no_overlap((1, 2, 3), (3, 2))
    assert caught.value.field == "denied"


def test_unknown_authorization_character_from_salto_is_a_remote_error() -> None:
    with pytest.raises(RemoteProtocolError, match="'~'"):
        decode_authorizations("1~")


@given(st.lists(st.integers(1, 62), unique=True, max_size=62))
def test_authorizations_round_trip(numbers: list[int]) -> None:
    assert decode_authorizations(encode_authorizations(tuple(numbers)).decode()) == tuple(numbers)
