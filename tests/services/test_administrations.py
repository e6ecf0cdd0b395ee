"""Administrations as the settings window edits them: settings and authorization names travel together."""

from __future__ import annotations

from dataclasses import replace

import pytest

from salto_desk.errors import ValidationError
from salto_desk.keys.model import AuthorizationName
from salto_desk.services.administrations import Administrations
from salto_desk.storage import Database, InUseError, NotFoundError
from tests.services.helpers import add_key
from tests.storage.helpers import add_administration, add_key_type, administration_settings
from tests.storage.helpers import database as database

NAMES = [AuthorizationName(62, "Pool"), AuthorizationName(1, "Main gate")]


def test_a_new_administration_is_stored_with_its_names_and_listed_by_name(database: Database) -> None:
    administrations = Administrations(database)
    add_administration(database, pms_id="1", name="Park Zeezicht")
    added = administrations.save(None, administration_settings(pms_id="2", name="Hotel Aan Zee"), NAMES)
    assert added.administration.name == "Hotel Aan Zee"
    assert {each.number: each.name for each in added.names} == {1: "Main gate", 62: "Pool"}
    assert [each.name for each in administrations.all()] == ["Hotel Aan Zee", "Park Zeezicht"]
    form = administrations.form(added.administration.id)
    assert form.administration == added.administration
    assert sorted(form.names, key=lambda each: each.number) == sorted(NAMES, key=lambda each: each.number)


def test_changing_settings_and_names_together(database: Database) -> None:
    administrations = Administrations(database)
    stored = add_administration(database)
    changed = administrations.save(stored.id, replace(administration_settings(), name="Park Duinzicht"), NAMES[:1])
    assert changed.administration.id == stored.id and changed.administration.name == "Park Duinzicht"
    assert administrations.form(stored.id).names == (AuthorizationName(62, "Pool"),)


def test_refused_names_leave_the_settings_unchanged_too(database: Database) -> None:
    administrations = Administrations(database)
    stored = add_administration(database)
    twice = [AuthorizationName(3, "Pool"), AuthorizationName(5, "pool")]
    with pytest.raises(ValidationError) as caught:
        administrations.save(stored.id, replace(administration_settings(), name="Renamed"), twice)
    assert caught.value.field == "authorizations"
    assert administrations.form(stored.id).administration == stored


def test_a_bad_new_administration_stores_nothing(database: Database) -> None:
    administrations = Administrations(database)
    with pytest.raises(ValidationError) as caught:
        administrations.save(None, administration_settings(salto_endpoint="10.0.0.5:99999"), NAMES)
    assert caught.value.field == "salto_endpoint"
    assert administrations.all() == []


def test_delete_and_what_is_gone(database: Database) -> None:
    administrations = Administrations(database)
    stored = add_administration(database)
    administrations.delete(stored.id)
    assert administrations.all() == []
    with pytest.raises(NotFoundError):
        administrations.form(stored.id)


def test_an_administration_with_key_data_is_not_deleted(database: Database) -> None:
    administrations = Administrations(database)
    stored = add_administration(database)
    key_type = add_key_type(database, stored)
    add_key(database, stored, key_type)
    with pytest.raises(InUseError):
        administrations.delete(stored.id)
    assert administrations.all() == [stored]
