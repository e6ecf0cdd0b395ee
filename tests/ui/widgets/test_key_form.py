"""The access table of the key data forms: names, check boxes, ticking, refilling."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.ui.items import python_made
from ui.widgets.key_form import CHECKABLE, AccessTable


def test_the_access_table_shows_names_and_ticks_with_items_qt_made(qtbot: QtBot) -> None:
    table = AccessTable({1: "Main gate", 2: "Pool"}, "en")
    qtbot.addWidget(table)
    table.set_access((1,), (3,))
    assert [table.item(row, 0).text() for row in range(table.rowCount())] == [
        "1 Main gate", "2 Pool", "3 authorization 3"]  # fmt: skip
    assert table.access() == ((1,), (3,))
    assert table.item(0, 1).flags() == CHECKABLE and table.item(0, 2).checkState() == Qt.CheckState.Unchecked
    table.tick(2, granted=True)
    assert table.access() == ((1, 2), (3,))
    assert python_made(table) == []
    table.set_access((), (2,))  # another key type chosen: one row fewer, every tick replaced
    assert table.rowCount() == 2 and table.access() == ((), (2,))
    assert python_made(table) == []
