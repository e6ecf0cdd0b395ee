"""FrontDesk: the receptionist's reads, each in one unit of work, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

import pytest

from salto_desk.keys.model import (
    Administration,
    FlagCode,
    Holder,
    HolderKind,
    KeyFlag,
    KeyType,
    Product,
    ProductSettings,
)
from salto_desk.pms.models import Agreement, Contact, Owner
from salto_desk.services.front_desk import FrontDesk, owners_key_type
from salto_desk.storage import ConfigRepository, Database, KeyRepository
from salto_desk.storage.errors import NotFoundError
from salto_desk.storage.pms_repository import Period, PmsRepository, ReservationQuery
from salto_desk.storage.sync_key_repository import SyncKeyRepository
from tests.park import BEX_ID, cache_park
from tests.storage.helpers import NOW, add_administration, add_encoder, add_key_type, key_draft
from tests.storage.helpers import database as database


@pytest.fixture
def park(database: Database) -> tuple[Administration, KeyType]:
    administration = add_administration(database, pms_id=BEX_ID, name="Park De Wielewaal")
    key_type = add_key_type(database, administration)
    cache_park(database)
    return administration, key_type


def front_desk(database: Database) -> FrontDesk:
    return FrontDesk(database, lambda: NOW)


def test_reservations_come_with_their_key_data_and_today_in_the_park(
    database: Database, park: tuple[Administration, KeyType]
) -> None:
    administration, key_type = park
    holder = Holder(HolderKind.RESERVATION, "2", "30-00002 Müller")
    with database.unit_of_work() as session:
        key = KeyRepository(session).add(key_draft(administration, key_type, holder=holder), NOW)
    found = front_desk(database).search_reservations(ReservationQuery(period=Period.ARRIVALS))
    assert found.administrations == (administration,)
    assert [(row.reservation.pms_id, row.keys, row.administration) for row in found.rows] == [
        ("2", (key,), "Park De Wielewaal")
    ]
    everything = front_desk(database).search_reservations(ReservationQuery(text="chalet 10"))
    assert sorted(row.reservation.pms_id for row in everything.rows) == ["1", "4"]
    assert all(row.keys == () for row in everything.rows)


def test_key_details_until_the_key_is_deleted(database: Database, park: tuple[Administration, KeyType]) -> None:
    administration, key_type = park
    encoder = add_encoder(database, administration, "Reception", "1")
    with database.unit_of_work() as session:
        ConfigRepository(session).replace_authorization_names(administration.id, [])
        key = KeyRepository(session).add(key_draft(administration, key_type), NOW)
    details = front_desk(database).key_details(key.id)
    assert details is not None
    assert (details.key, details.key_type, details.encoders) == (key, "Guest", (encoder,))
    assert [entry.action for entry in details.history] == [] and details.flags == ()
    with database.unit_of_work() as session:
        SyncKeyRepository(session).replace_flags({key.id: [KeyFlag(FlagCode.OBJECT_MISSING, (("object", "31"),))]})
    flagged = front_desk(database).key_details(key.id)
    assert flagged is not None and len(flagged.flags) == 1
    assert "BEX no longer lists the accommodation (object 31)" in flagged.flags[0].en
    assert "(object 31)" in flagged.flags[0].nl
    with database.unit_of_work() as session:
        KeyRepository(session).delete(key.id)
    assert front_desk(database).key_details(key.id) is None


def test_the_key_form_choices_and_each_key_types_defaults_for_a_reservation(
    database: Database, park: tuple[Administration, KeyType]
) -> None:
    administration, guest = park
    staff = add_key_type(database, administration, name="Staff", granted=(3,))
    with database.unit_of_work() as session:
        ConfigRepository(session).add_product(
            ProductSettings(key_type_id=staff.id, name="Early", fixed_start_time=time(11, 0))
        )
    setup = front_desk(database).reservation_key_setup(administration.id, "1")
    assert [key_type.name for key_type in setup.key_types] == ["Guest", "Staff"]
    assert setup.doors == ("Chalet 10", "Chalet 11", "Chalet 12")
    assert setup.defaults[guest.id].validity.start.astimezone(administration.zone).hour == 15  # check-in time
    assert setup.defaults[staff.id].validity.start.astimezone(administration.zone).hour == 11  # the product's time
    assert (setup.defaults[guest.id].granted, setup.defaults[staff.id].granted) == (guest.granted, (3,))
    assert setup.defaults[guest.id].rooms == ("Chalet 10",)
    with pytest.raises(NotFoundError):
        front_desk(database).reservation_key_setup(administration.id, "no-such-reservation")


def test_owners_encoders_and_sync_state(database: Database, park: tuple[Administration, KeyType]) -> None:
    administration, _key_type = park
    other = add_administration(database, pms_id="2", name="Hotel Aan Zee", salto_endpoint="127.0.0.1:8091")
    reception = add_encoder(database, administration, "Reception", "1")
    lobby = add_encoder(database, other, "Lobby", "1")
    desk = front_desk(database)
    assert [(choice.label(), choice.encoder) for choice in desk.encoder_choices()] == [
        ("Lobby (Hotel Aan Zee)", lobby),
        ("Reception (Park De Wielewaal)", reception),
    ]
    owners = desk.search_owners(None, "")
    assert owners.rows == () and owners.administrations == (other, administration)  # by name
    statuses = desk.sync_statuses([administration.id, other.id])
    assert [status.last_success_at for status in statuses] == [None, None]


def test_the_owner_key_form_has_the_owner_of_today_and_starts_with_the_owners_default_key_type(
    database: Database, park: tuple[Administration, KeyType]
) -> None:
    administration, guest = park
    with database.unit_of_work() as session:
        ConfigRepository(session).add_product(ProductSettings(key_type_id=guest.id, name="Every stay"))
        PmsRepository(session).replace_owners(BEX_ID, [
            Owner("o1", BEX_ID, Contact("Piet", "Jansen", None, None), (Agreement("a1", None, "10", None, None),)),
            Owner("o2", BEX_ID, Contact("Anna", "Smit", None, None), (
                Agreement("a2", None, "11", date(2020, 1, 1), date(2021, 1, 1)),
            )),
        ])  # fmt: skip
    owner_key = add_key_type(database, administration, name="Owner")
    setup = front_desk(database).owner_key_setup(administration.id, "o1")
    assert setup.administration == administration and setup.owner.name == "Piet Jansen"
    assert [unit.door_name for unit in setup.owner.objects] == ["Chalet 10"]
    assert setup.key_types == (guest, owner_key)
    assert setup.key_type_id == owner_key.id  # no mark: the first key type no product gives to bookings
    with database.unit_of_work() as session:
        ConfigRepository(session).update_key_type(guest.id, replace(guest, owners_default=True))
    assert front_desk(database).owner_key_setup(administration.id, "o1").key_type_id == guest.id
    without = front_desk(database).owner_key_setup(administration.id, "o2")
    assert without.owner.objects == ()  # the agreement ended: an owner without an accommodation today
    with pytest.raises(NotFoundError):
        front_desk(database).owner_key_setup(administration.id, "no-such-owner")


def test_the_key_type_an_owner_key_starts_with(park: tuple[Administration, KeyType]) -> None:
    administration, _guest = park
    guest, staff, owner = (
        KeyType(id=number, administration_id=administration.id, name=name)
        for number, name in ((1, "Guest"), (2, "Staff"), (3, "Owner"))
    )
    for_guests = [ProductSettings(key_type_id=guest.id, name="Stay")]
    products = [Product(id=1, **vars(each)) for each in for_guests]
    assert owners_key_type([guest, staff, owner], products) == staff
    assert owners_key_type([guest, staff, replace(owner, owners_default=True)], products).name == "Owner"
    assert owners_key_type([guest], products) == guest  # only guest key types: the first
    assert owners_key_type([], products) is None
