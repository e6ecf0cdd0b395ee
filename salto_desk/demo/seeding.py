"""Seeding the demo organization: a holiday park and a small hotel, deterministic by seed and "today".

The data is made to trip up a desk the way real data does: accented Dutch, German and English names,
guests without a phone or with a national or decorated number (some of it wrong: ``+31 06 ...``), names
with control characters, check-ins sent as timestamps, units without an assigned object, owners whose
unit changed hands this year.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

from salto_desk.demo.properties import NAMES, PROPERTIES, CatalogueEntry, Property, UnitKind
from salto_desk.demo.records import DEMO_ZONE, DemoRecord, JsonValue, Linkage, Ref, timestamp

DAYS_AROUND_TODAY = 60


class SeedTarget(Protocol):
    """What the seeder fills: the store, seen through the three things seeding needs."""

    today: date

    def add(
        self,
        kind: str,
        administration_id: str | None,
        attributes: dict[str, JsonValue],
        relationships: dict[str, Linkage] | None = None,
    ) -> DemoRecord: ...

    def try_occupy(self, inventory_object_id: str, start: date, end: date) -> bool: ...


_COUNTRIES = ("NL", "DE", "GB")
HOSTILE_EVERY = 11
"""Every so many customers get a name with control characters."""
STAMPED_EVERY = 4
"""Every so many check-ins come as a timestamp (00:30 in Amsterdam, in UTC) instead of a date."""
_HOSTILENAMES = ("Bakker\x1b[31m", "van\tDijk", "Jansen\r\nRoot", "Visser\u202egnip", "de\x00Boer")
_COUNTRY_WEIGHTS = (0.6, 0.3, 0.1)


def _phone(rng: random.Random, country: str) -> str | None:
    """About 70 % E.164, 15 % national or decorated notation (some of it wrong), 15 % no phone at all."""
    roll = rng.random()
    digits = "".join(rng.choice("0123456789") for _ in range(8))
    if roll < 0.15:
        return rng.choice((None, None, ""))
    national: tuple[str, ...]
    if country == "NL":
        national = (
            f"06-{digits}",
            f"06 {digits[:4]} {digits[4:]}",
            f"0031 6 {digits}",
            f"(06) {digits}",
            f"+31 (0)6 {digits}",
            f"+31 06 {digits}",  # a trunk zero without brackets: a wrong number, refused
        )
        e164 = f"+316{digits}"
    elif country == "DE":
        national = (f"0171 {digits}", f"+49 (0)171 {digits}", f"0049 171 {digits}")
        e164 = f"+49171{digits}"
    else:
        national = (f"07700 {digits[:6]}", f"+44 (0) 7700 {digits[:6]}")
        e164 = f"+447700{digits[:6]}"
    return rng.choice(national) if roll < 0.30 else e164


_EMAIL_DOMAINS = {"NL": "example.org", "DE": "example.net", "GB": "example.com"}


def _email(first_name: str, last_name: str, country: str) -> str:
    plain = unicodedata.normalize("NFKD", f"{first_name}.{last_name}").encode("ascii", "ignore").decode()
    local = "".join(char for char in plain.lower() if char.isalnum() or char in ".-")
    return f"{local}@{_EMAIL_DOMAINS[country]}"


@dataclass(frozen=True)
class _Site:
    """A seeded property: its units with their kind, and its catalogue entries with their records."""

    spec: Property
    units: list[tuple[UnitKind, DemoRecord]]
    catalogue: list[tuple[str, CatalogueEntry, DemoRecord]]


class Seeder:
    """Fills a store; kept apart so the store's moves read without the seeding detail."""

    def __init__(self, store: SeedTarget, rng: random.Random) -> None:
        self.store = store
        self.rng = rng
        self.today = store.today
        self.seeded_at = datetime.combine(self.today, time(6, 0), UTC)
        self.booking_numbers = 0

    def seed(self, reservations: int) -> None:
        units_total = sum(kind.count for spec in PROPERTIES for kind in spec.units)
        remaining = reservations
        for spec in PROPERTIES:
            site = self._property(spec)
            share = sum(kind.count for kind in spec.units) / units_total
            count = remaining if spec is PROPERTIES[-1] else round(reservations * share)
            self._reservations(site, count)
            remaining -= count
            self._owners(site)

    def _stamp(self, before: datetime) -> tuple[str, str]:
        """created_at and updated_at, both before ``before`` and before seeding time."""
        latest = min(before, self.seeded_at)
        created = latest - timedelta(days=self.rng.randint(1, 240), minutes=self.rng.randint(0, 1439))
        updated = created + (latest - created) * self.rng.random()
        return timestamp(created), timestamp(updated)

    def _property(self, spec: Property) -> _Site:
        store = self.store
        created, updated = self._stamp(self.seeded_at)
        store.add(
            "administration",
            spec.id,
            {
                "name": spec.name,
                "phone": spec.phone,
                "utc_offset": "+01:00",
                "available_locales": ["nl", "en", "de"],
                "created_at": created,
                "updated_at": updated,
            },
        )
        site = _Site(spec, [], [])
        for kind in spec.units:
            rentable_type = store.add("rentable_type", spec.id, {"name": dict(kind.names)})
            for number in range(1, kind.count + 1):
                name = kind.object_name(number)
                created, updated = self._stamp(self.seeded_at)
                unit = store.add(
                    "inventory_object",
                    spec.id,
                    {
                        "name": name,
                        "name_with_type": f"{name} ({kind.names['en']})",
                        "labels": sorted(label for label in kind.labels if self.rng.random() < 0.3),
                        "created_at": created,
                        "updated_at": updated,
                    },
                    {"rentable_type": ("rentable_type", rentable_type.id)},
                )
                unit.relationships["rentable_identity"] = ("rentable_identity", str(9000 + int(unit.id)))
                site.units.append((kind, unit))
        for kind_name, entries in (("cost", spec.costs), ("extra", spec.extras)):
            for entry in entries:
                record = store.add(kind_name, spec.id, {"name": dict(entry.names), f"{kind_name}_type": entry.category})
                site.catalogue.append((kind_name, entry, record))
        return site

    def _person(self, country: str | None = None) -> dict[str, JsonValue]:
        """Name, e-mail, phone and country of a guest or owner."""
        rng = self.rng
        country = country or rng.choices(_COUNTRIES, _COUNTRY_WEIGHTS)[0]
        first_names, last_names = NAMES[country]
        first_name, last_name = rng.choice(first_names), rng.choice(last_names)
        return {
            "first_name": first_name,
            "last_name": last_name,
            "email": _email(first_name, last_name, country),
            "phone": _phone(rng, country),
            "country_code": country,
        }

    def _reservations(self, site: _Site, count: int) -> None:
        made = 0
        while made < count:
            size = 2 if self.rng.random() < site.spec.multi_unit_share and count - made >= 2 else 1
            self._booking(site, size)
            made += size

    def _booking(self, site: _Site, size: int) -> None:
        rng, store = self.rng, self.store
        kind = rng.choice(site.units)[0]
        start = self.today + timedelta(days=rng.randint(-DAYS_AROUND_TODAY, DAYS_AROUND_TODAY))
        end = start + timedelta(days=rng.choice(kind.nights))
        state = rng.choices(("confirmed", "option", "cancelled"), (0.8, 0.08, 0.12))[0]
        if state == "option" and start <= self.today:
            state = "confirmed"  # an option that reached its arrival date was decided long ago
        customer = store.add("customer", None, self._person())
        if int(customer.id) % HOSTILE_EVERY == 0:  # as some booking sites let them through
            customer.attributes["last_name"] = _HOSTILENAMES[int(customer.id) // HOSTILE_EVERY % len(_HOSTILENAMES)]
        created, updated = self._stamp(datetime.combine(start, time(15, 0), UTC))
        self.booking_numbers += 1
        booking = store.add(
            "booking",
            site.spec.id,
            {
                "booking_nr": f"{created[2:4]}-{self.booking_numbers:05d}",
                "state": state,
                "created_at": created,
                "updated_at": updated,
            },
            {"customer": ("customer", customer.id), "reservations": []},
        )
        for _ in range(size):
            reservation = self._reservation(site, kind, start, end, state, customer, booking)
            reservation.attributes.update(created_at=created, updated_at=updated)
            booking.add_ref("reservations", ("reservation", reservation.id))

    def _reservation(
        self,
        site: _Site,
        kind: UnitKind,
        start: date,
        end: date,
        state: str,
        customer: DemoRecord,
        booking: DemoRecord,
    ) -> DemoRecord:
        rng, today = self.rng, self.today
        unit = self._free_unit(site, kind, start, end, state)
        type_ref = next(u.relationships["rentable_type"] for k, u in site.units if k is kind)
        checked_in = state == "confirmed" and start <= today and (start < today or rng.random() < 0.4)
        checked_out = checked_in and end <= today and (end < today or rng.random() < 0.5)
        adults, children = rng.randint(*kind.adults), rng.randint(*kind.children)
        reservation = self.store.add(
            "reservation",
            site.spec.id,
            {
                "booking_nr": booking.attributes["booking_nr"],
                "state": state,
                "start_date": start.isoformat(),
                "end_date": end.isoformat(),
                "checked_in_on": start.isoformat() if checked_in else None,
                "checked_out_on": end.isoformat() if checked_out else None,
                "late_checkout": rng.random() < 0.03,
                "guest_name": f"{customer.attributes['first_name']} {customer.attributes['last_name']}",
                "guest_group": {
                    "seniors": 0,
                    "adults": adults,
                    "adolescents": 0,
                    "children": children,
                    "babies": int(rng.random() < 0.1),
                    "pets": int(rng.random() < 0.15),
                },
                "fixed_rentable": unit is not None and rng.random() < 0.2,
                "access_code": None,
            },
            {
                "administration": ("administration", site.spec.id),
                "booking": ("booking", booking.id),
                "inventory_object": ("inventory_object", unit.id) if unit else None,
                "rentable_identity": unit.relationships["rentable_identity"] if unit else None,
                "rentable_type": type_ref,
            },
        )
        if checked_in and int(reservation.id) % STAMPED_EVERY == 0:  # a date field sent as a timestamp
            midnight = datetime.combine(start, time(0, 30), DEMO_ZONE).astimezone(UTC)
            reservation.attributes["checked_in_on"] = timestamp(midnight)
        reservation.relationships["guests"] = self._guests(reservation, customer, adults + children)
        self._order(site, reservation)
        return reservation

    def _free_unit(self, site: _Site, kind: UnitKind, start: date, end: date, state: str) -> DemoRecord | None:
        """A unit of the kind free for the stay; None when none is found or (3 %) not assigned yet."""
        if start > self.today + timedelta(days=14) and self.rng.random() < 0.03:
            return None
        candidates = [unit for unit_kind, unit in site.units if unit_kind is kind]
        for _ in range(8):
            unit = self.rng.choice(candidates)
            if state == "cancelled" or self.store.try_occupy(unit.id, start, end):
                return unit
        return None

    def _guests(self, reservation: DemoRecord, customer: DemoRecord, people: int) -> list[Ref]:
        """The main guest (the customer, phone not always given) and some fellow travellers."""
        main_phone = customer.attributes["phone"] if self.rng.random() < 0.8 else None
        main = self.store.add(
            "guest",
            reservation.administration_id,
            {key: customer.attributes[key] for key in ("first_name", "last_name", "email")} | {"phone": main_phone},
        )
        refs = [("guest", main.id)]
        first_names = NAMES[str(customer.attributes["country_code"])][0]
        for _ in range(min(people - 1, 2)):
            fellow = self.store.add(
                "guest",
                reservation.administration_id,
                {
                    "first_name": self.rng.choice(first_names),
                    "last_name": customer.attributes["last_name"],
                    "email": None,
                    "phone": None,
                },
            )
            refs.append(("guest", fellow.id))
        return refs

    def _order(self, site: _Site, reservation: DemoRecord) -> None:
        """Rent and costs as the order's main lines, extras as the stay's extra order lines."""
        store, rng = self.store, self.rng
        rent = store.add("order_item", site.spec.id, {"name": {"en": "Rent", "nl": "Huur"}, "quantity": 1})
        lines: dict[str, list[Ref]] = {"cost": [("order_item", rent.id)], "extra": []}
        for kind_name, entry, record in site.catalogue:
            if rng.random() < entry.share:
                line = store.add(
                    "order_item",
                    site.spec.id,
                    {"name": dict(entry.names), "quantity": 1},
                    {kind_name: (kind_name, record.id)},
                )
                lines[kind_name].append(("order_item", line.id))
        order = store.add(
            "order",
            site.spec.id,
            {"currency": "EUR", "total": round(rng.uniform(80, 1800), 2)},
            {"main_order_items": lines["cost"], "extra_order_items": lines["extra"]},
        )
        reservation.relationships["order"] = ("order", order.id)
        reservation.relationships["extra_order_items"] = list(lines["extra"])

    def _owners(self, site: _Site) -> None:
        """Owners of park units; every tenth changed hands 45 days ago (two agreements, one ended)."""
        owned = [unit for kind, unit in site.units if kind.owned]
        self.rng.shuffle(owned)
        for number in range(site.spec.owners):
            owner = self._owner(site, self.rng.choice(("NL", "NL", "DE")))
            for _ in range(self.rng.choice((1, 1, 2))):
                if not owned:
                    return
                unit = owned.pop()
                since = date(self.today.year - self.rng.randint(0, 8), 1, 1)
                if number % 10 == 9:
                    previous = self._owner(site, "NL")
                    self._agreement(previous, unit, since, self.today - timedelta(days=45))
                    since = self.today - timedelta(days=44)
                self._agreement(owner, unit, since, None)

    def _owner(self, site: _Site, country: str) -> DemoRecord:
        return self.store.add("owner", site.spec.id, self._person(country), {"agreements": []})

    def _agreement(self, owner: DemoRecord, unit: DemoRecord, start: date, end: date | None) -> None:
        agreement = self.store.add(
            "agreement",
            owner.administration_id,
            {"start_date": start.isoformat(), "end_date": end.isoformat() if end else None},
            {"owner": ("owner", owner.id), "rentable_identity": unit.relationships["rentable_identity"]},
        )
        owner.add_ref("agreements", ("agreement", agreement.id))
