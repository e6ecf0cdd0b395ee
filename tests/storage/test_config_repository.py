from __future__ import annotations

from dataclasses import fields, replace
from datetime import time

import pytest

from salto_desk.errors import ValidationError
from salto_desk.keys.model import (
    AdministrationSettings,
    AuthorizationName,
    DoorNameSettings,
    EncoderSettings,
    KeyTypeSettings,
    ProductSettings,
)
from salto_desk.protocol.messages import EjectMode
from salto_desk.storage import ConfigRepository, Database, InUseError, KeyRepository, NotFoundError
from tests.storage.helpers import (
    NOW,
    add_administration,
    add_encoder,
    add_key_type,
    administration_settings,
    key_draft,
)


def every_field_changed() -> AdministrationSettings:
    return administration_settings(
        pms_id="adm-9", name="Hotel Duin", salto_endpoint="/dev/ttyUSB0", time_zone="Europe/Brussels",
        check_in_time=time(14, 30), check_out_time=time(11, 15), salto_version="1.16", include_license_plate=False,
        license_plate_line=2, default_operator="Receptie", eject_mode=EjectMode.RETAIN, text_encoding="latin-1",
        trailing_fields="trim", send_lrc=False, audit_date_order="md", acknowledge_replies=True, reply_timeout=90,
        serial_baudrate=19200, serial_bytesize=7, serial_parity="E", serial_stopbits=2.0,
    )  # fmt: skip


def test_every_administration_setting_round_trips(database: Database) -> None:
    settings = every_field_changed()
    defaults = administration_settings()
    assert all(getattr(settings, f.name) != getattr(defaults, f.name) for f in fields(settings)
               if f.name != "include_license_plate")  # fmt: skip
    with database.unit_of_work() as session:
        added = ConfigRepository(session).add_administration(settings)
    with database.unit_of_work() as session:
        stored = ConfigRepository(session).administration(added.id)
    assert AdministrationSettings(**{f.name: getattr(stored, f.name) for f in fields(settings)}) == settings
    assert stored.serial_settings().parity == "E" and stored.timeouts().reply == 90.0
    assert stored.wire_options().encoding == "latin-1" and stored.wire_options().audit_date_order == "md"


def test_a_refused_update_changes_nothing(database: Database) -> None:
    administration = add_administration(database, salto_version="1.20", include_license_plate=True)
    with pytest.raises(ValidationError) as caught, database.unit_of_work() as session:
        ConfigRepository(session).update_administration(
            administration.id, administration_settings(name="Renamed", salto_version="1.16", include_license_plate=True)
        )
    assert caught.value.field == "include_license_plate"
    with database.unit_of_work() as session:
        assert ConfigRepository(session).administration(administration.id) == administration


def test_pms_ids_are_unique(database: Database) -> None:
    add_administration(database)
    with pytest.raises(ValidationError) as caught, database.unit_of_work() as session:
        ConfigRepository(session).add_administration(administration_settings(name="Other"))
    assert caught.value.field == "pms_id" and "already set up" in caught.value.message.en
    with database.unit_of_work() as session:
        assert len(ConfigRepository(session).administrations()) == 1


def test_a_new_text_encoding_must_still_fit_the_stored_texts(database: Database) -> None:
    administration = add_administration(database, text_encoding="latin-1")
    add_key_type(database, administration, print_info=("ßßßßßßßßßßßßßßß",))  # 15 chars Latin-1, 30 as ASCII
    with pytest.raises(ValidationError) as caught, database.unit_of_work() as session:
        ConfigRepository(session).update_administration(
            administration.id, administration_settings(text_encoding="ascii")
        )
    assert caught.value.field == "print_info" and "30 characters" in caught.value.message.en
    with database.unit_of_work() as session:
        assert ConfigRepository(session).administration(administration.id).text_encoding == "latin-1"


def test_authorization_names_are_replaced_as_a_whole(database: Database) -> None:
    administration = add_administration(database)
    with database.unit_of_work() as session:
        ConfigRepository(session).replace_authorization_names(
            administration.id, [AuthorizationName(2, "Pool"), AuthorizationName(1, "Main gate")]
        )
    with database.unit_of_work() as session:
        config = ConfigRepository(session)
        assert config.authorization_names(administration.id) == (
            AuthorizationName(1, "Main gate"), AuthorizationName(2, "Pool"),
        )  # fmt: skip
        config.replace_authorization_names(
            administration.id, [AuthorizationName(1, "Pool"), AuthorizationName(62, "Gym")]
        )
    with database.unit_of_work() as session:
        assert ConfigRepository(session).authorization_names(administration.id) == (
            AuthorizationName(1, "Pool"), AuthorizationName(62, "Gym"),
        )  # fmt: skip


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ([AuthorizationName(63, "Roof")], "from 1 to 62"),
        ([AuthorizationName(0, "Roof")], "from 1 to 62"),
        ([AuthorizationName(1, "Pool"), AuthorizationName(1, "Gym")], "named twice"),
        ([AuthorizationName(1, "Pool"), AuthorizationName(2, "pool")], "both called"),
        ([AuthorizationName(1, " ")], "is empty"),
    ],
)
def test_bad_authorization_names_are_refused(database: Database, names: list[AuthorizationName], expected: str) -> None:
    administration = add_administration(database)
    with database.unit_of_work() as session:
        ConfigRepository(session).replace_authorization_names(administration.id, [AuthorizationName(5, "Kept")])
    with pytest.raises(ValidationError) as caught, database.unit_of_work() as session:
        ConfigRepository(session).replace_authorization_names(administration.id, names)
    assert expected in caught.value.message.en
    with database.unit_of_work() as session:
        assert ConfigRepository(session).authorization_names(administration.id) == (AuthorizationName(5, "Kept"),)


def test_key_types_round_trip_and_keep_their_order_of_access(database: Database) -> None:
    administration = add_administration(database)
    key_type = add_key_type(
        database, administration, name=" Family ", description="Two adults", print_info=("Welcome", "Pool 9-18", ""),
        granted=(5, 1, 3), denied=(62,),
    )  # fmt: skip
    assert key_type.name == "Family" and key_type.print_info == ("Welcome", "Pool 9-18")
    with database.unit_of_work() as session:
        assert ConfigRepository(session).key_type(key_type.id) == key_type
        assert key_type.granted == (5, 1, 3) and key_type.denied == (62,)
        updated = ConfigRepository(session).update_key_type(key_type.id, replace(key_type, granted=(1,), denied=(5,)))
    assert (updated.granted, updated.denied) == ((1,), (5,))


def test_one_key_type_per_administration_is_the_owners_default(database: Database) -> None:
    park, hotel = add_administration(database), add_administration(database, pms_id="adm-2", name="Hotel Duin")
    guest = add_key_type(database, park, name="Guest")
    assert guest.owners_default is False
    owner = add_key_type(database, park, name="Owner", owners_default=True)
    hotel_owner = add_key_type(database, hotel, name="Owner", owners_default=True)
    with database.unit_of_work() as session:
        config = ConfigRepository(session)
        assert [(each.name, each.owners_default) for each in config.key_types(park.id)] == [
            ("Guest", False), ("Owner", True),
        ]  # fmt: skip
        config.update_key_type(guest.id, replace(guest, owners_default=True))  # marking one unmarks the other
    with database.unit_of_work() as session:
        config = ConfigRepository(session)
        assert [(each.name, each.owners_default) for each in config.key_types(park.id)] == [
            ("Guest", True), ("Owner", False),
        ]  # fmt: skip
        assert config.key_type(hotel_owner.id).owners_default  # another administration keeps its own
        config.update_key_type(owner.id, replace(owner, description="Owners", owners_default=False))
        assert config.key_type(guest.id).owners_default  # saving an unmarked one leaves the mark alone
        config.update_key_type(guest.id, replace(guest, owners_default=False))
        assert not any(each.owners_default for each in config.key_types(park.id))


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [
        ({"name": "guest"}, "name", "already is a key type"),
        ({"granted": (1, 2), "denied": (2,)}, "denied", "both granted and denied"),
        ({"granted": (1, 1)}, "granted", "listed twice"),
        ({"print_info": ("a", "b", "c", "d")}, "print_info", "at most 3"),
        ({"print_info": ("x" * 25,)}, "print_info", "at most 24"),
        ({"print_info": ("two\nlines",)}, "print_info", "line break"),
        ({"description": "x" * 501}, "description", "at most 500"),
    ],
)
def test_bad_key_types_are_refused(database: Database, changes: dict[str, object], field: str, expected: str) -> None:
    administration = add_administration(database)
    add_key_type(database, administration, name="Guest")
    values: dict[str, object] = {"administration_id": administration.id, "name": "Staff", **changes}
    with pytest.raises(ValidationError) as caught, database.unit_of_work() as session:
        ConfigRepository(session).add_key_type(KeyTypeSettings(**values))  # type: ignore[arg-type]
    assert caught.value.field == field and expected in caught.value.message.en
    with database.unit_of_work() as session:
        assert [each.name for each in ConfigRepository(session).key_types(administration.id)] == ["Guest"]


def test_a_key_type_in_use_cannot_be_deleted_but_an_unused_one_takes_its_products(database: Database) -> None:
    administration = add_administration(database)
    used = add_key_type(database, administration, name="Guest")
    unused = add_key_type(database, administration, name="Staff")
    with database.unit_of_work() as session:
        KeyRepository(session).add(key_draft(administration, used), NOW)
        product = ConfigRepository(session).add_product(ProductSettings(key_type_id=unused.id, name="All"))
    with pytest.raises(InUseError) as caught, database.unit_of_work() as session:
        ConfigRepository(session).delete_key_type(used.id)
    assert "used by 1 key data" in caught.value.message.en
    with database.unit_of_work() as session:
        ConfigRepository(session).delete_key_type(unused.id)
    with pytest.raises(NotFoundError), database.unit_of_work() as session:
        ConfigRepository(session).product(product.id)


def test_products_keep_tidy_filters(database: Database) -> None:
    administration = add_administration(database)
    key_type = add_key_type(database, administration)
    settings = ProductSettings(
        key_type_id=key_type.id, name="Pool access", labels=("pool", " Pool ", "Beach"), object_types=("Chalet",),
        costs=("tourist tax",), extras=("pool pass",), wait_for_check_in=True, deliver_to_guest=True,
        delivery_days_before=3, fixed_start_time=time(16, 0), fixed_end_time=None,
    )  # fmt: skip
    with database.unit_of_work() as session:
        product = ConfigRepository(session).add_product(settings)
    with database.unit_of_work() as session:
        assert ConfigRepository(session).products(key_type.id) == [product]
    assert product.labels == ("Beach", "pool")
    assert (product.wait_for_check_in, product.delivery_days_before, product.fixed_start_time) == (True, 3, time(16))


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [
        ({"delivery_days_before": 61}, "delivery_days_before", "from 0 to 60"),
        ({"delivery_days_before": -1}, "delivery_days_before", "from 0 to 60"),
        ({"name": "ALL"}, "name", "already is a product"),
        ({"labels": ("",)}, "labels", "is empty"),
    ],
)
def test_bad_products_are_refused(database: Database, changes: dict[str, object], field: str, expected: str) -> None:
    administration = add_administration(database)
    key_type = add_key_type(database, administration)
    with database.unit_of_work() as session:
        ConfigRepository(session).add_product(ProductSettings(key_type_id=key_type.id, name="All"))
    values: dict[str, object] = {"key_type_id": key_type.id, "name": "Other", **changes}
    with pytest.raises(ValidationError) as caught, database.unit_of_work() as session:
        ConfigRepository(session).add_product(ProductSettings(**values))  # type: ignore[arg-type]
    assert caught.value.field == field and expected in caught.value.message.en


def test_products_of_an_administration_come_in_key_type_then_name_order(database: Database) -> None:
    administration = add_administration(database)
    staff = add_key_type(database, administration, name="Staff")
    guest = add_key_type(database, administration, name="Guest")
    with database.unit_of_work() as session:
        config = ConfigRepository(session)
        for key_type, name in ((staff, "B"), (guest, "Z"), (guest, "A")):
            config.add_product(ProductSettings(key_type_id=key_type.id, name=name))
        assert [(p.key_type_id, p.name) for p in config.products_of_administration(administration.id)] == [
            (guest.id, "A"), (guest.id, "Z"), (staff.id, "B"),
        ]  # fmt: skip


def test_encoders_are_unique_by_name_and_identifier(database: Database) -> None:
    administration = add_administration(database)
    encoder = add_encoder(database, administration, "Front desk", "1")
    for name, external_id, field in (("front DESK", "2", "name"), ("Back office", "1", "external_id")):
        with pytest.raises(ValidationError) as caught, database.unit_of_work() as session:
            ConfigRepository(session).add_encoder(
                EncoderSettings(administration_id=administration.id, name=name, external_id=external_id)
            )
        assert caught.value.field == field
    other = add_administration(database, pms_id="adm-2")
    add_encoder(database, other, "Front desk", "1")  # another administration may reuse both
    with database.unit_of_work() as session:
        renamed = ConfigRepository(session).update_encoder(encoder.id, replace(encoder, name="Reception"))
    assert renamed.name == "Reception" and renamed.id == encoder.id


def test_an_encoder_identifier_with_control_characters_is_refused(database: Database) -> None:
    administration = add_administration(database)
    with pytest.raises(ValidationError) as caught, database.unit_of_work() as session:
        ConfigRepository(session).add_encoder(
            EncoderSettings(administration_id=administration.id, name="Desk", external_id="\x02\x03")
        )
    assert caught.value.field == "external_id" and "contains the control character" in caught.value.message.en


def test_door_names_are_set_per_object(database: Database) -> None:
    administration = add_administration(database)
    with database.unit_of_work() as session:
        config = ConfigRepository(session)
        config.set_door_name(DoorNameSettings(administration_id=administration.id, pms_object_id="31",
                                              object_name="Chalet 12", door_name="1012"))  # fmt: skip
        door = config.set_door_name(DoorNameSettings(administration_id=administration.id, pms_object_id="31",
                                                     object_name="Chalet 12", door_name="C12"))  # fmt: skip
        assert config.door_name_map(administration.id) == {"31": "C12"}
        config.delete_door_name(door.id)
        assert config.door_name_map(administration.id) == {}
    with pytest.raises(ValidationError) as caught, database.unit_of_work() as session:
        ConfigRepository(session).set_door_name(DoorNameSettings(
            administration_id=administration.id, pms_object_id="32", object_name="", door_name="x" * 25))  # fmt: skip
    assert caught.value.field == "door_name"


def test_an_administration_with_key_data_cannot_be_deleted(database: Database) -> None:
    administration = add_administration(database)
    key_type = add_key_type(database, administration)
    with database.unit_of_work() as session:
        key = KeyRepository(session).add(key_draft(administration, key_type), NOW)
    with pytest.raises(InUseError), database.unit_of_work() as session:
        ConfigRepository(session).delete_administration(administration.id)
    with database.unit_of_work() as session:
        KeyRepository(session).delete(key.id)
        ConfigRepository(session).delete_administration(administration.id)
        assert ConfigRepository(session).administrations() == []


def test_missing_records_are_reported_plainly(database: Database) -> None:
    with pytest.raises(NotFoundError) as caught, database.unit_of_work() as session:
        ConfigRepository(session).key_type(404)
    assert "key type 404 no longer exists" in caught.value.message.en
    assert "sleuteltype 404 bestaat niet meer" in caught.value.message.nl
