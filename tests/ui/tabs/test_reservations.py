"""The reservations tab: search as you type off the GUI thread, filters, arrivals first, key data and events."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from PySide6.QtCore import QDate, QObject, Qt, Signal
from pytestqt.qtbot import QtBot

from salto_desk.keys.model import KeyState
from salto_desk.keys.rules import EncodeMode
from salto_desk.services.front_desk import ReservationSearch
from salto_desk.storage.pms_values import Period, ReservationQuery
from salto_desk.sync import SyncProgress
from salto_desk.sync.progress import SyncStage
from tests.park import TODAY
from tests.ui.desk import WAIT_MS, Desk, DeskFactory, make_desk
from ui.dialogs.key_data import KeyDataDialog
from ui.dialogs.print_cards import PrintCardsDialog
from ui.models.reservations import Column
from ui.tabs.reservations import ReservationsTab
from ui.widgets.reservation_filters import DATE_RANGE

__all__ = ["make_desk"]


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
    desk = make_desk()
    tab = open_tab(qtbot, desk)
    threads: list[int] = []
    front_desk = desk.context.services.front_desk
    real_search = front_desk.search_reservations

    def spy(query: ReservationQuery) -> ReservationSearch:
        threads.append(threading.get_ident())
        return real_search(query)

    monkeypatch.setattr(front_desk, "search_reservations", spy)
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
        tab.proxy.row(row).reservation.booking_nr: tab.proxy.index(row, Column.GUEST).data(
            Qt.ItemDataRole.BackgroundRole
        )
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


def test_a_long_count_wraps_instead_of_widening_the_window_past_a_small_screen(
    qtbot: QtBot, make_desk: DeskFactory
) -> None:
    tab = open_tab(qtbot, make_desk(language="nl"))
    count = "500 reserveringen (de eerste 500: typ meer om de zoekopdracht te verfijnen)"
    tab.count_label.setText(count)
    assert tab.count_label.minimumSizeHint().width() < tab.count_label.fontMetrics().horizontalAdvance(count) / 2


# --- +Key, Edit... and the keyboard ------------------------------------------------------------------


def test_plus_key_creates_key_data_for_a_reservation_without_and_shows_it(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    tab = open_tab(qtbot, desk)
    assert not tab.add_key_button.isEnabled()  # nothing selected
    assert tab.select((desk.administration.id, "1"))
    assert tab.key_panel.key() is None and tab.add_key_button.isEnabled()
    qtbot.keyClick(tab.add_key_button, Qt.Key.Key_Return)  # where Enter on a booking without key data lands
    qtbot.waitUntil(lambda: tab.dialog is not None, timeout=WAIT_MS)
    dialog = tab.dialog
    assert dialog is not None and dialog.rooms.rooms() == ["Chalet 10"]
    assert dialog.windowTitle() == "New key for 30-00001 Joëlle van Dijk"
    dialog.rooms.set_rooms(["Chalet 10", "Chalet 12"])
    dialog.save_button.click()
    qtbot.waitUntil(lambda: tab.key_panel.key() is not None and not tab.searching, timeout=WAIT_MS)
    key = tab.key_panel.key()
    assert key is not None and key.rooms == ("Chalet 10", "Chalet 12") and key.holder.pms_id == "1"
    assert tab.dialog is None
    row = bookings(tab).index("30-00001")
    assert tab.proxy.index(row, Column.KEY).data() == "Ready to print"


def test_edit_in_the_key_panel_stores_the_change_and_refreshes(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    desk.add_key("2")
    tab = open_tab(qtbot, desk)
    tab.select((desk.administration.id, "2"))
    panel = tab.key_panel
    qtbot.waitUntil(lambda: panel.details() is not None, timeout=WAIT_MS)
    assert panel.edit_button.isEnabled() and "license plate" in panel.edit_button.toolTip()
    panel.edit_button.click()
    qtbot.waitUntil(lambda: isinstance(panel.dialog, KeyDataDialog), timeout=WAIT_MS)
    dialog = panel.dialog
    assert isinstance(dialog, KeyDataDialog)
    dialog.phone.setText("+31 6 87654321")
    with qtbot.waitSignal(desk.context.events.keys_changed, timeout=WAIT_MS) as changed:
        dialog.save_button.click()
    assert changed.args[0].phone == "+31687654321"
    qtbot.waitUntil(lambda: panel.details() is not None and len(panel.details().history) == 1, timeout=WAIT_MS)
    assert panel.history_table.item(0, 1).text() == "Key data changed"


def test_shortcut_slots_say_why_they_cannot_act(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    desk.add_key("2")
    tab = open_tab(qtbot, desk)
    messages: list[str] = []
    tab.status_message.connect(messages.append)
    tab.key_panel.print_new()
    tab.key_panel.print_copy()
    tab.select((desk.administration.id, "2"))
    qtbot.waitUntil(lambda: tab.key_panel.details() is not None, timeout=WAIT_MS)
    tab.key_panel.print_copy()
    assert [message.split(":")[0] for message in messages] == ["Nothing to print", "Nothing to print",
                                                                "No cards were made for this key yet, so there is "
                                                                "nothing to copy"]  # fmt: skip
    assert tab.key_panel.dialog is None
    tab.key_panel.print_new()
    dialog = tab.key_panel.dialog
    assert isinstance(dialog, PrintCardsDialog) and dialog.mode() is EncodeMode.NEW
    assert "Ctrl+P" in tab.key_panel.print_button.toolTip()
    assert "Ctrl+Shift+P" in tab.key_panel.copy_button.toolTip()


def test_ctrl_f_focuses_the_search_and_enter_opens_the_first_match(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    desk.add_key("2")
    tab = open_tab(qtbot, desk)
    tab.show()
    qtbot.waitExposed(tab)
    tab.activateWindow()
    tab.search_field.setText("old text")
    tab.focus_search()
    qtbot.waitUntil(tab.search_field.hasFocus, timeout=WAIT_MS)
    assert tab.search_field.selectedText() == "old text"
    tab.search_field.insert("Müller")  # replaces the selected text, as typing does
    qtbot.keyClick(tab.search_field, Qt.Key.Key_Return)  # typed just now: opens once the search answered
    qtbot.waitUntil(lambda: tab.selected() is not None, timeout=WAIT_MS)
    selected = tab.selected()
    assert selected is not None and selected.reservation.booking_nr == "30-00002"
    qtbot.waitUntil(tab.key_panel.print_button.hasFocus, timeout=WAIT_MS)  # it has key data: Print is next
    qtbot.keyClick(tab.key_panel.print_button, Qt.Key.Key_Return)  # and Enter presses it
    qtbot.waitUntil(lambda: tab.key_panel.dialog is not None, timeout=WAIT_MS)
    dialog = tab.key_panel.dialog
    assert isinstance(dialog, PrintCardsDialog)
    dialog.reject()

    messages: list[str] = []
    tab.status_message.connect(messages.append)
    tab.search_field.setText("nobody by this name")
    wait_listed(qtbot, tab)
    tab.open_selected()
    assert messages == ["No reservation to open: the search found nothing."]
    assert tab.search_field.accessibleName() == "Search reservations" and "Ctrl+F" in tab.search_field.toolTip()


def test_down_goes_from_the_search_into_the_list_and_esc_clears_it(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    tab = open_tab(qtbot, desk)
    tab.show()
    qtbot.waitExposed(tab)
    tab.activateWindow()
    wait_listed(qtbot, tab)
    tab.table.clearSelection()
    tab.search_field.setFocus()
    qtbot.waitUntil(tab.search_field.hasFocus, timeout=WAIT_MS)
    qtbot.keyClick(tab.search_field, Qt.Key.Key_Down)
    qtbot.waitUntil(tab.table.hasFocus, timeout=WAIT_MS)
    selected = tab.selected()
    assert selected is not None and selected.identity == tab.proxy.row(0).identity
    qtbot.keyClick(tab.table, Qt.Key.Key_Down)  # and on down the list
    assert tab.selected() == tab.proxy.row(1)
    tab.search_field.setFocus()
    tab.search_field.setText("Müller")
    qtbot.keyClick(tab.search_field, Qt.Key.Key_Escape)
    assert tab.search_field.text() == ""


def test_a_search_that_finds_nothing_leaves_no_key_or_error_of_the_booking_before(
    qtbot: QtBot, make_desk: DeskFactory
) -> None:
    desk = make_desk()
    desk.add_key("2")
    tab = open_tab(qtbot, desk)
    wait_listed(qtbot, tab)
    assert tab.select((desk.administration.id, "2"))
    qtbot.waitUntil(lambda: tab.key_panel.details() is not None, timeout=WAIT_MS)
    tab.key_panel.prompt.show_error(RuntimeError("an earlier failure"))
    tab.search_field.setText("nobody by this name")
    wait_listed(qtbot, tab)
    assert tab.key_panel.key() is None and tab.booking.values["guest"].text() == "—"
    assert not tab.key_panel.prompt.isVisibleTo(tab) and tab.key_panel.history_table.rowCount() == 0


class RunningSync(QObject):
    """Stands in for the desk's sync child process: running, and telling its progress."""

    progress = Signal(object)
    running = True

    def shutdown(self) -> None:
        self.running = False


def test_while_a_first_sync_runs_the_empty_list_says_so_instead_of_zero(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    sync = RunningSync()
    desk.context._sync = sync  # type: ignore[assignment]
    tab = open_tab(qtbot, desk)
    tab.search_field.setText("nobody-is-called-this")
    wait_listed(qtbot, tab)
    assert tab.count_label.text() == "0 reservations"  # a search that finds nothing says just that
    tab.search_field.clear()
    choose(qtbot, tab, "period_filter", DATE_RANGE)
    tab.date_from.setDate(QDate(2001, 1, 1))
    tab.date_to.setDate(QDate(2001, 1, 2))
    wait_listed(qtbot, tab)
    assert tab.count_label.text() == "No reservations yet: the sync with BEX is reading them."
    sync.progress.emit(SyncProgress("Park De Wielewaal", SyncStage.RESERVATIONS, 200, None))
    assert tab.count_label.text().startswith("No reservations yet: the sync with BEX is reading them (Park De")
    sync.running = False
    tab.refresh()
    wait_listed(qtbot, tab)
    assert tab.count_label.text() == "0 reservations"
