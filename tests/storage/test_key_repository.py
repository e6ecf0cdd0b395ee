from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from salto_desk.errors import ValidationError
from salto_desk.keys.model import Holder, HolderKind, KeyState, MobileDelivery, Validity
from salto_desk.storage import Database, KeyRepository, NotFoundError
from tests.services.helpers import statements
from tests.storage.helpers import NOW, add_administration, add_key_type, key_draft


def test_key_data_round_trips(database: Database) -> None:
    administration = add_administration(database)
    key_type = add_key_type(database, administration)
    draft = key_draft(
        administration, key_type, rooms=("102", "101", "Pool"), granted=(3, 1), denied=(9,),
        print_info=("Welcome", "", "Enjoy"), phone="+31 6 1234 5678", license_plate="AB-123-C",
    )  # fmt: skip
    with database.unit_of_work() as session:
        added = KeyRepository(session).add(draft, NOW)
    with database.unit_of_work() as session:
        stored = KeyRepository(session).get(added.id)
    assert stored == added
    assert stored.rooms == ("102", "101", "Pool") and (stored.granted, stored.denied) == ((3, 1), (9,))
    assert stored.print_info == ("Welcome", "", "Enjoy")
    assert stored.phone == "+31612345678" and stored.license_plate == "AB-123-C"
    assert stored.validity == draft.validity and stored.state is KeyState.READY
    assert stored.cards.count == 0 and stored.deliveries == () and not stored.issued


def test_many_keys_are_read_with_their_rooms_access_cards_and_deliveries_in_two_queries(database: Database) -> None:
    """A far database charges a round trip per query: a search's key data costs two, not one per table."""
    administration = add_administration(database)
    key_type = add_key_type(database, administration)
    written = []
    with database.unit_of_work() as session:
        keys = KeyRepository(session)
        for number in range(3):
            holder = Holder(HolderKind.RESERVATION, f"res-{number}", f"guest {number}")
            rooms = tuple(f"{number}0{room}" for room in range(number + 1))[::-1]
            key = keys.add(key_draft(administration, key_type, holder=holder, rooms=rooms, granted=(5, 2)[: number + 1],
                                     denied=(7,) if number else ()), NOW)  # fmt: skip
            for copy in range(number):
                key = keys.record_cards(
                    key.id, new_stay=copy == 0, encoder="E1", serials=(f"S{number}{copy}",), now=NOW
                )
            if number == 2:
                keys.record_delivery(key.id, phone="+31612345678", command="CNM", now=NOW)
                key = keys.record_delivery(key.id, phone="+31687654321", command="CCM", now=NOW + timedelta(minutes=1))
            written.append(key)
    holders = [(administration.id, key.holder.pms_id) for key in written] + [(administration.id, "no-keys")]
    with database.reading() as session, statements(database) as sent:
        found = KeyRepository(session).for_holders_of(HolderKind.RESERVATION, holders)
    assert len(sent) == 2
    assert found == {(administration.id, key.holder.pms_id): [key] for key in written}
    last = written[2]
    assert last.rooms == ("202", "201", "200") and (last.granted, last.denied) == ((5, 2), (7,))
    assert last.cards.serials == ("S20", "S21") and last.deliveries[1].delivered_at == NOW + timedelta(minutes=1)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"rooms": ("1", "2", "3", "4", "5")}, "rooms"),
        ({"rooms": ()}, "rooms"),
        ({"rooms": ("101", "101")}, "rooms"),
        ({"validity": Validity(NOW, NOW - timedelta(minutes=1))}, "end"),
        ({"phone": "06 12"}, "phone"),
        ({"granted": (63,)}, "granted"),
        ({"license_plate": "x" * 25}, "license_plate"),
        ({"holder": Holder(HolderKind.OWNER, "own-1", "  ")}, "holder"),
    ],
)
def test_invalid_key_data_is_refused_and_nothing_is_stored(
    database: Database, changes: dict[str, object], field: str
) -> None:
    administration = add_administration(database)
    key_type = add_key_type(database, administration)
    with pytest.raises(ValidationError) as caught, database.unit_of_work() as session:
        KeyRepository(session).add(key_draft(administration, key_type, **changes), NOW)
    assert caught.value.field == field
    with database.unit_of_work() as session:
        assert KeyRepository(session).keys(administration.id) == []


def test_a_key_type_of_another_administration_is_refused(database: Database) -> None:
    administration = add_administration(database)
    other = add_administration(database, pms_id="adm-2")
    foreign_type = add_key_type(database, other)
    with pytest.raises(ValidationError) as caught, database.unit_of_work() as session:
        KeyRepository(session).add(key_draft(administration, foreign_type), NOW)
    assert caught.value.field == "key_type_id"


def test_a_new_stay_restarts_the_card_count_and_copies_add_to_it(database: Database) -> None:
    administration = add_administration(database)
    key_type = add_key_type(database, administration)
    with database.unit_of_work() as session:
        keys = KeyRepository(session)
        key = keys.add(key_draft(administration, key_type), NOW)
        keys.record_cards(key.id, new_stay=True, encoder="Desk", serials=("04A1",), now=NOW)
        keys.record_cards(key.id, new_stay=False, encoder="Desk", serials=("04A2",), now=NOW)
        copied = keys.record_cards(key.id, new_stay=False, encoder="Back", serials=(), now=NOW + timedelta(hours=1))
    assert copied.cards.count == 3 and copied.cards.serials == ("04A1", "04A2")
    assert copied.cards.last_encoder == "Back" and copied.cards.last_encoded_at == NOW + timedelta(hours=1)
    assert copied.state is KeyState.ISSUED and copied.issued
    with database.unit_of_work() as session:
        fresh = KeyRepository(session).record_cards(key.id, new_stay=True, encoder="Desk", serials=("04B1",), now=NOW)
    assert fresh.cards.count == 1 and fresh.cards.serials == ("04B1",)


def test_mobile_deliveries_are_recorded(database: Database) -> None:
    administration = add_administration(database)
    key_type = add_key_type(database, administration)
    with database.unit_of_work() as session:
        keys = KeyRepository(session)
        key = keys.add(key_draft(administration, key_type), NOW)
        delivered = keys.record_delivery(key.id, phone="+31612345678", command="CNM", now=NOW)
    assert delivered.deliveries == (MobileDelivery("+31612345678", "CNM", NOW),)
    assert delivered.state is KeyState.ISSUED and delivered.issued


def test_keys_sharing_a_room_are_found_case_insensitively(database: Database) -> None:
    administration = add_administration(database)
    other_administration = add_administration(database, pms_id="adm-2")
    key_type = add_key_type(database, administration)
    other_type = add_key_type(database, other_administration)
    with database.unit_of_work() as session:
        keys = KeyRepository(session)
        mine = keys.add(key_draft(administration, key_type, rooms=("Chalet 1", "Pool")), NOW)
        same_room = keys.add(key_draft(administration, key_type, rooms=("chalet 1",)), NOW)
        pool_only = keys.add(key_draft(administration, key_type, rooms=("101", "POOL")), NOW)
        keys.add(key_draft(administration, key_type, rooms=("Chalet 2",)), NOW)
        keys.add(key_draft(other_administration, other_type, rooms=("Chalet 1",)), NOW)
        assert [key.id for key in keys.sharing_rooms(mine)] == [same_room.id, pool_only.id]


def test_a_card_is_matched_to_its_key_data(database: Database) -> None:
    administration = add_administration(database)
    key_type = add_key_type(database, administration)
    start, end = NOW + timedelta(hours=5), NOW + timedelta(days=3)
    with database.unit_of_work() as session:
        keys = KeyRepository(session)
        key = keys.add(
            key_draft(administration, key_type, rooms=("Chalet 12", "Pool"), validity=Validity(start, end)), NOW
        )
        keys.add(key_draft(administration, key_type, rooms=("Chalet 12",), validity=Validity(start, end)), NOW)
        found = keys.find_by_card(administration.id, ("CHALET 12", "Pool"), start + timedelta(seconds=30), end)
        assert found is not None and found.id == key.id
        assert keys.find_by_card(administration.id, ("Chalet 12", "Pool"), start + timedelta(minutes=5), end) is None
        assert keys.find_by_card(administration.id, ("Pool", "Chalet 12"), start, end) is None
        assert keys.find_by_card(administration.id, ("Chalet 12", "Pool"), None, end) is None


def test_update_keeps_cards_and_state_changes_are_stored(database: Database) -> None:
    administration = add_administration(database)
    key_type = add_key_type(database, administration)
    with database.unit_of_work() as session:
        keys = KeyRepository(session)
        key = keys.add(key_draft(administration, key_type), NOW)
        keys.record_cards(key.id, new_stay=True, encoder="Desk", serials=("04A1",), now=NOW)
        moved = keys.update(key.id, replace(key_draft(administration, key_type, rooms=("102",)),
                                            state=KeyState.NEEDS_REENCODE), NOW)  # fmt: skip
        assert moved.rooms == ("102",) and moved.cards.count == 1 and moved.state is KeyState.NEEDS_REENCODE
        assert keys.set_state(key.id, KeyState.READY, NOW).state is KeyState.READY
        assert [each.id for each in keys.for_holder(administration.id, HolderKind.RESERVATION, "res-1")] == [key.id]
        assert keys.for_holder(administration.id, HolderKind.OWNER, "res-1") == []


def test_deleting_key_data_removes_its_rooms_cards_and_deliveries(database: Database) -> None:
    administration = add_administration(database)
    key_type = add_key_type(database, administration)
    with database.unit_of_work() as session:
        keys = KeyRepository(session)
        key = keys.add(key_draft(administration, key_type), NOW)
        keys.record_cards(key.id, new_stay=True, encoder="Desk", serials=("04A1",), now=NOW)
        keys.record_delivery(key.id, phone="+31612345678", command="CNM", now=NOW)
        keys.delete(key.id)
    with database.unit_of_work() as session:
        for table in ("key_rooms", "key_access", "card_serials", "mobile_deliveries"):
            assert session.connection().exec_driver_sql(f"SELECT COUNT(*) FROM {table}").scalar() == 0
        with pytest.raises(NotFoundError):
            KeyRepository(session).get(key.id)
