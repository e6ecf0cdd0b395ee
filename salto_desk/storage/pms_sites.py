"""The lookups that turn cached BEX rows into what the desk shows, three queries for any number of administrations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from salto_desk.errors import Text
from salto_desk.keys.model import BookingFacts
from salto_desk.keys.phones import country_of_zone, read_phone
from salto_desk.pms.texts import shown
from salto_desk.storage.errors import NotFoundError
from salto_desk.storage.orm import AdministrationRow, DoorNameRow, PmsObjectRow, PmsRentableTypeRow, PmsReservationRow
from salto_desk.storage.pms_columns import split_items, split_lines
from salto_desk.storage.pms_values import CachedObject, CachedReservation

_ADMINISTRATION = Text("administration", "administratie")


def administration_row(session: Session, administration_id: int) -> AdministrationRow:
    """The desk's administration, or NotFoundError."""
    row = session.get(AdministrationRow, administration_id)
    if row is None:
        raise NotFoundError(_ADMINISTRATION, administration_id)
    return row


@dataclass(frozen=True)
class Site:
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
            labels=tuple(shown(label) for label in split_lines(row.labels)),
            door_name=self.doors.get(row.pms_id) or row.name,
        )

    def moment(self, day: date | None) -> datetime | None:
        return None if day is None else datetime.combine(day, time(0, 0), tzinfo=self.zone).astimezone(UTC)

    def reservation(self, row: PmsReservationRow) -> CachedReservation:
        unit = self.objects.get(row.object_pms_id) if row.object_pms_id else None
        type_id = row.rentable_type_id or (unit.rentable_type_id if unit else None)
        object_type = self.types.get(type_id or "", "")
        labels = split_lines(unit.labels) if unit else ()
        extras, costs = split_items(row.extras), split_items(row.costs)
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


class SiteSource(Protocol):
    """What a site is built from: a stored administration row, or the desk's ``Administration`` already read."""

    @property
    def id(self) -> int: ...
    @property
    def pms_id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def time_zone(self) -> str: ...


class Sites:
    """The desk administrations' lookups within one session, each read once: objects, types and door names
    as they were when first asked for (a reader made after the sync stored new ones sees those).

    ``known``: the administrations the caller has read already, so they are not read again (a far database
    charges a round trip per query); ``loaded``: their lookups, when the caller has those too.
    """

    def __init__(
        self, session: Session, known: Sequence[SiteSource] | None = None, loaded: Mapping[int, Site] | None = None
    ) -> None:
        self.session = session
        self._known = known
        self._loaded: dict[int, Site] = dict(loaded or {})

    def site(self, administration_id: int) -> Site:
        site = self._loaded.get(administration_id)
        if site is None:
            source = next((each for each in self._known or () if each.id == administration_id), None)
            self._load([source or administration_row(self.session, administration_id)])
            site = self._loaded[administration_id]
        return site

    def sites_for(self, administration_id: int | None) -> list[Site]:
        """The one administration, or (None) every administration set up at the desk, by name."""
        if administration_id is not None:
            return [self.site(administration_id)]
        rows: Sequence[SiteSource]
        if self._known is not None:
            rows = sorted(self._known, key=lambda each: each.name)
        else:
            rows = self.session.scalars(select(AdministrationRow).order_by(AdministrationRow.name)).all()
        self._load([row for row in rows if row.id not in self._loaded])
        return [self._loaded[row.id] for row in rows]

    def _load(self, administrations: Sequence[SiteSource]) -> None:
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
            self._loaded[row.id] = Site(
                row.id,
                row.pms_id,
                ZoneInfo(row.time_zone),
                country_of_zone(row.time_zone),
                objects[row.pms_id],
                types[row.pms_id],
                doors[row.id],
            )
