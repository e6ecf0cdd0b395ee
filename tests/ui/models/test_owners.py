"""The owners table model: what each column shows, in both languages, the key-state chips, and sorting."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt

from salto_desk.keys.model import Administration, CardsEncoded, Holder, HolderKind, KeyData, KeyState, Validity
from salto_desk.services.front_desk import OwnerRow
from salto_desk.storage.pms_values import CachedObject, CachedOwner
from tests.storage.helpers import NOW
from ui.models.owners import Column, OwnersModel, OwnersProxy
from ui.style import Chip, chip_colours

PARK = Administration(id=1, pms_id="7", name="Park De Duinen", salto_endpoint="127.0.0.1:8090")


def unit(pms_id: str, name: str, door: str | None = None) -> CachedObject:
    return CachedObject(1, pms_id, name, "Villa", (), door or name)


def owner(pms_id: str, name: str, *units: CachedObject, phone: str | None = None) -> CachedOwner:
    return CachedOwner(1, pms_id, name, phone, f"{pms_id}@example.com", units)


def key(key_id: int, state: KeyState = KeyState.READY, cards: int = 0) -> KeyData:
    return KeyData(
        id=key_id, administration_id=1, key_type_id=1, holder=Holder(HolderKind.OWNER, "o1", "Joëlle"),
        rooms=("101",), validity=Validity(NOW, NOW + timedelta(days=30)), state=state, cards=CardsEncoded(cards),
    )  # fmt: skip


ROWS = [
    OwnerRow(owner("o1", "Joëlle de Vries", unit("20", "Villa 20", "101"), unit("22", "Chalet Zee"),
                   phone="+31612345678"), (key(1, KeyState.ISSUED, cards=2),), PARK),
    OwnerRow(owner("o2", "anna Smit"), (), PARK),
]  # fmt: skip


def texts(model: OwnersModel, row: int) -> list[str]:
    return [model.data(model.index(row, column)) for column in range(model.columnCount())]  # type: ignore[misc]


def test_columns_show_owner_accommodations_with_door_names_contact_and_keys() -> None:
    model = OwnersModel()
    model.set_rows(ROWS)
    assert model.rowCount() == 2 and model.columnCount() == len(Column)
    headers = [model.headerData(column, Qt.Orientation.Horizontal) for column in range(model.columnCount())]
    assert headers == ["Owner", "Accommodations", "Phone", "E-mail", "Keys", "Administration"]
    assert texts(model, 0) == [
        "Joëlle de Vries", "Villa 20 (101), Chalet Zee", "+31612345678", "o1@example.com", "Issued · 2 cards",
        "Park De Duinen",
    ]  # fmt: skip
    assert texts(model, 1) == [
        "anna Smit", "no accommodation today", "", "o2@example.com", "No key data", "Park De Duinen",
    ]  # fmt: skip
    assert model.row_at(1) is ROWS[1]
    assert model.find((1, "o2")) == 1 and model.find((2, "o2")) is None


def test_the_keys_column_is_a_chip_of_the_key_state() -> None:
    model = OwnersModel()
    model.set_rows(ROWS)
    for row, chip in ((0, Chip.ISSUED), (1, Chip.NONE)):
        background = model.index(row, Column.KEYS).data(Qt.ItemDataRole.BackgroundRole)
        assert background is not None and background == chip_colours(chip)[Qt.ItemDataRole.BackgroundRole]
    assert model.index(0, Column.OWNER).data(Qt.ItemDataRole.BackgroundRole) is None


def test_dutch_headers_and_texts() -> None:
    model = OwnersModel("nl")
    model.set_rows(ROWS)
    assert model.headerData(Column.OWNER, Qt.Orientation.Horizontal) == "Eigenaar"
    assert texts(model, 1)[Column.ACCOMMODATIONS] == "vandaag geen accommodatie"
    assert texts(model, 1)[Column.KEYS] == "Geen sleutelgegevens"


def test_the_proxy_sorts_ignoring_case() -> None:
    model = OwnersModel()
    model.set_rows(ROWS)
    proxy = OwnersProxy(model)
    proxy.sort(Column.OWNER, Qt.SortOrder.AscendingOrder)
    assert [proxy.row(row).owner.pms_id for row in range(proxy.rowCount())] == ["o2", "o1"]
    proxy.sort(Column.OWNER, Qt.SortOrder.DescendingOrder)
    assert [proxy.row(row).owner.pms_id for row in range(proxy.rowCount())] == ["o1", "o2"]
