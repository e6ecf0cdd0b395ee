"""The key data forms' pieces: the access table (names, check boxes, ticking, refilling) and print info."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QWidget
from pytestqt.qtbot import QtBot

from salto_desk.protocol.text import TextEncoding
from tests.ui.items import python_made
from ui.widgets.key_form import CHECKABLE, AccessTable, PrintInfoLines


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


def _print_form(qtbot: QtBot, language: str, encoding: TextEncoding) -> tuple[QWidget, PrintInfoLines]:
    host = QWidget()
    qtbot.addWidget(host)
    lines = PrintInfoLines(language, encoding)
    lines.add_rows(QFormLayout(host))
    return host, lines


def test_print_info_counts_what_salto_receives_and_shows_a_line_the_card_changes(qtbot: QtBot) -> None:
    _host, lines = _print_form(qtbot, "en", "ascii")
    lines.set_lines(["Welcome", "Château Duinzicht"])
    assert [counter.text() for counter in lines.counters] == ["7/24", "17/24", "0/24"]
    assert lines.printed.isVisibleTo(lines.printed.parentWidget())
    assert (
        lines.printed.text()
        == "Line 2 is printed as \u201cChateau Duinzicht\u201d: the card cannot show every character as typed."
    )
    lines.edits[2].setText("Straße" * 5)  # "ß" becomes "ss": 35 characters on the wire
    assert lines.counters[2].text() == "35/24" and lines.counters[2].property("tone") == "error"
    lines.set_encoding("latin-1")  # Latin-1 carries both as typed
    assert lines.counters[2].text() == "30/24" and lines.printed.text() == ""
    assert not lines.printed.isVisibleTo(lines.printed.parentWidget())
    lines.edits[2].setText("Tot ziens")
    assert lines.counters[2].text() == "9/24" and lines.counters[2].property("tone") == ""
    assert {(counter.minimumWidth(), counter.maximumWidth()) for counter in lines.counters} == {
        (lines.counters[0].minimumWidth(),) * 2
    }  # one fixed width: the lines stay equally long


def test_print_info_says_it_in_dutch(qtbot: QtBot) -> None:
    _host, lines = _print_form(qtbot, "nl", "ascii")
    lines.set_lines(["Café"])
    assert lines.printed.text().startswith("Regel 1 wordt afgedrukt als \u201cCafe\u201d")
