"""What the desk needs from BEX, as frozen dataclasses, and how each is read from JSON:API records.

Only the fields a door-key desk uses are kept. BEX's current schemas are partly unknown, so every
field may be None; the readers follow ``jsonapi.Resource``'s rules (unknown ignored, wrong kind is an
error naming the record and field). A broken *related* record (say the customer of a reservation) is
reported but does not cost the reservation itself: the desk can still make a key without a phone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta, tzinfo
from typing import Literal, TypeVar

from salto_desk.errors import Text
from salto_desk.pms.errors import PmsRecordError
from salto_desk.pms.jsonapi import Document, Ref, Resource

CatalogueKind = Literal["extra", "cost"]
ContactSource = Literal["customer", "guests"]
"""Where a reservation's contact (name, phone) comes from: the booking's customer (default: the BEX
docs call the customer the booking's buyer) or the reservation's guests (third-party code says that
list may hold only guests created through the API, so it is the alternative)."""

Report = Callable[[PmsRecordError], None]
T = TypeVar("T")


@dataclass(frozen=True)
class Administration:
    """A property (park, hotel, campsite) of the organization."""

    id: str
    name: str | None
    utc_offset: timedelta | None


@dataclass(frozen=True)
class GuestGroup:
    """Who stays: counts per age group; missing groups count as 0."""

    seniors: int = 0
    adults: int = 0
    adolescents: int = 0
    children: int = 0
    babies: int = 0
    pets: int = 0

    @property
    def people(self) -> int:
        return self.seniors + self.adults + self.adolescents + self.children + self.babies


_GUEST_GROUPS = frozenset(group.name for group in fields(GuestGroup))


@dataclass(frozen=True)
class Contact:
    """A person's name and how to reach them (phone as BEX has it: not necessarily E.164)."""

    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None

    @property
    def name(self) -> str | None:
        joined = " ".join(part for part in (self.first_name, self.last_name) if part)
        return joined or None


@dataclass(frozen=True)
class OrderedItem:
    """An extra or cost ordered with a stay; ``catalogue_id`` is what product filters match on."""

    kind: CatalogueKind
    catalogue_id: str
    name: str | None


@dataclass(frozen=True)
class Reservation:
    """One accommodation for one stay: the unit a key is made for."""

    id: str
    administration_id: str
    booking_nr: str | None
    state: str | None
    start_date: date | None
    end_date: date | None
    checked_in_on: date | None
    checked_out_on: date | None
    late_checkout: bool | None
    fixed_rentable: bool | None
    """Whether the guest booked this very unit; if not, BEX may still move the stay to another one."""
    guest_name: str | None
    guest_group: GuestGroup | None
    contact: Contact | None
    booking_id: str | None
    inventory_object_id: str | None
    rentable_identity_id: str | None
    rentable_type_id: str | None
    ordered: tuple[OrderedItem, ...]
    created_at: datetime | None
    updated_at: datetime | None

    @property
    def display_name(self) -> str | None:
        """The name staff know the guest by: the contact's name, else BEX's guest name."""
        return (self.contact.name if self.contact else None) or self.guest_name

    def catalogue_ids(self, kind: CatalogueKind) -> frozenset[str]:
        return frozenset(item.catalogue_id for item in self.ordered if item.kind == kind)


@dataclass(frozen=True)
class InventoryObject:
    """The physical unit (room, chalet, pitch) a door belongs to."""

    id: str
    administration_id: str
    name: str | None
    name_with_type: str | None
    labels: tuple[str, ...]
    rentable_type_id: str | None
    rentable_identity_id: str | None
    updated_at: datetime | None


@dataclass(frozen=True)
class RentableType:
    """The kind of accommodation (product filters match on it)."""

    id: str
    administration_id: str
    name: str | None


@dataclass(frozen=True)
class Agreement:
    """An owner's right to an accommodation from ``start_date`` (open-ended when ``end_date`` is None)."""

    id: str
    rentable_identity_id: str | None
    inventory_object_id: str | None
    start_date: date | None
    end_date: date | None

    def active_on(self, day: date) -> bool:
        started = self.start_date is None or self.start_date <= day
        return started and (self.end_date is None or day <= self.end_date)


@dataclass(frozen=True)
class Owner:
    """An owner of accommodations, who gets keys without a booking."""

    id: str
    administration_id: str
    contact: Contact
    agreements: tuple[Agreement, ...]

    def agreements_on(self, day: date) -> tuple[Agreement, ...]:
        """Units change owner mid-year, so which accommodations are theirs depends on the day."""
        return tuple(agreement for agreement in self.agreements if agreement.active_on(day))


@dataclass(frozen=True)
class CatalogueItem:
    """An extra (pool access, parking) or a cost of an administration's catalogue."""

    id: str
    administration_id: str
    kind: CatalogueKind
    name: str | None
    category: str | None
    """``extra_type`` or ``cost_type`` as BEX sends it."""


_OFFSET = re.compile(r"(?:UTC)?([+-])(\d{1,2}):?(\d{2})")


def read_administration(resource: Resource, languages: Sequence[str]) -> Administration:
    return Administration(
        id=resource.id,
        name=resource.localized("name", languages),
        utc_offset=_utc_offset(resource),
    )


def _utc_offset(resource: Resource) -> timedelta | None:
    value = resource.text("utc_offset")
    if value is None:
        return None
    match = _OFFSET.fullmatch(value.strip())
    if match is None or int(match[2]) > 14 or int(match[3]) >= 60:
        raise resource.problem(
            "utc_offset",
            Text(f"should look like +01:00 but is '{value[:20]}'", f"moet eruitzien als +01:00 maar is '{value[:20]}'"),
        )
    sign = -1 if match[1] == "-" else 1
    return sign * timedelta(hours=int(match[2]), minutes=int(match[3]))


def read_contact(resource: Resource) -> Contact:
    """A customer, guest or owner: first/last name (or one ``name``), e-mail and phone."""
    first_name = resource.text("first_name")
    last_name = resource.text("last_name")
    if first_name is None and last_name is None:
        last_name = resource.text("name")
    return Contact(first_name, last_name, resource.text("email"), resource.text("phone"))


def _date_range(resource: Resource, zone: tzinfo) -> tuple[date | None, date | None]:
    """``start_date`` and ``end_date``; an end before the start would make nonsense keys."""
    start_date, end_date = resource.day("start_date", zone), resource.day("end_date", zone)
    if start_date is not None and end_date is not None and end_date < start_date:
        raise resource.problem(
            "end_date",
            Text(
                f"({end_date}) is before start_date ({start_date})", f"({end_date}) ligt vóór start_date ({start_date})"
            ),
        )
    return start_date, end_date


def _related(document: Document, ref: Ref | None, read: Callable[[Resource], T], report: Report) -> T | None:
    """Read an included record; when it is broken, report it and carry on without it."""
    resource = document.related(ref)
    if resource is None:
        return None
    try:
        return read(resource)
    except PmsRecordError as problem:
        report(problem)
        return None


def _reservation_contact(
    resource: Resource, booking: Resource | None, document: Document, source: ContactSource, report: Report
) -> Contact | None:
    if source == "customer":
        customer = booking.one("customer") if booking is not None else None
        return _related(document, customer, read_contact, report)
    guests = [_related(document, ref, read_contact, report) for ref in resource.many("guests")]
    present = [guest for guest in guests if guest is not None]
    return next((guest for guest in present if guest.phone), present[0] if present else None)


_CATALOGUE_RELATIONSHIPS = ("extra", "cost", "product")
_CATALOGUE_KINDS = frozenset({"extra", "cost"})


def _ordered_item(resource: Resource, languages: Sequence[str]) -> OrderedItem | None:
    """The catalogue entry an order line is for; lines of neither kind (discounts, rent) are None."""
    for relationship in _CATALOGUE_RELATIONSHIPS:
        if relationship not in resource.relationships:
            continue
        ref = resource.one(relationship)
        if ref is not None and ref.type in _CATALOGUE_KINDS:
            kind: CatalogueKind = "extra" if ref.type == "extra" else "cost"
            name = resource.localized("name", languages) or resource.localized("description", languages)
            return OrderedItem(kind, ref.id, name)
    return None


def _ordered_items(
    resource: Resource, document: Document, languages: Sequence[str], report: Report
) -> tuple[OrderedItem, ...]:
    """Extras and costs of a stay: its ``extra_order_items`` and, when the order is included, its lines."""
    refs = list(resource.many("extra_order_items"))
    order = document.related(resource.one("order"))
    if order is not None:
        try:
            refs += [*order.many("main_order_items"), *order.many("extra_order_items")]
        except PmsRecordError as problem:
            report(problem)
    items: dict[OrderedItem, None] = {}  # an ordered set
    for ref in dict.fromkeys(refs):
        line = document.related(ref)
        if line is None:
            continue
        try:
            item = _ordered_item(line, languages)
        except PmsRecordError as problem:
            report(problem)
            continue
        if item is not None:
            items[item] = None
    return tuple(items)


def read_reservation(
    resource: Resource,
    document: Document,
    administration_id: str,
    languages: Sequence[str],
    contact_source: ContactSource,
    report: Report,
    zone: tzinfo,
) -> Reservation:
    """A reservation with its contact and ordered extras taken from the included records.

    ``zone`` is the administration's: a date field BEX sends as a timestamp is read as that zone's day.
    """
    start_date, end_date = _date_range(resource, zone)
    counts = resource.counts("guest_group")
    booking_ref = resource.one("booking")
    booking = document.related(booking_ref)
    booking_nr = resource.text("booking_nr") or _related(
        document, booking_ref, lambda record: record.text("booking_nr"), report
    )
    inventory_object = resource.one("inventory_object")
    rentable_identity = resource.one("rentable_identity")
    rentable_type = resource.one("rentable_type") or resource.one("category")
    return Reservation(
        id=resource.id,
        administration_id=administration_id,
        booking_nr=booking_nr,
        state=resource.text("state"),
        start_date=start_date,
        end_date=end_date,
        checked_in_on=resource.day("checked_in_on", zone),
        checked_out_on=resource.day("checked_out_on", zone),
        late_checkout=resource.boolean("late_checkout"),
        fixed_rentable=resource.boolean("fixed_rentable"),
        guest_name=resource.text("guest_name"),
        guest_group=None if counts is None else GuestGroup(**{k: v for k, v in counts.items() if k in _GUEST_GROUPS}),
        contact=_reservation_contact(resource, booking, document, contact_source, report),
        booking_id=booking_ref.id if booking_ref else None,
        inventory_object_id=inventory_object.id if inventory_object else None,
        rentable_identity_id=rentable_identity.id if rentable_identity else None,
        rentable_type_id=rentable_type.id if rentable_type else None,
        ordered=_ordered_items(resource, document, languages, report),
        created_at=resource.moment("created_at"),
        updated_at=resource.moment("updated_at"),
    )


def read_inventory_object(resource: Resource, administration_id: str) -> InventoryObject:
    rentable_type = resource.one("rentable_type") or resource.one("category")
    rentable_identity = resource.one("rentable_identity")
    return InventoryObject(
        id=resource.id,
        administration_id=administration_id,
        name=resource.text("name"),
        name_with_type=resource.text("name_with_type"),
        labels=resource.texts("labels"),
        rentable_type_id=rentable_type.id if rentable_type else None,
        rentable_identity_id=rentable_identity.id if rentable_identity else None,
        updated_at=resource.moment("updated_at"),
    )


def read_rentable_type(resource: Resource, administration_id: str, languages: Sequence[str]) -> RentableType:
    return RentableType(resource.id, administration_id, resource.localized("name", languages))


def read_agreement(resource: Resource, zone: tzinfo) -> Agreement:
    rentable_identity = resource.one("rentable_identity")
    inventory_object = resource.one("inventory_object")
    start_date, end_date = _date_range(resource, zone)
    return Agreement(
        id=resource.id,
        rentable_identity_id=rentable_identity.id if rentable_identity else None,
        inventory_object_id=inventory_object.id if inventory_object else None,
        start_date=start_date,
        end_date=end_date,
    )


def read_owner(resource: Resource, document: Document, administration_id: str, report: Report, zone: tzinfo) -> Owner:
    """An owner with the agreements BEX included (a broken agreement is reported and left out)."""

    def agreement(record: Resource) -> Agreement:
        return read_agreement(record, zone)

    agreements = (_related(document, ref, agreement, report) for ref in resource.many("agreements"))
    return Owner(
        id=resource.id,
        administration_id=administration_id,
        contact=read_contact(resource),
        agreements=tuple(agreement for agreement in agreements if agreement is not None),
    )


def read_catalogue_item(
    resource: Resource, administration_id: str, kind: CatalogueKind, languages: Sequence[str]
) -> CatalogueItem:
    return CatalogueItem(
        id=resource.id,
        administration_id=administration_id,
        kind=kind,
        name=resource.localized("name", languages),
        category=resource.text(f"{kind}_type"),
    )
