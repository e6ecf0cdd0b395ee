"""The replies of the PMS Industry Standard and their field tables (SALTO -> PMS).

Each reply class has one table that reads it (``parse``) and, for the simulator, writes it
(``build``); a field that cannot be read makes the whole reply undecodable (``RemoteProtocolError``),
an error code in field 0 raises ``SaltoErrorReply``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, Literal, NoReturn

from salto_desk.errors import Text
from salto_desk.protocol.codec import Frame
from salto_desk.protocol.errors import ERROR_CODES, RemoteProtocolError, SaltoErrorReply
from salto_desk.protocol.fields import (
    AUTHORIZATIONS,
    END,
    OPERATOR,
    ROOMS,
    START,
    TEXT,
    AuditDate,
    Choice,
    Fixed,
    Padded,
    Rest,
    Skipped,
    Track,
    split_command,
    words,
)
from salto_desk.protocol.layout import Entry, Layout, MessageT, WireOptions
from salto_desk.protocol.text import mask_phone_numbers

AuditCommand = Literal["WF", "WN", "WR"]


class CardType(Enum):
    GUEST = "guest"
    STAFF = "staff"
    SPARE = "spare"
    INVALID = "invalid"
    UNKNOWN = "unknown"


COPY_NUMBERS = ("0", "1", "2", "I", "A")
INCIDENTS = {"0": "open", "2": "invalid", "3": "denied", "4": "expired", "5": "anti-passback"}


def _undecodable_reply(texts: Sequence[str], error: RemoteProtocolError) -> RemoteProtocolError:
    shown = mask_phone_numbers("|".join(texts).encode("latin-1")).decode("latin-1")
    return RemoteProtocolError(
        Text(
            f"SALTO sent a {texts[0]} reply that cannot be decoded ({error.message.en}): {shown!r}.",
            f"SALTO stuurde een {texts[0]}-antwoord dat niet te ontcijferen is ({error.message.nl}): {shown!r}.",
        )
    )


def _reply(message: type[MessageT], *entries: Entry, **settings: Any) -> Layout[MessageT]:
    """The table of a reply: a field that cannot be read makes the whole reply undecodable."""
    return Layout(message, *entries, refuse=_undecodable_reply, **settings)


@dataclass(frozen=True)
class EncodeReply:
    command: str
    encoder: str
    serials: tuple[str, ...] = ()


ENCODE_REPLY = _reply(EncodeReply, ("command", TEXT), ("encoder", TEXT), ("serials", Rest(skip_empty=True)))


@dataclass(frozen=True)
class MobileReply:
    command: str
    phone: str


MOBILE_REPLY = _reply(MobileReply, ("command", TEXT), ("phone", TEXT))


@dataclass(frozen=True)
class BinaryMobileReply:
    command: str
    phone: str
    key_hex: str
    installation_id: str = ""


BINARY_MOBILE_REPLY = _reply(
    BinaryMobileReply, ("command", TEXT), ("phone", TEXT), ("key_hex", TEXT), ("installation_id", TEXT)
)


@dataclass(frozen=True)
class Acknowledgement:
    """A reply that only confirms (CO, MC, P1-P3): the echoed fields, for the trace."""

    command: str
    fields: tuple[str, ...]


ACKNOWLEDGEMENT = _reply(Acknowledgement, ("command", TEXT), ("fields", Rest()))


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
_SPECIAL_CARD = _reply(
    CardReadout, (None, Fixed("LT")), ("encoder", TEXT), ("card_type", Choice("card type", _CARD_TYPE_CODES))
)
_CARD_TYPE_AT = _SPECIAL_CARD.position("card_type")  # where a guest card has its main room
_GUEST_CARD = _reply(
    CardReadout,
    (None, Fixed("LT")),
    ("encoder", TEXT),
    ("rooms", ROOMS),
    ("checked_in", Choice("check-in status", {True: "CI", False: "CO"})),
    ("copy", words("copy number", *COPY_NUMBERS)),
    ("granted", AUTHORIZATIONS),
    ("start", START),
    ("end", END),
    ("operator", OPERATOR),
    fixed={"card_type": CardType.GUEST},
)
_CARD_TYPE_WORDS = frozenset(_CARD_TYPE_CODES.values())


def card_readout(frame: Frame, options: WireOptions) -> CardReadout:
    """The LT reply: a card type alone, or the guest key on the card."""
    texts = reply_texts(frame, ("LT",))
    if len(texts) > _CARD_TYPE_AT and texts[_CARD_TYPE_AT] in _CARD_TYPE_WORDS:
        return _SPECIAL_CARD.parse(texts, options)
    return _GUEST_CARD.parse(texts, options)


def card_readout_fields(card: CardReadout, options: WireOptions) -> list[bytes]:
    """The LT reply fields for a card (the simulator's side of ``ReadCard.parse_reply``)."""
    return (_GUEST_CARD if card.card_type is CardType.GUEST else _SPECIAL_CARD).build(card, options)


@dataclass(frozen=True)
class TrackReply:
    track: int
    encoder: str
    text: str


TRACK_REPLY = _reply(TrackReply, ("track", Track("L")), ("encoder", TEXT), ("text", TEXT))


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


_AUDIT_EVENT = _reply(  # after the command, which echoes the request's WF, WN or WR
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


def audit_reply(frame: Frame, options: WireOptions) -> AuditEvent | AuditEnd:
    """A WF/WN/WR reply: the event, or WO when there are no more."""
    texts = reply_texts(frame, ("WF", "WN", "WR", "WO"))
    if texts[0] == "WO":
        return _AUDIT_END.parse(texts, options)
    return _AUDIT_EVENT.parse(texts, options)


def audit_event_fields(command: AuditCommand, event: AuditEvent, options: WireOptions) -> list[bytes]:
    """The reply fields of an audit event (the simulator's side of ``ReadAudit.parse_reply``)."""
    return [command.encode("ascii"), *_AUDIT_EVENT.build(event, options)]


@dataclass(frozen=True)
class AuditEnd:
    """WO: no more events."""

    door: str


_AUDIT_END = _reply(AuditEnd, (None, Fixed("WO")), ("door", TEXT))

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


def reply_texts(frame: Frame, commands: tuple[str, ...]) -> tuple[str, ...]:
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
