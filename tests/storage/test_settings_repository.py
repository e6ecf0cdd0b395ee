"""Desk-wide settings: stored, changed, removed, shared by every session."""

from __future__ import annotations

import pytest

from salto_desk.errors import ValidationError
from salto_desk.storage import Database, SettingsRepository
from salto_desk.storage.settings_repository import PMS_BASE_URL


def test_a_setting_is_stored_changed_and_removed(database: Database) -> None:
    with database.unit_of_work() as session:
        assert SettingsRepository(session).get(PMS_BASE_URL) is None
        SettingsRepository(session).set(PMS_BASE_URL, "https://bex.example/v3")
    with database.unit_of_work() as session:
        assert SettingsRepository(session).get(PMS_BASE_URL) == "https://bex.example/v3"
        SettingsRepository(session).set(PMS_BASE_URL, "https://other.example/v3")
    with database.unit_of_work() as session:
        assert SettingsRepository(session).get(PMS_BASE_URL) == "https://other.example/v3"
        SettingsRepository(session).set(PMS_BASE_URL, None)
    with database.unit_of_work() as session:
        assert SettingsRepository(session).get(PMS_BASE_URL) is None
        SettingsRepository(session).set(PMS_BASE_URL, None)  # removing what is not there is fine


def test_a_failed_unit_of_work_keeps_the_old_value(database: Database) -> None:
    with database.unit_of_work() as session:
        SettingsRepository(session).set("manager_pin", "hash-1")
    with pytest.raises(RuntimeError), database.unit_of_work() as session:
        SettingsRepository(session).set("manager_pin", "hash-2")
        raise RuntimeError("rolled back")
    with database.unit_of_work() as session:
        assert SettingsRepository(session).get("manager_pin") == "hash-1"


@pytest.mark.parametrize("name", ["", "x" * 65])
def test_a_name_must_fit(database: Database, name: str) -> None:
    with database.unit_of_work() as session, pytest.raises(ValidationError):
        SettingsRepository(session).set(name, "value")
