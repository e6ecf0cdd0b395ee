"""The checks every entered field shares: one-line text that fits our database or SALTO's field, print info, numbers.

Each check names the field and says what is wrong and what to do, in English and Dutch. Texts that
go to SALTO are measured after the same cleaning the protocol applies (transliteration can make
them longer: 'ß' becomes 'ss'), so what is accepted here is never cut short on the wire.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import time

from salto_desk.errors import Text, ValidationError
from salto_desk.protocol.errors import LocalProtocolError
from salto_desk.protocol.text import TEXT_LINE_LENGTH, TextEncoding, clean_text, wire_identifier

PMS_ID_LENGTH = 64
NAME_LENGTH = 100
MAX_TEXT_LINES = 3
_UNBOUNDED = 100_000


def field_error(
    field: str, en: str, nl: str, action_en: str | None = None, action_nl: str | None = None
) -> ValidationError:
    """The refusal of ``field``: what is wrong and, when given, what to do, in English and Dutch."""
    action = Text(action_en, action_nl) if action_en and action_nl else None
    return ValidationError(field, Text(en, nl), action)


def _unprintable(value: str) -> str | None:
    """The first character that has no place in a one-line name (a control character or half of a UTF-16
    pair), as it would be written in a program; None when every character is fine."""
    if value.isascii() and value.isprintable():
        return None
    for char in value:
        if unicodedata.category(char) in ("Cc", "Cs"):
            return ascii(char)
    return None


def plain_text(field: str, label: Text, value: str, limit: int, *, required: bool = True) -> str:
    """A name or description kept in our own database: stripped, not empty (when required), not too long,
    one line without control characters (refused the same way whichever database stores it)."""
    if (bad := _unprintable(value)) is not None:
        raise field_error(
            field,
            f"The {label.en} {value[:40]!r} contains the control character {bad}.",
            f"De {label.nl} {value[:40]!r} bevat het stuurteken {bad}.",
            "Type it again without that character (often a pasted tab, line break or zero byte).",
            "Typ deze opnieuw zonder dat teken (vaak een geplakte tab, regeleinde of nulbyte).",
        )
    stripped = value.strip()
    if required and not stripped:
        raise field_error(field, f"The {label.en} is empty.", f"De {label.nl} is leeg.", "Fill it in.", "Vul deze in.")
    if len(stripped) > limit:
        raise field_error(
            field,
            f"The {label.en} is {len(stripped)} characters long; at most {limit} fit.",
            f"De {label.nl} is {len(stripped)} tekens lang; er passen er hoogstens {limit}.",
            "Shorten it.",
            "Maak deze korter.",
        )
    return stripped


def as_printed(value: str, encoding: TextEncoding) -> str:
    """A printed-only text (print info, operator) exactly as SALTO receives it, to show before sending."""
    return clean_text(value.strip(), _UNBOUNDED, encoding).decode("latin-1")


def salto_identifier(field: str, label: Text, value: str, limit: int, encoding: TextEncoding) -> str:
    """A room, door or encoder name for SALTO: stored and sent exactly as it stands (surrounding spaces of
    what was typed aside), or refused; never cleaned into another name, which could be another guest's."""
    stripped = plain_text(field, label, value, limit * 4)  # one line, not empty; the wire check says the rest
    try:
        wire_identifier(field, label, stripped, limit, encoding)
    except LocalProtocolError as refused:
        raise ValidationError(field, refused.message, refused.action) from None
    return stripped


def salto_text(
    field: str, label: Text, value: str, limit: int, encoding: TextEncoding, *, required: bool = True
) -> str:
    """Text for a SALTO field: must fit ``limit`` once cleaned; stored as typed (stripped)."""
    stripped = plain_text(field, label, value, _UNBOUNDED, required=False)
    cleaned = as_printed(stripped, encoding)
    if required and not cleaned:
        raise field_error(
            field,
            f"The {label.en} {value!r} is empty once characters SALTO cannot take are removed.",
            f"De {label.nl} {value!r} is leeg na het verwijderen van tekens die SALTO niet aankan.",
            "Use plain letters and digits.",
            "Gebruik gewone letters en cijfers.",
        )
    if len(cleaned) > limit:
        raise field_error(
            field,
            f"The {label.en} {stripped!r} is {len(cleaned)} characters as SALTO receives it; SALTO takes at most "
            f"{limit}.",
            f"De {label.nl} {stripped!r} is {len(cleaned)} tekens zoals SALTO die ontvangt; SALTO neemt er "
            f"hoogstens {limit}.",
            "Shorten it.",
            "Maak deze korter.",
        )
    return stripped


def check_text_lines(lines: Sequence[str], encoding: TextEncoding) -> tuple[str, ...]:
    """Print info: at most three card text lines that each fit SALTO's field once cleaned."""
    if len(lines) > MAX_TEXT_LINES:
        raise field_error(
            "print_info",
            f"A card carries at most {MAX_TEXT_LINES} text lines, not {len(lines)}.",
            f"Een kaart bevat hoogstens {MAX_TEXT_LINES} tekstregels, niet {len(lines)}.",
            "Remove the extra lines.",
            "Verwijder de extra regels.",
        )
    if any("\n" in line or "\r" in line for line in lines):
        raise field_error(
            "print_info",
            "A text line contains a line break.",
            "Een tekstregel bevat een regeleinde.",
            "Put each line in its own field.",
            "Zet elke regel in een eigen veld.",
        )
    tidy = [
        salto_text(
            "print_info",
            Text(f"text line {index}", f"tekstregel {index}"),
            line,
            TEXT_LINE_LENGTH,
            encoding,
            required=False,
        )
        for index, line in enumerate(lines, 1)
    ]
    while tidy and not tidy[-1]:
        tidy.pop()
    return tuple(tidy)


def check_choice(field: str, label: Text, value: object, allowed: Sequence[object]) -> None:
    if value not in allowed:
        options = ", ".join(str(option) for option in allowed)
        raise field_error(
            field,
            f"The {label.en} {value!r} is not one of: {options}.",
            f"De {label.nl} {value!r} is niet een van: {options}.",
        )


def check_number(field: str, label: Text, value: int, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise field_error(
            field,
            f"The {label.en} must be a whole number from {low} to {high}, not {value!r}.",
            f"De {label.nl} moet een geheel getal van {low} tot {high} zijn, niet {value!r}.",
        )


def check_time_of_day(field: str, label: Text, value: object) -> None:
    if not isinstance(value, time) or value.tzinfo is not None:
        raise field_error(
            field,
            f"The {label.en} must be a time of day such as 15:00, not {value!r}.",
            f"De {label.nl} moet een tijdstip zijn zoals 15:00, niet {value!r}.",
        )
