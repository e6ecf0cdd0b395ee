"""A table model over a list of row objects whose cells live in Qt's own item store.

Why not a ``QAbstractTableModel`` with a Python ``data``: a view calls ``data`` once per visible cell and
role on every repaint (about 1,300 calls for the reservations list), and each call has to take Python's
interpreter lock. While a worker thread runs Python (a search, an encode, the change feed), each take
can wait a whole switch interval, which turned an 8 ms repaint into 200 ms (bench/gui.py). Here the
cells are items in a ``QStandardItemModel``, so painting, sorting and resizing run in C++ without the lock.

The items are made by Qt (from a prototype, or through the model), never constructed in Python: an item
constructed in Python takes the lock again when it is destroyed, and dropping the previous list's 4,000
items while a worker ran Python took 2.4 s instead of 6 ms.

No Qt object is made on a worker thread: the worker computes the cells as plain Python (``cells``) and
the GUI thread puts them in a new item store a slice per event-loop turn (``show_rows``), then swaps it
in whole. (Making Qt objects on a worker while the GUI thread destroys others deadlocked PySide now and
then: each side held one of the interpreter lock and the binding's own lock.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from PySide6.QtCore import QIdentityProxyModel, QObject, Qt, QTimer
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QListWidget, QTableWidget

from salto_desk.errors import Text
from ui.style import Chip, chip_colours

READ_ONLY = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
ROWS_PER_TURN = 100
"""Rows put in the item store per event-loop turn: a few milliseconds, so the window never waits long."""


class IdentifiedRow(Protocol):
    @property
    def identity(self) -> tuple[int, str]:
        """(administration id, PMS id): finds the same row again after a new search."""
        ...


RowT = TypeVar("RowT", bound=IdentifiedRow)


@dataclass(frozen=True)
class Cell:
    """What one cell shows: its text, other roles as plain Python values (sort key, tooltip, user data),
    whether it is highlighted (the model's ``highlight_roles``, made on the GUI thread), and the key-state
    chip whose colours it takes (``ui.style.chip_colours``, over the highlight)."""

    text: str
    roles: dict[int, object] = field(default_factory=dict)
    highlight: bool = False
    chip: Chip | None = None


RowCells = tuple[Cell, ...]


@dataclass
class _Fill(Generic[RowT]):
    rows: list[RowT]
    cells: list[RowCells]
    table: QStandardItemModel
    done: Callable[[], None] | None
    next_row: int = 0


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
        self._fill: _Fill[RowT] | None = None
        self._turn = QTimer(self)
        self._turn.setSingleShot(True)
        self._turn.setInterval(0)
        self._turn.timeout.connect(self._fill_some)
        self._install(self._new_table(0))

    @classmethod
    def row_cells(cls, row: RowT, language: str) -> Iterable[Cell]:
        """The cells of one row, column by column (plain Python: runs on worker threads)."""
        raise NotImplementedError

    def highlight_roles(self, column: int) -> dict[int, object]:
        """The roles a highlighted cell of ``column`` gets (colours, font); made on the GUI thread."""
        return {}

    @classmethod
    def cells(cls, rows: Sequence[RowT], language: str) -> list[RowCells]:
        """The cells of ``rows``: plain Python, for a worker thread to compute before ``show_rows``."""
        return [tuple(cls.row_cells(row, language)) for row in rows]

    @property
    def filling(self) -> bool:
        """New rows are being put in the item store; the view still shows the previous ones."""
        return self._fill is not None

    def set_rows(self, rows: Sequence[RowT]) -> None:
        """Show ``rows`` at once (short lists, tests); the lists of a search use ``show_rows``."""
        self._start(rows, self.cells(rows, self.language), None)
        while self._fill is not None:
            self._fill_some()

    def show_rows(self, rows: Sequence[RowT], cells: list[RowCells], done: Callable[[], None]) -> None:
        """Show ``rows`` with their ``cells``, a slice per event-loop turn; ``done`` runs once they are shown.

        A newer call replaces a fill still under way (its ``done`` is dropped)."""
        self._start(rows, cells, done)
        self._turn.start()

    def _start(self, rows: Sequence[RowT], cells: list[RowCells], done: Callable[[], None] | None) -> None:
        if self._fill is not None:
            self._fill.table.deleteLater()
        self._fill = _Fill(list(rows), cells, self._new_table(len(cells)), done)

    def _fill_some(self) -> None:
        fill = self._fill
        if fill is None:
            return
        table, end = fill.table, min(fill.next_row + ROWS_PER_TURN, len(fill.cells))
        highlights: dict[int, dict[int, object]] = {}
        chips: dict[Chip, dict[int, object]] = {}
        for number in range(fill.next_row, end):
            for column, cell in enumerate(fill.cells[number]):
                roles = {Qt.ItemDataRole.DisplayRole: cell.text, **cell.roles}
                if cell.highlight:
                    if column not in highlights:
                        highlights[column] = self.highlight_roles(column)
                    roles.update(highlights[column])
                if cell.chip is not None:
                    if cell.chip not in chips:
                        chips[cell.chip] = chip_colours(cell.chip)
                    roles.update(chips[cell.chip])
                table.setItemData(table.index(number, column), roles)
        fill.next_row = end
        if end < len(fill.cells):
            self._turn.start()
            return
        self._fill = None
        self._rows = fill.rows
        self._install(table)
        if fill.done is not None:
            fill.done()

    def _new_table(self, rows: int) -> QStandardItemModel:
        table = QStandardItemModel(rows, len(self.headers), self)
        prototype = QStandardItem()
        prototype.setFlags(READ_ONLY)
        table.setItemPrototype(prototype)
        table.setHorizontalHeaderLabels([header(self.language) for header in self.headers])
        return table

    def _install(self, table: QStandardItemModel) -> None:
        previous = self.sourceModel()
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
    """Show ``rows`` of plain texts in ``table`` (``fill_cells`` without other roles or flags)."""
    fill_cells(table, [[Cell(text) for text in texts] for texts in rows])


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
