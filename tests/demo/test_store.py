"""The demo organization: deterministic by seed, realistic, and changeable with bumped updated_at."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from salto_desk.demo.records import DemoRecord
from salto_desk.demo.store import DEFAULT_RESERVATIONS, DemoStore
from tests.demo.conftest import SMALL, TODAY, FakeClock

E164 = re.compile(r"\+[1-9]\d{6,14}")


def store(**options: object) -> DemoStore:
    settings: dict[str, object] = {"seed": 3, "today": TODAY, "reservations": SMALL, "now": FakeClock()} | options
    return DemoStore(**settings)  # type: ignore[arg-type]


def day(record: DemoRecord, name: str) -> date:
    return date.fromisoformat(str(record.attributes[name]))


@pytest.fixture(scope="module")
def full() -> DemoStore:
    """The default size, as the demo and the GUI see it."""
    return DemoStore(seed=1, today=TODAY, now=FakeClock())


def test_the_same_seed_and_day_give_the_same_data() -> None:
    assert store().snapshot() == store().snapshot()


def test_another_seed_or_day_gives_other_data() -> None:
    base = store().snapshot()
    assert store(seed=4).snapshot()["reservation"] != base["reservation"]
    shifted = store(today=TODAY + timedelta(days=10)).snapshot()
    assert shifted["reservation"][0]["attributes"]["start_date"] != base["reservation"][0]["attributes"]["start_date"]


def test_two_properties_with_about_250_objects(full: DemoStore) -> None:
    names = [record.attributes["name"] for record in full.all("administration")]
    assert names == ["Vakantiepark De Wielewaal", "Stadshotel De Gouden Leeuw"]
    assert len(full.all("inventory_object")) == 250
    assert len(full.all("inventory_object", "2")) == 30
    assert all(unit.refs("rentable_type") for unit in full.all("inventory_object"))
    assert sum(bool(unit.attributes["labels"]) for unit in full.all("inventory_object")) > 100


def test_reservations_spread_over_all_states_around_today(full: DemoStore) -> None:
    reservations = full.all("reservation")
    assert len(reservations) == DEFAULT_RESERVATIONS
    states = Counter(record.attributes["state"] for record in reservations)
    assert set(states) == {"confirmed", "option", "cancelled"}
    assert states["confirmed"] > states["cancelled"] > states["option"] > 0
    stages = Counter(
        (bool(record.attributes["checked_in_on"]), bool(record.attributes["checked_out_on"])) for record in reservations
    )
    assert stages[(True, True)] and stages[(True, False)] and stages[(False, False)]
    assert not stages[(False, True)]
    starts = [day(record, "start_date") for record in reservations]
    assert min(starts) == TODAY - timedelta(days=60)
    assert max(starts) == TODAY + timedelta(days=60)
    assert all(day(record, "end_date") > day(record, "start_date") for record in reservations)


def test_guests_have_accented_names_and_phones_of_every_kind(full: DemoStore) -> None:
    customers = [record.attributes for record in full.all("customer")]
    names = {f"{c['first_name']} {c['last_name']}" for c in customers}
    assert any(any(ch in name for ch in "äöüëïéáß") for name in names)
    assert Counter(c["country_code"] for c in customers).keys() == {"NL", "DE", "GB"}
    phones = [c["phone"] for c in customers]
    e164 = [p for p in phones if isinstance(p, str) and E164.fullmatch(p)]
    national = [p for p in phones if isinstance(p, str) and p and not E164.fullmatch(p)]
    missing = [p for p in phones if not p]
    assert len(e164) > len(national) > 0
    assert None in missing and "" in missing


def test_no_unit_is_booked_twice_on_a_night(full: DemoStore) -> None:
    nights: Counter[tuple[str, date]] = Counter()
    for record in full.all("reservation"):
        unit = record.refs("inventory_object")
        if not unit or record.attributes["state"] == "cancelled":
            continue
        start, end = day(record, "start_date"), day(record, "end_date")
        nights.update((unit[0][1], start + timedelta(days=n)) for n in range((end - start).days))
    assert nights
    assert max(nights.values()) == 1


def test_some_reservations_have_no_unit_yet(full: DemoStore) -> None:
    assert any(not record.refs("inventory_object") for record in full.all("reservation"))


def test_owners_have_agreements_and_some_units_changed_hands(full: DemoStore) -> None:
    owners = full.all("owner", "1")
    assert len(owners) >= 40
    assert full.all("owner", "2") == []
    agreements = full.all("agreement")
    by_unit = Counter(ref[1] for agreement in agreements for ref in agreement.refs("rentable_identity"))
    changed = [unit for unit, count in by_unit.items() if count == 2]
    assert changed
    ended = [a for a in agreements if a.attributes["end_date"]]
    assert {a.attributes["end_date"] for a in ended} == {(TODAY - timedelta(days=45)).isoformat()}


def test_extras_and_costs_catalogues(full: DemoStore) -> None:
    extras = {record.attributes["name"]["en"] for record in full.all("extra", "1")}  # type: ignore[index]
    assert {"Pool access", "Parking"} <= extras
    assert full.all("cost", "2")


@pytest.mark.slow
def test_the_reservation_count_is_configurable_up_to_a_benchmark() -> None:
    big = DemoStore(seed=1, today=TODAY, reservations=10_000, now=FakeClock())
    assert len(big.all("reservation")) == 10_000
    assert len(DemoStore(seed=1, today=TODAY, reservations=0, now=FakeClock()).all("reservation")) == 0
    with pytest.raises(ValueError, match="0 to 100000"):
        DemoStore(reservations=-1)


def arrival_today(demo: DemoStore) -> DemoRecord:
    return next(
        record
        for record in demo.all("reservation")
        if record.attributes["state"] == "confirmed"
        and day(record, "start_date") == demo.today
        and not record.attributes["checked_in_on"]
    )


def newest_stamp(demo: DemoStore) -> str:
    return max(str(record.attributes.get("updated_at", "")) for record in demo.all("reservation"))


def test_a_check_in_bumps_updated_at_past_everything_even_with_a_stopped_clock() -> None:
    demo = store()
    before = newest_stamp(demo)
    record = arrival_today(demo)
    change = demo.check_in(record.id)
    assert change.event == "reservation|checked_in"
    assert record.attributes["checked_in_on"] == TODAY.isoformat()
    assert str(record.attributes["updated_at"]) > before
    second = arrival_today(demo)
    demo.check_in(second.id)
    assert str(second.attributes["updated_at"]) > str(record.attributes["updated_at"])


def test_the_clock_drives_updated_at() -> None:
    clock = FakeClock()
    demo = store(now=clock)
    clock.moment += timedelta(days=1)
    record = arrival_today(demo)
    demo.check_out(record.id)
    assert record.attributes["updated_at"] == "2025-08-02T09:30:00.000Z"


def test_cancelling_frees_the_unit_and_updates_the_booking() -> None:
    demo = store()
    record = next(
        r for r in demo.all("reservation") if r.attributes["state"] == "confirmed" and r.refs("inventory_object")
    )
    demo.cancel(record.id)
    assert record.attributes["state"] == "cancelled"
    booking = demo.get(*record.refs("booking")[0])
    assert booking is not None
    others = [demo.reservation(rid).attributes["state"] for _k, rid in booking.refs("reservations")]
    assert booking.attributes["state"] == ("cancelled" if set(others) == {"cancelled"} else "confirmed")
    unit = record.refs("inventory_object")[0][1]
    assert demo.try_occupy(unit, day(record, "start_date"), day(record, "end_date"))


def test_moving_a_stay_checks_the_unit_is_free() -> None:
    demo = store()
    booked = [
        r for r in demo.all("reservation", "1") if r.attributes["state"] != "cancelled" and r.refs("inventory_object")
    ]
    first, other = (
        booked[0],
        next(r for r in booked[1:] if r.refs("inventory_object") != booked[0].refs("inventory_object")),
    )
    start, end = day(other, "start_date"), day(other, "end_date")
    with pytest.raises(ValueError, match="is taken"):
        demo.move(first.id, start, end, other.refs("inventory_object")[0][1])
    assert first.refs("inventory_object") != other.refs("inventory_object")
    new_start = TODAY + timedelta(days=200)
    change = demo.move(first.id, new_start, new_start + timedelta(days=3))
    assert change.event == "reservation|moved"
    assert (day(first, "start_date"), day(first, "end_date")) == (new_start, new_start + timedelta(days=3))
    with pytest.raises(ValueError, match="must be after"):
        demo.move(first.id, new_start, new_start)


def test_a_day_passing_checks_in_arrivals_and_out_departures() -> None:
    demo = store()
    tomorrow = TODAY + timedelta(days=1)
    changes = demo.advance(1)
    assert demo.today == tomorrow
    events = Counter(change.event for change in changes)
    assert events["reservation|checked_in"] > 0
    assert events["reservation|checked_out"] > 0
    for change in changes:
        record = demo.reservation(change.reservation_id)
        if change.event == "reservation|checked_out":
            assert record.attributes["checked_out_on"] == record.attributes["end_date"]
        if change.event == "reservation|checked_in":
            assert record.attributes["checked_in_on"] == tomorrow.isoformat()
    overdue = [
        r
        for r in demo.all("reservation")
        if r.attributes["checked_in_on"] and not r.attributes["checked_out_on"] and day(r, "end_date") <= tomorrow
    ]
    assert overdue == []


def test_simulated_activity_is_deterministic_and_visible() -> None:
    first, second = store(), store()
    changes = first.simulate(10)
    assert changes == second.simulate(10)
    assert changes
    stamps = [str(first.reservation(change.reservation_id).attributes["updated_at"]) for change in changes]
    assert all(stamp > "2025-08-01T09" for stamp in stamps)


def test_corrupting_a_record_is_visible_to_an_incremental_pull() -> None:
    demo = store()
    record = demo.all("reservation")[0]
    demo.corrupt("reservation", record.id, "start_date", 20250801)
    assert record.attributes["start_date"] == 20250801
    assert record.attributes["updated_at"] == newest_stamp(demo)
    with pytest.raises(KeyError):
        demo.corrupt("reservation", "nope", "start_date", 1)


def test_hostile_data_is_there_as_real_bookings_bring_it(full: DemoStore) -> None:
    phones = {str(record.attributes["phone"]) for record in full.all("customer")}
    assert any(phone.startswith("+31 (0)6 ") for phone in phones)  # BEX's own notation with a trunk zero
    assert any(phone.startswith("+31 06 ") for phone in phones)  # a wrong number that must be refused
    names = [str(record.attributes["guest_name"]) for record in full.all("reservation")]
    assert any(not name.isprintable() for name in names)  # escapes, tabs, line breaks, direction marks, NUL
    stamped = [r for r in full.all("reservation") if "T" in str(r.attributes["checked_in_on"] or "")]
    assert stamped and all(str(r.attributes["checked_in_on"]).endswith("Z") for r in stamped)


def test_objects_can_be_renamed_and_deleted_in_bex() -> None:
    demo = store()
    unit = demo.all("inventory_object", "2")[0]
    before = unit.attributes["updated_at"]
    demo.rename_object(unit.id, "Suite Zeezicht")
    assert unit.attributes["name"] == "Suite Zeezicht" and unit.attributes["updated_at"] != before
    booked = [r for r in demo.all("reservation", "2") if r.refs("inventory_object") == [("inventory_object", unit.id)]]
    demo.delete_object(unit.id)
    assert demo.get("inventory_object", unit.id) is None
    assert all(r.refs("inventory_object") == [("inventory_object", unit.id)] for r in booked)  # still pointing at it
    with pytest.raises(KeyError):
        demo.delete_object(unit.id)


def test_today_is_the_day_in_amsterdam_not_on_this_computer() -> None:
    late_evening_utc = FakeClock(datetime(2030, 7, 1, 22, 30, tzinfo=UTC))  # 00:30 on 2 July in Amsterdam
    assert DemoStore(reservations=0, now=late_evening_utc).today == date(2030, 7, 2)
