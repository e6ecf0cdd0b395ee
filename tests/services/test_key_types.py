"""Key types and products as the settings window edits them; the list costs the same few statements however
many key types there are; the preview checks the product and asks the matcher."""

from __future__ import annotations

from datetime import time

import pytest

from salto_desk.errors import ValidationError
from salto_desk.keys.model import AuthorizationName, KeyTypeSettings, ProductSettings
from salto_desk.pms.models import CatalogueItem, InventoryObject, RentableType
from salto_desk.services.key_types import KeyTypes
from salto_desk.storage import ConfigRepository, Database, InUseError, NotFoundError, PmsStore
from tests.park import BEX_ID, cache_park
from tests.services.helpers import add_key, statements
from tests.storage.helpers import NOW, add_administration, add_key_type
from tests.storage.helpers import database as database


def product(key_type_id: int, name: str, **changes: object) -> ProductSettings:
    return ProductSettings(key_type_id=key_type_id, name=name, **changes)  # type: ignore[arg-type]


def test_the_list_groups_products_under_their_key_types_by_name(database: Database) -> None:
    key_types = KeyTypes(database, lambda: NOW)
    administration = add_administration(database)
    guest = add_key_type(database, administration, name="Guest")
    owner = add_key_type(database, administration, name="Owner")
    other = add_key_type(database, add_administration(database, pms_id="2", name="Hotel"), name="Staff")
    for key_type_id, name in ((owner.id, "Owners"), (guest.id, "Late arrivals"), (guest.id, "Every stay"),
                              (other.id, "Staff")):  # fmt: skip
        key_types.save_product(None, product(key_type_id, name))
    listed = key_types.listed(administration.id)
    assert [each.key_type for each in listed] == [guest, owner]
    assert [[item.name for item in each.products] for each in listed] == [["Every stay", "Late arrivals"], ["Owners"]]
    assert key_types.listed(12345) == []


def test_the_list_costs_the_same_statements_for_one_key_type_or_twenty(database: Database) -> None:
    key_types = KeyTypes(database, lambda: NOW)
    administration = add_administration(database)
    first = add_key_type(database, administration, name="Type 0")
    key_types.save_product(None, product(first.id, "Every stay", labels=("Pets",)))
    with statements(database) as one:
        assert len(key_types.listed(administration.id)) == 1
    for number in range(1, 20):
        added = add_key_type(database, administration, name=f"Type {number}")
        key_types.save_product(None, product(added.id, "Every stay", labels=("Pets",)))
    with statements(database) as twenty:
        listed = key_types.listed(administration.id)
    assert len(listed) == 20 and all(len(each.products) == 1 for each in listed)
    assert len(twenty) == len(one)
    assert len([each for each in twenty if each.sql.lstrip().upper().startswith("SELECT")]) <= 4


def test_the_key_type_form_has_the_administration_its_names_and_the_key_type(database: Database) -> None:
    key_types = KeyTypes(database, lambda: NOW)
    administration = add_administration(database, text_encoding="latin-1")
    with database.unit_of_work() as session:
        ConfigRepository(session).replace_authorization_names(administration.id, [AuthorizationName(1, "Main gate")])
    guest = add_key_type(database, administration)
    form = key_types.key_type_form(administration.id, guest.id)
    assert (form.administration, form.names, form.key_type) == (
        administration, (AuthorizationName(1, "Main gate"),), guest)  # fmt: skip
    assert key_types.key_type_form(administration.id, None).key_type is None
    with pytest.raises(NotFoundError):
        key_types.key_type_form(administration.id, guest.id + 100)


def test_save_and_delete_key_types(database: Database) -> None:
    key_types = KeyTypes(database, lambda: NOW)
    administration = add_administration(database)
    settings = KeyTypeSettings(administration_id=administration.id, name="Owner", print_info=("Welcome",), granted=(1,))
    owner = key_types.save_key_type(None, settings)
    changed = key_types.save_key_type(owner.id, KeyTypeSettings(administration_id=administration.id, name="Owners"))
    assert changed.id == owner.id and changed.name == "Owners" and changed.granted == ()
    with pytest.raises(ValidationError) as caught:
        key_types.save_key_type(None, KeyTypeSettings(administration_id=administration.id, name="owners"))
    assert caught.value.field == "name"
    key_types.save_product(None, product(owner.id, "Every stay"))
    key_types.delete_key_type(owner.id)  # with its products
    assert key_types.listed(administration.id) == []


def test_a_key_type_in_use_is_not_deleted(database: Database) -> None:
    key_types = KeyTypes(database, lambda: NOW)
    administration = add_administration(database)
    guest = add_key_type(database, administration)
    add_key(database, administration, guest)
    with pytest.raises(InUseError):
        key_types.delete_key_type(guest.id)
    assert [each.key_type for each in key_types.listed(administration.id)] == [guest]


def test_the_product_form_offers_the_synced_filter_values(database: Database) -> None:
    key_types = KeyTypes(database, lambda: NOW)
    administration = add_administration(database, pms_id="1")
    guest = add_key_type(database, administration)
    with database.unit_of_work() as session:
        cache = PmsStore(session)
        cache.store_objects("1", [InventoryObject("10", "1", "Chalet 10", None, ("Sea view", "Pets"), "t1", None, NOW)])
        cache.replace_catalogue("1", [RentableType("t1", "1", "Chalet 4p")],
                                [CatalogueItem("c1", "1", "cost", "Cleaning", None)])  # fmt: skip
    stored = key_types.save_product(None, product(guest.id, "Sea view", labels=("Sea view",), fixed_end_time=time(11)))
    form = key_types.product_form(administration.id, stored.id)
    assert form.product == stored
    assert (form.choices.labels, form.choices.object_types, form.choices.costs, form.choices.extras) == (
        ("Pets", "Sea view"), ("Chalet 4p",), ("Cleaning",), ())  # fmt: skip
    assert key_types.product_form(administration.id, None).product is None


def test_save_and_delete_products(database: Database) -> None:
    key_types = KeyTypes(database, lambda: NOW)
    guest = add_key_type(database, add_administration(database))
    stored = key_types.save_product(None, product(guest.id, "Every stay"))
    changed = key_types.save_product(stored.id, product(guest.id, "Every stay", deliver_to_guest=True,
                                                        delivery_days_before=2))  # fmt: skip
    assert changed.id == stored.id and changed.delivery_days_before == 2
    with pytest.raises(ValidationError) as caught:
        key_types.save_product(None, product(guest.id, "every stay"))
    assert caught.value.field == "name"
    key_types.delete_product(stored.id)
    with pytest.raises(NotFoundError):
        key_types.product_form(guest.administration_id, stored.id)


def test_the_preview_checks_the_product_and_matches_the_cached_stays_by_the_syncs_rules(database: Database) -> None:
    administration = add_administration(database, pms_id=BEX_ID)
    cache_park(database)
    key_types = KeyTypes(database, lambda: NOW)
    every_stay = key_types.preview(administration.id, product(3, ""))
    assert sorted(stay.pms_id for stay in every_stay) == ["1", "2", "3"]  # not the cancelled one
    assert key_types.preview(administration.id, product(3, "", labels=(" Pets ",))) == []  # no chalet has the label
    assert sorted(stay.pms_id for stay in key_types.preview(administration.id, product(3, ""), days=1)) == ["2", "3"]
    with pytest.raises(ValidationError) as caught:
        key_types.preview(administration.id, product(3, "", deliver_to_guest=True, delivery_days_before=-1))
    assert caught.value.field == "delivery_days_before"
