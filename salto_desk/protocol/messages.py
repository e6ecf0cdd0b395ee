"""Typed requests of the PMS Industry Standard (PMS -> SALTO), each described by one field table.

A request builds its frame from its table (``fields``) and reads the reply meant for it with the
reply's table (``replies.py``); ``parse_request`` reads requests with the same tables (the
simulator's side), so a round trip proves both directions agree. The reply classes are imported
from here as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum, IntEnum
from typing import Any, ClassVar, Literal

from salto_desk.errors import Text
from salto_desk.protocol.codec import Frame
from salto_desk.protocol.errors import LocalProtocolError, RemoteProtocolError
from salto_desk.protocol.fields import (
    AUTHORIZATIONS,
    END,
    OPERATOR,
    ROOM_NAME,
    ROOMS,
    START,
    Choice,
    Fixed,
    Flag,
    Identifier,
    NumberedCommand,
    Phone,
    Printed,
    PrintedLines,
    RequiredTime,
    Skipped,
    Track,
    split_command,
    words,
)
from salto_desk.protocol.layout import AuditDateOrder, Entry, Layout, MessageT, TrailingFields, WireOptions
from salto_desk.protocol.replies import (
    ACKNOWLEDGEMENT,
    BINARY_MOBILE_REPLY,
    COPY_NUMBERS,
    ENCODE_REPLY,
    INCIDENTS,
    MOBILE_REPLY,
    TRACK_REPLY,
    Acknowledgement,
    AuditCommand,
    AuditEnd,
    AuditEvent,
    BinaryMobileReply,
    CardReadout,
    CardType,
    EncodeReply,
    MobileReply,
    Reply,
    TrackReply,
    audit_event_fields,
    audit_reply,
    card_readout,
    card_readout_fields,
    raise_for_error,
    reply_texts,
)
from salto_desk.protocol.text import (
    AUTH_CODE_LENGTH,
    ENCODER_LENGTH,
    MOBILE_MESSAGE_LENGTH,
    ROOM_LENGTH,
    TEXT_LINE_LENGTH,
    TRACK_TEXT_LENGTH,
    check_no_overlap,
)

__all__ = [
    "COPY_NUMBERS",
    "INCIDENTS",
    "Acknowledgement",
    "AuditCommand",
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
    "JustInKey",
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


class EjectMode(Enum):
    EJECT = "E"
    RETAIN = "R"
    REAR = "T"


class SerialReturn(IntEnum):
    NONE = 0
    LAST = 1
    ALL = 2


# --- the kinds of value the tables below are made of -----------------------------------------------

ENCODER = Identifier("encoder", Text("encoder identifier", "encoder-identificatie"), ENCODER_LENGTH)
EJECT = Choice("eject", {mode: mode.value for mode in EjectMode})
KEY_ENTRIES: tuple[Entry, ...] = (  # rooms to validity: the same in CN/CC/CA and CNM/CCM/CNMB/CCMB
    ("rooms", ROOMS),
    ("granted", AUTHORIZATIONS),
    ("denied", AUTHORIZATIONS),
    ("start", START),
    ("end", END),
    ("operator", OPERATOR),
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


def _invalid_request(texts: Sequence[str], error: RemoteProtocolError) -> LocalProtocolError:
    """What the simulator answers ES to: a request field SALTO could not read."""
    return LocalProtocolError(
        "frame",
        Text(f"Invalid {texts[0]} request: {error.message.en}", f"Ongeldig {texts[0]}-verzoek: {error.message.nl}"),
    )


def _request(message: type[MessageT], *entries: Entry, **settings: Any) -> Layout[MessageT]:
    """The table of a request: a field that cannot be read makes it invalid (SALTO says ES)."""
    return Layout(message, *entries, refuse=_invalid_request, **settings)


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
        return ENCODE_REPLY.parse(reply_texts(frame, (self.command,)), options)


_ENCODE_CARD = _request(
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
        return MOBILE_REPLY.parse(reply_texts(frame, (self.command,)), options)


@dataclass(frozen=True)
class BinaryMobileKey(JustInKey):
    """CNMB/CCMB: the key comes back as hex for the app to hand over itself."""

    command: BinaryMobileCommand
    return_installation_id: bool = False

    def fields(self, options: WireOptions) -> list[bytes]:
        return _key_fields(_BINARY_MOBILE_KEY, self, options)

    def parse_reply(self, frame: Frame, options: WireOptions) -> BinaryMobileReply:
        return BINARY_MOBILE_REPLY.parse(reply_texts(frame, (self.command,)), options)


_MOBILE_KEY = _request(
    MobileKey,
    ("command", words("command", "CNM", "CCM")),
    *_JUSTIN_KEY_ENTRIES,
    ("message", Printed(MOBILE_MESSAGE_LENGTH)),
    ("auth_code", Printed(AUTH_CODE_LENGTH)),
    trimmable=True,
)
_BINARY_MOBILE_KEY = _request(
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
        return ACKNOWLEDGEMENT.parse(reply_texts(frame, ("CO",)), options)


_CHECK_OUT = _request(
    CheckOut, (None, Fixed("CO")), (None, Fixed("0")), ("room", Identifier("room", ROOM_NAME, ROOM_LENGTH))
)


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
        return ACKNOWLEDGEMENT.parse(reply_texts(frame, ("MC",)), options)


_MODIFY_CHECK_IN = _request(
    ModifyCheckIn,
    (None, Fixed("MC")),
    ("room", Identifier("room", ROOM_NAME, ROOM_LENGTH)),
    ("new_room", Identifier("new_room", Text("new room name", "nieuwe kamernaam"), ROOM_LENGTH, optional=True)),
    ("new_end", RequiredTime("new_end", Text("new expiry", "nieuwe vervaldatum"))),
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
        return card_readout(frame, options)


_READ_CARD = _request(ReadCard, (None, Fixed("LT")), ("encoder", ENCODER), ("eject", EJECT))


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
        return TRACK_REPLY.parse(reply_texts(frame, (self.command,)), options)


_READ_TRACK = _request(ReadTrack, ("track", Track("L")), ("encoder", ENCODER), ("eject", EJECT))


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
        return ACKNOWLEDGEMENT.parse(reply_texts(frame, (self.command,)), options)


_WRITE_TRACK = _request(
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
        return audit_reply(frame, options)


_READ_AUDIT = _request(
    ReadAudit,
    ("command", words("command", "WF", "WN")),
    ("door", Identifier("door", Text("door name", "deurnaam"), ROOM_LENGTH)),
)
_REPEAT_AUDIT = _request(ReadAudit, ("command", words("command", "WR")))

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
    return layout.parse(texts, options)
