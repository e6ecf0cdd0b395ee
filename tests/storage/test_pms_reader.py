"""The desk's reads of the BEX cache: searches (case and accents folded), objects, filter choices and owners."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from salto_desk.errors import ValidationError
from salto_desk.keys.model import Administration
from salto_desk.pms.models import Agreement, Contact, Owner
from salto_desk.storage import Database
from salto_desk.storage.pms_reader import PmsReader
from salto_desk.storage.pms_store import PmsStore
from salto_desk.storage.pms_values import Period, ReservationQuery
from tests.services.helpers import statements
from tests.storage.bex_cache import BEX_ID, TODAY, cache_park, reservation, search, store_reservations
from tests.storage.helpers import add_administration


@pytest.fixture
def park(database: Database) -> Administration:
    return cache_park(database)


def test_text_search_ignores_case_and_accents_and_matches_object_and_door_names(
    database: Database, park: Administration
) -> None:
    store_reservations(
        database,
        reservation("1"),
        reservation("2", contact=Contact("Jürgen", "Groß", None, None), inventory_object_id="11"),
        reservation("3", contact=None, guest_name="100% Smit_x"),
    )
    assert search(database, text="JOELLE") == ["1"]
    assert search(database, text="jurgen gross") == ["2"]
    assert search(database, text="30-00002") == ["2"]
    assert search(database, text="zeezicht") == ["1", "3"]  # object name
    assert search(database, text="c-11") == ["2"]  # SALTO door name
    assert search(database, text="100%") == ["3"]  # LIKE wildcards are taken literally
    assert search(database, text="_x") == ["3"]
    assert search(database, text="nobody") == []


def test_periods_dates_and_states(database: Database, park: Administration) -> None:
    yesterday, tomorrow = TODAY - timedelta(days=1), TODAY + timedelta(days=1)
    store_reservations(
        database,
        reservation("1", start_date=TODAY, end_date=TODAY + timedelta(days=2)),  # arrives
        reservation("2", start_date=yesterday, end_date=tomorrow, checked_in_on=yesterday),  # in house
        reservation("3", start_date=yesterday - timedelta(days=2), end_date=TODAY),  # departs (not checked in)
        reservation("4", start_date=yesterday, end_date=tomorrow),  # in house: confirmed, not checked in yet
        reservation("5", start_date=yesterday, end_date=tomorrow, state="cancelled"),
        reservation("6", start_date=tomorrow, end_date=tomorrow + timedelta(days=4)),
    )
    assert search(database, period=Period.ARRIVALS, day=TODAY) == ["1"]
    assert search(database, period=Period.IN_HOUSE, day=TODAY) == ["1", "2", "4"]  # 1: confirmed, arrives today
    assert search(database, period=Period.DEPARTURES, day=TODAY) == ["3"]
    assert search(database, date_from=tomorrow + timedelta(days=1)) == ["1", "6"]  # stays overlapping the range
    assert search(database, date_to=yesterday - timedelta(days=2)) == ["3"]
    assert search(database, states=frozenset({"Cancelled"})) == ["5"]
    # arrivals of the day first, then by start date
    assert search(database, day=TODAY) == ["1", "3", "2", "4", "5", "6"]
    assert search(database, day=TODAY, limit=2) == ["1", "3"]
    with pytest.raises(ValidationError):
        search(database, period=Period.ARRIVALS)


def test_unconfigured_administrations_are_cached_but_not_listed(database: Database, park: Administration) -> None:
    with database.unit_of_work() as session:
        PmsStore(session).store_reservations("77", [reservation("1", administration_id="77")])
    assert search(database) == []
    store_reservations(database, reservation("2"))
    assert search(database) == ["2"]
    assert search(database, administration_id=park.id) == ["2"]


def test_a_search_of_every_administration_takes_five_queries_whatever_their_number(
    database: Database, park: Administration
) -> None:
    """A far database charges a round trip per query: the administrations, their lookups, the reservations."""
    for number in (2, 3, 4):
        add_administration(database, pms_id=f"{number}", name=f"Site {number}")
    store_reservations(database, reservation("1"), reservation("2", inventory_object_id="11"))
    with database.unit_of_work() as session, statements(database) as sent:
        found = PmsReader(session).search_reservations(ReservationQuery(text="bos", day=TODAY))
    assert [each.pms_id for each in found] == ["2"]
    assert len(sent) == 5


def test_objects_and_filter_choices(database: Database, park: Administration) -> None:
    with database.unit_of_work() as session:
        cache = PmsReader(session)
        objects = cache.objects(park.id)
        choices = cache.filter_choices(park.id)
    assert [(each.name, each.door_name, each.object_type) for each in objects] == [
        ("Chalet Bos", "C-11", "Chalet for 4"),
        ("Chalet Zeezicht", "Chalet Zeezicht", "Chalet for 4"),
    ]
    assert choices.labels == ("Aan het water", "Sauna")
    assert choices.object_types == ("Chalet for 4", "Pitch")
    assert (choices.extras, choices.costs) == (("Parking", "Pool access"), ("Final cleaning",))


def test_owners_have_the_units_of_their_agreements_on_the_day(database: Database, park: Administration) -> None:
    ended = Agreement("a1", "ri-10", None, date(2020, 1, 1), TODAY - timedelta(days=45))
    current = Agreement("a2", "ri-10", None, TODAY - timedelta(days=44), None)
    by_object = Agreement("a3", None, "11", None, None)
    with database.unit_of_work() as session:
        PmsStore(session).replace_owners(
            BEX_ID,
            [
                Owner(
                    "o1", BEX_ID, Contact("Käthe", "Böhm", "kathe@example.net", "+4917112345678"), (current, by_object)
                ),
                Owner("o2", BEX_ID, Contact("Bram", "Jansen", None, None), (ended,)),
            ],
        )
    with database.unit_of_work() as session:
        cache = PmsReader(session)
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
