"""Typed requests and replies of the PMS Industry Standard, each described by one field table.

A request builds its frame from its table (``fields``) and reads the reply meant for it with the
reply's table (``parse_reply``); ``parse_request`` reads requests with the same tables (the
simulator's side), so a round trip proves both directions agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum, IntEnum
from typing import ClassVar, Literal, NoReturn

from salto_desk.errors import Text
from salto_desk.protocol.codec import Frame
from salto_desk.protocol.errors import (
    ERROR_CODES,
    LocalProtocolError,
    RemoteProtocolError,
    SaltoErrorReply,
)
from salto_desk.protocol.fields import (
    AuditDate,
    AuditDateOrder,
    Authorizations,
    Choice,
    Entry,
    Fixed,
    Flag,
    Identifier,
    Layout,
    MessageT,
    NumberedCommand,
    Padded,
    Phone,
    Printed,
    PrintedLines,
    Rest,
    Rooms,
    Skipped,
    Time,
    Track,
    TrailingFields,
    Verbatim,
    WireOptions,
    split_command,
    words,
)
from salto_desk.protocol.text import (
    AUTH_CODE_LENGTH,
    ENCODER_LENGTH,
    MOBILE_MESSAGE_LENGTH,
    OPERATOR_LENGTH,
    ROOM_LENGTH,
    TEXT_LINE_LENGTH,
    TRACK_TEXT_LENGTH,
    check_no_overlap,
    mask_phone_numbers,
)

__all__ = [
    "COPY_NUMBERS",
    "INCIDENTS",
    "Acknowledgement",
    "AuditDateOrder",
    "AuditEnd",
    "AuditEvent",
    "BinaryMobileKey",
    "BinaryMobileReply",
    "CardReadout",
    "CardType",
    "CheckOut",
    "EjectMode",
    "EncodeCard",
    "EncodeCommand",
    "EncodeReply",
    "MobileKey",
    "MobileReply",
    "ModifyCheckIn",
    "ReadAudit",
    "ReadCard",
    "ReadTrack",
    "Reply",
    "Request",
    "SerialReturn",
    "TrackReply",
    "TrailingFields",
    "WireOptions",
    "WriteTrack",
    "audit_event_fields",
    "card_readout_fields",
    "parse_request",
    "raise_for_error",
]

EncodeCommand = Literal["CN", "CC", "CA"]
MobileCommand = Literal["CNM", "CCM"]
BinaryMobileCommand = Literal["CNMB", "CCMB"]
AuditCommand = Literal["WF", "WN", "WR"]


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


COPY_NUMBERS = ("0", "1", "2", "I", "A")
INCIDENTS = {"0": "open", "2": "invalid", "3": "denied", "4": "expired", "5": "anti-passback"}

# --- the kinds of value the tables below are made of -----------------------------------------------

_ROOM = Text("room name", "kamernaam")
ENCODER = Identifier("encoder", Text("encoder identifier", "encoder-identificatie"), ENCODER_LENGTH)
ROOMS = Rooms(Identifier("rooms", _ROOM, ROOM_LENGTH))
EJECT = Choice("eject", {mode: mode.value for mode in EjectMode})
AUTHORIZATIONS = Authorizations()
TEXT = Verbatim()
KEY_ENTRIES: tuple[Entry, ...] = (  # rooms to validity: the same in CN/CC/CA and CNM/CCM/CNMB/CCMB
    ("rooms", ROOMS),
    ("granted", AUTHORIZATIONS),
    ("denied", AUTHORIZATIONS),
    ("start", Time("start", Text("start time", "begintijd"))),
    ("end", Time("end", Text("expiry", "vervaldatum"))),
    ("operator", Printed(OPERATOR_LENGTH)),
)


def _check_validity(start: datetime | None, end: datetime | None) -> None:
    if start is not None and end is not None and end <= start:
        raise LocalProtocolError(
            "end",
            Text(
                f"The key would expire ({end:%Y-%m-%d %H:%M}) before it starts ({start:%Y-%m-%d %H:%M}).",
                f"De sleutel zou verlopen ({end:%Y-%m-%d %H:%M}) voordat hij ingaat ({start:%Y-%m-%d %H:%M}).",
            ),
            Text("Choose an end after the start.", "Kies een einde na het begin."),
        )


# --- replies -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EncodeReply:
    command: str
    encoder: str
    serials: tuple[str, ...] = ()


_ENCODE_REPLY = Layout(EncodeReply, ("command", TEXT), ("encoder", TEXT), ("serials", Rest(skip_empty=True)))


@dataclass(frozen=True)
class MobileReply:
    command: str
    phone: str


_MOBILE_REPLY = Layout(MobileReply, ("command", TEXT), ("phone", TEXT))


@dataclass(frozen=True)
class BinaryMobileReply:
    command: str
    phone: str
    key_hex: str
    installation_id: str = ""


_BINARY_MOBILE_REPLY = Layout(
    BinaryMobileReply, ("command", TEXT), ("phone", TEXT), ("key_hex", TEXT), ("installation_id", TEXT)
)


@dataclass(frozen=True)
class Acknowledgement:
    """A reply that only confirms (CO, MC, P1-P3): the echoed fields, for the trace."""

    command: str
    fields: tuple[str, ...]


_ACKNOWLEDGEMENT = Layout(Acknowledgement, ("command", TEXT), ("fields", Rest()))


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


_CARD_TYPE_CODES = {CardType.STAFF: "LM", CardType.SPARE: "LR", CardType.INVALID: "LC", CardType.UNKNOWN: "LD"}
_SPECIAL_CARD = Layout(
    CardReadout, (None, Fixed("LT")), ("encoder", TEXT), ("card_type", Choice("card type", _CARD_TYPE_CODES))
)
_CARD_TYPE_AT = _SPECIAL_CARD.position("card_type")  # where a guest card has its main room
_GUEST_CARD = Layout(
    CardReadout,
    (None, Fixed("LT")),
    ("encoder", TEXT),
    ("rooms", ROOMS),
    ("checked_in", Choice("check-in status", {True: "CI", False: "CO"})),
    ("copy", words("copy number", *COPY_NUMBERS)),
    ("granted", AUTHORIZATIONS),
    ("start", Time("start", Text("start time", "begintijd"))),
    ("end", Time("end", Text("expiry", "vervaldatum"))),
    ("operator", Printed(OPERATOR_LENGTH)),
    fixed={"card_type": CardType.GUEST},
)
_CARD_TYPE_WORDS = frozenset(_CARD_TYPE_CODES.values())


def card_readout_fields(card: CardReadout, options: WireOptions) -> list[bytes]:
    """The LT reply fields for a card (the simulator's side of ``ReadCard.parse_reply``)."""
    return (_GUEST_CARD if card.card_type is CardType.GUEST else _SPECIAL_CARD).build(card, options)


@dataclass(frozen=True)
class TrackReply:
    track: int
    encoder: str
    text: str


_READ_TRACK_REPLY = Layout(TrackReply, ("track", Track("L")), ("encoder", TEXT), ("text", TEXT))


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


_AUDIT_EVENT = Layout(  # after the command, which echoes the request's WF, WN or WR
    AuditEvent,
    ("door", TEXT),
    (("day", "month"), AuditDate()),
    ("time", TEXT),
    ("incident", TEXT),
    ("direction", TEXT),
    ("card_id", Padded(8)),
    ("copy", TEXT),
    ("user", TEXT),
    first=1,
)


def audit_event_fields(command: AuditCommand, event: AuditEvent, options: WireOptions) -> list[bytes]:
    """The reply fields of an audit event (the simulator's side of ``ReadAudit.parse_reply``)."""
    return [command.encode("ascii"), *_AUDIT_EVENT.build(event, options)]


@dataclass(frozen=True)
class AuditEnd:
    """WO: no more events."""

    door: str


_AUDIT_END = Layout(AuditEnd, (None, Fixed("WO")), ("door", TEXT))

Reply = (
    EncodeReply | MobileReply | BinaryMobileReply | Acknowledgement | CardReadout | TrackReply | AuditEvent | AuditEnd
)


@dataclass(frozen=True)
class _ErrorReply:
    """What an error reply carries besides its code: EG and WE add SALTO's own description."""

    code: str
    detail: str


_ERROR_REPLY = Layout(_ErrorReply, ("code", TEXT), (None, Skipped()), ("detail", Padded()))
_ANY_SITE = WireOptions()  # an error reply reads the same at every site
_ERRORS_WITH_DETAIL = ("EG", "WE")


def raise_for_error(frame: Frame) -> None:
    """Raise ``SaltoErrorReply`` when the frame carries an error code in field 0."""
    texts = frame.text_fields()
    if texts and texts[0] in ERROR_CODES:
        _raise_error_reply(texts)


def _raise_error_reply(texts: tuple[str, ...]) -> NoReturn:
    reply = _ERROR_REPLY.parse(texts, _ANY_SITE)
    raise SaltoErrorReply(reply.code, reply.detail if reply.code in _ERRORS_WITH_DETAIL else "", texts)


def _reply_texts(frame: Frame, *commands: str) -> tuple[str, ...]:
    """The reply's fields as text, once it is neither an error code nor an answer to another command."""
    texts = frame.text_fields()
    command = texts[0] if texts else ""
    if command in ERROR_CODES:
        _raise_error_reply(texts)
    if command not in commands and split_command(command, commands) is None:
        raise RemoteProtocolError(
            Text(
                f"SALTO answered {command!r} to a {'/'.join(commands)} request.",
                f"SALTO antwoordde {command!r} op een {'/'.join(commands)}-verzoek.",
            )
        )
    return texts


def _read(layout: Layout[MessageT], texts: tuple[str, ...], options: WireOptions) -> MessageT:
    try:
        return layout.parse(texts, options)
    except RemoteProtocolError as error:
        shown = mask_phone_numbers("|".join(texts).encode("latin-1")).decode("latin-1")
        raise RemoteProtocolError(
            Text(
                f"SALTO sent a {texts[0]} reply that cannot be decoded ({error.message.en}): {shown!r}.",
                f"SALTO stuurde een {texts[0]}-antwoord dat niet te ontcijferen is ({error.message.nl}): {shown!r}.",
            )
        ) from None


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
        return _key_fields(_ENCODE_CARD, self, options)

    def parse_reply(self, frame: Frame, options: WireOptions) -> EncodeReply:
        return _read(_ENCODE_REPLY, _reply_texts(frame, self.command), options)


_ENCODE_CARD = Layout(
    EncodeCard,
    (
        ("command", "amount"),
        NumberedCommand("amount", Text("amount", "aantal"), "CN", "CC", "CA", numbers=range(1, 10)),
    ),
    ("encoder", ENCODER),
    ("eject", EJECT),
    *KEY_ENTRIES,
    ("texts", PrintedLines(3, TEXT_LINE_LENGTH)),
    ("serial_return", Choice("serial return", {None: "", **{value: str(int(value)) for value in SerialReturn}})),
    trimmable=True,
)


@dataclass(frozen=True)
class JustInKey:
    """What CNM/CCM and CNMB/CCMB share: a JustIN Mobile key for a phone."""

    command: str
    phone: str
    rooms: tuple[str, ...]
    start: datetime | None = None
    end: datetime | None = None
    granted: tuple[int, ...] = ()
    denied: tuple[int, ...] = ()
    operator: str = ""

    waits_for_card: ClassVar[bool] = False


_JUSTIN_KEY_ENTRIES: tuple[Entry, ...] = (("phone", Phone()), *KEY_ENTRIES, (None, Skipped(3)))


@dataclass(frozen=True)
class MobileKey(JustInKey):
    """CNM (new mobile key) or CCM (copy for another phone) for JustIN Mobile."""

    command: MobileCommand
    message: str = ""
    auth_code: str = ""

    def fields(self, options: WireOptions) -> list[bytes]:
        return _key_fields(_MOBILE_KEY, self, options)

    def parse_reply(self, frame: Frame, options: WireOptions) -> MobileReply:
        return _read(_MOBILE_REPLY, _reply_texts(frame, self.command), options)


@dataclass(frozen=True)
class BinaryMobileKey(JustInKey):
    """CNMB/CCMB: the key comes back as hex for the app to hand over itself."""

    command: BinaryMobileCommand
    return_installation_id: bool = False

    def fields(self, options: WireOptions) -> list[bytes]:
        return _key_fields(_BINARY_MOBILE_KEY, self, options)

    def parse_reply(self, frame: Frame, options: WireOptions) -> BinaryMobileReply:
        return _read(_BINARY_MOBILE_REPLY, _reply_texts(frame, self.command), options)


_MOBILE_KEY = Layout(
    MobileKey,
    ("command", words("command", "CNM", "CCM")),
    *_JUSTIN_KEY_ENTRIES,
    ("message", Printed(MOBILE_MESSAGE_LENGTH)),
    ("auth_code", Printed(AUTH_CODE_LENGTH)),
    trimmable=True,
)
_BINARY_MOBILE_KEY = Layout(
    BinaryMobileKey,
    ("command", words("command", "CNMB", "CCMB")),
    *_JUSTIN_KEY_ENTRIES,
    ("return_installation_id", Flag()),
)


def _key_fields(
    layout: Layout[EncodeCard | JustInKey], key: EncodeCard | JustInKey, options: WireOptions
) -> list[bytes]:
    """The fields of a card or mobile key, once its validity and authorizations make sense together."""
    fields = layout.build(key, options)
    _check_validity(key.start, key.end)
    check_no_overlap(key.granted, key.denied)
    return fields


@dataclass(frozen=True)
class CheckOut:
    """CO: void every guest card of a room, no card needed."""

    room: str

    command: ClassVar[str] = "CO"
    waits_for_card: ClassVar[bool] = False

    def fields(self, options: WireOptions) -> list[bytes]:
        return _CHECK_OUT.build(self, options)

    def parse_reply(self, frame: Frame, options: WireOptions) -> Acknowledgement:
        return _read(_ACKNOWLEDGEMENT, _reply_texts(frame, "CO"), options)


_CHECK_OUT = Layout(CheckOut, (None, Fixed("CO")), (None, Fixed("0")), ("room", Identifier("room", _ROOM, ROOM_LENGTH)))


@dataclass(frozen=True)
class ModifyCheckIn:
    """MC: move a checked-in stay to another room and/or a new expiry (PHP client only).

    An empty ``new_room`` keeps the stay in its room and only changes the expiry.
    """

    room: str
    new_room: str
    new_end: datetime
    auth_code: str = ""

    command: ClassVar[str] = "MC"
    waits_for_card: ClassVar[bool] = False

    def fields(self, options: WireOptions) -> list[bytes]:
        return _MODIFY_CHECK_IN.build(self, options)

    def parse_reply(self, frame: Frame, options: WireOptions) -> Acknowledgement:
        return _read(_ACKNOWLEDGEMENT, _reply_texts(frame, "MC"), options)


_MODIFY_CHECK_IN = Layout(
    ModifyCheckIn,
    (None, Fixed("MC")),
    ("room", Identifier("room", _ROOM, ROOM_LENGTH)),
    ("new_room", Identifier("new_room", Text("new room name", "nieuwe kamernaam"), ROOM_LENGTH, optional=True)),
    ("new_end", Time("new_end", Text("new expiry", "nieuwe vervaldatum"), required=True)),
    ("auth_code", Printed(AUTH_CODE_LENGTH)),
)


@dataclass(frozen=True)
class ReadCard:
    """LT: read the card on an encoder."""

    encoder: str
    eject: EjectMode = EjectMode.EJECT

    command: ClassVar[str] = "LT"
    waits_for_card: ClassVar[bool] = True

    def fields(self, options: WireOptions) -> list[bytes]:
        return _READ_CARD.build(self, options)

    def parse_reply(self, frame: Frame, options: WireOptions) -> CardReadout:
        texts = _reply_texts(frame, "LT")
        if len(texts) > _CARD_TYPE_AT and texts[_CARD_TYPE_AT] in _CARD_TYPE_WORDS:
            return _read(_SPECIAL_CARD, texts, options)
        return _read(_GUEST_CARD, texts, options)


_READ_CARD = Layout(ReadCard, (None, Fixed("LT")), ("encoder", ENCODER), ("eject", EJECT))


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
        return _READ_TRACK.build(self, options)

    def parse_reply(self, frame: Frame, options: WireOptions) -> TrackReply:
        return _read(_READ_TRACK_REPLY, _reply_texts(frame, self.command), options)


_READ_TRACK = Layout(ReadTrack, ("track", Track("L")), ("encoder", ENCODER), ("eject", EJECT))


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
        return _WRITE_TRACK.build(self, options)

    def parse_reply(self, frame: Frame, options: WireOptions) -> Acknowledgement:
        return _read(_ACKNOWLEDGEMENT, _reply_texts(frame, self.command), options)


_WRITE_TRACK = Layout(
    WriteTrack, ("track", Track("P")), ("encoder", ENCODER), ("eject", EJECT), ("text", Printed(TRACK_TEXT_LENGTH))
)


@dataclass(frozen=True)
class ReadAudit:
    """WF (first event), WN (next) or WR (repeat the last) of a door's audit trail."""

    command: AuditCommand
    door: str = ""

    waits_for_card: ClassVar[bool] = False

    def fields(self, options: WireOptions) -> list[bytes]:
        return (_REPEAT_AUDIT if self.command == "WR" else _READ_AUDIT).build(self, options)

    def parse_reply(self, frame: Frame, options: WireOptions) -> AuditEvent | AuditEnd:
        texts = _reply_texts(frame, "WF", "WN", "WR", "WO")
        if texts[0] == "WO":
            return _read(_AUDIT_END, texts, options)
        return _read(_AUDIT_EVENT, texts, options)


_READ_AUDIT = Layout(
    ReadAudit,
    ("command", words("command", "WF", "WN")),
    ("door", Identifier("door", Text("door name", "deurnaam"), ROOM_LENGTH)),
)
_REPEAT_AUDIT = Layout(ReadAudit, ("command", words("command", "WR")))

Request = (
    EncodeCard | MobileKey | BinaryMobileKey | CheckOut | ModifyCheckIn | ReadCard | ReadTrack | WriteTrack | ReadAudit
)

_REQUESTS: dict[str, Layout[Request]] = {
    **dict.fromkeys(("CN", "CC", "CA"), _ENCODE_CARD),
    **dict.fromkeys(("CNM", "CCM"), _MOBILE_KEY),
    **dict.fromkeys(("CNMB", "CCMB"), _BINARY_MOBILE_KEY),
    "CO": _CHECK_OUT,
    "MC": _MODIFY_CHECK_IN,
    "LT": _READ_CARD,
    **dict.fromkeys(("L1", "L2", "L3"), _READ_TRACK),
    **dict.fromkeys(("P1", "P2", "P3"), _WRITE_TRACK),
    **dict.fromkeys(("WF", "WN"), _READ_AUDIT),
    "WR": _REPEAT_AUDIT,
}


def parse_request(frame: Frame, options: WireOptions) -> Request:
    """The request a frame carries (the SALTO side); ``LocalProtocolError`` means SALTO would say ES."""
    texts = frame.text_fields()
    command = texts[0] if texts else ""
    numbered = split_command(command, ("CN", "CC", "CA"))
    layout = _REQUESTS.get(command if numbered is None else numbered[0])
    if layout is None:
        raise LocalProtocolError("command", Text(f"Unknown command {command!r}.", f"Onbekende opdracht {command!r}."))
    try:
        return layout.parse(texts, options)
    except RemoteProtocolError as error:
        raise LocalProtocolError(
            "frame",
            Text(f"Invalid {command} request: {error.message.en}", f"Ongeldig {command}-verzoek: {error.message.nl}"),
        ) from None
