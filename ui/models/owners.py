"""The owners list: cached PMS owners, their accommodations and the state of their key data.

``OwnersModel`` holds rows in the order the repository returned them (by name); ``OwnersProxy``
sorts by a clicked column, ignoring case.
"""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt

from salto_desk.errors import Text
from salto_desk.services.front_desk import OwnerRow
from salto_desk.storage.pms_values import CachedObject, CachedOwner
from ui.models.reservations import key_chip, key_text
from ui.models.rows import Cell, RowsModel


class Column(IntEnum):
    OWNER = 0
    ACCOMMODATIONS = 1
    PHONE = 2
    EMAIL = 3
    KEYS = 4
    ADMINISTRATION = 5


HEADERS = {
    Column.OWNER: Text("Owner", "Eigenaar"),
    Column.ACCOMMODATIONS: Text("Accommodations", "Accommodaties"),
    Column.PHONE: Text("Phone", "Telefoon"),
    Column.EMAIL: Text("E-mail", "E-mail"),
    Column.KEYS: Text("Keys", "Sleutels"),
    Column.ADMINISTRATION: Text("Administration", "Administratie"),
}
NO_ACCOMMODATIONS = Text("no accommodation today", "vandaag geen accommodatie")


def unit_text(unit: CachedObject) -> str:
    """The object, with the SALTO door name when it differs (what goes on the card)."""
    return f"{unit.name} ({unit.door_name})" if unit.door_name != unit.name else unit.name


def accommodations_text(owner: CachedOwner, language: str) -> str:
    return ", ".join(unit_text(unit) for unit in owner.objects) or NO_ACCOMMODATIONS(language)


class OwnersModel(RowsModel[OwnerRow]):
    """Rows of ``OwnerRow``; replaced as a whole after each search."""

    headers = tuple(HEADERS[column] for column in Column)

    @classmethod
    def row_cells(cls, row: OwnerRow, language: str) -> list[Cell]:
        owner = row.owner
        texts = {
            Column.OWNER: owner.name,
            Column.ACCOMMODATIONS: accommodations_text(owner, language),
            Column.PHONE: owner.phone or "",
            Column.EMAIL: owner.email or "",
            Column.KEYS: key_text(row.keys, language),
            Column.ADMINISTRATION: row.administration.name,
        }
        return [Cell(texts[column], chip=key_chip(row.keys) if column == Column.KEYS else None) for column in Column]


class OwnersProxy(QSortFilterProxyModel):
    """Sorts the owners by the clicked column, ignoring case."""

    def __init__(self, model: OwnersModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSourceModel(model)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.owners = model

    def row(self, proxy_row: int) -> OwnerRow:
        return self.owners.row_at(self.mapToSource(self.index(proxy_row, 0)).row())
