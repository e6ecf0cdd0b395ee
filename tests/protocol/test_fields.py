from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from salto_desk.errors import Text
from salto_desk.protocol.errors import LocalProtocolError, RemoteProtocolError
from salto_desk.protocol.fields import (
    ROOMS,
    Choice,
    Flag,
    Identifier,
    NumberedCommand,
    Padded,
    PrintedLines,
    RequiredTime,
    Rest,
    Track,
    split_command,
)
from salto_desk.protocol.layout import WireOptions

OPTIONS = WireOptions(site_zone=ZoneInfo("Europe/Amsterdam"))


def put(kind: object, value: object) -> list[bytes]:
    out: list[bytes] = []
    kind.put(value, OPTIONS, out)  # type: ignore[attr-defined]
    return out


def test_rooms_fill_four_fields_and_read_back_without_the_empty_ones() -> None:
    assert put(ROOMS, ("101", "Pool")) == [b"101", b"Pool", b"", b""]
    assert ROOMS.take(("x", "101", "", "Pool", ""), 1, OPTIONS) == ("101", "Pool")
    for rooms in ((), ("1", "2", "3", "4", "5")):
        with pytest.raises(LocalProtocolError, match="1 to 4 rooms"):
            put(ROOMS, rooms)


def test_an_optional_identifier_may_be_empty_and_nothing_else() -> None:
    new_room = Identifier("new_room", Text("new room name", "nieuwe kamernaam"), 24, optional=True)
    assert put(new_room, "") == [b""]
    with pytest.raises(LocalProtocolError, match="new room name ' 102' starts or ends with a space"):
        put(new_room, " 102")


def test_printed_lines_are_cleaned_and_at_most_their_count() -> None:
    lines = PrintedLines(3, 24)
    assert put(lines, ("Wélcome",)) == [b"Welcome", b"", b""]
    assert lines.take(("a", "", "b", ""), 0, OPTIONS) == ("a", "", "b")
    with pytest.raises(LocalProtocolError, match="at most 3 text lines, not 4"):
        put(lines, ("a", "b", "c", "d"))


def test_a_required_time_is_refused_when_missing_either_way() -> None:
    expiry = RequiredTime("new_end", Text("new expiry", "nieuwe vervaldatum"))
    with pytest.raises(LocalProtocolError, match="The new expiry is missing"):
        put(expiry, None)
    with pytest.raises(RemoteProtocolError, match="new_end field holds ''"):
        expiry.take(("",), 0, OPTIONS)
    moment = datetime(2026, 12, 1, 15, 0, tzinfo=OPTIONS.site_zone)
    assert expiry.take(tuple(field.decode() for field in put(expiry, moment)), 0, OPTIONS) == moment


def test_a_numbered_command_carries_one_ascii_digit() -> None:
    command = NumberedCommand("amount", Text("amount", "aantal"), "CN", "CC", numbers=range(1, 10))
    assert put(command, ("CN", 2)) == [b"CN2"] and put(command, ("CC", None)) == [b"CC"]
    assert command.take(("CN9",), 0, OPTIONS) == ("CN", 9)
    with pytest.raises(LocalProtocolError, match="The amount must be 1 to 9, not 10"):
        put(command, ("CN", 10))
    for text in ("CN²", "CN10", "CNM", "XX"):
        with pytest.raises(RemoteProtocolError, match="command field"):
            command.take((text,), 0, OPTIONS)


def test_split_command_takes_ascii_digits_only() -> None:
    assert split_command("CC3", ("CN", "CC")) == ("CC", 3)
    assert split_command("CC", ("CN", "CC")) == ("CC", None)
    assert split_command("CC¹", ("CN", "CC")) is None
    assert split_command("CCM", ("CN", "CC")) is None


def test_tracks_are_1_to_3() -> None:
    track = Track("P")
    assert put(track, 3) == [b"P3"] and track.take(("P1",), 0, OPTIONS) == 1
    with pytest.raises(LocalProtocolError, match="Track 4 does not exist"):
        put(track, 4)
    with pytest.raises(RemoteProtocolError):
        track.take(("L1",), 0, OPTIONS)


def test_small_kinds() -> None:
    yes_no = Choice("check-in status", {True: "CI", False: "CO"})
    assert put(yes_no, False) == [b"CO"] and yes_no.take(("CI",), 0, OPTIONS) is True
    assert put(Flag(), True) == [b"1"] and Flag().take(("x",), 0, OPTIONS) is False
    assert put(Padded(8), "STAFF") == [b"STAFF   "] and Padded().take(("  101 ",), 0, OPTIONS) == "101"
    assert Rest(skip_empty=True).take(("CN", "1", "", "04A1"), 2, OPTIONS) == ("04A1",)
    assert put(Rest(), ("a", "")) == [b"a", b""]
