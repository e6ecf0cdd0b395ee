"""Key data made and changed by hand at the desk: defaults, validation, state rules, audit, and the sync."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from salto_desk.errors import ValidationError
from salto_desk.keys.model import (
    Administration,
    AuditAction,
    AuditEntry,
    DoorNameSettings,
    HolderKind,
    KeyData,
    KeyFields,
    KeyState,
    KeyType,
    KeyTypeSettings,
    OwnerDetails,
    ProductSettings,
    Validity,
)
from salto_desk.keys.rules import card_texts
from salto_desk.operations.key_data import KeyChangedMeanwhile, KeyNotEditable
from salto_desk.operations.salto_operations import SaltoOperations
from salto_desk.pms.models import Contact, InventoryObject, Reservation
from salto_desk.services.front_desk import FrontDesk
from salto_desk.storage import AuditRepository, ConfigRepository, Database, KeyRepository, NotFoundError
from salto_desk.storage.pms_store import PmsStore
from tests.operations.helpers import salto_operations
from tests.storage.helpers import NOW, add_administration, add_key_type
from tests.sync.conftest import World, later, world

__all__ = ["world"]

BEX_ID = "5"
ARRIVAL = date(2030, 7, 3)


def booking(pms_id: str, unit: str, phone: str | None = "+31 6 12345678") -> Reservation:
    return Reservation(
        id=pms_id, administration_id=BEX_ID, booking_nr=f"40-{pms_id}", state="confirmed", start_date=ARRIVAL,
        end_date=ARRIVAL + timedelta(days=4), checked_in_on=None, checked_out_on=None, late_checkout=None,
        fixed_rentable=None, guest_name=None, guest_group=None, contact=Contact("Zoë", "Peeters", None, phone),
        booking_id=None, inventory_object_id=unit, rentable_identity_id=None, rentable_type_id=None, ordered=(),
        created_at=None, updated_at=NOW,
    )  # fmt: skip


@dataclass
class Desk:
    database: Database
    administration: Administration
    guest: KeyType
    staff: KeyType
    service: SaltoOperations

    def defaults(self, pms_id: str = "r1", key_type: KeyType | None = None) -> KeyFields:
        setup = FrontDesk(self.database, lambda: NOW).reservation_key_setup(self.administration.id, pms_id)
        return setup.defaults[(key_type or self.guest).id]

    def create(self, pms_id: str = "r1", **changes: object) -> KeyData:
        fields = replace(self.defaults(pms_id), **changes)  # type: ignore[arg-type]
        return self.service.key_data.create_reservation_key(self.administration.id, pms_id, fields)

    def reload(self, key: KeyData) -> KeyData:
        with self.database.unit_of_work() as session:
            return KeyRepository(session).get(key.id)

    def issue(self, key: KeyData) -> KeyData:
        with self.database.unit_of_work() as session:
            return KeyRepository(session).record_cards(key.id, new_stay=True, encoder="Desk", serials=(), now=NOW)

    def audit(self) -> list[AuditEntry]:
        with self.database.unit_of_work() as session:
            return AuditRepository(session).entries()


@pytest.fixture
def desk(database: Database) -> Desk:
    administration = add_administration(database, pms_id=BEX_ID, salto_version="1.20", include_license_plate=True)
    guest = add_key_type(database, administration, name="Guest", granted=(1, 2), print_info=("Welcome",))
    staff = add_key_type(database, administration, name="Late arrival", granted=(1,), denied=(3,))
    with database.unit_of_work() as session:
        config = ConfigRepository(session)
        config.add_product(ProductSettings(key_type_id=staff.id, name="Late", fixed_start_time=time(20, 0)))
        config.set_door_name(
            DoorNameSettings(administration_id=administration.id, pms_object_id="u1", object_name="Dune 1",
                             door_name="101")
        )  # fmt: skip
        cache = PmsStore(session)
        cache.store_objects(BEX_ID, [InventoryObject(unit, BEX_ID, name, None, (), None, None, NOW)
                                     for unit, name in (("u1", "Dune 1"), ("u2", "Dune 2"))])  # fmt: skip
        cache.store_reservations(BEX_ID, [booking("r1", "u1"), booking("r2", "u2", phone="0612345678")])
    return Desk(database, administration, guest, staff, salto_operations(database, clock=lambda: NOW, desk="desk-1"))


# --- defaults and creating -----------------------------------------------------------------------


def test_defaults_follow_the_rules_the_key_type_and_a_matching_products_fixed_times(desk: Desk) -> None:
    fields = desk.defaults()
    assert fields.rooms == ("101",)  # the SALTO door name of the unit
    assert fields.validity == Validity(
        datetime(2030, 7, 3, 13, 0, tzinfo=UTC), datetime(2030, 7, 7, 8, 0, tzinfo=UTC)
    )  # 15:00 .. 10:00 in Amsterdam
    assert (fields.granted, fields.denied, fields.print_info) == ((1, 2), (), ("Welcome",))
    assert fields.phone == "+31612345678" and fields.license_plate is None
    late = desk.defaults(key_type=desk.staff)
    assert late.validity.start == datetime(2030, 7, 3, 18, 0, tzinfo=UTC)  # the product's fixed 20:00
    assert (late.granted, late.denied) == ((1,), (3,))
    other = desk.defaults("r2")
    assert other.rooms == ("Dune 2",) and other.phone == "+31612345678"  # no door name; national, read as Dutch


def test_a_reservation_key_is_created_ready_with_its_label_and_audited(desk: Desk) -> None:
    key = desk.create(rooms=("101", "Pool house"), license_plate=" ab-12-cd ")
    assert key.holder.kind is HolderKind.RESERVATION and key.holder.label == "40-r1 Zoë Peeters"
    assert key.state is KeyState.READY and key.rooms == ("101", "Pool house") and key.license_plate == "ab-12-cd"
    assert card_texts(key, desk.administration) == ("Welcome", "", "ab-12-cd")
    [entry] = desk.audit()
    assert (entry.action, entry.key_id, entry.holder, entry.desk) == (AuditAction.CREATE_KEY, key.id, key.holder.label,
                                                                      "desk-1")  # fmt: skip
    late = desk.create(**vars(desk.defaults(key_type=desk.staff)))
    assert late.key_type_id == desk.staff.id  # another key type for the same stay is fine


def test_creating_refuses_a_second_key_of_one_type_bad_input_and_unknown_reservations(desk: Desk) -> None:
    desk.create()
    with pytest.raises(ValidationError) as twice:
        desk.create()
    assert twice.value.field == "key_type_id" and "already has key data" in twice.value.user_message("en")
    with pytest.raises(ValidationError) as rooms:
        desk.create("r2", rooms=("1", "2", "3", "4", "5"))
    assert rooms.value.field == "rooms"
    with pytest.raises(NotFoundError):
        desk.create("r-unknown")
    with desk.database.unit_of_work() as session:
        assert len(KeyRepository(session).keys(desk.administration.id)) == 1
    assert len(desk.audit()) == 1


def test_a_license_plate_is_refused_where_the_administration_does_not_send_it(desk: Desk) -> None:
    with desk.database.unit_of_work() as session:
        ConfigRepository(session).update_administration(
            desk.administration.id, replace(desk.administration, include_license_plate=False)
        )
    with pytest.raises(ValidationError) as refused:
        desk.create(license_plate="AB-12-CD")
    assert refused.value.field == "license_plate"
    assert "does not send license plates" in refused.value.user_message("en")
    assert "stuurt geen kentekens" in refused.value.user_message("nl")
    key = desk.create(license_plate="  ")
    with pytest.raises(ValidationError):
        desk.service.key_data.update_key(key, replace(KeyFields.of(key), license_plate="AB-12-CD"))


# --- editing -------------------------------------------------------------------------------------


def test_editing_stores_every_field_and_audits_what_changed(desk: Desk) -> None:
    key = desk.create()
    later = Validity(key.validity.start + timedelta(days=1), key.validity.end + timedelta(days=2))
    fields = KeyFields(
        key_type_id=desk.staff.id, rooms=("101", "102"), validity=later, granted=(4,), denied=(1,),
        print_info=("Hello", "Floor 1"), phone="+32 470 12 34 56", license_plate="XY-99",
    )  # fmt: skip
    edited = desk.service.key_data.update_key(key, fields)
    assert edited == desk.reload(key)
    assert KeyFields.of(edited) == replace(fields, phone="+32470123456")
    assert edited.state is KeyState.READY  # nothing issued yet: nothing to re-encode
    entry = desk.audit()[-1]
    assert entry.action is AuditAction.EDIT_KEY and entry.rooms == ("101", "102")
    assert entry.message == ("changed: key_type_id, rooms, validity, granted, denied, print_info, phone, license_plate")
    assert "470" not in entry.message  # no phone number in the audit trail


def test_nothing_changed_stores_nothing(desk: Desk) -> None:
    key = desk.create()
    assert desk.service.key_data.update_key(key, replace(KeyFields.of(key), rooms=(" 101 ",))) == key
    assert [entry.action for entry in desk.audit()] == [AuditAction.CREATE_KEY]


@pytest.mark.parametrize(
    ("change", "state"),
    [
        ({"rooms": ("102",)}, KeyState.NEEDS_REENCODE),
        ({"validity": Validity(datetime(2030, 7, 3, 12, 0, tzinfo=UTC), datetime(2030, 7, 7, 8, 0, tzinfo=UTC))},
         KeyState.NEEDS_REENCODE),
        ({"granted": (1,)}, KeyState.NEEDS_REENCODE),
        ({"print_info": ("Welcome", "Floor 2")}, KeyState.NEEDS_REENCODE),
        ({"license_plate": "AB-12-CD"}, KeyState.NEEDS_REENCODE),  # printed in text line 3
        ({"phone": "+31687654321"}, KeyState.ISSUED),  # not on the card
    ],
)  # fmt: skip
def test_changing_what_issued_cards_carry_needs_re_encoding(
    desk: Desk, change: dict[str, object], state: KeyState
) -> None:
    key = desk.issue(desk.create())
    edited = desk.service.key_data.update_key(key, replace(KeyFields.of(key), **change))  # type: ignore[arg-type]
    assert edited.state is state and edited.cards.count == 1


def test_a_key_changed_meanwhile_or_being_revoked_or_invalid_is_not_touched(desk: Desk) -> None:
    seen = desk.create()
    current = desk.service.key_data.update_key(seen, replace(KeyFields.of(seen), rooms=("102",)))
    with pytest.raises(KeyChangedMeanwhile) as stale:
        desk.service.key_data.update_key(seen, replace(KeyFields.of(seen), phone=None))
    assert stale.value.current == current and "changed meanwhile" in stale.value.user_message("en")
    with pytest.raises(ValidationError) as invalid:
        desk.service.key_data.update_key(current, replace(KeyFields.of(current), validity=Validity(
            current.validity.end, current.validity.start)))  # fmt: skip
    assert invalid.value.field == "end"
    with desk.database.unit_of_work() as session:
        revoking = KeyRepository(session).set_state(current.id, KeyState.REVOKING, NOW)
    with pytest.raises(KeyNotEditable):
        desk.service.key_data.update_key(revoking, replace(KeyFields.of(revoking), rooms=("101",)))
    assert desk.reload(current) == revoking
    assert len(desk.audit()) == 2  # created, edited once


def test_owner_keys_are_edited_the_same_way(desk: Desk) -> None:
    key = desk.service.key_data.create_owner_key(
        desk.administration.id, desk.guest.id, OwnerDetails("o1", "Joëlle de Vries"), ("101",), date(2030, 12, 31)
    )
    edited = desk.service.key_data.update_key(
        key, replace(KeyFields.of(key), rooms=("101", "102"), phone="+31612345678")
    )
    assert edited.holder == key.holder and edited.rooms == ("101", "102") and edited.phone == "+31612345678"


# --- the sync keeps what the desk did --------------------------------------------------------------


def test_the_sync_never_undoes_an_edit_made_through_the_service(world: World) -> None:
    world.sync()
    service = world.engine.operations_for(world.hotel)
    [record] = world.stretch(1, days=3)  # in BEX now; the desk edits before the next sync
    key = world.key(record.id)
    desk_validity = Validity(key.validity.start - timedelta(hours=3), key.validity.end + timedelta(hours=2))
    edited = service.key_data.update_key(key, replace(KeyFields.of(key), rooms=("Annex 1",), validity=desk_validity,
                                             phone="+31687654321", granted=(), print_info=("VIP",)))  # fmt: skip
    later(world)
    summary = world.sync()
    assert summary.errors == ()
    assert world.key(record.id) == edited  # every field as the desk left it


def test_the_sync_leaves_key_data_made_by_hand_alone(world: World) -> None:
    world.sync()
    service = world.engine.operations_for(world.hotel)
    [record] = world.stretch(1, days=3)
    key = world.key(record.id)
    service.delete_key(key)
    fields = (
        FrontDesk(world.database, world.clock)
        .reservation_key_setup(world.hotel.id, record.id)
        .defaults[world.key_type_id]
    )
    made = service.key_data.create_reservation_key(world.hotel.id, record.id, replace(fields, rooms=("Annex 1",)))
    later(world)
    world.sync()
    assert world.key_data(record.id) == [made]  # not replaced, not doubled
    synced = next(key for key in world.key_data() if key.holder.pms_id != record.id)
    with world.database.unit_of_work() as session:
        staff = ConfigRepository(session).add_key_type(KeyTypeSettings(administration_id=world.hotel.id, name="Staff"))
    with pytest.raises(ValidationError) as refused:
        service.key_data.update_key(synced, replace(KeyFields.of(synced), key_type_id=staff.id))
    assert "made by the PMS sync" in refused.value.user_message("en")
