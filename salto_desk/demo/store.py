"""The demo organization's store: every record, indexed by type and administration, and the moves.

Everything derives from a seed number and "today", so two stores with the same seed and day are
identical (tests, training screenshots, benchmarks). The moves (check-in, check-out, cancel, confirm,
date or unit change, an object renamed or deleted) bump ``updated_at`` so an incremental sync sees
them, which is what the live demo shows.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from salto_desk.demo.records import DEMO_ZONE, DemoChange, DemoRecord, JsonValue, Linkage, stay, timestamp
from salto_desk.demo.seeding import Seeder

DEFAULT_RESERVATIONS = 3000
MAX_RESERVATIONS = 100_000
"""The most a demo store seeds: ten times the benchmark, and a few hundred megabytes of memory."""


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
        Seeder(self, self._rng).seed(reservations)

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
                start, end = stay(record)
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
            old_start, old_end = stay(record)
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
        start, end = stay(record)
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
                if record.attributes["state"] == "confirmed" and stay(record)[0] >= self.today
            ]
            for _ in range(changes):
                if not upcoming:
                    break
                record = upcoming.pop(self._rng.randrange(len(upcoming)))
                done += self._random_change(record)
        return done

    def _random_change(self, record: DemoRecord) -> list[DemoChange]:
        roll = self._rng.random()
        start, end = stay(record)
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
