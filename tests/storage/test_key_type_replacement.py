"""Replacing every key type of an administration at once (configuration import)."""

from __future__ import annotations

from datetime import time

import pytest

from salto_desk.errors import ValidationError
from salto_desk.keys.model import KeyTypeSettings, ProductSettings
from salto_desk.storage import ConfigRepository, Database, KeyRepository
from salto_desk.storage.errors import InUseError
from salto_desk.storage.key_type_replacement import KeyTypeWithProducts, replace_key_types
from tests.storage.helpers import NOW, add_administration, add_key_type, key_draft
from tests.storage.helpers import database as database


def wanted(
    name: str,
    *products: str,
    granted: tuple[int, ...] = (1,),
    denied: tuple[int, ...] = (),
    owners_default: bool = False,
) -> KeyTypeWithProducts:
    return KeyTypeWithProducts(
        KeyTypeSettings(administration_id=0, name=name, print_info=(f"{name} card",), granted=granted, denied=denied,
                        owners_default=owners_default),
        tuple(
            ProductSettings(key_type_id=0, name=product, labels=("Sea view",), extras=("Late check-out",),
                            fixed_start_time=time(14, 0))
            for product in products
        ),
    )  # fmt: skip


def test_the_key_types_become_exactly_the_wanted_ones_and_matched_ones_keep_their_id(database: Database) -> None:
    administration = add_administration(database)
    guest = add_key_type(database, administration, name="Guest")
    add_key_type(database, administration, name="Staff")
    with database.unit_of_work() as session:
        written = replace_key_types(
            session,
            administration.id,
            [wanted("GUEST", "Every stay", "Weekend", granted=(2, 3), denied=(4,)), wanted("Owner", "Owners")],
        )
    assert written == 3
    with database.unit_of_work() as session:
        config = ConfigRepository(session)
        key_types = {key_type.name: key_type for key_type in config.key_types(administration.id)}
        assert sorted(key_types) == ["GUEST", "Owner"]
        renamed = key_types["GUEST"]
        assert renamed.id == guest.id and (renamed.granted, renamed.denied) == ((2, 3), (4,))
        assert renamed.print_info == ("GUEST card",)
        products = config.products(renamed.id)
        assert [product.name for product in products] == ["Every stay", "Weekend"]
        assert products[0].labels == ("Sea view",) and products[0].extras == ("Late check-out",)
        assert products[0].fixed_start_time == time(14, 0)
        assert [product.name for product in config.products(key_types["Owner"].id)] == ["Owners"]


def test_the_owners_default_is_written_with_the_key_types(database: Database) -> None:
    administration = add_administration(database)
    guest = add_key_type(database, administration, name="Guest", owners_default=True)
    with database.unit_of_work() as session:
        replace_key_types(session, administration.id, [wanted("Guest"), wanted("Owner", owners_default=True)])
    with database.unit_of_work() as session:
        key_types = ConfigRepository(session).key_types(administration.id)
    assert [(each.id == guest.id, each.name, each.owners_default) for each in key_types] == [
        (True, "Guest", False), (False, "Owner", True),
    ]  # fmt: skip


def test_a_key_type_key_data_uses_cannot_go_and_nothing_changes(database: Database) -> None:
    administration = add_administration(database)
    guest = add_key_type(database, administration, name="Guest")
    with database.unit_of_work() as session:
        KeyRepository(session).add(key_draft(administration, guest), NOW)
    with pytest.raises(InUseError) as caught, database.unit_of_work() as session:
        replace_key_types(session, administration.id, [wanted("Staff")])
    assert "The key type 'Guest' is used by 1 key data records." in caught.value.message.en
    with database.unit_of_work() as session:
        assert [key_type.name for key_type in ConfigRepository(session).key_types(administration.id)] == ["Guest"]


@pytest.mark.parametrize(
    ("key_types", "said"),
    [
        ([wanted("Guest"), wanted("guest")], "The key type 'guest' appears twice."),
        ([wanted("Guest", "Stay", "STAY")], "The product 'STAY' appears twice (Guest)."),
        ([wanted("Guest", granted=(1,), denied=(1,))], "Authorization 1 is both granted and denied."),
        (
            [wanted("Guest", owners_default=True), wanted("Owner", owners_default=True)],
            "Both 'Guest' and 'Owner' are marked as the owners' default key type; an administration has one.",
        ),
    ],
)
def test_a_wanted_set_with_a_problem_is_refused_whole(
    database: Database, key_types: list[KeyTypeWithProducts], said: str
) -> None:
    administration = add_administration(database)
    add_key_type(database, administration, name="Kept")
    with pytest.raises(ValidationError) as caught, database.unit_of_work() as session:
        replace_key_types(session, administration.id, key_types)
    assert said in caught.value.message.en
    with database.unit_of_work() as session:
        assert [key_type.name for key_type in ConfigRepository(session).key_types(administration.id)] == ["Kept"]
