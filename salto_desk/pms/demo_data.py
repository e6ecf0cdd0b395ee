"""The demo organization: a holiday park and a small hotel, seeded deterministically, that can change.

Everything derives from a seed number and "today", so two stores with the same seed and day are
identical (tests, training screenshots, benchmarks). The data is made to trip up a desk the way real
data does: accented Dutch, German and English names, guests without a phone or with a national
number, units without an assigned object, owners whose unit changed hands this year. The moves
(check-in, check-out, cancel, confirm, date or unit change) bump ``updated_at`` so an incremental
sync sees them, which is what the live demo shows.
"""

from __future__ import annotations

import random
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

JsonValue = object
Ref = tuple[str, str]
"""(type, id) of a related record."""
Linkage = Ref | list[Ref] | None

DEFAULT_RESERVATIONS = 3000
MAX_RESERVATIONS = 100_000
"""The most a demo store seeds: ten times the benchmark, and a few hundred megabytes of memory."""
DEMO_ZONE = ZoneInfo("Europe/Amsterdam")
"""The demo properties' time zone: "today" is their day, not this computer's (they differ around midnight)."""
DAYS_AROUND_TODAY = 60


@dataclass
class DemoRecord:
    """One record of the demo PMS; mutable because the moves change it (always under the store's lock)."""

    type: str
    id: str
    administration_id: str | None
    attributes: dict[str, JsonValue]
    relationships: dict[str, Linkage] = field(default_factory=dict)

    def refs(self, relationship: str) -> list[Ref]:
        linkage = self.relationships.get(relationship)
        if linkage is None:
            return []
        return list(linkage) if isinstance(linkage, list) else [linkage]

    def add_ref(self, relationship: str, ref: Ref) -> None:
        """Append to a to-many relationship."""
        self.relationships[relationship] = [*self.refs(relationship), ref]

    def to_json(self) -> dict[str, JsonValue]:
        return {
            "id": self.id,
            "type": self.type,
            "attributes": dict(self.attributes),
            "relationships": {name: {"data": _linkage_json(linkage)} for name, linkage in self.relationships.items()},
        }


def _linkage_json(linkage: Linkage) -> JsonValue:
    if linkage is None:
        return None
    if isinstance(linkage, list):
        return [{"type": kind, "id": identifier} for kind, identifier in linkage]
    return {"type": linkage[0], "id": linkage[1]}


@dataclass(frozen=True)
class DemoChange:
    """One move of the demo's clock; ``event`` uses BEX's webhook names (``reservation|checked_in``)."""

    event: str
    reservation_id: str
    detail: str


def timestamp(moment: datetime) -> str:
    """The wire form of a timestamp: UTC, milliseconds, ``Z`` (what Rails-style APIs send)."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# --- what the two properties look like ----------------------------------------------------------


@dataclass(frozen=True)
class _UnitKind:
    names: dict[str, str]
    count: int
    object_name: Callable[[int], str]
    labels: tuple[str, ...]
    nights: tuple[int, ...]
    adults: tuple[int, int]
    children: tuple[int, int]
    owned: bool


@dataclass(frozen=True)
class _CatalogueEntry:
    names: dict[str, str]
    category: str
    share: float
    """How many stays order it (extras) or are charged it (costs)."""


@dataclass(frozen=True)
class _Property:
    id: str
    name: str
    phone: str
    units: tuple[_UnitKind, ...]
    extras: tuple[_CatalogueEntry, ...]
    costs: tuple[_CatalogueEntry, ...]
    owners: int
    multi_unit_share: float


_PARK = _Property(
    id="1",
    name="Vakantiepark De Wielewaal",
    phone="+31 513 123 456",
    units=(
        _UnitKind(
            names={"en": "Chalet for 4", "nl": "Chalet 4 personen", "de": "Chalet für 4"},
            count=80,
            object_name=lambda n: f"Chalet {n}",
            labels=("Aan het water", "Huisdieren toegestaan", "Nabij zwembad", "Rustige ligging"),
            nights=(2, 3, 4, 7, 7, 10),
            adults=(1, 2),
            children=(0, 2),
            owned=True,
        ),
        _UnitKind(
            names={"en": "Bungalow 6 luxury", "nl": "Bungalow 6 luxe", "de": "Bungalow 6 Luxus"},
            count=60,
            object_name=lambda n: f"Bungalow B-{n:02d}",
            labels=("Sauna", "Huisdieren toegestaan", "Rolstoelvriendelijk", "Aan het water"),
            nights=(3, 4, 7, 7, 14),
            adults=(2, 4),
            children=(0, 3),
            owned=True,
        ),
        _UnitKind(
            names={"en": "Wellness lodge 8", "nl": "Wellnesslodge 8", "de": "Wellness-Lodge 8"},
            count=20,
            object_name=lambda n: f"Lodge L-{n:02d}",
            labels=("Sauna", "Hottub", "Aan het water"),
            nights=(2, 3, 4, 7),
            adults=(2, 6),
            children=(0, 2),
            owned=True,
        ),
        _UnitKind(
            names={"en": "Comfort pitch", "nl": "Comfortplaats", "de": "Komfortstellplatz"},
            count=60,
            object_name=lambda n: f"Plaats {100 + n}",
            labels=("Stroom 10A", "Huisdieren toegestaan", "Nabij sanitair"),
            nights=(2, 3, 5, 7, 14),
            adults=(1, 2),
            children=(0, 3),
            owned=False,
        ),
    ),
    extras=(
        _CatalogueEntry({"en": "Pool access", "nl": "Toegang zwembad", "de": "Schwimmbadzugang"}, "per_person", 0.35),
        _CatalogueEntry({"en": "Parking", "nl": "Parkeren", "de": "Parken"}, "per_stay", 0.5),
        _CatalogueEntry({"en": "Sauna", "nl": "Sauna", "de": "Sauna"}, "per_stay", 0.1),
        _CatalogueEntry({"en": "Bike rental", "nl": "Fietsverhuur", "de": "Fahrradverleih"}, "per_night", 0.15),
    ),
    costs=(
        _CatalogueEntry({"en": "Final cleaning", "nl": "Eindschoonmaak", "de": "Endreinigung"}, "mandatory", 1.0),
        _CatalogueEntry({"en": "Tourist tax", "nl": "Toeristenbelasting", "de": "Kurtaxe"}, "mandatory", 1.0),
        _CatalogueEntry({"en": "Bed linen", "nl": "Bedlinnen", "de": "Bettwäsche"}, "optional", 0.4),
        _CatalogueEntry({"en": "Key card deposit", "nl": "Borg sleutelkaart", "de": "Kartenpfand"}, "optional", 0.2),
    ),
    owners=40,
    multi_unit_share=0.1,
)

_HOTEL = _Property(
    id="2",
    name="Stadshotel De Gouden Leeuw",
    phone="+31 20 123 4567",
    units=(
        _UnitKind(
            names={"en": "Standard double room", "nl": "Standaard tweepersoonskamer", "de": "Standard-Doppelzimmer"},
            count=18,
            object_name=lambda n: f"{100 * (1 + (n - 1) // 6) + (n - 1) % 6 + 1}",
            labels=("Binnenplaats", "Niet-roken"),
            nights=(1, 1, 2, 3),
            adults=(1, 2),
            children=(0, 0),
            owned=False,
        ),
        _UnitKind(
            names={"en": "Superior twin room", "nl": "Superior twin kamer", "de": "Superior-Zweibettzimmer"},
            count=8,
            object_name=lambda n: f"{400 + n}",
            labels=("Grachtzicht", "Niet-roken"),
            nights=(1, 2, 3, 4),
            adults=(1, 2),
            children=(0, 0),
            owned=False,
        ),
        _UnitKind(
            names={"en": "Family room", "nl": "Familiekamer", "de": "Familienzimmer"},
            count=4,
            object_name=lambda n: f"{500 + n}",
            labels=("Rolstoelvriendelijk", "Begane grond"),
            nights=(2, 3, 4),
            adults=(2, 2),
            children=(1, 3),
            owned=False,
        ),
    ),
    extras=(
        _CatalogueEntry({"en": "Parking", "nl": "Parkeren", "de": "Parken"}, "per_night", 0.3),
        _CatalogueEntry({"en": "Breakfast", "nl": "Ontbijt", "de": "Frühstück"}, "per_person", 0.6),
        _CatalogueEntry({"en": "Late check-out", "nl": "Late check-out", "de": "Später Check-out"}, "per_stay", 0.1),
    ),
    costs=(
        _CatalogueEntry({"en": "City tax", "nl": "Toeristenbelasting", "de": "Citytax"}, "mandatory", 1.0),
        _CatalogueEntry({"en": "Booking fee", "nl": "Reserveringskosten", "de": "Buchungsgebühr"}, "mandatory", 1.0),
    ),
    owners=0,
    multi_unit_share=0.05,
)

_PROPERTIES = (_PARK, _HOTEL)


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split("|"))


_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "NL": (
        _names("Anouk|Bram|Daan|Eline|Femke|Joëlle|Loïs|Noëlle|Sjoerd|Thijs|Ruben|Zoë|Chloë|Inge|Maarten|Siëlle"),
        _names(
            "de Vries|van der Meulen|Jansen|Bakker|Visser|ter Horst|van Dijk|Smit|de Boer|Mulder|Hendriks"
            "|van den Berg|Kuijpers|Brouwer|d'Hondt|IJzerman"
        ),
    ),
    "DE": (
        _names("Jürgen|Björn|Käthe|Lukas|Sören|Günther|Lena|Jörg|Anna-Lena|Maximilian|Frauke|Uwe|Jürgen-Heinz"),
        _names("Müller|Schäfer|Weiß|Schröder|Krüger|Böhm|Groß|Köhler|Fuchs|Schmitt|Hoffmann|Wagner|von Bülow"),
    ),
    "GB": (
        _names("Siobhán|Zoë|Chloé|Renée|Oliver|Amélie|Seán|Niamh|Harry|Emily|Jack|Olivia"),
        _names("O'Brien|Clarke|Bennett|Walker|Hughes|Thompson|Murphy|Taylor|Davies|Evans|Wright|Ó Súilleabháin"),
    ),
}
_COUNTRIES = ("NL", "DE", "GB")
HOSTILE_EVERY = 11
"""Every so many customers get a name with control characters."""
STAMPED_EVERY = 4
"""Every so many check-ins come as a timestamp (00:30 in Amsterdam, in UTC) instead of a date."""
_HOSTILE_NAMES = ("Bakker\x1b[31m", "van\tDijk", "Jansen\r\nRoot", "Visser\u202egnip", "de\x00Boer")
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


class DemoStore:
    """All demo records (JSON:API shaped), indexed by type and administration, plus the moves."""

    def __init__(
        self,
        *,
        seed: int = 1,
        today: date | None = None,
        reservations: int = DEFAULT_RESERVATIONS,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if not 0 <= reservations <= MAX_RESERVATIONS:
            raise ValueError(f"reservations must be 0 to {MAX_RESERVATIONS}, not {reservations}")
        self.lock = threading.RLock()
        self.today = today or now().astimezone(DEMO_ZONE).date()
        self._now = now
        self._rng = random.Random(seed)
        self._records: dict[str, dict[str, DemoRecord]] = {}
        self._next_id: dict[str, int] = {}
        self._occupied: dict[str, set[date]] = {}
        self._last_stamp = min(now(), datetime.combine(self.today, time(6, 0), UTC))  # never ahead of the clock
        _Seeder(self, self._rng).seed(reservations)

    # --- reading ---------------------------------------------------------------------------------

    def get(self, kind: str, identifier: str) -> DemoRecord | None:
        return self._records.get(kind, {}).get(identifier)

    def all(self, kind: str, administration_id: str | None = None) -> list[DemoRecord]:
        """Records of one type (of one administration), in id order (stable paging)."""
        records = self._records.get(kind, {}).values()
        return [
            record for record in records if administration_id is None or record.administration_id == administration_id
        ]

    def reservation(self, reservation_id: str) -> DemoRecord:
        record = self.get("reservation", reservation_id)
        if record is None:
            raise KeyError(f"no demo reservation {reservation_id}")
        return record

    def snapshot(self) -> dict[str, list[dict[str, JsonValue]]]:
        """Every record as JSON, by type: what determinism is checked on."""
        with self.lock:
            return {kind: [record.to_json() for record in records.values()] for kind, records in self._records.items()}

    # --- building (used by the seeder) -----------------------------------------------------------

    def add(
        self,
        kind: str,
        administration_id: str | None,
        attributes: dict[str, JsonValue],
        relationships: dict[str, Linkage] | None = None,
    ) -> DemoRecord:
        number = self._next_id.get(kind, 1)
        self._next_id[kind] = number + 1
        record = DemoRecord(kind, str(number), administration_id, attributes, relationships or {})
        self._records.setdefault(kind, {})[record.id] = record
        return record

    def try_occupy(self, inventory_object_id: str, start: date, end: date) -> bool:
        """Claim the nights start..end-1 of an object, unless one is taken (no double bookings)."""
        nights = {start + timedelta(days=offset) for offset in range((end - start).days)}
        taken = self._occupied.setdefault(inventory_object_id, set())
        if taken & nights:
            return False
        taken |= nights
        return True

    def release(self, inventory_object_id: str, start: date, end: date) -> None:
        nights = {start + timedelta(days=offset) for offset in range((end - start).days)}
        self._occupied.get(inventory_object_id, set()).difference_update(nights)

    # --- moves -----------------------------------------------------------------------------------

    def touch(self, record: DemoRecord) -> None:
        """Bump ``updated_at``: never backwards and never twice the same, so ``updated_at`` ranges are exact."""
        stamp = max(self._now().astimezone(UTC), self._last_stamp + timedelta(milliseconds=1))
        self._last_stamp = stamp
        record.attributes["updated_at"] = timestamp(stamp)

    def check_in(self, reservation_id: str, on: date | None = None) -> DemoChange:
        with self.lock:
            record = self.reservation(reservation_id)
            record.attributes["checked_in_on"] = (on or self.today).isoformat()
            self.touch(record)
            return DemoChange("reservation|checked_in", reservation_id, str(record.attributes["checked_in_on"]))

    def check_out(self, reservation_id: str, on: date | None = None) -> DemoChange:
        with self.lock:
            record = self.reservation(reservation_id)
            record.attributes["checked_out_on"] = (on or self.today).isoformat()
            self.touch(record)
            return DemoChange("reservation|checked_out", reservation_id, str(record.attributes["checked_out_on"]))

    def confirm(self, reservation_id: str) -> DemoChange:
        with self.lock:
            record = self.reservation(reservation_id)
            record.attributes["state"] = "confirmed"
            self.touch(record)
            self._sync_booking_state(record)
            return DemoChange("reservation|confirmed", reservation_id, "confirmed")

    def cancel(self, reservation_id: str) -> DemoChange:
        with self.lock:
            record = self.reservation(reservation_id)
            record.attributes["state"] = "cancelled"
            unit = record.refs("inventory_object")
            if unit:
                start, end = _stay(record)
                self.release(unit[0][1], start, end)
            self.touch(record)
            self._sync_booking_state(record)
            return DemoChange("reservation|cancelled", reservation_id, "cancelled")

    def move(
        self, reservation_id: str, start_date: date, end_date: date, inventory_object_id: str | None = None
    ) -> DemoChange:
        """Change the dates and/or the unit; refused (ValueError) when the unit is taken then."""
        if end_date <= start_date:
            raise ValueError(f"end date {end_date} must be after start date {start_date}")
        with self.lock:
            record = self.reservation(reservation_id)
            old_unit = record.refs("inventory_object")
            old_start, old_end = _stay(record)
            if old_unit:
                self.release(old_unit[0][1], old_start, old_end)
            unit = inventory_object_id or (old_unit[0][1] if old_unit else None)
            if unit is not None and not self.try_occupy(unit, start_date, end_date):
                if old_unit:
                    self.try_occupy(old_unit[0][1], old_start, old_end)
                raise ValueError(f"inventory object {unit} is taken between {start_date} and {end_date}")
            record.attributes["start_date"] = start_date.isoformat()
            record.attributes["end_date"] = end_date.isoformat()
            if unit is not None:
                record.relationships["inventory_object"] = ("inventory_object", unit)
                unit_record = self.get("inventory_object", unit)
                if unit_record is not None:
                    record.relationships["rentable_type"] = unit_record.relationships["rentable_type"]
            self.touch(record)
            return DemoChange("reservation|moved", reservation_id, f"{start_date}..{end_date} unit {unit}")

    def rename_object(self, inventory_object_id: str, name: str) -> None:
        """BEX renames an accommodation (its ``updated_at`` moves; its reservations do not change)."""
        with self.lock:
            record = self._object(inventory_object_id)
            record.attributes["name"] = name
            record.attributes["name_with_type"] = name
            self.touch(record)

    def delete_object(self, inventory_object_id: str) -> None:
        """BEX deletes an accommodation: it leaves the list; reservations keep pointing at it."""
        with self.lock:
            self._object(inventory_object_id)
            del self._records["inventory_object"][inventory_object_id]

    def _object(self, inventory_object_id: str) -> DemoRecord:
        record = self.get("inventory_object", inventory_object_id)
        if record is None:
            raise KeyError(f"no demo inventory object {inventory_object_id}")
        return record

    def corrupt(self, kind: str, identifier: str, attribute: str, value: JsonValue) -> None:
        """Give a record a malformed attribute (tests: one bad record must not spoil a pull)."""
        with self.lock:
            record = self.get(kind, identifier)
            if record is None:
                raise KeyError(f"no demo {kind} {identifier}")
            record.attributes[attribute] = value
            self.touch(record)

    def _sync_booking_state(self, reservation: DemoRecord) -> None:
        for ref in reservation.refs("booking"):
            booking = self.get(*ref)
            if booking is None:
                continue
            states = {str(self.reservation(rid).attributes["state"]) for _kind, rid in booking.refs("reservations")}
            booking.attributes["state"] = next(
                (state for state in ("confirmed", "option") if state in states), "cancelled"
            )
            self.touch(booking)

    def advance(self, days: int = 1) -> list[DemoChange]:
        """Move "today" forward: arrivals check in, departures check out, options are decided."""
        changes: list[DemoChange] = []
        with self.lock:
            for _ in range(days):
                self.today += timedelta(days=1)
                for record in list(self.all("reservation")):
                    changes += self._day_passes(record)
        return changes

    def _day_passes(self, record: DemoRecord) -> list[DemoChange]:
        attributes, today = record.attributes, self.today
        state = attributes["state"]
        start, end = _stay(record)
        if state == "option" and (start - today).days <= 3:
            decided = self.confirm(record.id) if self._rng.random() < 0.7 else self.cancel(record.id)
            return [decided]
        if state != "confirmed":
            return []
        if start <= today < end and not attributes.get("checked_in_on") and self._rng.random() < 0.9:
            return [self.check_in(record.id)]
        if end <= today and attributes.get("checked_in_on") and not attributes.get("checked_out_on"):
            return [self.check_out(record.id, end)]
        return []

    def simulate(self, changes: int = 3) -> list[DemoChange]:
        """Random front-desk life for the live demo: cancellations, date and unit changes, early check-ins."""
        done: list[DemoChange] = []
        with self.lock:
            upcoming = [
                record
                for record in self.all("reservation")
                if record.attributes["state"] == "confirmed" and _stay(record)[0] >= self.today
            ]
            for _ in range(changes):
                if not upcoming:
                    break
                record = upcoming.pop(self._rng.randrange(len(upcoming)))
                done += self._random_change(record)
        return done

    def _random_change(self, record: DemoRecord) -> list[DemoChange]:
        roll = self._rng.random()
        start, end = _stay(record)
        if roll < 0.3:
            return [self.cancel(record.id)]
        if roll < 0.5 and start == self.today:
            return [self.check_in(record.id)]
        shift = self._rng.choice((-2, -1, 1, 2))
        new_end = max(start + timedelta(days=1), end + timedelta(days=shift))
        try:
            return [self.move(record.id, start, new_end)]
        except ValueError:
            return []  # the unit is taken on the new dates: like a real desk, the guest keeps the old ones


def _stay(record: DemoRecord) -> tuple[date, date]:
    return date.fromisoformat(str(record.attributes["start_date"])), date.fromisoformat(
        str(record.attributes["end_date"])
    )


@dataclass(frozen=True)
class _Site:
    """A seeded property: its units with their kind, and its catalogue entries with their records."""

    spec: _Property
    units: list[tuple[_UnitKind, DemoRecord]]
    catalogue: list[tuple[str, _CatalogueEntry, DemoRecord]]


class _Seeder:
    """Fills a store; kept apart so the store's moves read without the seeding detail."""

    def __init__(self, store: DemoStore, rng: random.Random) -> None:
        self.store = store
        self.rng = rng
        self.today = store.today
        self.seeded_at = datetime.combine(self.today, time(6, 0), UTC)
        self.booking_numbers = 0

    def seed(self, reservations: int) -> None:
        units_total = sum(kind.count for spec in _PROPERTIES for kind in spec.units)
        remaining = reservations
        for spec in _PROPERTIES:
            site = self._property(spec)
            share = sum(kind.count for kind in spec.units) / units_total
            count = remaining if spec is _PROPERTIES[-1] else round(reservations * share)
            self._reservations(site, count)
            remaining -= count
            self._owners(site)

    def _stamp(self, before: datetime) -> tuple[str, str]:
        """created_at and updated_at, both before ``before`` and before seeding time."""
        latest = min(before, self.seeded_at)
        created = latest - timedelta(days=self.rng.randint(1, 240), minutes=self.rng.randint(0, 1439))
        updated = created + (latest - created) * self.rng.random()
        return timestamp(created), timestamp(updated)

    def _property(self, spec: _Property) -> _Site:
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
        first_names, last_names = _NAMES[country]
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
            customer.attributes["last_name"] = _HOSTILE_NAMES[int(customer.id) // HOSTILE_EVERY % len(_HOSTILE_NAMES)]
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
        kind: _UnitKind,
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

    def _free_unit(self, site: _Site, kind: _UnitKind, start: date, end: date, state: str) -> DemoRecord | None:
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
        first_names = _NAMES[str(customer.attributes["country_code"])][0]
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
