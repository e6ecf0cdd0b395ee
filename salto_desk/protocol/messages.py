"""Typed requests and replies of the PMS Industry Standard, and their fields on the wire.

Each request builds its own fields and parses the reply meant for it; ``parse_request`` is the
inverse used by the simulator, so a round trip proves both directions agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from enum import Enum, IntEnum
from typing import ClassVar, Literal
from zoneinfo import ZoneInfo

from salto_desk.errors import Text
from salto_desk.protocol.codec import Frame
from salto_desk.protocol.errors import (
    ERROR_CODES,
    LocalProtocolError,
    RemoteProtocolError,
    SaltoErrorReply,
)
from salto_desk.protocol.text import (
    AUTH_CODE_LENGTH,
    ENCODER_LENGTH,
    MAX_ROOMS,
    MOBILE_MESSAGE_LENGTH,
    OPERATOR_LENGTH,
    ROOM_LENGTH,
    TEXT_LINE_LENGTH,
    TRACK_TEXT_LENGTH,
    TextEncoding,
    clean_required,
    clean_text,
    decode_authorizations,
    encode_authorizations,
    format_time,
    normalize_phone,
    parse_time,
)

TrailingFields = Literal["full", "trim"]
EncodeCommand = Literal["CN", "CC", "CA"]
AuditDateOrder = Literal["dm", "md"]


@dataclass(frozen=True)
class WireOptions:
    """How this site's SALTO wants its bytes; each choice settles an open point of the reference.

    - ``encoding``: code page of free text (ASCII per the Ruby client, Latin-1 per the Python port).
    - ``trailing_fields``: send all 16 fields of CN/CC/CA/CNM ("full") or drop empty trailing ones.
    - ``send_lrc``: compute the LRC, or send 0x0D ("do not check").
    - ``audit_date_order``: audit events carry dd/mm or mm/dd depending on SALTO's settings.
    """

    site_zone: tzinfo = field(default_factory=lambda: ZoneInfo("Europe/Amsterdam"))
    encoding: TextEncoding = "ascii"
    trailing_fields: TrailingFields = "full"
    send_lrc: bool = True
    audit_date_order: AuditDateOrder = "dm"


class EjectMode(Enum):
    EJECT = "E"
    RETAIN = "R"
    REAR = "T"


class SerialReturn(IntEnum):
    NONE = 0
    LAST = 1
    ALL = 2


class CardType(Enum):
    GUEST = "guest"
    STAFF = "staff"
    SPARE = "spare"
    INVALID = "invalid"
    UNKNOWN = "unknown"


_CARD_TYPE_CODES = {"LM": CardType.STAFF, "LR": CardType.SPARE, "LC": CardType.INVALID, "LD": CardType.UNKNOWN}
_CARD_TYPE_CODE_OF = {card_type: code for code, card_type in _CARD_TYPE_CODES.items()}
COPY_NUMBERS = ("0", "1", "2", "I", "A")

_ROOM = Text("room name", "kamernaam")
_ENCODER = Text("encoder identifier", "encoder-identificatie")


def _text(value: str, length: int, options: WireOptions) -> bytes:
    return clean_text(value, length, options.encoding)


def _rooms(rooms: tuple[str, ...], options: WireOptions) -> list[bytes]:
    """Exactly four room fields; at least one room and at most four are allowed."""
    if not 1 <= len(rooms) <= MAX_ROOMS:
        raise LocalProtocolError(
            "rooms",
            Text(
                f"A key opens 1 to {MAX_ROOMS} rooms, not {len(rooms)}.",
                f"Een sleutel opent 1 tot {MAX_ROOMS} kamers, niet {len(rooms)}.",
            ),
        )
    cleaned = [clean_required("rooms", _ROOM, room, ROOM_LENGTH, options.encoding) for room in rooms]
    return cleaned + [b""] * (MAX_ROOMS - len(cleaned))


def _validity(start: datetime | None, end: datetime | None, options: WireOptions) -> list[bytes]:
    if start is not None and end is not None and end <= start:
        raise LocalProtocolError(
            "end",
            Text(
                f"The key would expire ({end:%Y-%m-%d %H:%M}) before it starts ({start:%Y-%m-%d %H:%M}).",
                f"De sleutel zou verlopen ({end:%Y-%m-%d %H:%M}) voordat hij ingaat ({start:%Y-%m-%d %H:%M}).",
            ),
            Text("Choose an end after the start.", "Kies een einde na het begin."),
        )
    return [
        b"" if start is None else format_time(start, options.site_zone),
        b"" if end is None else format_time(end, options.site_zone),
    ]


def _trim(fields: list[bytes], options: WireOptions) -> list[bytes]:
    if options.trailing_fields == "full":
        return fields
    while len(fields) > 1 and not fields[-1]:
        fields.pop()
    return fields


def _field(fields: tuple[str, ...], index: int) -> str:
    return fields[index] if index < len(fields) else ""


def _split_command(command: str, bases: tuple[str, ...]) -> tuple[str, int | None] | None:
    """``CN2`` -> ("CN", 2); ``CN`` -> ("CN", None); anything else -> None."""
    for base in bases:
        suffix = command[len(base):]
        if command.startswith(base) and (suffix == "" or (len(suffix) == 1 and suffix.isdigit())):
            return base, int(suffix) if suffix else None
    return None


# --- replies -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EncodeReply:
    command: str
    encoder: str
    serials: tuple[str, ...] = ()


@dataclass(frozen=True)
class MobileReply:
    command: str
    phone: str


@dataclass(frozen=True)
class BinaryMobileReply:
    command: str
    phone: str
    key_hex: str
    installation_id: str = ""


@dataclass(frozen=True)
class Acknowledgement:
    """A reply that only confirms (CO, MC, P1-P3): the echoed fields, for the trace."""

    command: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class CardReadout:
    """What LT found on a card."""

    encoder: str
    card_type: CardType
    rooms: tuple[str, ...] = ()
    checked_in: bool = False
    copy: str = "0"
    granted: tuple[int, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    operator: str = ""

    @property
    def copy_label(self) -> Text:
        labels = {
            "0": Text("original", "origineel"),
            "I": Text("third or later copy", "derde of latere kopie"),
            "A": Text("one-shot key", "eenmalige sleutel"),
        }
        return labels.get(self.copy, Text(f"copy {self.copy}", f"kopie {self.copy}"))


@dataclass(frozen=True)
class TrackReply:
    track: int
    encoder: str
    text: str


INCIDENTS = {"0": "open", "2": "invalid", "3": "denied", "4": "expired", "5": "anti-passback"}


@dataclass(frozen=True)
class AuditEvent:
    """One audit-trail event; SALTO sends no year, so only day and month are known."""

    door: str
    day: int
    month: int
    time: str
    incident: str
    direction: str
    card_id: str
    copy: str
    user: str

    @property
    def incident_name(self) -> str:
        return INCIDENTS.get(self.incident, f"code {self.incident}")


@dataclass(frozen=True)
class AuditEnd:
    """WO: no more events."""

    door: str


Reply = (
    EncodeReply | MobileReply | BinaryMobileReply | Acknowledgement | CardReadout | TrackReply
    | AuditEvent | AuditEnd
)


def raise_for_error(frame: Frame) -> None:
    """Raise ``SaltoErrorReply`` when the frame carries an error code in field 0."""
    fields = frame.text_fields()
    code = fields[0]
    if code in ERROR_CODES:
        detail = _field(fields, 2).strip() if code in ("EG", "WE") else ""
        raise SaltoErrorReply(code, detail, fields)


def _expect(frame: Frame, *commands: str) -> tuple[str, ...]:
    raise_for_error(frame)
    fields = frame.text_fields()
    if _split_command(fields[0], commands) is None:
        raise RemoteProtocolError(
            Text(
                f"SALTO answered {fields[0]!r} to a {'/'.join(commands)} request.",
                f"SALTO antwoordde {fields[0]!r} op een {'/'.join(commands)}-verzoek.",
            )
        )
    return fields


# --- requests ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EncodeCard:
    """CN (new card, starts a stay), CC (copy) or CA (one-shot key) on an encoder."""

    command: EncodeCommand
    encoder: str
    rooms: tuple[str, ...]
    start: datetime | None = None
    end: datetime | None = None
    granted: tuple[int, ...] = ()
    denied: tuple[int, ...] = ()
    operator: str = ""
    texts: tuple[str, ...] = ()
    eject: EjectMode = EjectMode.EJECT
    serial_return: SerialReturn | None = SerialReturn.ALL
    amount: int | None = None

    waits_for_card: ClassVar[bool] = True

    def fields(self, options: WireOptions) -> list[bytes]:
        if len(self.texts) > 3:
            raise LocalProtocolError(
                "texts",
                Text("A card carries at most 3 text lines.", "Een kaart bevat hoogstens 3 tekstregels."),
            )
        if self.amount is not None and not 1 <= self.amount <= 9:
            raise LocalProtocolError(
                "amount",
                Text(
                    f"The amount must be 1 to 9, not {self.amount}.",
                    f"Het aantal moet 1 tot 9 zijn, niet {self.amount}.",
                ),
            )
        texts = [_text(line, TEXT_LINE_LENGTH, options) for line in self.texts]
        fields = [
            f"{self.command}{self.amount or ''}".encode("ascii"),
            clean_required("encoder", _ENCODER, self.encoder, ENCODER_LENGTH, options.encoding),
            self.eject.value.encode("ascii"),
            *_rooms(self.rooms, options),
            encode_authorizations(self.granted),
            encode_authorizations(self.denied),
            *_validity(self.start, self.end, options),
            _text(self.operator, OPERATOR_LENGTH, options),
            *texts,
            *[b""] * (3 - len(texts)),
            b"" if self.serial_return is None else str(int(self.serial_return)).encode("ascii"),
        ]
        return _trim(fields, options)

    def parse_reply(self, frame: Frame, options: WireOptions) -> EncodeReply:
        fields = _expect(frame, self.command)
        return EncodeReply(fields[0], _field(fields, 1), tuple(f for f in fields[2:] if f))


@dataclass(frozen=True)
class MobileKey:
    """CNM (new mobile key) or CCM (copy for another phone) for JustIN Mobile."""

    command: Literal["CNM", "CCM"]
    phone: str
    rooms: tuple[str, ...]
    start: datetime | None = None
    end: datetime | None = None
    granted: tuple[int, ...] = ()
    denied: tuple[int, ...] = ()
    operator: str = ""
    message: str = ""
    auth_code: str = ""

    waits_for_card: ClassVar[bool] = False

    def _common(self, options: WireOptions) -> list[bytes]:
        return [
            self.command.encode("ascii"),
            normalize_phone(self.phone).encode("ascii"),
            *_rooms(self.rooms, options),
            encode_authorizations(self.granted),
            encode_authorizations(self.denied),
            *_validity(self.start, self.end, options),
            _text(self.operator, OPERATOR_LENGTH, options),
            b"",
            b"",
            b"",
        ]

    def fields(self, options: WireOptions) -> list[bytes]:
        fields = [
            *self._common(options),
            _text(self.message, MOBILE_MESSAGE_LENGTH, options),
            _text(self.auth_code, AUTH_CODE_LENGTH, options),
        ]
        return _trim(fields, options)

    def parse_reply(self, frame: Frame, options: WireOptions) -> MobileReply:
        fields = _expect(frame, self.command)
        return MobileReply(fields[0], _field(fields, 1))


@dataclass(frozen=True)
class BinaryMobileKey(MobileKey):
    """CNMB/CCMB: the key comes back as hex for the app to hand over itself."""

    command: Literal["CNMB", "CCMB"]  # type: ignore[assignment]
    return_installation_id: bool = False

    def fields(self, options: WireOptions) -> list[bytes]:
        return [*self._common(options), b"1" if self.return_installation_id else b"0"]

    def parse_reply(self, frame: Frame, options: WireOptions) -> BinaryMobileReply:  # type: ignore[override]
        fields = _expect(frame, self.command)
        return BinaryMobileReply(fields[0], _field(fields, 1), _field(fields, 2), _field(fields, 3))


@dataclass(frozen=True)
class CheckOut:
    """CO: void every guest card of a room, no card needed."""

    room: str

    command: ClassVar[str] = "CO"
    waits_for_card: ClassVar[bool] = False

    def fields(self, options: WireOptions) -> list[bytes]:
        return [b"CO", b"0", clean_required("room", _ROOM, self.room, ROOM_LENGTH, options.encoding)]

    def parse_reply(self, frame: Frame, options: WireOptions) -> Acknowledgement:
        fields = _expect(frame, "CO")
        return Acknowledgement(fields[0], fields[1:])


@dataclass(frozen=True)
class ModifyCheckIn:
    """MC: move a checked-in stay to another room and/or a new expiry (PHP client only)."""

    room: str
    new_room: str
    new_end: datetime
    auth_code: str = ""

    command: ClassVar[str] = "MC"
    waits_for_card: ClassVar[bool] = False

    def fields(self, options: WireOptions) -> list[bytes]:
        return [
            b"MC",
            clean_required("room", _ROOM, self.room, ROOM_LENGTH, options.encoding),
            clean_required("new_room", _ROOM, self.new_room, ROOM_LENGTH, options.encoding),
            format_time(self.new_end, options.site_zone),
            _text(self.auth_code, AUTH_CODE_LENGTH, options),
        ]

    def parse_reply(self, frame: Frame, options: WireOptions) -> Acknowledgement:
        fields = _expect(frame, "MC")
        return Acknowledgement(fields[0], fields[1:])


@dataclass(frozen=True)
class ReadCard:
    """LT: read the card on an encoder."""

    encoder: str
    eject: EjectMode = EjectMode.EJECT

    command: ClassVar[str] = "LT"
    waits_for_card: ClassVar[bool] = True

    def fields(self, options: WireOptions) -> list[bytes]:
        encoder = clean_required("encoder", _ENCODER, self.encoder, ENCODER_LENGTH, options.encoding)
        return [b"LT", encoder, self.eject.value.encode("ascii")]

    def parse_reply(self, frame: Frame, options: WireOptions) -> CardReadout:
        fields = _expect(frame, "LT")
        encoder, first = _field(fields, 1), _field(fields, 2)
        if first in _CARD_TYPE_CODES:
            return CardReadout(encoder, _CARD_TYPE_CODES[first])
        if _field(fields, 6) not in ("CI", "CO") or _field(fields, 7) not in COPY_NUMBERS:
            raise RemoteProtocolError(
                Text(
                    f"SALTO sent a card readout that cannot be decoded: {'|'.join(fields)!r}.",
                    f"SALTO stuurde een kaartuitlezing die niet te ontcijferen is: {'|'.join(fields)!r}.",
                )
            )
        return CardReadout(
            encoder=encoder,
            card_type=CardType.GUEST,
            rooms=tuple(room for room in fields[2:6] if room),
            checked_in=fields[6] == "CI",
            copy=fields[7],
            granted=decode_authorizations(_field(fields, 8)),
            start=parse_time(_field(fields, 9), options.site_zone),
            end=parse_time(_field(fields, 10), options.site_zone),
            operator=_field(fields, 11),
        )


def card_readout_fields(card: CardReadout, options: WireOptions) -> list[bytes]:
    """The LT reply fields for a card (the simulator's side of ``ReadCard.parse_reply``)."""
    head = [b"LT", card.encoder.encode("latin-1")]
    if card.card_type is not CardType.GUEST:
        return [*head, _CARD_TYPE_CODE_OF[card.card_type].encode("ascii")]
    return [
        *head,
        *_rooms(card.rooms, options),
        b"CI" if card.checked_in else b"CO",
        card.copy.encode("ascii"),
        encode_authorizations(card.granted),
        *_validity(card.start, card.end, options),
        _text(card.operator, OPERATOR_LENGTH, options),
    ]


def _check_track(track: int) -> None:
    if track not in (1, 2, 3):
        raise LocalProtocolError(
            "track",
            Text(f"Track {track} does not exist: use 1, 2 or 3.", f"Spoor {track} bestaat niet: gebruik 1, 2 of 3."),
        )


@dataclass(frozen=True)
class ReadTrack:
    """L1-L3: read one magnetic/text track of the card."""

    track: int
    encoder: str
    eject: EjectMode = EjectMode.EJECT

    waits_for_card: ClassVar[bool] = True

    @property
    def command(self) -> str:
        return f"L{self.track}"

    def fields(self, options: WireOptions) -> list[bytes]:
        _check_track(self.track)
        encoder = clean_required("encoder", _ENCODER, self.encoder, ENCODER_LENGTH, options.encoding)
        return [self.command.encode("ascii"), encoder, self.eject.value.encode("ascii")]

    def parse_reply(self, frame: Frame, options: WireOptions) -> TrackReply:
        fields = _expect(frame, self.command)
        return TrackReply(self.track, _field(fields, 1), _field(fields, 2))


@dataclass(frozen=True)
class WriteTrack:
    """P1-P3: write text to one track of the card."""

    track: int
    encoder: str
    text: str
    eject: EjectMode = EjectMode.EJECT

    waits_for_card: ClassVar[bool] = True

    @property
    def command(self) -> str:
        return f"P{self.track}"

    def fields(self, options: WireOptions) -> list[bytes]:
        _check_track(self.track)
        encoder = clean_required("encoder", _ENCODER, self.encoder, ENCODER_LENGTH, options.encoding)
        return [
            self.command.encode("ascii"),
            encoder,
            self.eject.value.encode("ascii"),
            _text(self.text, TRACK_TEXT_LENGTH, options),
        ]

    def parse_reply(self, frame: Frame, options: WireOptions) -> Acknowledgement:
        fields = _expect(frame, self.command)
        return Acknowledgement(fields[0], fields[1:])


@dataclass(frozen=True)
class ReadAudit:
    """WF (first event), WN (next) or WR (repeat the last) of a door's audit trail."""

    command: Literal["WF", "WN", "WR"]
    door: str = ""

    waits_for_card: ClassVar[bool] = False

    def fields(self, options: WireOptions) -> list[bytes]:
        if self.command == "WR":
            return [b"WR"]
        return [self.command.encode("ascii"), clean_required("door", _ROOM, self.door, ROOM_LENGTH, options.encoding)]

    def parse_reply(self, frame: Frame, options: WireOptions) -> AuditEvent | AuditEnd:
        raise_for_error(frame)
        fields = frame.text_fields()
        if fields[0] == "WO":
            return AuditEnd(_field(fields, 1))
        fields = _expect(frame, "WF", "WN", "WR")
        try:
            first, second = (int(part) for part in _field(fields, 2).split("/"))
        except ValueError:
            raise RemoteProtocolError(
                Text(
                    f"SALTO sent the audit date {_field(fields, 2)!r}, which is not dd/mm.",
                    f"SALTO stuurde de auditdatum {_field(fields, 2)!r}, die geen dd/mm is.",
                )
            ) from None
        day, month = (first, second) if options.audit_date_order == "dm" else (second, first)
        return AuditEvent(
            door=_field(fields, 1),
            day=day,
            month=month,
            time=_field(fields, 3),
            incident=_field(fields, 4),
            direction=_field(fields, 5),
            card_id=_field(fields, 6).strip(),
            copy=_field(fields, 7),
            user=_field(fields, 8),
        )


Request = (
    EncodeCard | MobileKey | BinaryMobileKey | CheckOut | ModifyCheckIn | ReadCard | ReadTrack | WriteTrack
    | ReadAudit
)


def _without_trailing_empty(values: tuple[str, ...]) -> tuple[str, ...]:
    end = len(values)
    while end and not values[end - 1]:
        end -= 1
    return values[:end]


def _rooms_of(fields: tuple[str, ...], first: int) -> tuple[str, ...]:
    return tuple(room for room in fields[first:first + MAX_ROOMS] if room)


def parse_request(frame: Frame, options: WireOptions) -> Request:
    """The request a frame carries (the SALTO side); ``LocalProtocolError`` means SALTO would say ES."""
    fields = frame.text_fields()
    command = fields[0]
    zone = options.site_zone
    try:
        if (split := _split_command(command, ("CN", "CC", "CA"))) and not command.startswith(("CNM", "CCM")):
            base, amount = split
            serial = _field(fields, 15)
            return EncodeCard(
                command=base,  # type: ignore[arg-type]
                encoder=_field(fields, 1),
                eject=EjectMode(_field(fields, 2)),
                rooms=_rooms_of(fields, 3),
                granted=decode_authorizations(_field(fields, 7)),
                denied=decode_authorizations(_field(fields, 8)),
                start=parse_time(_field(fields, 9), zone),
                end=parse_time(_field(fields, 10), zone),
                operator=_field(fields, 11),
                texts=_without_trailing_empty(fields[12:15]),
                serial_return=SerialReturn(int(serial)) if serial else None,
                amount=amount,
            )
        if command in ("CNM", "CCM", "CNMB", "CCMB"):
            common = {
                "phone": _field(fields, 1),
                "rooms": _rooms_of(fields, 2),
                "granted": decode_authorizations(_field(fields, 6)),
                "denied": decode_authorizations(_field(fields, 7)),
                "start": parse_time(_field(fields, 8), zone),
                "end": parse_time(_field(fields, 9), zone),
                "operator": _field(fields, 10),
            }
            if command.endswith("B"):
                return BinaryMobileKey(
                    command=command,  # type: ignore[arg-type]
                    return_installation_id=_field(fields, 14) == "1",
                    **common,  # type: ignore[arg-type]
                )
            return MobileKey(
                command=command,  # type: ignore[arg-type]
                message=_field(fields, 14),
                auth_code=_field(fields, 15),
                **common,  # type: ignore[arg-type]
            )
        if command == "CO":
            return CheckOut(_field(fields, 2))
        if command == "MC":
            end = parse_time(_field(fields, 3), zone)
            if end is None:
                raise ValueError("MC without expiry")
            return ModifyCheckIn(_field(fields, 1), _field(fields, 2), end, _field(fields, 4))
        if command == "LT":
            return ReadCard(_field(fields, 1), EjectMode(_field(fields, 2)))
        if command in ("L1", "L2", "L3"):
            return ReadTrack(int(command[1]), _field(fields, 1), EjectMode(_field(fields, 2)))
        if command in ("P1", "P2", "P3"):
            return WriteTrack(int(command[1]), _field(fields, 1), _field(fields, 3), EjectMode(_field(fields, 2)))
        if command in ("WF", "WN", "WR"):
            return ReadAudit(command, _field(fields, 1))  # type: ignore[arg-type]
    except (ValueError, RemoteProtocolError) as bad:
        raise LocalProtocolError(
            "frame", Text(f"Invalid {command} request: {bad}", f"Ongeldig {command}-verzoek: {bad}")
        ) from None
    raise LocalProtocolError("command", Text(f"Unknown command {command!r}.", f"Onbekende opdracht {command!r}."))
