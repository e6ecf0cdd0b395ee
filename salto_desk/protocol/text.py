"""Field rules of the wire: single-byte text, identifiers, phone numbers, dates and authorization characters.

SALTO reads single-byte text, and UTF-8 would smuggle the 0xB3 separator into a field ('ó' is
C3 B3). Texts that are only printed or shown are therefore transliterated and cleaned here
(``clean_text`` returns exactly the bytes that will be sent, so a desk can show them first), while
identifiers - rooms, doors, encoders, phones, authorizations, dates - are sent exactly as given or
refused: a room name cut to fit could void another guest's cards.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, tzinfo
from typing import Literal, NoReturn

from salto_desk.errors import Text
from salto_desk.protocol.errors import LocalProtocolError, RemoteProtocolError

TextEncoding = Literal["ascii", "latin-1"]

ROOM_LENGTH = 24
OPERATOR_LENGTH = 24
TEXT_LINE_LENGTH = 24
ENCODER_LENGTH = 24
MOBILE_MESSAGE_LENGTH = 256
AUTH_CODE_LENGTH = 64
TRACK_TEXT_LENGTH = 64
MAX_ROOMS = 4
SEPARATOR_CHARACTER = "\xb3"  # the field separator 0xB3 read as Latin-1 ('³')

# Letters that Unicode decomposition does not reduce to ASCII.
# fmt: off
_TRANSLITERATIONS = str.maketrans(
    {
        "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
        "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ł": "l", "Ł": "L",
        "ı": "i", "ŀ": "l", "Ŀ": "L", "ŉ": "n", "ĸ": "k", "€": "EUR", "£": "GBP",
        "‘": "'", "’": "'", "‚": ",", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-",
        "…": "...", "•": "*", "·": ".", "×": "x", "÷": "/", "«": '"', "»": '"',
    }
)
# fmt: on
_WHITESPACE_CONTROLS = re.compile(r"[\t\n\r\v\f]+")


def _single_byte(char: str, encoding: TextEncoding) -> str:
    """One character as text that ``encoding`` can carry, or '' when nothing fits."""
    code = ord(char)
    if code < 0x20 or 0x7F <= code < 0xA0:
        return ""  # control bytes, STX/ETX/ENQ/ACK/NAK among them
    if code < 0x7F:
        return char
    if encoding == "latin-1" and code <= 0xFF and code != 0xB3:
        return char
    decomposed = unicodedata.normalize("NFKD", char.translate(_TRANSLITERATIONS))
    return "".join(c for c in decomposed if 0x20 <= ord(c) < 0x7F)


def clean_text(value: str, max_length: int, encoding: TextEncoding = "ascii") -> bytes:
    """The exact bytes a printed-only text is sent as: transliterated, without control bytes and the
    separator, cut to the field length."""
    if value.isascii() and value.isprintable():  # nothing to clean: the common case, kept fast
        return value.strip()[:max_length].rstrip().encode("ascii")
    return _clean_per_character(value, max_length, encoding)


def _clean_per_character(value: str, max_length: int, encoding: TextEncoding = "ascii") -> bytes:
    """``clean_text`` without its fast path: the rule itself, character by character."""
    flattened = _WHITESPACE_CONTROLS.sub(" ", value)
    cleaned = "".join(_single_byte(char, encoding) for char in flattened).strip()
    return cleaned[:max_length].rstrip().encode("latin-1")


_ENCODING_NAMES = {"ascii": "ASCII", "latin-1": "Latin-1"}


def wire_identifier(field: str, label: Text, value: str, length: int, encoding: TextEncoding) -> bytes:
    """The bytes of an identifier (room, door, encoder) exactly as given, or a ``LocalProtocolError``
    that names the field, the value and what to do: an identifier is never cleaned or cut."""
    if value.isascii() and value.isprintable() and 0 < len(value) <= length and value.strip() == value:
        return value.encode("ascii")
    problem = _identifier_problem(label, value, length, encoding)
    if problem is None:
        return value.encode("latin-1")
    raise LocalProtocolError(
        field,
        problem,
        Text(
            f"Enter the {label.en} exactly as it is known in SALTO: 1 to {length} characters that the "
            f"{_ENCODING_NAMES[encoding]} code page can carry, with no spaces at the start or end.",
            f"Vul de {label.nl} in precies zoals die in SALTO bekend is: 1 tot {length} tekens die de "
            f"{_ENCODING_NAMES[encoding]}-codetabel aankan, zonder spaties aan begin of eind.",
        ),
    )


def _identifier_problem(label: Text, value: str, length: int, encoding: TextEncoding) -> Text | None:
    """What keeps ``value`` from being sent as it is, in words; None when it can be."""
    if not value:
        return Text(f"The {label.en} is empty.", f"De {label.nl} is leeg.")
    for position, char in enumerate(value, 1):
        code = ord(char)
        if char == SEPARATOR_CHARACTER:
            return Text(
                f"The {label.en} {value!r} contains '³' (byte 0xB3), which SALTO reads as a field separator.",
                f"De {label.nl} {value!r} bevat '³' (byte 0xB3), dat SALTO als veldscheiding leest.",
            )
        if not char.isprintable():
            return Text(
                f"The {label.en} {value!r} contains the invisible or control character U+{code:04X} at "
                f"position {position}.",
                f"De {label.nl} {value!r} bevat het onzichtbare teken of stuurteken U+{code:04X} op "
                f"positie {position}.",
            )
        if code > (0x7F if encoding == "ascii" else 0xFF):
            name = _ENCODING_NAMES[encoding]
            return Text(
                f"The {label.en} {value!r} contains {char!r}, which the {name} code page of this site cannot carry.",
                f"De {label.nl} {value!r} bevat {char!r}, dat de {name}-codetabel van dit park niet aankan.",
            )
    if value.strip() != value:
        return Text(
            f"The {label.en} {value!r} starts or ends with a space.",
            f"De {label.nl} {value!r} begint of eindigt met een spatie.",
        )
    if len(value) > length:
        return Text(
            f"The {label.en} {value!r} is {len(value)} characters; SALTO takes at most {length}.",
            f"De {label.nl} {value!r} is {len(value)} tekens; SALTO neemt er hoogstens {length}.",
        )
    return None


_PHONE_SEPARATORS = re.compile(r"[\s\-./]")
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")


def normalize_phone(value: str) -> str:
    """The E.164 form of a phone number, accepting spaces, dashes, dots, slashes and a 00 prefix.

    A bracketed part (``+31 (0)6 ...``) is refused rather than guessed at: whether the digits in it
    belong to the number depends on the country.
    """
    if "(" in value or ")" in value:
        raise LocalProtocolError(
            "phone",
            Text(
                f"The phone number {value!r} has a part in brackets, which SALTO cannot take.",
                f"Het telefoonnummer {value!r} heeft een deel tussen haakjes, dat SALTO niet aankan.",
            ),
            Text(
                "Enter it without brackets, with a plus sign and the country code, for example "
                "+31612345678 (leave out a 0 that follows the country code).",
                "Vul het in zonder haakjes, met een plusteken en de landcode, bijvoorbeeld +31612345678 "
                "(laat een 0 na de landcode weg).",
            ),
        )
    compact = _PHONE_SEPARATORS.sub("", value.strip())
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if _E164.fullmatch(compact):
        return compact
    raise LocalProtocolError(
        "phone",
        Text(
            f"The phone number {value!r} is not in international (E.164) format.",
            f"Het telefoonnummer {value!r} heeft geen internationale (E.164) notatie.",
        ),
        Text(
            "Enter it with a plus sign and the country code, for example +31612345678.",
            "Vul het in met een plusteken en de landcode, bijvoorbeeld +31612345678.",
        ),
    )


def mask_phone_numbers(data: bytes) -> bytes:
    """Hide all but the last 3 digits of every '+'-prefixed number (traces and logs)."""
    return re.sub(rb"\+(\d{4,})(\d{3})", lambda m: b"+" + b"*" * len(m[1]) + m[2], data)


FIRST_WIRE_YEAR, LAST_WIRE_YEAR = 2000, 2099  # the wire carries a two-digit year


def format_time(moment: datetime, site_zone: tzinfo, field: str = "time") -> bytes:
    """``hhmmDDMMYY`` in the site's local time; naive datetimes and years outside 2000-2099 are
    refused, never guessed or wrapped."""
    if moment.tzinfo is not site_zone:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise LocalProtocolError(
                field,
                Text(
                    f"The time {moment.isoformat()} has no time zone.",
                    f"De tijd {moment.isoformat()} heeft geen tijdzone.",
                ),
            )
        try:
            moment = moment.astimezone(site_zone)
        except OverflowError:
            _refuse_year(field, moment)
    if not FIRST_WIRE_YEAR <= moment.year <= LAST_WIRE_YEAR:
        _refuse_year(field, moment)
    return b"%02d%02d%02d%02d%02d" % (moment.hour, moment.minute, moment.day, moment.month, moment.year % 100)


def _refuse_year(field: str, moment: datetime) -> NoReturn:
    raise LocalProtocolError(
        field,
        Text(
            f"The time {moment:%Y-%m-%d %H:%M} is outside SALTO's dates: they carry a two-digit year, "
            f"{FIRST_WIRE_YEAR} to {LAST_WIRE_YEAR}.",
            f"De tijd {moment:%Y-%m-%d %H:%M} valt buiten de datums van SALTO: die hebben een jaartal van "
            f"twee cijfers, {FIRST_WIRE_YEAR} tot {LAST_WIRE_YEAR}.",
        ),
        Text(
            f"Choose a date from {FIRST_WIRE_YEAR} to {LAST_WIRE_YEAR}.",
            f"Kies een datum van {FIRST_WIRE_YEAR} tot {LAST_WIRE_YEAR}.",
        ),
    )


def parse_time(value: str, site_zone: tzinfo) -> datetime | None:
    """A ``hhmmDDMMYY`` field as an aware datetime in the site's zone; an empty field is None."""
    if len(value) == 10 and value.isdigit() and value.isascii():
        rest, year = divmod(int(value), 100)  # one int() and divisions: the fastest way to the five numbers
        rest, month = divmod(rest, 100)
        rest, day = divmod(rest, 100)
        hour, minute = divmod(rest, 100)
        try:
            return datetime(
                FIRST_WIRE_YEAR + year, month, day, hour, minute, 0, 0, site_zone
            )  # tzinfo by position: twice as fast
        except ValueError:
            pass  # a day, month, hour or minute out of range
    elif value.strip() != value:
        return parse_time(value.strip(), site_zone)  # padded with spaces, or only spaces
    elif not value:
        return None
    raise RemoteProtocolError(
        Text(
            f"SALTO sent the date {value!r}, which is not in hhmmDDMMYY format.",
            f"SALTO stuurde de datum {value!r}, die niet in hhmmDDMMYY-notatie is.",
        )
    )


AUTHORIZATION_CHARACTERS = "123456789abcdefghijklmnopqrstuvwxyz!#$%&()*+,-./:;<=>?@[\\]^_{}"
AUTHORIZATION_COUNT = len(AUTHORIZATION_CHARACTERS)
_AUTHORIZATION_NUMBERS = {char: number for number, char in enumerate(AUTHORIZATION_CHARACTERS, 1)}
_AUTHORIZATION_CHARACTER_OF = {number: char for char, number in _AUTHORIZATION_NUMBERS.items()}


def _no_such_authorization(number: object) -> LocalProtocolError:
    return LocalProtocolError(
        "authorization",
        Text(
            f"Authorization {number} does not exist: SALTO numbers them 1 to {AUTHORIZATION_COUNT}.",
            f"Autorisatie {number} bestaat niet: SALTO nummert ze van 1 tot {AUTHORIZATION_COUNT}.",
        ),
    )


def encode_authorizations(numbers: tuple[int, ...]) -> bytes:
    """One character per authorization, in the caller's order, each number once."""
    unique = dict.fromkeys(numbers) if len(set(numbers)) != len(numbers) else numbers
    try:
        return "".join([_AUTHORIZATION_CHARACTER_OF[number] for number in unique]).encode("ascii")
    except KeyError as missing:
        raise _no_such_authorization(missing.args[0]) from None


def decode_authorizations(value: str) -> tuple[int, ...]:
    try:
        return tuple([_AUTHORIZATION_NUMBERS[char] for char in value])
    except KeyError as missing:
        raise RemoteProtocolError(
            Text(
                f"SALTO sent the authorization character {missing.args[0]!r}, which has no number.",
                f"SALTO stuurde het autorisatieteken {missing.args[0]!r}, dat geen nummer heeft.",
            )
        ) from None


def check_no_overlap(granted: tuple[int, ...], denied: tuple[int, ...]) -> None:
    """One authorization cannot be granted and denied at once: SALTO's answer to that is unknown."""
    both = sorted(set(granted) & set(denied)) if granted and denied else []
    if both:
        listed = ", ".join(map(str, both))
        raise LocalProtocolError(
            "denied",
            Text(
                f"Authorization {listed} is both granted and denied.",
                f"Autorisatie {listed} is zowel toegekend als geweigerd.",
            ),
            Text(
                "Grant or deny each authorization, not both.", "Ken elke autorisatie toe of weiger die, niet allebei."
            ),
        )
