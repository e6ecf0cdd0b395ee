"""BEX data cached in the database: the desk searches it fast and keeps working when BEX is away.

The cache is keyed by BEX administration id, so administrations not set up at the desk are kept
too; the reads take the desk's administration id and resolve object types, labels, door names and
catalogue names at read time, so a door name the manager changes shows at once. Searching folds
case and accents ("joelle" finds "Joëlle") with portable SQL only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from enum import StrEnum
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, delete, false, func, insert, or_, select, update
from sqlalchemy.orm import Session

from salto_desk.errors import Text, ValidationError
from salto_desk.keys.model import BookingFacts
from salto_desk.keys.phones import PhoneProblem, country_of_zone, read_phone
from salto_desk.pms.models import CatalogueItem, InventoryObject, OrderedItem, Owner, RentableType, Reservation
from salto_desk.pms.selection import ReservationSelection
from salto_desk.pms.texts import shown
from salto_desk.storage.errors import NotFoundError
from salto_desk.storage.orm import (
    AdministrationRow,
    DoorNameRow,
    PmsAgreementRow,
    PmsCatalogueRow,
    PmsObjectRow,
    PmsOwnerRow,
    PmsRentableTypeRow,
    PmsReservationRow,
    PmsSyncStateRow,
)

CHUNK = 500
"""Ids per ``IN (...)`` list: far below every database's parameter limit."""
BULK = {"render_nulls": True}
"""Execution options of bulk inserts: a None is sent as NULL, so rows with and without a phone (say) share
one batched statement; without it SQLAlchemy groups rows by which columns are None, statement by statement."""
_LINES = "\n"
_FIELDS = "\t"
_ADMINISTRATION = Text("administration", "administratie")


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


def fold(text: str) -> str:
    """Text for comparing: accents removed, case folded ("Joëlle" -> "joelle", "Groß" -> "gross")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
"""NUL and lone surrogates: PostgreSQL and UTF-8 cannot hold them, so a cached text gets U+FFFD in their place."""


def _storable(values: dict[str, Any]) -> dict[str, Any]:
    """A row's values with every text as BEX sent it, except for what no database can store."""
    return {
        name: _UNSTORABLE.sub("\ufffd", value) if isinstance(value, str) and _UNSTORABLE.search(value) else value
        for name, value in values.items()
    }


def _chunks(values: Iterable[str]) -> Iterator[list[str]]:
    iterator = iter(values)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk


def _items(items: Iterable[OrderedItem], kind: str) -> str:
    return _LINES.join(f"{item.catalogue_id}{_FIELDS}{item.name or ''}" for item in items if item.kind == kind)


def _parse_items(text: str) -> list[tuple[str, str]]:
    pairs = []
    for line in text.split(_LINES) if text else ():
        identifier, _, name = line.partition(_FIELDS)
        pairs.append((identifier, name))
    return pairs


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split(_LINES)) if text else ()


@dataclass(frozen=True)
class _Site:
    """One desk administration and the lookups that turn cached rows into what the desk shows."""

    id: int
    pms_id: str
    zone: ZoneInfo
    country: str | None
    objects: dict[str, PmsObjectRow]
    types: dict[str, str]
    doors: dict[str, str]

    def object(self, row: PmsObjectRow) -> CachedObject:
        return CachedObject(
            administration_id=self.id,
            pms_id=row.pms_id,
            name=shown(row.name),
            object_type=shown(self.types.get(row.rentable_type_id or "", "")),
            labels=tuple(shown(label) for label in _split(row.labels)),
            door_name=self.doors.get(row.pms_id) or row.name,
        )

    def moment(self, day: date | None) -> datetime | None:
        return None if day is None else datetime.combine(day, time(0, 0), tzinfo=self.zone).astimezone(UTC)

    def reservation(self, row: PmsReservationRow) -> CachedReservation:
        unit = self.objects.get(row.object_pms_id) if row.object_pms_id else None
        type_id = row.rentable_type_id or (unit.rentable_type_id if unit else None)
        object_type = self.types.get(type_id or "", "")
        labels = _split(unit.labels) if unit else ()
        extras, costs = _parse_items(row.extras), _parse_items(row.costs)
        object_name = unit.name if unit else ""
        phone, phone_problem = read_phone(row.phone, self.country)
        return CachedReservation(
            administration_id=self.id,
            pms_id=row.pms_id,
            booking_nr=shown(row.booking_nr),
            state=row.state,
            start_date=row.start_date,
            end_date=row.end_date,
            checked_in_at=self.moment(row.checked_in_on),
            checked_out_at=self.moment(row.checked_out_on),
            guest_name=shown(row.guest_name),
            phone=phone or (shown(row.phone) if row.phone else None),
            email=shown(row.email) if row.email else None,
            object_pms_id=row.object_pms_id,
            object_name=shown(object_name),
            door_name=(self.doors.get(row.object_pms_id) if row.object_pms_id else None) or object_name,
            object_type=shown(object_type),
            labels=tuple(shown(label) for label in labels),
            extras=tuple(shown(name or identifier) for identifier, name in extras),
            costs=tuple(shown(name or identifier) for identifier, name in costs),
            license_plate=None,
            facts=BookingFacts(
                labels=frozenset(labels),
                object_type=object_type,
                costs=frozenset(value for pair in costs for value in pair if value),
                extras=frozenset(value for pair in extras for value in pair if value),
                object_type_ids=frozenset({type_id} if type_id else ()),
            ),
            phone_problem=phone_problem,
            object_missing=row.object_pms_id is not None and unit is None,
        )


class PmsRepository:
    """Cached BEX data within one session (one unit of work): the desk's reads and the sync's writes."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._sites: dict[int, _Site] = {}

    # --- reads -----------------------------------------------------------------------------------

    def search_reservations(self, query: ReservationQuery) -> list[CachedReservation]:
        """Matching reservations: arrivals of ``day`` first, then by start date and booking nr."""
        if query.period is not Period.ALL and query.day is None:
            raise ValidationError(
                "day",
                Text(
                    f"The period {query.period.value!r} needs the day it is relative to.",
                    f"De periode {query.period.value!r} heeft de dag nodig waar hij op slaat.",
                ),
            )
        sites = self._sites_for(query.administration_id)
        if not sites or query.limit <= 0:
            return []
        statement = select(PmsReservationRow).where(
            or_(*(PmsReservationRow.administration_pms_id == site.pms_id for site in sites))
        )
        for condition in self._conditions(query, sites):
            statement = statement.where(condition)
        order: list[Any] = []
        if query.day is not None:
            order.append(case((PmsReservationRow.start_date == query.day, 0), else_=1))
        statement = statement.order_by(
            *order, PmsReservationRow.start_date, PmsReservationRow.booking_nr, PmsReservationRow.pms_id
        ).limit(query.limit)
        by_pms_id = {site.pms_id: site for site in sites}
        return [by_pms_id[row.administration_pms_id].reservation(row) for row in self.session.scalars(statement)]

    def reservation(self, administration_id: int, pms_id: str) -> CachedReservation | None:
        found = self.reservations(administration_id, (pms_id,))
        return found[0] if found else None

    def reservations(self, administration_id: int, pms_ids: Collection[str]) -> list[CachedReservation]:
        """The cached reservations among ``pms_ids`` (unknown ids are left out), by start date."""
        site = self._site(administration_id)
        found: list[CachedReservation] = []
        for chunk in _chunks(pms_ids):
            rows = self.session.scalars(
                select(PmsReservationRow).where(
                    PmsReservationRow.administration_pms_id == site.pms_id, PmsReservationRow.pms_id.in_(chunk)
                )
            )
            found += (site.reservation(row) for row in rows)
        return sorted(found, key=lambda each: (each.start_date, each.booking_nr, each.pms_id))

    def stays_ending_from(
        self, administration_id: int, day: date, *, starting_by: date | None = None
    ) -> list[CachedReservation]:
        """Reservations that end on or after ``day`` (and start by ``starting_by``), by start date."""
        site = self._site(administration_id)
        statement = select(PmsReservationRow).where(
            PmsReservationRow.administration_pms_id == site.pms_id, PmsReservationRow.end_date >= day
        )
        if starting_by is not None:
            statement = statement.where(PmsReservationRow.start_date <= starting_by)
        statement = statement.order_by(PmsReservationRow.start_date, PmsReservationRow.booking_nr)
        return [site.reservation(row) for row in self.session.scalars(statement)]

    def pending_reservations(self, administration_id: int) -> list[CachedReservation]:
        """Reservations stored (or whose object changed) since their key data was last derived, by start date."""
        site = self._site(administration_id)
        statement = select(PmsReservationRow).where(
            PmsReservationRow.administration_pms_id == site.pms_id, PmsReservationRow.pending_keys.is_(True)
        )
        statement = statement.order_by(PmsReservationRow.start_date, PmsReservationRow.booking_nr)
        return [site.reservation(row) for row in self.session.scalars(statement)]

    def owners(self, administration_id: int, text: str = "", *, day: date | None = None) -> list[CachedOwner]:
        """Owners whose name, e-mail or units match ``text``, with their units on ``day`` (default today)."""
        site = self._site(administration_id)
        on = day or datetime.now(site.zone).date()
        rows = list(
            self.session.scalars(
                select(PmsOwnerRow).where(PmsOwnerRow.administration_pms_id == site.pms_id).order_by(PmsOwnerRow.name)
            )
        )
        units = self._owner_units(site, on)
        needle = fold(text.strip())
        owners = [self._owner(site, row, units.get(row.pms_id, ())) for row in rows]
        if not needle:
            return owners
        return [
            owner
            for row, owner in zip(rows, owners, strict=True)
            if needle in row.search_text
            or any(needle in fold(unit.name) or needle in fold(unit.door_name) for unit in owner.objects)
        ]

    def owner(self, administration_id: int, pms_id: str, *, day: date | None = None) -> CachedOwner | None:
        site = self._site(administration_id)
        row = self.session.get(PmsOwnerRow, (site.pms_id, pms_id))
        if row is None:
            return None
        units = self._owner_units(site, day or datetime.now(site.zone).date(), owner_pms_id=pms_id)
        return self._owner(site, row, units.get(pms_id, ()))

    def objects(self, administration_id: int) -> list[CachedObject]:
        site = self._site(administration_id)
        return sorted((site.object(row) for row in site.objects.values()), key=lambda unit: fold(unit.name))

    def filter_choices(self, administration_id: int) -> FilterChoices:
        """The values product filters can pick from: object labels and types, costs and extras, by name."""
        site = self._site(administration_id)
        catalogue = self.session.execute(
            select(PmsCatalogueRow.kind, PmsCatalogueRow.name).where(
                PmsCatalogueRow.administration_pms_id == site.pms_id
            )
        ).all()

        def tidy(values: Iterable[str]) -> tuple[str, ...]:
            return tuple(sorted({value for value in values if value}, key=fold))

        return FilterChoices(
            labels=tidy(label for row in site.objects.values() for label in _split(row.labels)),
            object_types=tidy(site.types.values()),
            costs=tidy(name for kind, name in catalogue if kind == "cost"),
            extras=tidy(name for kind, name in catalogue if kind == "extra"),
        )

    def sync_status(self, administration_id: int) -> SyncStatus:
        row = self.session.get(PmsSyncStateRow, self._administration(administration_id).pms_id)
        if row is None:
            return SyncStatus(None, None, None, None)
        return SyncStatus(row.last_success_at, row.last_attempt_at, row.last_error, row.offline_since)

    # --- sync bookkeeping ------------------------------------------------------------------------

    def sync_cursor(self, administration_pms_id: str) -> SyncCursor:
        row = self.session.get(PmsSyncStateRow, administration_pms_id)
        if row is None:
            return SyncCursor(None, None)
        return SyncCursor(row.reservations_until, row.objects_until, row.objects_complete_at)

    def record_sync_success(
        self, administration_pms_id: str, *, name: str | None, now: datetime, cursor: SyncCursor
    ) -> None:
        """A whole pull went through: the cursor moves, the error and the pause go."""
        row = self._state_row(administration_pms_id)
        row.name = name or row.name
        row.last_success_at = row.last_attempt_at = now
        row.last_error = row.offline_since = row.paused_until = None
        row.reservations_until, row.objects_until = cursor.reservations_until, cursor.objects_until
        row.objects_complete_at = cursor.objects_complete_at or row.objects_complete_at
        self.session.flush()

    def unfinished_pull(self, administration_pms_id: str) -> UnfinishedPull | None:
        """The reservation pull a run left unfinished, to go on with; None when the last one finished."""
        row = self.session.get(PmsSyncStateRow, administration_pms_id)
        if row is None or row.pull_started is None or row.pull_offset is None:
            return None
        selection = ReservationSelection(row.pull_started, row.pull_updated_since, row.pull_departing_from)
        return UnfinishedPull(selection, row.pull_offset)

    def record_pull_progress(self, administration_pms_id: str, pull: UnfinishedPull | None) -> None:
        """How far the reservation pull got (None: it finished); stored with the page it follows."""
        row = self._state_row(administration_pms_id)
        selection = pull.selection if pull is not None else None
        row.pull_started = selection.started if selection is not None else None
        row.pull_updated_since = selection.updated_since if selection is not None else None
        row.pull_departing_from = selection.departing_from if selection is not None else None
        row.pull_offset = pull.offset if pull is not None else None
        self.session.flush()

    def record_pause(self, administration_pms_id: str, *, now: datetime, until: datetime, error: str) -> None:
        """BEX asked to wait until ``until``: no request before then. BEX answered, so it is not offline."""
        row = self._state_row(administration_pms_id)
        row.last_attempt_at, row.last_error, row.paused_until = now, error, until
        self.session.flush()

    def paused_until(self) -> datetime | None:
        """The latest time any administration's pull was asked to wait until (BEX limits per API key)."""
        return self.session.scalar(select(func.max(PmsSyncStateRow.paused_until)))

    def record_sync_failure(
        self, administration_pms_id: str, *, now: datetime, error: str, offline: bool = True
    ) -> None:
        """BEX could not be read: the cache stays as it was; ``offline_since`` keeps the first failure. With
        ``offline`` False BEX answered but refused this administration (it does not list it for the key):
        the error is kept, and nothing says BEX is unreachable."""
        row = self._state_row(administration_pms_id)
        row.last_attempt_at, row.last_error = now, error
        row.offline_since = (row.offline_since or now) if offline else None
        self.session.flush()

    def configuration_digest(self, administration_pms_id: str) -> str | None:
        row = self.session.get(PmsSyncStateRow, administration_pms_id)
        return None if row is None else row.configuration

    def record_configuration_digest(self, administration_pms_id: str, digest: str) -> None:
        """The configuration the key data of this administration now follows."""
        self._state_row(administration_pms_id).configuration = digest
        self.session.flush()

    # --- writes (the sync) -----------------------------------------------------------------------

    def store_reservations(self, administration_pms_id: str, reservations: Sequence[Reservation]) -> None:
        """Insert or replace reservations; each must have its start and end date."""
        values = []
        for reservation in reservations:
            if reservation.start_date is None or reservation.end_date is None:
                raise ValueError(f"reservation {reservation.id} has no stay dates and cannot be cached")
            contact = reservation.contact
            booking_nr, guest_name = reservation.booking_nr or "", reservation.display_name or ""
            values.append(
                {
                    "administration_pms_id": administration_pms_id,
                    "pms_id": reservation.id,
                    "booking_nr": booking_nr,
                    "state": (reservation.state or "").casefold(),
                    "start_date": reservation.start_date,
                    "end_date": reservation.end_date,
                    "checked_in_on": reservation.checked_in_on,
                    "checked_out_on": reservation.checked_out_on,
                    "guest_name": guest_name,
                    "phone": (contact.phone or None) if contact else None,
                    "email": (contact.email or None) if contact else None,
                    "object_pms_id": reservation.inventory_object_id,
                    "rentable_type_id": reservation.rentable_type_id,
                    "extras": _items(reservation.ordered, "extra"),
                    "costs": _items(reservation.ordered, "cost"),
                    "search_text": fold(shown(f"{booking_nr} {guest_name}")),
                    "updated_at": reservation.updated_at,
                    "pending_keys": True,
                }
            )
        self._replace(PmsReservationRow, administration_pms_id, values)

    def clear_pending(self, administration_pms_id: str, pms_ids: Collection[str]) -> None:
        """These reservations' key data follows what is cached now."""
        for chunk in _chunks(sorted(set(pms_ids))):
            self.session.execute(
                update(PmsReservationRow)
                .where(PmsReservationRow.administration_pms_id == administration_pms_id)
                .where(PmsReservationRow.pms_id.in_(chunk))
                .values(pending_keys=False)
            )

    def store_objects(
        self, administration_pms_id: str, objects: Sequence[InventoryObject], *, complete: bool = False
    ) -> None:
        """Insert or replace objects; ``complete`` (every object BEX has) also removes the ones it no longer lists.

        Reservations on an object that is new, renamed, relabelled, retyped or removed wait for their key
        data to be derived again (``pending_reservations``), also when the reservation itself did not change.
        """
        before = {
            row.pms_id: (row.name, row.labels, row.rentable_type_id)
            for row in self.session.execute(
                select(
                    PmsObjectRow.pms_id, PmsObjectRow.name, PmsObjectRow.labels, PmsObjectRow.rentable_type_id
                ).where(PmsObjectRow.administration_pms_id == administration_pms_id)
            )
        }
        values = [
            _storable(
                {
                    "administration_pms_id": administration_pms_id,
                    "pms_id": unit.id,
                    "name": unit.name or unit.name_with_type or unit.id,
                    "rentable_type_id": unit.rentable_type_id,
                    "rentable_identity_id": unit.rentable_identity_id,
                    "labels": _LINES.join(label.replace(_LINES, " ") for label in unit.labels),
                }
            )
            for unit in objects
        ]
        self._replace(PmsObjectRow, administration_pms_id, values)
        stored = {value["pms_id"]: (value["name"], value["labels"], value["rentable_type_id"]) for value in values}
        touched = {pms_id for pms_id, now in stored.items() if before.get(pms_id) != now}
        if complete:
            gone = before.keys() - stored.keys()
            for chunk in _chunks(sorted(gone)):
                self.session.execute(
                    delete(PmsObjectRow).where(
                        PmsObjectRow.administration_pms_id == administration_pms_id, PmsObjectRow.pms_id.in_(chunk)
                    )
                )
            touched |= gone
        for chunk in _chunks(sorted(touched)):
            self.session.execute(
                update(PmsReservationRow)
                .where(PmsReservationRow.administration_pms_id == administration_pms_id)
                .where(PmsReservationRow.object_pms_id.in_(chunk))
                .values(pending_keys=True)
            )
        self._sites.clear()

    def replace_catalogue(
        self,
        administration_pms_id: str,
        rentable_types: Sequence[RentableType],
        items: Sequence[CatalogueItem],
    ) -> None:
        """The administration's object types, extras and costs, replaced as a whole."""
        for table in (PmsRentableTypeRow, PmsCatalogueRow):
            self.session.execute(delete(table).where(table.administration_pms_id == administration_pms_id))
        if rentable_types:
            self.session.execute(
                insert(PmsRentableTypeRow).execution_options(**BULK),
                [
                    _storable(
                        {
                            "administration_pms_id": administration_pms_id,
                            "pms_id": each.id,
                            "name": each.name or each.id,
                        }
                    )
                    for each in rentable_types
                ],
            )
        unique = {(item.kind, item.id): item for item in items}
        if unique:
            self.session.execute(
                insert(PmsCatalogueRow).execution_options(**BULK),
                [
                    _storable(
                        {
                            "administration_pms_id": administration_pms_id,
                            "kind": item.kind,
                            "pms_id": item.id,
                            "name": item.name or item.id,
                        }
                    )
                    for item in unique.values()
                ],
            )
        self._sites.clear()

    def replace_owners(self, administration_pms_id: str, owners: Sequence[Owner]) -> None:
        """The administration's owners and their agreements, replaced as a whole."""
        for table in (PmsAgreementRow, PmsOwnerRow):
            self.session.execute(delete(table).where(table.administration_pms_id == administration_pms_id))
        if not owners:
            return
        self.session.execute(
            insert(PmsOwnerRow).execution_options(**BULK),
            [
                _storable(
                    {
                        "administration_pms_id": administration_pms_id,
                        "pms_id": owner.id,
                        "name": owner.contact.name or owner.id,
                        "phone": owner.contact.phone or None,
                        "email": owner.contact.email or None,
                        "search_text": fold(shown(f"{owner.contact.name or ''} {owner.contact.email or ''}")),
                    }
                )
                for owner in owners
            ],
        )
        agreements = {agreement.id: (owner.id, agreement) for owner in owners for agreement in owner.agreements}
        if agreements:
            self.session.execute(
                insert(PmsAgreementRow).execution_options(**BULK),
                [
                    {
                        "administration_pms_id": administration_pms_id,
                        "pms_id": agreement.id,
                        "owner_pms_id": owner_id,
                        "rentable_identity_id": agreement.rentable_identity_id,
                        "inventory_object_id": agreement.inventory_object_id,
                        "start_date": agreement.start_date,
                        "end_date": agreement.end_date,
                    }
                    for owner_id, agreement in agreements.values()
                ],
            )

    # --- internals -------------------------------------------------------------------------------

    def _replace(
        self,
        table: type[PmsReservationRow] | type[PmsObjectRow],
        administration_pms_id: str,
        values: list[dict[str, Any]],
    ) -> None:
        """Delete the rows these values replace, then insert them all in one statement per chunk."""
        unique = list({value["pms_id"]: _storable(value) for value in values}.values())
        for chunk in _chunks(value["pms_id"] for value in unique):
            self.session.execute(
                delete(table).where(table.administration_pms_id == administration_pms_id, table.pms_id.in_(chunk))
            )
        for start in range(0, len(unique), CHUNK):  # the table, not the ORM class: a plain executemany
            self.session.execute(insert(table).execution_options(**BULK), unique[start : start + CHUNK])

    def _conditions(self, query: ReservationQuery, sites: Sequence[_Site]) -> list[ColumnElement[bool]]:
        row = PmsReservationRow
        conditions: list[ColumnElement[bool]] = []
        day = query.day
        if query.period is Period.ARRIVALS:
            conditions.append(row.start_date == day)
        elif query.period is Period.DEPARTURES:
            conditions.append(row.end_date == day)
        elif query.period is Period.IN_HOUSE:
            conditions.append(
                or_(
                    and_(row.checked_in_on.is_not(None), row.checked_out_on.is_(None)),
                    and_(
                        row.checked_in_on.is_(None),
                        row.state == "confirmed",
                        row.start_date <= day,
                        row.end_date > day,
                    ),
                )
            )
        if query.date_from is not None:
            conditions.append(row.end_date >= query.date_from)
        if query.date_to is not None:
            conditions.append(row.start_date <= query.date_to)
        if query.states:
            conditions.append(row.state.in_(sorted(state.casefold() for state in query.states)))
        needle = fold(query.text.strip())
        if needle:
            by_object = [
                and_(row.administration_pms_id == site.pms_id, row.object_pms_id.in_(ids))
                for site in sites
                if (ids := self._objects_matching(site, needle))
            ]
            conditions.append(or_(row.search_text.contains(needle, autoescape=True), *by_object, false()))
        return conditions

    @staticmethod
    def _objects_matching(site: _Site, needle: str) -> list[str]:
        return [
            pms_id
            for pms_id, unit in site.objects.items()
            if needle in fold(unit.name) or needle in fold(site.doors.get(pms_id, ""))
        ]

    def _owner_units(
        self, site: _Site, day: date, owner_pms_id: str | None = None
    ) -> dict[str, tuple[CachedObject, ...]]:
        statement = select(PmsAgreementRow).where(PmsAgreementRow.administration_pms_id == site.pms_id)
        if owner_pms_id is not None:
            statement = statement.where(PmsAgreementRow.owner_pms_id == owner_pms_id)
        by_identity = {row.rentable_identity_id: row for row in site.objects.values() if row.rentable_identity_id}
        units: dict[str, list[CachedObject]] = {}
        for agreement in self.session.scalars(statement.order_by(PmsAgreementRow.pms_id)):
            if agreement.start_date is not None and agreement.start_date > day:
                continue
            if agreement.end_date is not None and agreement.end_date < day:
                continue
            unit = site.objects.get(agreement.inventory_object_id or "") or by_identity.get(
                agreement.rentable_identity_id or ""
            )
            if unit is not None:
                units.setdefault(agreement.owner_pms_id, []).append(site.object(unit))
        return {owner: tuple(found) for owner, found in units.items()}

    @staticmethod
    def _owner(site: _Site, row: PmsOwnerRow, units: tuple[CachedObject, ...]) -> CachedOwner:
        email = shown(row.email) if row.email else None
        return CachedOwner(site.id, row.pms_id, shown(row.name), shown(row.phone) if row.phone else None, email, units)

    def _state_row(self, administration_pms_id: str) -> PmsSyncStateRow:
        row = self.session.get(PmsSyncStateRow, administration_pms_id)
        if row is None:
            row = PmsSyncStateRow(administration_pms_id=administration_pms_id)
            self.session.add(row)
        return row

    def _administration(self, administration_id: int) -> AdministrationRow:
        row = self.session.get(AdministrationRow, administration_id)
        if row is None:
            raise NotFoundError(_ADMINISTRATION, administration_id)
        return row

    def _sites_for(self, administration_id: int | None) -> list[_Site]:
        if administration_id is not None:
            return [self._site(administration_id)]
        rows = self.session.scalars(select(AdministrationRow).order_by(AdministrationRow.name)).all()
        self._load_sites([row for row in rows if row.id not in self._sites])
        return [self._sites[row.id] for row in rows]

    def _site(self, administration_id: int) -> _Site:
        site = self._sites.get(administration_id)
        if site is None:
            self._load_sites([self._administration(administration_id)])
            site = self._sites[administration_id]
        return site

    def _load_sites(self, administrations: Sequence[AdministrationRow]) -> None:
        """The lookups of several administrations in three queries, whatever their number (a far server
        charges a round trip per query)."""
        if not administrations:
            return
        pms_ids = [row.pms_id for row in administrations]
        objects: dict[str, dict[str, PmsObjectRow]] = {pms_id: {} for pms_id in pms_ids}
        for unit in self.session.scalars(select(PmsObjectRow).where(PmsObjectRow.administration_pms_id.in_(pms_ids))):
            objects[unit.administration_pms_id][unit.pms_id] = unit
        types: dict[str, dict[str, str]] = {pms_id: {} for pms_id in pms_ids}
        for owner, type_id, name in self.session.execute(
            select(PmsRentableTypeRow.administration_pms_id, PmsRentableTypeRow.pms_id, PmsRentableTypeRow.name).where(
                PmsRentableTypeRow.administration_pms_id.in_(pms_ids)
            )
        ):
            types[owner][type_id] = name
        doors: dict[int, dict[str, str]] = {row.id: {} for row in administrations}
        for administration_id, object_id, door_name in self.session.execute(
            select(DoorNameRow.administration_id, DoorNameRow.pms_object_id, DoorNameRow.door_name).where(
                DoorNameRow.administration_id.in_(list(doors))
            )
        ):
            doors[administration_id][object_id] = door_name
        for row in administrations:
            self._sites[row.id] = _Site(
                row.id,
                row.pms_id,
                ZoneInfo(row.time_zone),
                country_of_zone(row.time_zone),
                objects[row.pms_id],
                types[row.pms_id],
                doors[row.id],
            )
