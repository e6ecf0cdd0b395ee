"""Physical cards as the simulated encoders see them: what LT reads back and what CN/CC/CA overwrite."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime

from salto_desk.errors import Text, ValidationError
from salto_desk.protocol.messages import CardType

TRACK_COUNT = 3


def new_uid() -> str:
    """A 7-byte MIFARE-style UID as 14 upper-case hex digits (04 = NXP, the usual hotel card maker).

    This is the format the simulator returns for the serial numbers of CN/CC/CA field 15; the real
    format is not public.
    """
    return "04" + secrets.token_hex(6).upper()


@dataclass(frozen=True)
class GuestKey:
    """What an encode wrote on a guest card; ``stay_id`` ties it to the stay that keeps it valid."""

    stay_id: int
    rooms: tuple[str, ...]
    copy: str
    granted: tuple[int, ...]
    start: datetime | None
    end: datetime | None
    operator: str


@dataclass(frozen=True)
class SimCard:
    """One card: its type as LT reports it, the guest key on it, its three text tracks and its UID.

    A blank card is ``CardType.UNKNOWN`` (LT answers LD). ``other_system`` cards also read as LD but
    cannot be written (EF), like cards of another lock system.
    """

    card_type: CardType = CardType.UNKNOWN
    key: GuestKey | None = None
    tracks: tuple[str, str, str] = ("", "", "")
    other_system: bool = False
    uid: str = field(default_factory=new_uid)

    def __post_init__(self) -> None:
        if (self.card_type is CardType.GUEST) != (self.key is not None):
            raise ValidationError(
                "card",
                Text(
                    "A guest card needs a guest key, and only a guest card can carry one.",
                    "Een gastenkaart heeft een gastsleutel nodig, en alleen een gastenkaart kan er een dragen.",
                ),
            )
        if self.other_system and self.card_type is not CardType.UNKNOWN:
            raise ValidationError(
                "card",
                Text(
                    "A card of another system reads as unidentified; it cannot have a SALTO card type.",
                    "Een kaart van een ander systeem is onbekend; die kan geen SALTO-kaarttype hebben.",
                ),
            )

    @classmethod
    def blank(cls) -> SimCard:
        return cls()

    @classmethod
    def staff(cls) -> SimCard:
        return cls(CardType.STAFF)

    @classmethod
    def spare(cls) -> SimCard:
        return cls(CardType.SPARE)

    @classmethod
    def invalid(cls) -> SimCard:
        return cls(CardType.INVALID)

    @classmethod
    def from_other_system(cls) -> SimCard:
        return cls(other_system=True)

    def with_track(self, track: int, text: str) -> SimCard:
        """The same card with text track ``track`` (1-3) rewritten."""
        tracks = list(self.tracks)
        tracks[track - 1] = text
        return replace(self, tracks=(tracks[0], tracks[1], tracks[2]))
