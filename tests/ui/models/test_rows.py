"""RowsModel: cells computed as plain Python on a worker, filled in slices on the GUI thread, swapped whole."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QListWidget, QTableWidget, QTableWidgetItem
from pytestqt.qtbot import QtBot

from salto_desk.errors import Text
from tests.ui.items import python_made
from ui.models.rows import READ_ONLY, ROWS_PER_TURN, Cell, RowsModel, check_box, fill_cells, fill_list, fill_table


@dataclass(frozen=True)
class Row:
    pms_id: str
    name: str

    @property
    def identity(self) -> tuple[int, str]:
        return 1, self.pms_id


class NamesModel(RowsModel[Row]):
    headers = (Text("Name", "Naam"), Text("Id", "Id"))

    @classmethod
    def row_cells(cls, row: Row, language: str) -> Iterable[Cell]:
        return [Cell(row.name, {Qt.ItemDataRole.ToolTipRole: f"{row.name}!"}), Cell(row.pms_id)]


ROWS = (Row("a", "Anna"), Row("b", "Bob"))


def test_cells_computed_on_a_worker_are_plain_python_and_shown_in_slices(qtbot: QtBot) -> None:
    built: list[list[tuple[Cell, ...]]] = []
    worker = threading.Thread(target=lambda: built.append(NamesModel.cells(ROWS, "nl")))
    worker.start()
    worker.join(10)
    assert built and all(isinstance(cell, Cell) for row in built[0] for cell in row)  # no Qt object off the GUI thread
    model = NamesModel("nl")
    many = [Row(str(number), f"Guest {number}") for number in range(ROWS_PER_TURN * 2 + 5)]
    shown: list[bool] = []
    model.show_rows(many, NamesModel.cells(many, "nl"), lambda: shown.append(True))
    assert model.filling and model.rowCount() == 0 and shown == []  # the old rows stay until the new are complete
    model.show_rows(ROWS, built[0], lambda: shown.append(True))  # a newer result replaces the fill under way
    qtbot.waitUntil(lambda: not model.filling, timeout=5000)
    assert shown == [True]
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Naam"
    assert [model.index(row, 0).data() for row in range(model.rowCount())] == ["Anna", "Bob"]
    assert model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole) == "Bob!"
    assert model.row_at(1) is ROWS[1] and model.find((1, "b")) == 1 and model.find((2, "b")) is None
    model.show_rows(many, NamesModel.cells(many, "nl"), lambda: shown.append(True))
    qtbot.waitUntil(lambda: not model.filling, timeout=5000)
    assert model.rowCount() == len(many) and model.index(len(many) - 1, 0).data() == f"Guest {len(many) - 1}"


def test_cells_are_read_only(qtbot: QtBot) -> None:
    model = NamesModel()
    model.set_rows(ROWS)
    flags = model.flags(model.index(0, 0))
    assert flags & Qt.ItemFlag.ItemIsSelectable and flags & Qt.ItemFlag.ItemIsEnabled
    assert not flags & Qt.ItemFlag.ItemIsEditable


def test_new_rows_replace_the_old_ones_and_announce_a_reset(qtbot: QtBot) -> None:
    model = NamesModel()
    model.set_rows(ROWS)
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    model.set_rows([Row("c", "Cor")])
    assert resets and model.rowCount() == 1 and model.index(0, 0).data() == "Cor"
    assert model.rows() == [Row("c", "Cor")]
    model.set_rows([])
    assert model.rowCount(QModelIndex()) == 0 and model.columnCount() == 2


def test_fill_table_replaces_the_texts_and_row_count(qtbot: QtBot) -> None:
    table = QTableWidget(0, 2)
    qtbot.addWidget(table)
    fill_table(table, [("a", "1"), ("b", "2"), ("c", "3")])
    fill_table(table, [("d", "4")])
    assert table.rowCount() == 1
    item = table.item(0, 1)
    assert item is not None and item.text() == "4"


def test_fill_cells_sets_texts_roles_and_column_flags_on_items_qt_made(qtbot: QtBot) -> None:
    table = QTableWidget(0, 3)
    qtbot.addWidget(table)
    fill_cells(
        table,
        [
            (
                Cell("Anna", {Qt.ItemDataRole.UserRole: 7, Qt.ItemDataRole.ToolTipRole: "guest"}),
                check_box(True),
                Cell("x"),
            ),
            (Cell("Bob"), check_box(False, "Pets"), Cell("y")),
        ],
        (READ_ONLY, Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled),
    )
    anna, ticked, free = (table.item(0, column) for column in range(3))
    assert (anna.text(), anna.data(Qt.ItemDataRole.UserRole), anna.toolTip()) == ("Anna", 7, "guest")
    assert anna.flags() == READ_ONLY
    assert ticked.checkState() == Qt.CheckState.Checked and table.item(1, 1).checkState() == Qt.CheckState.Unchecked
    assert table.item(1, 1).text() == "Pets"
    assert ticked.flags() == Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled
    assert free.flags() & Qt.ItemFlag.ItemIsEditable  # no flags given for the column: Qt's default
    assert python_made(table) == []


def test_fill_cells_again_leaves_no_role_of_the_old_cells(qtbot: QtBot) -> None:
    table = QTableWidget(0, 2)
    qtbot.addWidget(table)
    fill_cells(table, [(Cell("a", {Qt.ItemDataRole.UserRole: 1}), check_box(True)), (Cell("b"), Cell("c"))])
    fill_cells(table, [(Cell("d"), Cell("e"))])
    assert table.rowCount() == 1
    assert [table.item(0, column).text() for column in range(2)] == ["d", "e"]
    assert table.item(0, 0).data(Qt.ItemDataRole.UserRole) is None
    assert table.item(0, 1).data(Qt.ItemDataRole.CheckStateRole) is None


def test_fill_list_sets_texts_roles_and_flags_on_items_qt_made(qtbot: QtBot) -> None:
    widget = QListWidget()
    qtbot.addWidget(widget)
    widget.addItem("left over")
    fill_list(widget, [check_box(True, "Pets"), Cell("Sea view", {Qt.ItemDataRole.UserRole: "door 1"})])
    assert [widget.item(row).text() for row in range(widget.count())] == ["Pets", "Sea view"]
    assert widget.item(0).checkState() == Qt.CheckState.Checked
    assert widget.item(1).data(Qt.ItemDataRole.UserRole) == "door 1"
    assert widget.item(1).flags() & Qt.ItemFlag.ItemIsUserCheckable  # Qt's default flags of a list item
    assert python_made(widget) == []
    fill_list(widget, [check_box(False, "Pool")], Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
    assert widget.count() == 1 and widget.item(0).checkState() == Qt.CheckState.Unchecked
    assert widget.item(0).flags() == Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled


def test_python_made_tells_items_constructed_in_python(qtbot: QtBot) -> None:
    table = QTableWidget(1, 2)
    qtbot.addWidget(table)
    fill_table(table, [("qt", "")])
    table.setItem(0, 1, QTableWidgetItem("python"))
    assert python_made(table) == [(0, 1)]
