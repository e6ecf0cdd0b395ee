"""Cached rows as the desk shows them: object type, labels, door name, catalogue and phone, looked up in bulk."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from salto_desk.keys.model import Administration
from salto_desk.pms.models import Contact
from salto_desk.storage import Database, NotFoundError
from salto_desk.storage.pms_reader import PmsReader
from salto_desk.storage.pms_sites import Sites
from tests.services.helpers import statements
from tests.storage.bex_cache import BEX_ID, TODAY, cache_park, reservation, store_reservations
from tests.storage.helpers import add_administration


@pytest.fixture
def park(database: Database) -> Administration:
    return cache_park(database)


def test_a_reservation_comes_back_with_its_object_type_labels_door_and_catalogue(
    database: Database, park: Administration
) -> None:
    store_reservations(database, reservation("1", inventory_object_id="11", checked_in_on=TODAY))
    with database.unit_of_work() as session:
        cached = PmsReader(session).reservation(park.id, "1")
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
    assert not cached.object_missing


def test_the_guest_phone_is_read_with_the_administration_s_country(database: Database, park: Administration) -> None:
    store_reservations(
        database,
        reservation("6", contact=Contact("A", "B", None, "06 1234 5678")),
        reservation("7", contact=Contact("A", "B", None, "+31 06 1234 5678")),
    )
    with database.unit_of_work() as session:
        cache = PmsReader(session)
        national, broken = cache.reservation(park.id, "6"), cache.reservation(park.id, "7")
    assert national is not None and national.phone == "+31612345678" and national.sendable_phone == "+31612345678"
    assert broken is not None and broken.phone == "+31 06 1234 5678" and broken.sendable_phone is None
    assert broken.phone_problem is not None


def test_the_lookups_of_every_administration_take_three_queries_and_are_read_once(
    database: Database, park: Administration
) -> None:
    others = [add_administration(database, pms_id=f"{number}", name=f"Site {number}") for number in (2, 3)]
    with database.unit_of_work() as session:
        sites = Sites(session)
        with statements(database) as first:
            every = sites.sites_for(None)
        with statements(database) as again:
            assert sites.sites_for(None) == every
            assert sites.site(others[0].id) is every[1]
    assert [site.pms_id for site in every] == [BEX_ID, "2", "3"]  # by name: Park, Site 2, Site 3
    assert [site.doors for site in every] == [{"11": "C-11"}, {}, {}]
    assert sorted(every[0].objects) == ["10", "11"] and every[0].types == {"t1": "Chalet for 4", "t2": "Pitch"}
    assert len(first) == 4  # the administrations, then objects, types and door names of all of them
    assert len(again) == 1  # the administrations only: their lookups are loaded


def test_an_administration_the_desk_does_not_have_is_not_found(database: Database) -> None:
    with database.unit_of_work() as session, pytest.raises(NotFoundError):
        Sites(session).site(404)


def test_administrations_read_already_are_not_read_again(database: Database, park: Administration) -> None:
    other = add_administration(database, pms_id="2", name="Another site")
    with database.unit_of_work() as session:
        with statements(database) as sent:
            every = Sites(session, [other, park]).sites_for(None)
        assert [site.pms_id for site in every] == ["2", BEX_ID]  # by name: Another site, Park
        assert len(sent) == 3  # objects, types and door names: the administrations came with the call
