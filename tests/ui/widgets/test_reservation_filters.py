"""The reservations filter bar: what it shows becomes one query; the dates only count for a date range."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from salto_desk.storage.pms_repository import Period
from ui.widgets.reservation_filters import DATE_RANGE, ReservationFilters


def test_the_query_follows_the_choices(qtbot: QtBot) -> None:
    filters = ReservationFilters("en")
    qtbot.addWidget(filters)
    assert not filters.date_from.isEnabled()
    filters.search_field.setText("  Jansen ")
    filters.period_filter.setCurrentIndex(filters.period_filter.findData(Period.ARRIVALS))
    query = filters.query()
    assert (query.text, query.period, query.date_from, query.states) == ("Jansen", Period.ARRIVALS, None, frozenset())
    with qtbot.waitSignal(filters.changed, timeout=1000):
        filters.period_filter.setCurrentIndex(filters.period_filter.findData(DATE_RANGE))
    assert filters.date_from.isEnabled() and filters.date_to.isEnabled()
    filters.date_from.setDate(QDate(2026, 12, 1))
    filters.date_to.setDate(QDate(2026, 12, 8))
    filters.state_filter.setCurrentIndex(filters.state_filter.findData("confirmed"))
    query = filters.query()
    assert (query.period, query.date_from, query.date_to) == (Period.ALL, date(2026, 12, 1), date(2026, 12, 8))
    assert query.states == frozenset({"confirmed"})


def test_dutch_labels(qtbot: QtBot) -> None:
    filters = ReservationFilters("nl")
    qtbot.addWidget(filters)
    assert filters.period_filter.itemText(filters.period_filter.findData(Period.IN_HOUSE)) == "In huis"
    assert filters.search_field.placeholderText().startswith("Zoek boekingsnr")
