"""The manager PIN service: yes/no questions and typed PINs in, the hash never out."""

from __future__ import annotations

import pytest

from salto_desk.errors import ValidationError
from salto_desk.pin import WrongPin
from salto_desk.services.pin import DEFAULT_IDLE_MINUTES, IDLE_MINUTES, ManagerPin, PinState
from salto_desk.storage import Database
from salto_desk.storage.settings_repository import SettingsRepository
from tests.storage.helpers import database as database


def test_set_unlock_change_and_remove(database: Database) -> None:
    pin = ManagerPin(database)
    assert not pin.is_set()
    pin.unlock("anything")  # no PIN: nothing to check
    pin.set("4821", "4821")
    assert pin.is_set()
    pin.unlock("4821")
    with pytest.raises(WrongPin):
        pin.unlock("1111")
    with pytest.raises(WrongPin):
        pin.set("7777", "7777", current="1111")
    pin.set("7777", "7777", current="4821")
    pin.unlock("7777")
    with pytest.raises(WrongPin):
        pin.remove("4821")
    pin.remove("7777")
    assert not pin.is_set()


@pytest.mark.parametrize(("new", "repeat", "field"), [("12", "12", "pin"), ("123456", "123465", "repeat")])
def test_a_bad_or_mistyped_new_pin_is_refused_and_nothing_stored(
    database: Database, new: str, repeat: str, field: str
) -> None:
    pin = ManagerPin(database)
    with pytest.raises(ValidationError) as caught:
        pin.set(new, repeat)
    assert caught.value.field == field
    assert not pin.is_set()


def test_the_idle_time_that_locks_the_settings_defaults_to_five_minutes_and_is_kept_for_every_desk(
    database: Database,
) -> None:
    pin = ManagerPin(database)
    assert pin.state() == PinState(is_set=False, idle_minutes=DEFAULT_IDLE_MINUTES) and DEFAULT_IDLE_MINUTES == 5
    pin.set("4821", "4821")
    assert pin.set_idle_minutes(12) == 12
    assert ManagerPin(database).state() == PinState(is_set=True, idle_minutes=12)
    pin.set_idle_minutes(DEFAULT_IDLE_MINUTES)
    with database.reading() as session:
        assert SettingsRepository(session).get(IDLE_MINUTES) is None  # the default is not stored


@pytest.mark.parametrize("minutes", [0, 61, -5, True])
def test_an_idle_time_outside_one_to_sixty_minutes_is_refused_and_nothing_changes(
    database: Database, minutes: int
) -> None:
    pin = ManagerPin(database)
    pin.set_idle_minutes(7)
    with pytest.raises(ValidationError) as caught:
        pin.set_idle_minutes(minutes)
    assert caught.value.field == "idle_minutes" and "1 to 60" in caught.value.user_message("en")
    assert pin.state().idle_minutes == 7


def test_an_unreadable_stored_idle_time_falls_back_to_the_default(database: Database) -> None:
    with database.unit_of_work() as session:
        SettingsRepository(session).set(IDLE_MINUTES, "soon")
    assert ManagerPin(database).state().idle_minutes == DEFAULT_IDLE_MINUTES
