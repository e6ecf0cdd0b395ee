"""The desk's reads of the BEX cache: reservation searches, owners, objects and filter choices.

The cache is keyed by BEX administration id, so administrations not set up at the desk are kept
too; the reads take the desk's administration id and resolve object types, labels, door names and
catalogue names at read time, so a door name the manager changes shows at once. Searching folds
case and accents ("joelle" finds "Joëlle") with portable SQL only.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, or_, select
from sqlalchemy.orm import Session

from salto_desk.errors import Text, ValidationError
from salto_desk.pms.texts import shown
from salto_desk.storage.batches import chunks
from salto_desk.storage.orm import PmsAgreementRow, PmsCatalogueRow, PmsOwnerRow, PmsReservationRow, PmsSyncStateRow
from salto_desk.storage.pms_columns import fold, split_lines
from salto_desk.storage.pms_sites import Site, Sites, SiteSource, administration_row
from salto_desk.storage.pms_values import (
    CachedObject,
    CachedOwner,
    CachedReservation,
    FilterChoices,
    Period,
    ReservationQuery,
    SyncStatus,
)


class PmsReader:
    """Cached BEX data as the desk shows it, within one session (one unit of work)."""

    def __init__(
        self,
        session: Session,
        administrations: Sequence[SiteSource] | None = None,
        sites: Mapping[int, Site] | None = None,
    ) -> None:
        """``administrations``: the desk's administrations when the caller has read them already; ``sites``:
        their lookups, when the caller keeps those (``services.site_cache``)."""
        self.session = session
        self.sites = Sites(session, administrations, sites)

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
        sites = self.sites.sites_for(query.administration_id)
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
        site = self.sites.site(administration_id)
        found: list[CachedReservation] = []
        for chunk in chunks(pms_ids):
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
        site = self.sites.site(administration_id)
        statement = select(PmsReservationRow).where(
            PmsReservationRow.administration_pms_id == site.pms_id, PmsReservationRow.end_date >= day
        )
        if starting_by is not None:
            statement = statement.where(PmsReservationRow.start_date <= starting_by)
        statement = statement.order_by(PmsReservationRow.start_date, PmsReservationRow.booking_nr)
        return [site.reservation(row) for row in self.session.scalars(statement)]

    def pending_reservations(
        self, administration_id: int, among: Sequence[str] | None = None
    ) -> list[CachedReservation]:
        """Reservations stored (or whose object changed) since their key data was last derived, by start date;
        with ``among`` only those of these PMS ids."""
        site = self.sites.site(administration_id)
        statement = select(PmsReservationRow).where(
            PmsReservationRow.administration_pms_id == site.pms_id, PmsReservationRow.pending_keys.is_(True)
        )
        statement = statement.order_by(PmsReservationRow.start_date, PmsReservationRow.booking_nr)
        if among is None:
            return [site.reservation(row) for row in self.session.scalars(statement)]
        found: list[CachedReservation] = []
        for chunk in chunks(sorted(set(among))):
            found += [
                site.reservation(row)
                for row in self.session.scalars(statement.where(PmsReservationRow.pms_id.in_(chunk)))
            ]
        return sorted(found, key=lambda each: (each.start_date, each.booking_nr))

    def owners(self, administration_id: int, text: str = "", *, day: date | None = None) -> list[CachedOwner]:
        """Owners whose name, e-mail or units match ``text``, with their units on ``day`` (default today)."""
        site = self.sites.site(administration_id)
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
        site = self.sites.site(administration_id)
        row = self.session.get(PmsOwnerRow, (site.pms_id, pms_id))
        if row is None:
            return None
        units = self._owner_units(site, day or datetime.now(site.zone).date(), owner_pms_id=pms_id)
        return self._owner(site, row, units.get(pms_id, ()))

    def objects(self, administration_id: int) -> list[CachedObject]:
        site = self.sites.site(administration_id)
        return sorted((site.object(row) for row in site.objects.values()), key=lambda unit: fold(unit.name))

    def filter_choices(self, administration_id: int) -> FilterChoices:
        """The values product filters can pick from: object labels and types, costs and extras, by name."""
        site = self.sites.site(administration_id)
        catalogue = self.session.execute(
            select(PmsCatalogueRow.kind, PmsCatalogueRow.name).where(
                PmsCatalogueRow.administration_pms_id == site.pms_id
            )
        ).all()

        def tidy(values: Iterable[str]) -> tuple[str, ...]:
            return tuple(sorted({value for value in values if value}, key=fold))

        return FilterChoices(
            labels=tidy(label for row in site.objects.values() for label in split_lines(row.labels)),
            object_types=tidy(site.types.values()),
            costs=tidy(name for kind, name in catalogue if kind == "cost"),
            extras=tidy(name for kind, name in catalogue if kind == "extra"),
        )

    def sync_status(self, administration_id: int) -> SyncStatus:
        row = self.session.get(PmsSyncStateRow, administration_row(self.session, administration_id).pms_id)
        if row is None:
            return SyncStatus(None, None, None, None)
        return SyncStatus(row.last_success_at, row.last_attempt_at, row.last_error, row.offline_since)

    def _conditions(self, query: ReservationQuery, sites: Sequence[Site]) -> list[ColumnElement[bool]]:
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
    def _objects_matching(site: Site, needle: str) -> list[str]:
        return [
            pms_id
            for pms_id, unit in site.objects.items()
            if needle in fold(unit.name) or needle in fold(site.doors.get(pms_id, ""))
        ]

    def _owner_units(
        self, site: Site, day: date, owner_pms_id: str | None = None
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
    def _owner(site: Site, row: PmsOwnerRow, units: tuple[CachedObject, ...]) -> CachedOwner:
        email = shown(row.email) if row.email else None
        return CachedOwner(site.id, row.pms_id, shown(row.name), shown(row.phone) if row.phone else None, email, units)
