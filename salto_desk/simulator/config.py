"""What the simulated ProAccess Space looks like: address, rooms, encoders, timing and JustIN phones."""

from __future__ import annotations

from dataclasses import dataclass, field

from salto_desk.errors import Text, ValidationError
from salto_desk.protocol.errors import LocalProtocolError
from salto_desk.protocol.messages import WireOptions
from salto_desk.protocol.text import ENCODER_LENGTH, ROOM_LENGTH, TextEncoding, normalize_phone, wire_identifier

DEFAULT_ROOMS = tuple(str(number) for number in range(101, 121))
DEFAULT_ENCODERS = ("1", "2")


@dataclass(frozen=True)
class SimulatorConfig:
    """Settings of one simulator; invalid values are refused here, before any socket is opened.

    - ``host``/``port``: TCP address to listen on; port 0 picks a free port (see ``Simulator.endpoint``).
    - ``rooms``: the doors SALTO knows (unknown rooms get TD); ``out_of_service`` of them get OS.
    - ``encoders``: encoder identifiers SALTO knows (unknown ones get NC).
    - ``card_delay``: seconds the simulated receptionist needs to present a card to an encoder.
    - ``card_timeout``/``no_card``: with ``no_card`` nobody presents a card and every card job ends
      with ED after ``card_timeout`` seconds (unless a test places a card by hand).
    - ``phones``: phones registered in JustIN Mobile; None registers every E.164 number.
    - ``serial``: also serve the protocol on a pseudo-terminal (POSIX only).
    - ``options``: the site's wire settings (time zone, LRC, audit date order...).
    - ``concurrent_clients``: serve several TCP clients at once. The reference infers [INF] that
      ProAccess Space serves one at a time (the default: later clients wait until it leaves).
    - ``mobile_check_in_new_stay``: CNM/CNMB start a new stay and void older keys of the rooms, like
      CN (the default, inferred [INF] from "same as CN"); False adds the key to the room's current
      stay when there is one.
    """

    host: str = "127.0.0.1"
    port: int = 0
    rooms: tuple[str, ...] = DEFAULT_ROOMS
    encoders: tuple[str, ...] = DEFAULT_ENCODERS
    card_delay: float = 2.0
    card_timeout: float = 30.0
    no_card: bool = False
    phones: tuple[str, ...] | None = None
    out_of_service: tuple[str, ...] = ()
    serial: bool = False
    options: WireOptions = field(default_factory=WireOptions)
    concurrent_clients: bool = False
    mobile_check_in_new_stay: bool = True

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise ValidationError(
                "port",
                Text(f"Port {self.port} does not exist.", f"Poort {self.port} bestaat niet."),
                Text(
                    "Use a port from 1 to 65535, or 0 for a free one.",
                    "Gebruik een poort van 1 tot 65535, of 0 voor een vrije.",
                ),
            )
        encoding = self.options.encoding
        _check_names("rooms", Text("room name", "kamernaam"), self.rooms, ROOM_LENGTH, encoding)
        _check_names(
            "encoders", Text("encoder identifier", "encoder-identificatie"), self.encoders, ENCODER_LENGTH, encoding
        )
        unknown = sorted(set(self.out_of_service) - set(self.rooms))
        if unknown:
            raise ValidationError(
                "out_of_service",
                Text(
                    f"Out-of-service rooms {', '.join(unknown)} are not in the room list.",
                    f"Kamers buiten gebruik {', '.join(unknown)} staan niet in de kamerlijst.",
                ),
            )
        _check_seconds("card_delay", self.card_delay, allow_zero=True)
        _check_seconds("card_timeout", self.card_timeout, allow_zero=False)
        for phone in self.phones or ():
            try:
                normalize_phone(phone)
            except LocalProtocolError as error:
                raise ValidationError("phones", error.message, error.action) from None


def _check_names(name: str, label: Text, values: tuple[str, ...], max_length: int, encoding: TextEncoding) -> None:
    """Rooms and encoders must be sendable as they are, exactly like the names a client sends."""
    if not values:
        raise ValidationError(
            name,
            Text(f"The simulator needs at least one {label.en}.", f"De simulator heeft minstens één {label.nl} nodig."),
        )
    for value in values:
        try:
            wire_identifier(name, label, value, max_length, encoding)
        except LocalProtocolError as error:
            raise ValidationError(name, error.message, error.action) from None
    duplicates = sorted({value for value in values if values.count(value) > 1})
    if duplicates:
        raise ValidationError(
            name,
            Text(
                f"The {label.en} list names {', '.join(duplicates)} more than once.",
                f"De {label.nl}lijst noemt {', '.join(duplicates)} meer dan eens.",
            ),
        )


def _check_seconds(name: str, seconds: float, *, allow_zero: bool) -> None:
    if seconds < 0 or (seconds == 0 and not allow_zero) or seconds != seconds:
        minimum = Text("0 or more", "0 of meer") if allow_zero else Text("more than 0", "meer dan 0")
        raise ValidationError(
            name,
            Text(
                f"{name} must be {minimum.en} seconds, not {seconds}.",
                f"{name} moet {minimum.nl} seconden zijn, niet {seconds}.",
            ),
        )
