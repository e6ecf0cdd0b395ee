"""Typed times: digits go into the time field, "1600" and "930" set the whole time, Tab reaches it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from ui.widgets.moment_edit import MomentEdit, TimeEdit

START = QDateTime(QDate(2030, 7, 3), QTime(11, 0))


def focused(qtbot: QtBot, edit: MomentEdit) -> MomentEdit:
    edit.setDateTime(START)
    edit.show()
    qtbot.waitExposed(edit)
    edit.activateWindow()
    edit.clock.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(edit.clock.hasFocus)
    return edit


@pytest.mark.parametrize(
    ("typed", "shown"),
    [("1600", "16:00"), ("930", "09:30"), ("0930", "09:30"), ("16:45", "16:45"), ("1645", "16:45"), ("2359", "23:59")],
)
def test_typed_digits_set_the_time(qtbot: QtBot, typed: str, shown: str) -> None:
    edit = MomentEdit()
    qtbot.addWidget(edit)
    focused(qtbot, edit)
    QTest.keyClicks(edit.clock, typed)
    assert edit.clock.text() == shown
    assert edit.date() == START.date()  # typing a time never changes the day


def test_a_time_that_does_not_exist_is_not_taken(qtbot: QtBot) -> None:
    edit = MomentEdit()
    qtbot.addWidget(edit)
    focused(qtbot, edit)
    QTest.keyClicks(edit.clock, "2575")
    assert edit.time().hour() != 25 and edit.time().minute() != 75 and edit.time().isValid()


def test_the_pair_reads_and_writes_like_one_date_time_field(qtbot: QtBot) -> None:
    edit = MomentEdit()
    qtbot.addWidget(edit)
    changes: list[QDateTime] = []
    edit.dateTimeChanged.connect(changes.append)
    edit.setDateTime(START)
    assert edit.dateTime() == START and edit.text() == "03-07-2030 11:00"
    edit.setDate(QDate(2030, 7, 5))
    assert edit.dateTime() == QDateTime(QDate(2030, 7, 5), QTime(11, 0))
    assert changes[-1] == edit.dateTime()
    edit.name("Valid from", "day", "time")
    edit.explain("Times are local to Europe/Amsterdam.")
    assert edit.clock.accessibleName() == "Valid from (time)" and edit.day.toolTip() == edit.clock.toolTip()


def test_tab_goes_from_the_day_to_the_time_with_the_hours_selected(qtbot: QtBot) -> None:
    edit = MomentEdit()
    qtbot.addWidget(edit)
    focused(qtbot, edit)
    edit.day.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(edit.day.hasFocus)
    edit.focusNextChild()
    qtbot.waitUntil(edit.clock.hasFocus)
    assert edit.clock.currentSection() is TimeEdit.Section.HourSection
    QTest.keyClicks(edit.clock, "1600")
    assert edit.clock.text() == "16:00"
