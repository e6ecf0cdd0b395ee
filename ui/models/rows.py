"""A table model over a list of row objects, replaced as a whole after each search."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, Protocol, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from salto_desk.errors import Text

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
"""The role under which every cell gives its whole row object."""
AnyIndex = QModelIndex | QPersistentModelIndex


class IdentifiedRow(Protocol):
    @property
    def identity(self) -> tuple[int, str]:
        """(administration id, PMS id): finds the same row again after a new search."""
        ...


RowT = TypeVar("RowT", bound=IdentifiedRow)


class RowsModel(QAbstractTableModel, Generic[RowT]):
    """Rows and column headers; subclasses say what each cell shows in ``data``."""

    headers: Sequence[Text] = ()

    def __init__(self, language: str = "en", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.language = language
        self._rows: list[RowT] = []

    def set_rows(self, rows: Sequence[RowT]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[RowT]:
        return list(self._rows)

    def row_at(self, row: int) -> RowT:
        return self._rows[row]

    def find(self, identity: tuple[int, str]) -> int | None:
        return next((number for number, row in enumerate(self._rows) if row.identity == identity), None)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section](self.language)
        return None
