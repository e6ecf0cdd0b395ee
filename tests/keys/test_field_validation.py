"""The shared field checks: one-line text, measured as SALTO receives it, never cut or cleaned into another name."""

from __future__ import annotations

import pytest

from salto_desk.errors import Text, ValidationError
from salto_desk.keys.field_validation import check_text_lines, plain_text, salto_identifier, salto_text
from salto_desk.protocol.text import TextEncoding


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
