"""The key history: plain words, the site's time, codes in tooltips, no sideways scrolling, five rows in view."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from salto_desk.keys.model import AuditAction, AuditEntry, AuditState
from ui.widgets.key_history import HISTORY_ROWS_SHOWN, KeyHistory

AT = datetime(2026, 12, 4, 14, 0, tzinfo=UTC)


def entry(number: int, **changes: object) -> AuditEntry:
    values: dict[str, object] = {
        "action": AuditAction.ENCODE_NEW, "command": "CN", "encoder": "Reception", "rooms": ("101", "Pool"),
        "card_number": 1, "card_count": 2, "operator": "Anna", "id": number, "started_at": AT,
        "finished_at": AT, "desk": "FRONT-DESK-1", "process_id": 1, "state": AuditState.OK,
    }  # fmt: skip
    values.update(changes)
    return AuditEntry(**values)  # type: ignore[arg-type]


def test_rows_in_words_newest_first_with_codes_in_tooltips(qtbot: QtBot) -> None:
    history = KeyHistory("en")
    qtbot.addWidget(history)
    failed = entry(2, state=AuditState.SALTO_ERROR, error_code="ED", message="The card was not presented in time.")
    history.show_entries([entry(1), failed], ZoneInfo("Europe/Amsterdam"))
    texts = [history.item(0, column).text() for column in range(history.columnCount())]
    assert texts == ["04-12-2026 15:00", "New card", "101, Pool", "Reception", "1 of 2", "refused by SALTO",
                     "The card was not presented in time.", "Anna at FRONT-DESK-1"]  # fmt: skip
    assert history.item(0, 1).toolTip() == "SALTO command CN"
    assert history.item(0, 5).toolTip() == "SALTO code ED"
    assert history.item(0, 6).toolTip() == "The card was not presented in time."  # whole, however narrow
    assert history.item(1, 5).text() == "done"  # the older row follows


def test_never_scrolls_sideways_and_keeps_five_rows_in_view(qtbot: QtBot) -> None:
    history = KeyHistory("nl")
    qtbot.addWidget(history)
    history.show_entries([entry(number, message="Een lange melding " * 6) for number in range(8)], None)
    history.resize(500, history.minimumHeight())
    history.show()
    qtbot.waitExposed(history)
    assert not history.horizontalScrollBar().isVisible()
    assert sum(history.columnWidth(column) for column in range(history.columnCount())) <= history.viewport().width()
    row = history.verticalHeader().defaultSectionSize()
    assert history.viewport().height() >= HISTORY_ROWS_SHOWN * row
    assert history.item(0, 7).text() == "Anna aan FRONT-DESK-1"
    narrow = history.horizontalHeader()
    assert narrow.textElideMode() is Qt.TextElideMode.ElideRight  # "Encoder / tele…", not "ncoder / telefoo"
    assert history.horizontalHeaderItem(3).toolTip() == "Encoder / telefoon"
