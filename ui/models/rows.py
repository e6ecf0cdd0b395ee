"""A table model over a list of row objects whose cells live in Qt's own item store.

Why not a ``QAbstractTableModel`` with a Python ``data``: a view calls ``data`` once per visible cell and
role on every repaint (about 1,300 calls for the reservations list), and each call has to take Python's
interpreter lock. While a worker thread runs Python (a search, an encode, the change feed), each take
can wait a whole switch interval, which turned an 8 ms repaint into 200 ms (bench/gui.py). Here the
cells are ``QStandardItem``s built on the worker thread that searched (``cells``) and swapped in whole
(``set_rows``), so painting, sorting and resizing run in C++ without the lock.

The items are made by Qt from a prototype, never constructed in Python: an item constructed in Python
takes the lock again when it is destroyed, and dropping the previous list's 4,000 items while a worker
ran Python took 2.4 s instead of 6 ms.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from PySide6.QtCore import QCoreApplication, QIdentityProxyModel, QObject, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QListWidget, QTableWidget

from salto_desk.errors import Text

READ_ONLY = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled


class IdentifiedRow(Protocol):
    @property
    def identity(self) -> tuple[int, str]:
        """(administration id, PMS id): finds the same row again after a new search."""
        ...


RowT = TypeVar("RowT", bound=IdentifiedRow)


@dataclass(frozen=True)
class Cell:
    """What one cell shows: its text and any other roles (sort key, colours, tooltip, font)."""

    text: str
    roles: dict[int, object] = field(default_factory=dict)


class RowsModel(QIdentityProxyModel, Generic[RowT]):
    """Rows and column headers; subclasses say what each cell holds in ``row_cells``.

    The model itself only forwards to the current item store (no Python method of a view's hot path is
    overridden); it keeps the row objects so that a view row leads back to its reservation or owner.
    """

    headers: Sequence[Text] = ()

    def __init__(self, language: str = "en", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.language = language
        self._rows: list[RowT] = []
        self._install(self.cells((), language))

    @classmethod
    def row_cells(cls, row: RowT, language: str) -> Iterable[Cell]:
        """The cells of one row, column by column."""
        raise NotImplementedError

    @classmethod
    def cells(cls, rows: Sequence[RowT], language: str) -> QStandardItemModel:
        """The item store for ``rows``; may run on any thread, and hands the store to the GUI thread."""
        table = QStandardItemModel(len(rows), len(cls.headers))
        prototype = QStandardItem()
        prototype.setFlags(READ_ONLY)
        table.setItemPrototype(prototype)
        table.setHorizontalHeaderLabels([header(language) for header in cls.headers])
        for number, row in enumerate(rows):
            for column, cell in enumerate(cls.row_cells(row, language)):
                table.setItemData(table.index(number, column), {Qt.ItemDataRole.DisplayRole: cell.text, **cell.roles})
        application = QCoreApplication.instance()
        if application is not None:
            table.moveToThread(application.thread())
        return table

    def set_rows(self, rows: Sequence[RowT], cells: QStandardItemModel | None = None) -> None:
        """Show ``rows``; ``cells`` is their item store when a worker built it already (``cells``)."""
        self._rows = list(rows)
        self._install(cells if cells is not None else self.cells(self._rows, self.language))

    def _install(self, table: QStandardItemModel) -> None:
        previous = self.sourceModel()
        table.setParent(self)
        self.setSourceModel(table)
        if previous is not None:
            previous.deleteLater()

    def rows(self) -> list[RowT]:
        return list(self._rows)

    def row_at(self, row: int) -> RowT:
        return self._rows[row]

    def find(self, identity: tuple[int, str]) -> int | None:
        return next((number for number, row in enumerate(self._rows) if row.identity == identity), None)


def fill_table(table: QTableWidget, rows: Sequence[Sequence[str]]) -> None:
    """Show ``rows`` of texts in ``table`` through its model, so that Qt makes the items (see above)."""
    table.setRowCount(len(rows))
    model = table.model()
    for number, texts in enumerate(rows):
        for column, text in enumerate(texts):
            model.setData(model.index(number, column), text)


def fill_cells(table: QTableWidget, rows: Sequence[Sequence[Cell]], flags: Sequence[Qt.ItemFlag | None] = ()) -> None:
    """Show ``rows`` of cells (text and roles) in ``table`` through its model, so that Qt makes the items.

    A cell that has an item already keeps it (and the view its selection and scroll position) with only
    the new cell's roles: no role of the old cell lingers. ``flags`` are the item flags of each column; a
    missing or None entry leaves the flags Qt gave the item (editable, selectable, checkable, enabled).
    """
    table.setRowCount(len(rows))
    model = table.model()
    for number, cells in enumerate(rows):
        for column, cell in enumerate(cells):
            index = model.index(number, column)
            model.clearItemData(index)
            model.setItemData(index, {Qt.ItemDataRole.DisplayRole: cell.text, **cell.roles})
            column_flags = flags[column] if column < len(flags) else None
            if column_flags is not None:
                _made_item(table.item(number, column), number, column).setFlags(column_flags)


def fill_list(widget: QListWidget, cells: Sequence[Cell], flags: Qt.ItemFlag | None = None) -> None:
    """Show ``cells`` in ``widget``: ``addItems`` makes the items in C++, their roles go through the model.

    ``flags`` replaces Qt's default flags of a list item (selectable, checkable, enabled, draggable).
    """
    widget.clear()
    widget.addItems([cell.text for cell in cells])
    model = widget.model()
    for number, cell in enumerate(cells):
        if cell.roles:
            model.setItemData(model.index(number, 0), cell.roles)
        if flags is not None:
            _made_item(widget.item(number), number, 0).setFlags(flags)


def check_box(ticked: bool, text: str = "") -> Cell:
    """A cell with a check box, ticked or not, and ``text`` beside it (the item needs a checkable flag)."""
    return Cell(text, {Qt.ItemDataRole.CheckStateRole: Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked})


ItemT = TypeVar("ItemT")


def _made_item(item: ItemT | None, row: int, column: int) -> ItemT:
    """The item the model just made for a cell (Qt makes one for every cell it stores data in)."""
    if item is None:
        raise LookupError(f"the model made no item in row {row}, column {column}")
    return item
