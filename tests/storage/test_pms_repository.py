"""The BEX cache: stored by the sync, searched by the desk (case and accents folded), offline status."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from salto_desk.errors import ValidationError
from salto_desk.keys.model import Administration, DoorNameSettings
from salto_desk.pms.models import (
    Agreement,
    CatalogueItem,
    Contact,
    InventoryObject,
    OrderedItem,
    Owner,
    RentableType,
    Reservation,
)
from salto_desk.storage import ConfigRepository, Database
from salto_desk.storage.pms_repository import (
    Period,
    PmsRepository,
    ReservationQuery,
    SyncCursor,
    fold,
)
from tests.storage.helpers import add_administration

TODAY = date(2030, 7, 1)
NOW = datetime(2030, 7, 1, 8, 0, tzinfo=UTC)
BEX_ID = "1"


@pytest.fixture
def store(database: Database) -> Database:
    """The SQLite database, and PostgreSQL too when SALTO_DESK_TEST_POSTGRES_URL names a server."""
    return database


def reservation(pms_id: str, **changes: object) -> Reservation:
    values: dict[str, object] = {
        "id": pms_id,
        "administration_id": BEX_ID,
        "booking_nr": f"30-{int(pms_id):05d}",
        "state": "confirmed",
        "start_date": TODAY,
        "end_date": TODAY + timedelta(days=3),
        "checked_in_on": None,
        "checked_out_on": None,
        "late_checkout": None,
        "fixed_rentable": None,
        "guest_name": None,
        "guest_group": None,
        "contact": Contact("Joëlle", "van Dijk", "joelle@example.org", "+31612345678"),
        "booking_id": None,
        "inventory_object_id": "10",
        "rentable_identity_id": None,
        "rentable_type_id": "t1",
        "ordered": (OrderedItem("extra", "e1", "Pool access"), OrderedItem("cost", "c1", "Final cleaning")),
        "created_at": None,
        "updated_at": NOW,
    }
    values.update(changes)
    return Reservation(**values)  # type: ignore[arg-type]


def unit(pms_id: str, name: str, labels: tuple[str, ...] = (), type_id: str = "t1") -> InventoryObject:
    return InventoryObject(pms_id, BEX_ID, name, None, labels, type_id, f"ri-{pms_id}", NOW)


@pytest.fixture
def park(store: Database) -> Administration:
    """An administration with two chalets (one with a SALTO door name), types, extras and costs cached."""
    administration = add_administration(store, pms_id=BEX_ID, name="Park")
    with store.unit_of_work() as session:
        ConfigRepository(session).set_door_name(
            DoorNameSettings(administration_id=administration.id, pms_object_id="11", object_name="", door_name="C-11")
        )
        cache = PmsRepository(session)
        cache.store_objects(
            BEX_ID, [unit("10", "Chalet Zeezicht", ("Sauna", "Aan het water")), unit("11", "Chalet Bos", ("Sauna",))]
        )
        cache.replace_catalogue(
            BEX_ID,
            [RentableType("t1", BEX_ID, "Chalet for 4"), RentableType("t2", BEX_ID, "Pitch")],
            [
                CatalogueItem("e1", BEX_ID, "extra", "Pool access", None),
                CatalogueItem("e2", BEX_ID, "extra", "Parking", None),
                CatalogueItem("c1", BEX_ID, "cost", "Final cleaning", None),
            ],
        )
    return administration


def store_reservations(database: Database, *reservations: Reservation) -> None:
    with database.unit_of_work() as session:
        PmsRepository(session).store_reservations(BEX_ID, reservations)


def search(database: Database, **query: object) -> list[str]:
    with database.unit_of_work() as session:
        found = PmsRepository(session).search_reservations(ReservationQuery(**query))  # type: ignore[arg-type]
    return [each.pms_id for each in found]


def test_fold_removes_accents_and_case() -> None:
    assert fold("Joëlle GROß") == "joelle gross"


def test_a_reservation_comes_back_with_its_object_type_labels_door_and_catalogue(
    store: Database, park: Administration
) -> None:
    store_reservations(store, reservation("1", inventory_object_id="11", checked_in_on=TODAY))
    with store.unit_of_work() as session:
        cached = PmsRepository(session).reservation(park.id, "1")
    assert cached is not None
    assert (cached.administration_id, cached.booking_nr, cached.state) == (park.id, "30-00001", "confirmed")
    assert (cached.guest_name, cached.phone, cached.email) == ("Joëlle van Dijk", "+31612345678", "joelle@example.org")
    assert (cached.object_name, cached.door_name, cached.object_type) == ("Chalet Bos", "C-11", "Chalet for 4")
    assert cached.labels == ("Sauna",)
    assert (cached.extras, cached.costs) == (("Pool access",), ("Final cleaning",))
    assert cached.checked_in_at == datetime(2030, 6, 30, 22, 0, tzinfo=UTC)  # midnight in Amsterdam (CEST)
    assert cached.checked_out_at is None
    assert cached.facts.extras == {"e1", "Pool access"}
    assert cached.facts.object_type_ids == {"t1"}


def test_storing_again_replaces_and_an_unknown_object_gives_empty_names(store: Database, park: Administration) -> None:
    store_reservations(store, reservation("1"))
    store_reservations(store, reservation("1", state="Cancelled", inventory_object_id="99", ordered=()))
    with store.unit_of_work() as session:
        cached = PmsRepository(session).reservation(park.id, "1")
        assert PmsRepository(session).reservation(park.id, "2") is None
    assert cached is not None
    assert (cached.state, cached.object_name, cached.door_name, cached.extras) == ("cancelled", "", "", ())


def test_a_reservation_without_dates_is_refused(store: Database, park: Administration) -> None:
    with pytest.raises(ValueError, match="no stay dates"), store.unit_of_work() as session:
        PmsRepository(session).store_reservations(BEX_ID, [reservation("1", start_date=None)])


def test_text_search_ignores_case_and_accents_and_matches_object_and_door_names(
    store: Database, park: Administration
) -> None:
    store_reservations(
        store,
        reservation("1"),
        reservation("2", contact=Contact("Jürgen", "Groß", None, None), inventory_object_id="11"),
        reservation("3", contact=None, guest_name="100% Smit_x"),
    )
    assert search(store, text="JOELLE") == ["1"]
    assert search(store, text="jurgen gross") == ["2"]
    assert search(store, text="30-00002") == ["2"]
    assert search(store, text="zeezicht") == ["1", "3"]  # object name
    assert search(store, text="c-11") == ["2"]  # SALTO door name
    assert search(store, text="100%") == ["3"]  # LIKE wildcards are taken literally
    assert search(store, text="_x") == ["3"]
    assert search(store, text="nobody") == []


def test_periods_dates_and_states(store: Database, park: Administration) -> None:
    yesterday, tomorrow = TODAY - timedelta(days=1), TODAY + timedelta(days=1)
    store_reservations(
        store,
        reservation("1", start_date=TODAY, end_date=TODAY + timedelta(days=2)),  # arrives
        reservation("2", start_date=yesterday, end_date=tomorrow, checked_in_on=yesterday),  # in house
        reservation("3", start_date=yesterday - timedelta(days=2), end_date=TODAY),  # departs (not checked in)
        reservation("4", start_date=yesterday, end_date=tomorrow),  # in house: confirmed, not checked in yet
        reservation("5", start_date=yesterday, end_date=tomorrow, state="cancelled"),
        reservation("6", start_date=tomorrow, end_date=tomorrow + timedelta(days=4)),
    )
    assert search(store, period=Period.ARRIVALS, day=TODAY) == ["1"]
    assert search(store, period=Period.IN_HOUSE, day=TODAY) == ["1", "2", "4"]  # 1: confirmed, arrives today
    assert search(store, period=Period.DEPARTURES, day=TODAY) == ["3"]
    assert search(store, date_from=tomorrow + timedelta(days=1)) == ["1", "6"]  # stays overlapping the range
    assert search(store, date_to=yesterday - timedelta(days=2)) == ["3"]
    assert search(store, states=frozenset({"Cancelled"})) == ["5"]
    # arrivals of the day first, then by start date
    assert search(store, day=TODAY) == ["1", "3", "2", "4", "5", "6"]
    assert search(store, day=TODAY, limit=2) == ["1", "3"]
    with pytest.raises(ValidationError):
        search(store, period=Period.ARRIVALS)


def test_unconfigured_administrations_are_cached_but_not_listed(store: Database, park: Administration) -> None:
    with store.unit_of_work() as session:
        PmsRepository(session).store_reservations("77", [reservation("1", administration_id="77")])
    assert search(store) == []
    store_reservations(store, reservation("2"))
    assert search(store) == ["2"]
    assert search(store, administration_id=park.id) == ["2"]


def test_objects_and_filter_choices(store: Database, park: Administration) -> None:
    with store.unit_of_work() as session:
        cache = PmsRepository(session)
        objects = cache.objects(park.id)
        choices = cache.filter_choices(park.id)
    assert [(each.name, each.door_name, each.object_type) for each in objects] == [
        ("Chalet Bos", "C-11", "Chalet for 4"),
        ("Chalet Zeezicht", "Chalet Zeezicht", "Chalet for 4"),
    ]
    assert choices.labels == ("Aan het water", "Sauna")
    assert choices.object_types == ("Chalet for 4", "Pitch")
    assert (choices.extras, choices.costs) == (("Parking", "Pool access"), ("Final cleaning",))


def test_owners_have_the_units_of_their_agreements_on_the_day(store: Database, park: Administration) -> None:
    ended = Agreement("a1", "ri-10", None, date(2020, 1, 1), TODAY - timedelta(days=45))
    current = Agreement("a2", "ri-10", None, TODAY - timedelta(days=44), None)
    by_object = Agreement("a3", None, "11", None, None)
    with store.unit_of_work() as session:
        PmsRepository(session).replace_owners(
            BEX_ID,
            [
                Owner(
                    "o1", BEX_ID, Contact("Käthe", "Böhm", "kathe@example.net", "+4917112345678"), (current, by_object)
                ),
                Owner("o2", BEX_ID, Contact("Bram", "Jansen", None, None), (ended,)),
            ],
        )
    with store.unit_of_work() as session:
        cache = PmsRepository(session)
        owners = cache.owners(park.id, day=TODAY)
        assert [owner.name for owner in cache.owners(park.id, "kathe", day=TODAY)] == ["Käthe Böhm"]
        assert [owner.name for owner in cache.owners(park.id, "C-11", day=TODAY)] == ["Käthe Böhm"]
        before_the_change = cache.owner(park.id, "o2", day=TODAY - timedelta(days=50))
        assert cache.owner(park.id, "missing") is None
    assert [(owner.name, [unit.name for unit in owner.objects]) for owner in owners] == [
        ("Bram Jansen", []),
        ("Käthe Böhm", ["Chalet Zeezicht", "Chalet Bos"]),
    ]
    assert before_the_change is not None and [unit.name for unit in before_the_change.objects] == ["Chalet Zeezicht"]


def test_sync_status_keeps_the_first_failure_until_a_success(store: Database, park: Administration) -> None:
    later = NOW + timedelta(minutes=5)
    with store.unit_of_work() as session:
        cache = PmsRepository(session)
        assert cache.sync_status(park.id).last_success_at is None
        assert cache.sync_cursor(BEX_ID) == SyncCursor(None, None)
        cache.record_sync_success(BEX_ID, name="Park", now=NOW, cursor=SyncCursor(NOW, NOW))
        cache.record_sync_failure(BEX_ID, now=later, error="BEX cannot be reached.")
        cache.record_sync_failure(BEX_ID, now=later + timedelta(minutes=5), error="BEX did not answer in time.")
    with store.unit_of_work() as session:
        status = PmsRepository(session).sync_status(park.id)
        assert PmsRepository(session).sync_cursor(BEX_ID) == SyncCursor(NOW, NOW)
    assert (status.last_success_at, status.offline_since) == (NOW, later)
    assert status.last_attempt_at == later + timedelta(minutes=5)
    assert status.last_error == "BEX did not answer in time."
    with store.unit_of_work() as session:
        PmsRepository(session).record_sync_success(
            BEX_ID, name=None, now=later + timedelta(hours=1), cursor=SyncCursor(None, None)
        )
        status = PmsRepository(session).sync_status(park.id)
    assert (status.offline_since, status.last_error) == (None, None)


def test_many_reservations_are_stored_in_chunks(store: Database, park: Administration) -> None:
    many = [reservation(str(number)) for number in range(1, 1203)]
    store_reservations(store, *many)
    store_reservations(store, *(replace(each, state="cancelled") for each in many[:600]))
    assert len(search(store, limit=5000)) == 1202
    assert len(search(store, states=frozenset({"cancelled"}), limit=5000)) == 600
