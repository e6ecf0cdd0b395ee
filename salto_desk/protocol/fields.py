"""The kinds of value the field tables are made of: how each travels on the wire, both ways.

A kind refuses what cannot be sent (``LocalProtocolError``) and what cannot be read
(``RemoteProtocolError``), and raises nothing else, whatever the fields hold. Identifiers are sent
exactly as given or refused; printed texts are cleaned and cut (``text.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from salto_desk.errors import Text
from salto_desk.protocol.errors import LocalProtocolError, RemoteProtocolError
from salto_desk.protocol.layout import Kind, Plain, ValueT, WireOptions
from salto_desk.protocol.text import (
    MAX_ROOMS,
    OPERATOR_LENGTH,
    ROOM_LENGTH,
    clean_text,
    decode_authorizations,
    encode_authorizations,
    format_time,
    normalize_phone,
    parse_time,
    wire_identifier,
)


def unreadable(what: str, value: str) -> RemoteProtocolError:
    """The error of a field that does not hold what its table says."""
    return RemoteProtocolError(Text(f"The {what} field holds {value!r}.", f"Het veld {what} bevat {value!r}."))


# --- fields with no value of their own ------------------------------------------------------------


class _Valueless(Kind[None]):
    """Fields that hold no attribute: a table writes them and reads past them."""

    def take(self, texts: Sequence[str], at: int, options: WireOptions) -> None:
        return None


class Fixed(_Valueless):
    """A field with the same text in every message of the command (CO's command and its "0")."""

    def __init__(self, text: str) -> None:
        self._wire = text.encode("ascii")

    def put(self, value: None, options: WireOptions, out: list[bytes]) -> None:
        out.append(self._wire)


class Skipped(_Valueless):
    """Fields a message leaves empty (CNM 11-13) or does not read (an echoed command checked before)."""

    def __init__(self, width: int = 1) -> None:
        self.width = width

    def put(self, value: None, options: WireOptions, out: list[bytes]) -> None:
        out += [b""] * self.width


# --- words, flags and free text ----------------------------------------------------------------------


class Choice(Kind[ValueT]):
    """One value of a closed set, each with its word on the wire (a command, E/R/T, CI/CO, LM...)."""

    def __init__(self, what: str, words: Mapping[ValueT, str]) -> None:
        self._what = what
        self._wire = {value: word.encode("ascii") for value, word in words.items()}
        self._values = {word: value for value, word in words.items()}

    def put(self, value: ValueT, options: WireOptions, out: list[bytes]) -> None:
        out.append(self._wire[value])

    def take(self, texts: Sequence[str], at: int, options: WireOptions) -> ValueT:
        try:
            return self._values[texts[at]]
        except KeyError:
            raise unreadable(self._what, texts[at]) from None


def words(what: str, *choices: str) -> Choice[str]:
    """A choice of words that are their own value (commands, copy numbers)."""
    return Choice(what, {word: word for word in choices})


class Flag(Kind[bool]):
    """``1`` for yes; anything else reads as no."""

    def put(self, value: bool, options: WireOptions, out: list[bytes]) -> None:
        out.append(b"1" if value else b"0")

    def take(self, texts: Sequence[str], at: int, options: WireOptions) -> bool:
        return texts[at] == "1"


class Verbatim(Plain):
    """Text SALTO sends and the simulator echoes, taken as it is."""

    def put(self, value: str, options: WireOptions, out: list[bytes]) -> None:
        out.append(value.encode("latin-1"))


class Padded(Kind[str]):
    """Text SALTO pads with spaces (an audit event's card, an error description), read without them;
    written padded to ``pad_to`` characters (the simulator's side)."""

    def __init__(self, pad_to: int = 0) -> None:
        self._pad_to = pad_to

    def put(self, value: str, options: WireOptions, out: list[bytes]) -> None:
        out.append(value.ljust(self._pad_to).encode("latin-1"))

    def take(self, texts: Sequence[str], at: int, options: WireOptions) -> str:
        return texts[at].strip()


class Rest(Kind[tuple[str, ...]]):
    """Every field from here to the end of the frame (``skip_empty``: only the non-empty ones)."""

    width = 0

    def __init__(self, *, skip_empty: bool = False) -> None:
        self._skip_empty = skip_empty

    def put(self, value: tuple[str, ...], options: WireOptions, out: list[bytes]) -> None:
        out += [text.encode("latin-1") for text in value]

    def take(self, texts: Sequence[str], at: int, options: WireOptions) -> tuple[str, ...]:
        rest = tuple(texts[at:])
        return tuple(text for text in rest if text) if self._skip_empty else rest


class Printed(Plain):
    """Text that is only printed or shown (operator, card lines, phone message): cleaned and cut."""

    def __init__(self, length: int) -> None:
        self._length = length

    def put(self, value: str, options: WireOptions, out: list[bytes]) -> None:
        out.append(clean_text(value, self._length, options.encoding))


class PrintedLines(Kind[tuple[str, ...]]):
    """Up to ``width`` printed lines, one field each; unused lines are empty fields."""

    def __init__(self, count: int, length: int) -> None:
        self.width = count
        self._length = length

    def put(self, value: tuple[str, ...], options: WireOptions, out: list[bytes]) -> None:
        if len(value) > self.width:
            raise LocalProtocolError(
                "texts",
                Text(
                    f"A card carries at most {self.width} text lines, not {len(value)}.",
                    f"Een kaart bevat hoogstens {self.width} tekstregels, niet {len(value)}.",
                ),
            )
        out += [clean_text(line, self._length, options.encoding) for line in value]
        out += [b""] * (self.width - len(value))

    def take(self, texts: Sequence[str], at: int, options: WireOptions) -> tuple[str, ...]:
        lines = list(texts[at : at + self.width])
        while lines and not lines[-1]:
            lines.pop()
        return tuple(lines)


# --- identifiers: sent exactly as given, or refused ----------------------------------------------


class Identifier(Plain):
    """A room, door or encoder name (``optional``: an empty value is an empty field)."""

    def __init__(self, field_name: str, label: Text, length: int, *, optional: bool = False) -> None:
        self._field = field_name
        self._label = label
        self._length = length
        self._optional = optional

    def put(self, value: str, options: WireOptions, out: list[bytes]) -> None:
        if self._optional and not value:
            out.append(b"")
        else:
            out.append(wire_identifier(self._field, self._label, value, self._length, options.encoding))


class Rooms(Kind[tuple[str, ...]]):
    """One to four rooms, the main room first, in four fields."""

    width = MAX_ROOMS

    def __init__(self, room: Identifier) -> None:
        self._room = room

    def put(self, value: tuple[str, ...], options: WireOptions, out: list[bytes]) -> None:
        if not 1 <= len(value) <= MAX_ROOMS:
            raise LocalProtocolError(
                "rooms",
                Text(
                    f"A key opens 1 to {MAX_ROOMS} rooms, not {len(value)}.",
                    f"Een sleutel opent 1 tot {MAX_ROOMS} kamers, niet {len(value)}.",
                ),
            )
        for room in value:
            self._room.put(room, options, out)
        out += [b""] * (MAX_ROOMS - len(value))

    def take(self, texts: Sequence[str], at: int, options: WireOptions) -> tuple[str, ...]:
        return tuple(filter(None, texts[at : at + MAX_ROOMS]))


class Phone(Plain):
    """A JustIN phone number in E.164 form (separators and a 00 prefix are normalised, nothing else)."""

    def put(self, value: str, options: WireOptions, out: list[bytes]) -> None:
        out.append(normalize_phone(value).encode("ascii"))


class Authorizations(Kind[tuple[int, ...]]):
    """Authorization numbers 1-62, one character each."""

    def put(self, value: tuple[int, ...], options: WireOptions, out: list[bytes]) -> None:
        out.append(encode_authorizations(value))

    def take(self, texts: Sequence[str], at: int, options: WireOptions) -> tuple[int, ...]:
        return decode_authorizations(texts[at])


class Time(Kind[datetime | None]):
    """A ``hhmmDDMMYY`` time in the site's zone; None is an empty field."""

    def __init__(self, field_name: str, label: Text) -> None:
        self._field = field_name
        self._label = label

    def put(self, value: datetime | None, options: WireOptions, out: list[bytes]) -> None:
        out.append(b"" if value is None else format_time(value, options.site_zone, self._field))

    def take(self, texts: Sequence[str], at: int, options: WireOptions) -> datetime | None:
        return parse_time(texts[at], options.site_zone)


class RequiredTime(Time):
    """A time a message cannot do without (MC's new expiry)."""

    def put(self, value: datetime | None, options: WireOptions, out: list[bytes]) -> None:
        if value is None:
            raise LocalProtocolError(
                self._field,
                Text(f"The {self._label.en} is missing.", f"De {self._label.nl} ontbreekt."),
                Text(f"Give the {self._label.en}.", f"Geef de {self._label.nl} op."),
            )
        super().put(value, options, out)

    def take(self, texts: Sequence[str], at: int, options: WireOptions) -> datetime | None:
        moment = super().take(texts, at, options)
        if moment is None:
            raise unreadable(self._field, texts[at])
        return moment


# --- commands that carry a number -------------------------------------------------------------------


class NumberedCommand(Kind[tuple[str, int | None]]):
    """A command and its optional one-digit number, ``CN2``: (command, number) on one field."""

    def __init__(self, number_field: str, label: Text, *commands: str, numbers: range) -> None:
        self._field = number_field
        self._label = label
        self._commands = commands
        self._numbers = numbers

    def put(self, value: tuple[str, int | None], options: WireOptions, out: list[bytes]) -> None:
        command, number = value
        if number is not None and number not in self._numbers:
            low, high = self._numbers[0], self._numbers[-1]
            raise LocalProtocolError(
                self._field,
                Text(
                    f"The {self._label.en} must be {low} to {high}, not {number}.",
                    f"Het {self._label.nl} moet {low} tot {high} zijn, niet {number}.",
                ),
            )
        out.append(f"{command}{'' if number is None else number}".encode("ascii"))

    def take(self, texts: Sequence[str], at: int, options: WireOptions) -> tuple[str, int | None]:
        split = split_command(texts[at], self._commands)
        if split is None:
            raise unreadable("command", texts[at])
        return split


def split_command(command: str, bases: Sequence[str]) -> tuple[str, int | None] | None:
    """``CN2`` -> ("CN", 2); ``CN`` -> ("CN", None); anything else (``CN²`` too) -> None."""
    for base in bases:
        if command == base:
            return base, None
        if len(command) == len(base) + 1 and command.startswith(base) and "0" <= command[-1] <= "9":
            return base, int(command[-1])
    return None


class Track(Kind[int]):
    """The track number 1-3 in a track command: ``L2`` reads track 2, ``P2`` writes it."""

    def __init__(self, letter: str) -> None:
        self._letter = letter
        self._numbers = {f"{letter}{track}": track for track in (1, 2, 3)}

    def put(self, value: int, options: WireOptions, out: list[bytes]) -> None:
        if value not in (1, 2, 3):
            raise LocalProtocolError(
                "track",
                Text(
                    f"Track {value} does not exist: use 1, 2 or 3.", f"Spoor {value} bestaat niet: gebruik 1, 2 of 3."
                ),
            )
        out.append(f"{self._letter}{value}".encode("ascii"))

    def take(self, texts: Sequence[str], at: int, options: WireOptions) -> int:
        if texts[at] not in self._numbers:
            raise unreadable("command", texts[at])
        return self._numbers[texts[at]]


class AuditDate(Kind[tuple[int, int]]):
    """An audit event's day and month, ``dd/mm`` or ``mm/dd`` as the site's SALTO writes them."""

    def put(self, value: tuple[int, int], options: WireOptions, out: list[bytes]) -> None:
        day, month = value
        first, second = (day, month) if options.audit_date_order == "dm" else (month, day)
        out.append(b"%02d/%02d" % (first, second))

    def take(self, texts: Sequence[str], at: int, options: WireOptions) -> tuple[int, int]:
        parts = texts[at].split("/")
        if len(parts) != 2 or not all(part.isascii() and part.isdigit() for part in parts):
            raise _not_a_date(texts[at])
        first, second = int(parts[0]), int(parts[1])
        day, month = (first, second) if options.audit_date_order == "dm" else (second, first)
        if not (1 <= day <= 31 and 1 <= month <= 12):
            raise _not_a_date(texts[at])
        return day, month


def _not_a_date(value: str) -> RemoteProtocolError:
    return RemoteProtocolError(
        Text(
            f"SALTO sent the audit date {value!r}, which is not dd/mm.",
            f"SALTO stuurde de auditdatum {value!r}, die geen dd/mm is.",
        )
    )


# --- kinds several tables share ------------------------------------------------------------------

ROOM_NAME = Text("room name", "kamernaam")
ROOMS = Rooms(Identifier("rooms", ROOM_NAME, ROOM_LENGTH))
AUTHORIZATIONS = Authorizations()
TEXT = Verbatim()
START = Time("start", Text("start time", "begintijd"))
END = Time("end", Text("expiry", "vervaldatum"))
OPERATOR = Printed(OPERATOR_LENGTH)
