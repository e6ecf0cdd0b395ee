"""BEX texts shown or printed: without the control characters that would disturb a list or a terminal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salto_desk.pms.texts import shown


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        ("Zoë d'Hondt", "Zoë d'Hondt"),
        ("Bakker\x1b[31m", "Bakker[31m"),  # the escape goes, so the terminal keeps its colours
        ("van\tDijk", "van Dijk"),
        ("Jansen\r\nRoot", "Jansen Root"),
        ("Visser\u202egnip", "Vissergnip"),  # a right-to-left override would reverse what follows
        ("de\x00Boer", "deBoer"),
        ("Ó Súilleabháin\u00a0Jr", "Ó Súilleabháin\u00a0Jr"),
    ],
)
def test_control_characters_are_left_out_and_line_breaks_become_a_space(sent: str, expected: str) -> None:
    assert shown(sent) == expected


@given(st.text())
def test_what_is_shown_has_no_control_character_and_printable_text_is_untouched(text: str) -> None:
    result = shown(text)
    assert not any(0 <= ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 for char in result)
    if text.isprintable():
        assert result == text
