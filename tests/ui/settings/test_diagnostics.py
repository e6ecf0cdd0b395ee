from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from salto_desk.protocol.client import TraceRecord
from tests.ui.desk import WAIT_MS, Desk, DeskFactory
from ui.settings.diagnostics import DiagnosticsPage, TraceModel


def record(summary: str, direction: str = "out") -> TraceRecord:
    return TraceRecord(datetime(2030, 7, 1, 10, 0, 1, 234000, tzinfo=UTC), direction, "05", summary)  # type: ignore[arg-type]


def page_for(qtbot: QtBot, desk: Desk) -> DiagnosticsPage:
    page = DiagnosticsPage(desk.context)
    qtbot.addWidget(page)
    return page


def cells(model: TraceModel, row: int) -> list[object]:
    return [model.index(row, column).data() for column in range(model.columnCount())]


def test_live_trace_of_a_real_exchange(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    page = page_for(qtbot, desk)
    client = desk.context.client_for(desk.administration)
    client.ping()  # on this thread; the trace bus carries the records like it does from a worker
    client.close()
    qtbot.waitUntil(lambda: page.model.rowCount() >= 2, timeout=WAIT_MS)
    assert cells(page.model, 0)[1:3] == ["->", "ENQ"]
    assert cells(page.model, 1)[1:3] == ["<-", "ACK"]


def test_pause_clear_and_copy(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    page = page_for(qtbot, desk)
    page.add(record("ENQ"))
    page.pause_button.click()
    assert page.paused and page.pause_button.text() == "Resume"
    page.add(record("ACK", "in"))
    assert page.model.rowCount() == 1 and "1 records not shown" in page.status.text()
    page.pause_button.click()
    page.add(record("ACK", "in"))
    assert cells(page.model, 1) == ["10:00:01.234", "<-", "ACK", "05"]
    page.copy()
    assert QGuiApplication.clipboard().text().splitlines() == [str(record("ENQ")), str(record("ACK", "in"))]
    page.clear()
    assert page.model.rowCount() == 0 and page.model.text() == ""
    assert page.model.headerData(2, Qt.Orientation.Horizontal) == "Decoded"  # clearing keeps the headers
    assert page.view.editTriggers() == QTableView.EditTrigger.NoEditTriggers


def test_the_trace_keeps_only_the_newest_records() -> None:
    model = TraceModel(["a", "b", "c", "d"], limit=3)
    for number in range(5):
        model.add(record(f"frame {number}"))
    assert [cells(model, row)[2] for row in range(3)] == ["frame 2", "frame 3", "frame 4"]


def test_the_log_folder_is_shown(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    page = page_for(qtbot, desk)
    assert str(desk.context.paths.logs) in page.log_folder.text()
