"""The BEX API v3 client: paged, incremental pulls of what the desk needs, degrading where BEX says no.

A pull returns the records it could read plus the problems of the ones it could not: one bad record
never costs the rest. Where BEX refuses part of a request, the pull asks for less instead of failing:
a refused filter (400) falls back to a broader read (``updated_at`` -> every record of the resource),
a refused include (403 ``FORBIDDEN_INCLUDE``) is left out and named in ``missing`` together with the
BEX permission that would allow it. Reservations come page by page with their page number, so a pull
that stops (rate limit, crash, network) can go on from where it stopped in a later run.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Generic, TypeVar

import httpx

from salto_desk.errors import Text
from salto_desk.pms.errors import PmsForbidden, PmsRecordError, PmsRequestRejected
from salto_desk.pms.http import BexHttp
from salto_desk.pms.jsonapi import Document, Resource, parse_resource
from salto_desk.pms.models import (
    Administration,
    CatalogueItem,
    CatalogueKind,
    ContactSource,
    InventoryObject,
    Owner,
    RentableType,
    Report,
    Reservation,
    read_administration,
    read_catalogue_item,
    read_inventory_object,
    read_owner,
    read_rentable_type,
    read_reservation,
)
from salto_desk.pms.selection import ReservationSelection, updated_range
from salto_desk.pms.settings import PmsSettings

log = logging.getLogger("salto_desk.pms")

T = TypeVar("T")
_Reader = Callable[[Resource, Document, Report], T]
_ProblemKey = tuple[str, str, str]


@dataclass(frozen=True)
class IncludeGroup:
    """Related records asked for together, and the BEX permission (scope) an app needs to get them."""

    name: str
    paths: tuple[str, ...]
    permission: str


ORDERS = "orders"
CONTACTS = "contacts"
AGREEMENTS = "agreements"
_CONTACT_INCLUDES: Mapping[ContactSource, tuple[str, ...]] = {
    "customer": ("booking.customer",),
    "guests": ("booking", "guests"),
}


@dataclass(frozen=True)
class Pull(Generic[T]):
    """What one pull read and what it could not.

    ``complete`` is False for an incremental read (records not in it may still exist); ``missing`` lists
    the include groups BEX refused, whose data the records therefore lack.
    """

    records: tuple[T, ...]
    problems: tuple[PmsRecordError, ...]
    complete: bool = True
    missing: tuple[IncludeGroup, ...] = ()


@dataclass(frozen=True)
class ReservationPage:
    """One page of a reservation pull: its records, their problems, and how to go on after it."""

    records: tuple[Reservation, ...]
    problems: tuple[PmsRecordError, ...]
    number: int
    last: bool
    selection: ReservationSelection
    """The selection BEX accepted (broader than asked when it refused a filter)."""
    missing: tuple[IncludeGroup, ...]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _refused_include(error: PmsForbidden) -> bool:
    return any(detail.code == "FORBIDDEN_INCLUDE" for detail in error.details)


@dataclass(frozen=True)
class _Opened:
    """The first page of a read, which filter set BEX accepted for it and which include groups it refused."""

    document: Document
    level: int
    """Index of the filter set BEX accepted (0: the one asked for)."""
    missing: tuple[IncludeGroup, ...]


class BexClient:
    """Reads administrations, reservations, objects, types, owners, extras and costs from BEX."""

    def __init__(
        self,
        api_key: str,
        settings: PmsSettings | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], datetime] = _utc_now,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings or PmsSettings()
        self._now = now
        self._http = BexHttp(api_key, self.settings, sleep=sleep, now=now, transport=transport)

    def __repr__(self) -> str:
        return f"BexClient(base_url={self.settings.base_url!r})"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> BexClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- pulls -----------------------------------------------------------------------------------

    def administrations(self) -> Pull[Administration]:
        """The administrations this key may see (the ones the organization linked to the app)."""
        languages = self.settings.languages
        return self._pull(
            "/administrations",
            [{}],
            (),
            Text("the list of administrations", "de lijst met administraties"),
            lambda resource, _document, _report: read_administration(resource, languages),
        )

    def reservation_pages(
        self, administration_id: str, selection: ReservationSelection, zone: tzinfo, *, first_page: int = 1
    ) -> Iterator[ReservationPage]:
        """Reservations with contact and ordered extras, page by page from ``first_page``.

        ``zone`` is the administration's: date fields BEX sends as timestamps are read as its days.
        """
        settings = self.settings
        path = f"/administrations/{administration_id}/reservations"
        what = self._administration(administration_id)
        selections = [selection]
        while (broader := selections[-1].broader()) is not None:
            selections.append(broader)
        groups = (
            IncludeGroup(CONTACTS, _CONTACT_INCLUDES[settings.contact_source], "customer|read"),
            IncludeGroup(ORDERS, settings.order_includes, "order|read"),
        )
        opened = self._open(path, [{**each.filters(), "sort": "id"} for each in selections], groups, what, first_page)

        def read(resource: Resource, document: Document, report: Report) -> Reservation:
            return read_reservation(
                resource, document, administration_id, settings.languages, settings.contact_source, report, zone
            )

        accepted = selections[opened.level]
        number = first_page
        for document in self._http.follow(opened.document, what):
            records, problems = self._read(document, read)
            yield ReservationPage(
                tuple(records.values()),
                tuple(problems.values()),
                number,
                document.next_link is None,
                accepted,
                opened.missing,
            )
            number += 1

    def inventory_objects(
        self, administration_id: str, *, updated_since: datetime | None = None
    ) -> Pull[InventoryObject]:
        """The administration's objects; with ``updated_since`` only those changed since then (``complete``
        is False), unless BEX refuses that filter: then all of them."""
        filters: list[Mapping[str, str]] = [{}]
        if updated_since is not None:
            filters.insert(0, {"filter[updated_at]": updated_range(updated_since, self._now())})
        return self._pull(
            f"/administrations/{administration_id}/inventory_objects",
            filters,
            (),
            self._administration(administration_id),
            lambda resource, _document, _report: read_inventory_object(resource, administration_id),
        )

    def rentable_types(self, administration_id: str) -> Pull[RentableType]:
        languages = self.settings.languages
        return self._pull(
            f"/administrations/{administration_id}/rentable_types",
            [{}],
            (),
            self._administration(administration_id),
            lambda resource, _document, _report: read_rentable_type(resource, administration_id, languages),
        )

    def owners(self, administration_id: str, zone: tzinfo) -> Pull[Owner]:
        """Owners with their agreements (which accommodations are theirs, from when, as days in ``zone``)."""
        return self._pull(
            f"/administrations/{administration_id}/owners",
            [{}],
            (IncludeGroup(AGREEMENTS, ("agreements",), "agreement|read"),),
            self._administration(administration_id),
            lambda resource, document, report: read_owner(resource, document, administration_id, report, zone),
        )

    def extras(self, administration_id: str) -> Pull[CatalogueItem]:
        return self._catalogue(administration_id, "extra")

    def costs(self, administration_id: str) -> Pull[CatalogueItem]:
        return self._catalogue(administration_id, "cost")

    def _catalogue(self, administration_id: str, kind: CatalogueKind) -> Pull[CatalogueItem]:
        languages = self.settings.languages
        return self._pull(
            f"/administrations/{administration_id}/{kind}s",
            [{}],
            (),
            self._administration(administration_id),
            lambda resource, _document, _report: read_catalogue_item(resource, administration_id, kind, languages),
        )

    @staticmethod
    def _administration(administration_id: str) -> Text:
        return Text(f"administration {administration_id}", f"administratie {administration_id}")

    # --- reading ---------------------------------------------------------------------------------

    def _pull(
        self,
        path: str,
        filters: Sequence[Mapping[str, str]],
        groups: Sequence[IncludeGroup],
        what: Text,
        read: _Reader[T],
    ) -> Pull[T]:
        opened = self._open(path, filters, groups, what, 1)
        records: dict[str, T] = {}
        problems: dict[_ProblemKey, PmsRecordError] = {}
        for document in self._http.follow(opened.document, what):
            page_records, page_problems = self._read(document, read)
            records.update(page_records)
            for key, problem in page_problems.items():
                problems.setdefault(key, problem)
        complete = opened.level == len(filters) - 1
        return Pull(tuple(records.values()), tuple(problems.values()), complete, opened.missing)

    def _open(
        self,
        path: str,
        filters: Sequence[Mapping[str, str]],
        groups: Sequence[IncludeGroup],
        what: Text,
        page: int,
    ) -> _Opened:
        """The first page, asking for less while BEX refuses: the next filter set after a 400, one
        include group fewer (from the end) after a 403 FORBIDDEN_INCLUDE."""
        level, kept = 0, tuple(groups)
        while True:
            params = {**filters[level], "page[size]": str(self.settings.page_size)}
            if page > 1:
                params["page[number]"] = str(page)
            if kept:
                params["include"] = ",".join(path for group in kept for path in group.paths)
            try:
                document = self._http.document(path, params, what)
            except PmsRequestRejected as refused:
                if refused.status != 400 or level == len(filters) - 1:
                    raise
                log.warning("BEX refused %s for %s; reading more instead", sorted(filters[level]), path)
                level += 1
                continue
            except PmsForbidden as forbidden:
                if not kept or not _refused_include(forbidden):
                    raise
                log.warning("BEX refused to include %s for %s; reading without", kept[-1].name, path)
                kept = kept[:-1]
                continue
            return _Opened(document, level, tuple(groups[len(kept) :]))

    @staticmethod
    def _read(document: Document, read: _Reader[T]) -> tuple[dict[str, T], dict[_ProblemKey, PmsRecordError]]:
        """A page's records by id and its problems (one per record and field)."""
        records: dict[str, T] = {}
        problems: dict[_ProblemKey, PmsRecordError] = {}
        report = _problem_report(problems)
        for problem in document.included_problems:
            report(problem)
        for raw in document.primary:
            try:
                resource = parse_resource(raw)
                records[resource.id] = read(resource, document, report)
            except PmsRecordError as problem:
                report(problem)
        _log_problems(problems)
        return records, problems


def _problem_report(problems: dict[_ProblemKey, PmsRecordError]) -> Report:
    """A ``Report`` that keeps the first problem of each record and field."""

    def report(problem: PmsRecordError) -> None:
        problems.setdefault((problem.record_type, problem.record_id, problem.field), problem)

    return report


def _log_problems(problems: Mapping[_ProblemKey, PmsRecordError]) -> None:
    for skipped in problems.values():
        log.warning("Skipped BEX data: %s", skipped.message.en)
