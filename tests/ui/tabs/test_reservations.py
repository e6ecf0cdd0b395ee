"""The reservations tab: search as you type off the GUI thread, filters, arrivals first, key data and events."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from salto_desk.keys.model import KeyState
from salto_desk.storage.pms_repository import Period
from tests.storage.helpers import database
from tests.ui.desk import TODAY, WAIT_MS, Desk, DeskFactory, make_desk
from ui.models.reservations import Column
from ui.tabs import reservations as reservations_module
from ui.tabs.reservations import DATE_RANGE, ReservationsTab

__all__ = ["database", "make_desk"]


def open_tab(qtbot: QtBot, desk: Desk) -> ReservationsTab:
    tab = ReservationsTab(desk.context)
    qtbot.addWidget(tab)
    wait_listed(qtbot, tab)
    return tab


def wait_listed(qtbot: QtBot, tab: ReservationsTab) -> None:
    qtbot.waitUntil(lambda: not tab.searching and not tab._debounce.isActive(), timeout=WAIT_MS)


def bookings(tab: ReservationsTab) -> list[str]:
    return [tab.proxy.row(row).reservation.booking_nr for row in range(tab.proxy.rowCount())]


def choose(qtbot: QtBot, tab: ReservationsTab, combo_name: str, value: object) -> None:
    combo = getattr(tab, combo_name)
    combo.setCurrentIndex(combo.findData(value))
    wait_listed(qtbot, tab)


def test_arrivals_of_today_come_first_then_by_arrival(qtbot: QtBot, make_desk: DeskFactory) -> None:
    tab = open_tab(qtbot, make_desk())
    assert bookings(tab) == ["30-00002", "30-00004", "30-00003", "30-00001"]
    assert "4 reservations" in tab.count_label.text()


def test_search_as_you_type_runs_once_after_typing_and_off_the_gui_thread(
    qtbot: QtBot, make_desk: DeskFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = open_tab(qtbot, make_desk())
    threads: list[int] = []
    real_search = reservations_module.search

    def spy(context, query):  # type: ignore[no-untyped-def]
        threads.append(threading.get_ident())
        return real_search(context, query)

    monkeypatch.setattr(reservations_module, "search", spy)
    qtbot.keyClicks(tab.search_field, "muller")  # "Müller": accents are ignored
    wait_listed(qtbot, tab)
    assert bookings(tab) == ["30-00002"]
    assert len(threads) == 1
    assert threading.get_ident() not in threads


def test_search_matches_booking_number_and_accommodation(qtbot: QtBot, make_desk: DeskFactory) -> None:
    tab = open_tab(qtbot, make_desk())
    tab.search_field.setText("30-00003")
    wait_listed(qtbot, tab)
    assert bookings(tab) == ["30-00003"]
    tab.search_field.setText("chalet 10")
    wait_listed(qtbot, tab)
    assert sorted(bookings(tab)) == ["30-00001", "30-00004"]


def test_period_and_state_filters(qtbot: QtBot, make_desk: DeskFactory) -> None:
    tab = open_tab(qtbot, make_desk())
    choose(qtbot, tab, "period_filter", Period.ARRIVALS)
    assert bookings(tab) == ["30-00002"]
    choose(qtbot, tab, "period_filter", Period.IN_HOUSE)
    assert sorted(bookings(tab)) == ["30-00002", "30-00003"]
    choose(qtbot, tab, "period_filter", Period.ALL)
    choose(qtbot, tab, "state_filter", "cancelled")
    assert bookings(tab) == ["30-00004"]


def test_a_date_range_lists_the_stays_that_overlap_it(qtbot: QtBot, make_desk: DeskFactory) -> None:
    tab = open_tab(qtbot, make_desk())
    assert not tab.date_from.isEnabled()
    choose(qtbot, tab, "period_filter", DATE_RANGE)
    assert tab.date_from.isEnabled()
    start, end = TODAY + timedelta(days=3), TODAY + timedelta(days=10)
    tab.date_from.setDate(QDate(start.year, start.month, start.day))
    tab.date_to.setDate(QDate(end.year, end.month, end.day))
    wait_listed(qtbot, tab)
    assert sorted(bookings(tab)) == ["30-00001", "30-00002"]


def test_the_administration_filter_offers_the_configured_administrations(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    tab = open_tab(qtbot, desk)
    assert tab.administration_filter.findData(desk.administration.id) > 0
    choose(qtbot, tab, "administration_filter", desk.administration.id)
    assert len(bookings(tab)) == 4
    assert tab.table.isColumnHidden(Column.ADMINISTRATION)  # one administration: the column says nothing


def test_selecting_shows_booking_data_and_the_key_panel(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    key = desk.add_key("2")
    tab = open_tab(qtbot, desk)
    assert not tab.key_panel.isEnabled()
    assert tab.select((desk.administration.id, "2"))
    assert tab.booking.values["guest"].text() == "Jürgen Müller"
    assert tab.booking.values["accommodation"].text() == "Chalet 11"
    assert tab.booking.values["phone"].text() == "+31612345678"
    assert tab.key_panel.isEnabled()
    assert tab.key_panel.key() == key
    assert tab.key_choice.isHidden()
    assert tab.select((desk.administration.id, "1"))
    assert tab.key_panel.key() is None  # a reservation without key data


def test_a_key_that_needs_reencoding_is_highlighted(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    desk.add_key("1", KeyState.NEEDS_REENCODE)
    desk.add_key("2")
    tab = open_tab(qtbot, desk)
    highlighted = {
        tab.proxy.row(row).reservation.booking_nr: tab.proxy.index(row, Column.KEY).data(Qt.ItemDataRole.BackgroundRole)
        for row in range(tab.proxy.rowCount())
    }
    assert highlighted["30-00001"] is not None
    assert highlighted["30-00002"] is None
    row = bookings(tab).index("30-00001")
    assert tab.proxy.index(row, Column.KEY).data() == "Needs re-encode"


def test_keys_changed_elsewhere_refreshes_and_keeps_the_selection(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    tab = open_tab(qtbot, desk)
    tab.select((desk.administration.id, "3"))
    key = desk.add_key("3")
    desk.context.events.keys_changed.emit(key)
    qtbot.waitUntil(lambda: tab.key_panel.key() == key, timeout=WAIT_MS)
    selected = tab.selected()
    assert selected is not None and selected.reservation.pms_id == "3"
    assert tab.proxy.index(bookings(tab).index("30-00003"), Column.KEY).data() == "Ready to print"


def test_a_key_change_in_the_panel_is_announced_to_the_other_tabs(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    key = desk.add_key("2")
    tab = open_tab(qtbot, desk)
    with qtbot.waitSignal(desk.context.events.keys_changed, timeout=WAIT_MS) as blocker:
        tab.key_panel.key_changed.emit(key)
    assert blocker.args == [key]


def test_show_reservation_clears_the_filters_and_selects_it(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    tab = open_tab(qtbot, desk)
    choose(qtbot, tab, "state_filter", "cancelled")
    tab.show_reservation("1", "30-00001")
    wait_listed(qtbot, tab)
    assert tab.state_filter.currentData() is None
    selected = tab.selected()
    assert selected is not None and selected.reservation.booking_nr == "30-00001"


def test_dutch_wording(qtbot: QtBot, make_desk: DeskFactory) -> None:
    tab = open_tab(qtbot, make_desk(language="nl"))
    assert "4 reserveringen" in tab.count_label.text()
    assert tab.proxy.headerData(Column.GUEST, Qt.Orientation.Horizontal) == "Gast"
