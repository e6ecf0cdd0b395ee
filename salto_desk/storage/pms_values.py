"""What the desk reads from the BEX cache and asks of it, and where a pull stands: plain values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from salto_desk.keys.model import BookingFacts
from salto_desk.keys.phones import PhoneProblem
from salto_desk.pms.selection import ReservationSelection


class Period(StrEnum):
    ALL = "all"
    ARRIVALS = "arrivals"
    IN_HOUSE = "in_house"
    DEPARTURES = "departures"


@dataclass(frozen=True)
class CachedObject:
    administration_id: int
    pms_id: str
    name: str
    object_type: str
    labels: tuple[str, ...]
    door_name: str
    """The SALTO door name (door_names table) or else the object name."""


@dataclass(frozen=True)
class CachedReservation:
    administration_id: int
    pms_id: str
    booking_nr: str
    state: str
    """BEX's state as cached: ``confirmed``, ``option``, ``cancelled``..."""
    start_date: date
    end_date: date
    checked_in_at: datetime | None
    """BEX gives the day only: the start of that day in the administration's zone (UTC-aware)."""
    checked_out_at: datetime | None
    guest_name: str
    phone: str | None
    """The guest's phone in E.164 form, or as BEX has it when it cannot be used (``phone_problem`` says why)."""
    email: str | None
    object_pms_id: str | None
    object_name: str
    door_name: str
    object_type: str
    labels: tuple[str, ...]
    extras: tuple[str, ...]
    costs: tuple[str, ...]
    license_plate: str | None
    """BEX API v3 has no license-plate field; always None from BEX (the desk enters it on the key)."""
    facts: BookingFacts = field(default_factory=BookingFacts)
    """What products match on: names and ids of object type, costs and extras, and the labels."""
    phone_problem: PhoneProblem | None = None
    object_missing: bool = False
    """BEX no longer lists the reservation's object (it was deleted there)."""

    @property
    def sendable_phone(self) -> str | None:
        """The phone a mobile key can go to: the E.164 one, never one that was refused."""
        return None if self.phone_problem is not None else self.phone

    @property
    def checked_in(self) -> bool:
        return self.checked_in_at is not None

    @property
    def checked_out(self) -> bool:
        return self.checked_out_at is not None


@dataclass(frozen=True)
class CachedOwner:
    administration_id: int
    pms_id: str
    name: str
    phone: str | None
    email: str | None
    objects: tuple[CachedObject, ...]
    """Their accommodations on the day asked for (units change owner mid-year)."""


@dataclass(frozen=True)
class ReservationQuery:
    administration_id: int | None = None
    """None: every administration set up at the desk."""
    text: str = ""
    """Matches booking nr, guest name, object name or door name, ignoring case and accents."""
    period: Period = Period.ALL
    day: date | None = None
    """"Today" in the administration's zone; required unless ``period`` is ALL."""
    date_from: date | None = None
    date_to: date | None = None
    """The stay overlaps [date_from, date_to] (either end may be open)."""
    states: frozenset[str] = frozenset()
    """Empty: every state."""
    limit: int = 500


@dataclass(frozen=True)
class FilterChoices:
    labels: tuple[str, ...]
    object_types: tuple[str, ...]
    costs: tuple[str, ...]
    extras: tuple[str, ...]


@dataclass(frozen=True)
class SyncStatus:
    last_success_at: datetime | None
    last_attempt_at: datetime | None
    last_error: str | None
    offline_since: datetime | None
    """The first failed attempt after the last success, else None."""


@dataclass(frozen=True)
class SyncCursor:
    """Where the next incremental pulls of one BEX administration start (None: pull everything)."""

    reservations_until: datetime | None
    objects_until: datetime | None
    objects_complete_at: datetime | None = None
    """When the last read of every object began (None: never, or unchanged by this success)."""


@dataclass(frozen=True)
class UnfinishedPull:
    """A reservation pull that stopped (rate limit, crash, network): what it asks and how far it got.

    ``offset`` counts the records of the pages stored (not a page number: the page size may differ next time).
    """

    selection: ReservationSelection
    offset: int
