"""Field rules of the wire: single-byte text, phone numbers, dates and authorization characters.

SALTO reads single-byte text, and UTF-8 would smuggle the 0xB3 separator into a field ('ó' is
C3 B3), so every free-text value is transliterated and cleaned here before it reaches the codec.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, tzinfo
from typing import Literal

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

# Letters that Unicode decomposition does not reduce to ASCII.
_TRANSLITERATIONS = str.maketrans(
    {
        "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
        "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ł": "l", "Ł": "L",
        "ı": "i", "ŀ": "l", "Ŀ": "L", "ŉ": "n", "ĸ": "k", "€": "EUR", "£": "GBP",
        "‘": "'", "’": "'", "‚": ",", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-",
        "…": "...", "•": "*", "·": ".", "×": "x", "÷": "/", "«": '"', "»": '"',
    }
)
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
    """Transliterate, drop control bytes and the separator, and cut to the field length."""
    flattened = _WHITESPACE_CONTROLS.sub(" ", value)
    cleaned = "".join(_single_byte(char, encoding) for char in flattened).strip()
    return cleaned[:max_length].rstrip().encode("latin-1")


def clean_required(field: str, label: Text, value: str, max_length: int, encoding: TextEncoding) -> bytes:
    """Like ``clean_text`` but refuses a value that is empty after cleaning."""
    cleaned = clean_text(value, max_length, encoding)
    if not cleaned:
        raise LocalProtocolError(
            field,
            Text(
                f"The {label.en} {value!r} is empty once characters SALTO cannot take are removed.",
                f"De {label.nl} {value!r} is leeg na het verwijderen van tekens die SALTO niet aankan.",
            ),
            Text(
                f"Enter the {label.en} with plain letters and digits, as it is known in SALTO.",
                f"Vul de {label.nl} in met gewone letters en cijfers, zoals die in SALTO bekend is.",
            ),
        )
    return cleaned


_PHONE_SEPARATORS = re.compile(r"[\s\-./()]")
_E164 = re.compile(r"\+[1-9]\d{6,14}")


def normalize_phone(value: str) -> str:
    """The E.164 form of a phone number, accepting spaces, dashes and a 00 prefix; else an error."""
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


SALTO_TIME_FORMAT = "%H%M%d%m%y"


def format_time(moment: datetime, site_zone: tzinfo) -> bytes:
    """``hhmmDDMMYY`` in the site's local time; naive datetimes are refused, never guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise LocalProtocolError(
            "time",
            Text(
                f"The time {moment.isoformat()} has no time zone.",
                f"De tijd {moment.isoformat()} heeft geen tijdzone.",
            ),
        )
    return moment.astimezone(site_zone).strftime(SALTO_TIME_FORMAT).encode("ascii")


def parse_time(value: str, site_zone: tzinfo) -> datetime | None:
    """A ``hhmmDDMMYY`` field as an aware datetime in the site's zone; an empty field is None."""
    if not value.strip():
        return None
    try:
        naive = datetime.strptime(value.strip(), SALTO_TIME_FORMAT)
    except ValueError:
        raise RemoteProtocolError(
            Text(
                f"SALTO sent the date {value!r}, which is not in hhmmDDMMYY format.",
                f"SALTO stuurde de datum {value!r}, die niet in hhmmDDMMYY-notatie is.",
            )
        ) from None
    return naive.replace(tzinfo=site_zone)


AUTHORIZATION_CHARACTERS = "123456789abcdefghijklmnopqrstuvwxyz!#$%&()*+,-./:;<=>?@[\\]^_{}"
AUTHORIZATION_COUNT = len(AUTHORIZATION_CHARACTERS)
_AUTHORIZATION_NUMBERS = {char: number for number, char in enumerate(AUTHORIZATION_CHARACTERS, 1)}


def check_authorization(number: int) -> int:
    if not 1 <= number <= AUTHORIZATION_COUNT:
        raise LocalProtocolError(
            "authorization",
            Text(
                f"Authorization {number} does not exist: SALTO numbers them 1 to {AUTHORIZATION_COUNT}.",
                f"Autorisatie {number} bestaat niet: SALTO nummert ze van 1 tot {AUTHORIZATION_COUNT}.",
            ),
        )
    return number


def encode_authorizations(numbers: tuple[int, ...]) -> bytes:
    """One character per authorization, in the caller's order, each number once."""
    unique = dict.fromkeys(check_authorization(number) for number in numbers)
    return "".join(AUTHORIZATION_CHARACTERS[number - 1] for number in unique).encode("ascii")


def decode_authorizations(value: str) -> tuple[int, ...]:
    try:
        return tuple(_AUTHORIZATION_NUMBERS[char] for char in value)
    except KeyError as missing:
        raise RemoteProtocolError(
            Text(
                f"SALTO sent the authorization character {missing.args[0]!r}, which has no number.",
                f"SALTO stuurde het autorisatieteken {missing.args[0]!r}, dat geen nummer heeft.",
            )
        ) from None
