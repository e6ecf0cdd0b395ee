from __future__ import annotations

import copy
import json
from datetime import time
from pathlib import Path
from typing import Any

import pytest

from salto_desk.errors import SaltoDeskError, ValidationError
from salto_desk.keys.model import AuthorizationName, DoorNameSettings, ProductSettings
from salto_desk.protocol.messages import EjectMode
from salto_desk.services.configuration_file import (
    FORMAT,
    dump_configuration,
    export_configuration,
    import_configuration,
    parse_configuration,
)
from salto_desk.services.encoders import Encoders
from salto_desk.storage import ConfigRepository, Database, KeyRepository
from tests.storage.helpers import NOW, add_administration, add_encoder, add_key_type, key_draft, migrated_database


def configure(database: Database) -> None:
    administration = add_administration(
        database, name="Park Zeezicht", time_zone="Europe/Brussels", check_in_time=time(14, 0),
        eject_mode=EjectMode.RETAIN, include_license_plate=True, license_plate_line=2, text_encoding="latin-1",
    )  # fmt: skip
    guest = add_key_type(database, administration, name="Guest", print_info=("Welkom", "Zwembad 9-18"),
                         granted=(1, 2), denied=(5,))  # fmt: skip
    add_key_type(database, administration, name="Staff", description="All doors", owners_default=True)
    Encoders(database).set_named_identifiers(True)  # SALTO knows this park's encoders by name
    add_encoder(database, administration, "Front desk", "Online Encoder 1")
    add_encoder(database, administration, "Back office", "2")
    with database.unit_of_work() as session:
        config = ConfigRepository(session)
        config.replace_authorization_names(administration.id, [AuthorizationName(1, "Main gate"),
                                                                AuthorizationName(2, "Pool")])  # fmt: skip
        config.add_product(ProductSettings(
            key_type_id=guest.id, name="Pool bookings", extras=("Pool pass",), labels=("Sea view",),
            wait_for_check_in=True, deliver_to_guest=True, delivery_days_before=2, fixed_end_time=time(12, 0),
        ))  # fmt: skip
        config.add_product(ProductSettings(key_type_id=guest.id, name="All"))
        config.set_door_name(DoorNameSettings(administration_id=administration.id, pms_object_id="31",
                                              object_name="Chalet 12", door_name="C12"))  # fmt: skip
    add_administration(database, pms_id="adm-2", name="Hotel Duin", salto_endpoint="COM3")


def test_export_then_import_reproduces_the_configuration(database: Database, tmp_path: Path) -> None:
    configure(database)
    document = export_configuration(database, now=NOW)
    assert document["format"] == FORMAT and document["exported_at"] == "2030-07-01T10:00:00+00:00"
    assert document["encoders_by_name"] is True  # the other desk takes "Online Encoder 1" too
    first = document["administrations"][1]
    assert first["pms_id"] == "adm-1" and first["check_in_time"] == "14:00" and first["eject_mode"] == "retain"
    assert first["key_types"][0]["products"][1]["fixed_end_time"] == "12:00"
    assert [key_type["owners_default"] for key_type in first["key_types"]] == [False, True]  # Guest, Staff
    text = dump_configuration(document)
    assert "Welkom" in text and "api" not in text.lower()  # no secrets in the file
    (tmp_path / "other").mkdir()
    other_desk = migrated_database(tmp_path / "other")
    try:
        summary = import_configuration(other_desk, parse_configuration(text, "config.json"))
        assert (summary.administrations, summary.key_types, summary.products, summary.encoders, summary.door_names) \
            == (2, 2, 2, 2, 1)  # fmt: skip
        assert export_configuration(other_desk, now=NOW) == document
    finally:
        other_desk.dispose()


def test_import_updates_in_place_and_keeps_key_types_in_use(database: Database) -> None:
    configure(database)
    document = export_configuration(database)
    with database.unit_of_work() as session:
        administration = ConfigRepository(session).administration_by_pms_id("adm-1")
        assert administration is not None
        guest = next(each for each in ConfigRepository(session).key_types(administration.id) if each.name == "Guest")
        key = KeyRepository(session).add(key_draft(administration, guest), NOW)
    changed = copy.deepcopy(document)
    park = changed["administrations"][1]
    park["name"] = "Park Zeezicht Noord"
    park["key_types"] = [park["key_types"][0] | {"description": "Renewed"}]  # Staff goes, Guest stays
    park["encoders"] = [
        {"name": "Front desk", "external_id": "2"},
        {"name": "Kiosk", "external_id": "Online Encoder 1"},
    ]
    import_configuration(database, changed)
    with database.unit_of_work() as session:
        config = ConfigRepository(session)
        assert config.administration(administration.id).name == "Park Zeezicht Noord"
        (kept,) = config.key_types(administration.id)
        assert kept.id == guest.id and kept.description == "Renewed"
        assert [(e.name, e.external_id) for e in config.encoders(administration.id)] == [
            ("Front desk", "2"), ("Kiosk", "Online Encoder 1"),
        ]  # fmt: skip
        assert KeyRepository(session).get(key.id).key_type_id == guest.id


def mutate(document: dict[str, Any], path: str, value: object) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    target: Any = changed
    *parents, last = path.split(".")
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[int(last) if last.isdigit() else last] = value
    return changed


@pytest.mark.parametrize(
    ("path", "value", "where", "expected"),
    [
        ("administrations.1.key_types.0.products.0.delivery_days_before", 61,
         "administrations[1].key_types[0].products[0]", "from 0 to 60"),
        ("administrations.1.key_types.0.products.0.delivery_days_before", "2",
         "administrations[1].key_types[0].products[0].delivery_days_before", "a whole number"),
        ("administrations.1.encoders.0.external_id", "Online Encoder 1", "administrations[1].encoders[1]",
         "already has the identifier"),
        ("administrations.1.key_types.1.name", "guest", "administrations[1].key_types", "appears twice"),
        ("administrations.1.check_in_time", "3pm", "administrations[1].check_in_time", "a time like"),
        ("administrations.1.colour", "blue", "administrations[1]", "unknown field 'colour'"),
        ("administrations.1.authorizations.0.number", 99, "administrations[1].authorizations", "from 1 to 62"),
        ("administrations.1.salto_version", "1.16", "administrations[1]", "1.20 or newer"),
        ("administrations.0.pms_id", "adm-1", "administrations", "appears twice"),
        ("administrations.1.key_types.0.owners_default", "yes", "administrations[1].key_types[0].owners_default",
         "true or false"),
        ("administrations.1.key_types.0.owners_default", True, "administrations[1].key_types",
         "Both 'Guest' and 'Staff' are marked as the owners' default key type"),
        ("encoders_by_name", False, "administrations[1].encoders[1]",
         "The SALTO encoder ID is a number (the encoder's number in SALTO), not 'Online Encoder 1'"),
        ("encoders_by_name", "no", "configuration.encoders_by_name", "true or false"),
        ("administrations.1.encoders.0.external_id", "2\u0000", "administrations[1].encoders[0]",
         "contains the control character"),
    ],
)  # fmt: skip
def test_a_bad_import_says_where_and_changes_nothing(
    database: Database, path: str, value: object, where: str, expected: str
) -> None:
    configure(database)
    document = export_configuration(database)
    with pytest.raises(SaltoDeskError) as caught:
        import_configuration(database, mutate(mutate(document, "administrations.0.name", "Changed first"), path, value))
    assert caught.value.message.en.startswith(where) and expected in caught.value.message.en
    after = export_configuration(database)
    assert (after["administrations"], after["encoders_by_name"]) == (document["administrations"], True)


def test_a_file_without_encoders_by_name_follows_the_databases_own_setting(database: Database) -> None:
    configure(database)
    document = export_configuration(database)
    del document["encoders_by_name"]  # a file exported before the field existed
    import_configuration(database, document)  # names allowed here: "Online Encoder 1" stays
    Encoders(database).set_named_identifiers(False)
    with pytest.raises(ValidationError, match=r"administrations\[1\]\.encoders\[1\].*is a number") as caught:
        import_configuration(database, document)
    assert "tick 'SALTO knows the encoders by name'" in (caught.value.action.en if caught.value.action else "")
    assert not Encoders(database).named_identifiers()
    assert [each["external_id"] for each in export_configuration(database)["administrations"][1]["encoders"]] == [
        "2",
        "Online Encoder 1",
    ]


def test_a_file_written_before_the_owners_default_existed_still_imports(database: Database) -> None:
    configure(database)
    document = export_configuration(database)
    for key_type in document["administrations"][1]["key_types"]:
        del key_type["owners_default"]
    import_configuration(database, document)
    with database.unit_of_work() as session:
        administration = ConfigRepository(session).administration_by_pms_id("adm-1")
        assert administration is not None
        key_types = ConfigRepository(session).key_types(administration.id)
    assert [(each.name, each.owners_default) for each in key_types] == [("Guest", False), ("Staff", False)]


def test_removing_a_key_type_in_use_refuses_the_whole_import(database: Database) -> None:
    configure(database)
    document = export_configuration(database)
    with database.unit_of_work() as session:
        administration = ConfigRepository(session).administration_by_pms_id("adm-1")
        assert administration is not None
        staff = next(each for each in ConfigRepository(session).key_types(administration.id) if each.name == "Staff")
        KeyRepository(session).add(key_draft(administration, staff), NOW)
    with pytest.raises(SaltoDeskError) as caught:
        import_configuration(database, mutate(document, "administrations.1.key_types", document["administrations"][1]
                                              ["key_types"][:1]))  # fmt: skip
    assert "used by 1 key data" in caught.value.message.en
    assert export_configuration(database)["administrations"] == document["administrations"]


@pytest.mark.parametrize(
    "document", [{"format": "something-else", "version": 1}, {"format": FORMAT, "version": 2}, [], "text"]
)
def test_other_files_are_refused(database: Database, document: object) -> None:
    with pytest.raises(ValidationError):
        import_configuration(database, document)


def test_invalid_json_names_the_file() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_configuration("{not json", "desk.json")
    assert caught.value.message.en.startswith("desk.json is not valid JSON")


def test_the_document_is_plain_json(database: Database) -> None:
    configure(database)
    assert json.loads(dump_configuration(export_configuration(database, now=NOW))) == export_configuration(
        database, now=NOW
    )
