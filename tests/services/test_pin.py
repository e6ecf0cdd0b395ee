"""The manager PIN service: yes/no questions and typed PINs in, the hash never out."""

from __future__ import annotations

import pytest

from salto_desk.errors import ValidationError
from salto_desk.pin import WrongPin
from salto_desk.services.pin import ManagerPin
from salto_desk.storage import Database
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
