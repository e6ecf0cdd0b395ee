"""The main window: four tabs, menus, a status bar, the keyboard, the remembered layout and the language switch."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QMenu, QSplitter
from pytestqt.qtbot import QtBot

from salto_desk.coordination import Coordinator, EncoderInUse, SyncLeadership
from salto_desk.keys.model import Holder, HolderKind
from salto_desk.keys.rules import EncodeMode
from salto_desk.paths import app_paths
from salto_desk.storage import AuditRepository, ConfigRepository
from salto_desk.storage.leases import DeskProcess
from salto_desk.storage.pms_repository import PmsRepository
from tests.park import BEX_ID, RESERVATIONS
from tests.storage.helpers import NOW, add_encoder
from tests.ui.desk import WAIT_MS, Desk, DeskFactory, make_desk
from ui.app import DeskWindow
from ui.context import DeskContext
from ui.crash import CrashReporter
from ui.i18n import Translations
from ui.main_window import GEOMETRY_SETTING, TAB_SETTING, MainWindow
from ui.settings.desk import LANGUAGE_SETTING
from ui.workers.calls import SaltoLane

__all__ = ["make_desk"]


def open_window(qtbot: QtBot, desk: Desk) -> MainWindow:
    window = MainWindow(desk.context)
    qtbot.addWidget(window)
    return window


def test_the_four_tabs_in_the_order_of_the_user_guide(qtbot: QtBot, make_desk: DeskFactory) -> None:
    window = open_window(qtbot, make_desk())
    titles = [window.tabs.tabText(index) for index in range(window.tabs.count())]
    assert titles == ["Reservations", "Owners", "Read key", "Settings"]
    assert window.tabs.widget(0) is window.reservations
    assert window.tabs.widget(3) is window.settings


def test_the_link_state_of_each_administration_is_checked_with_enq(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    window = open_window(qtbot, desk)
    qtbot.waitUntil(lambda: "SALTO ok" in window.link_label.text(), timeout=WAIT_MS)
    assert window.link_label.text().startswith("Park De Wielewaal: SALTO ok (")
    desk.simulator.stop()
    window.check_links()
    qtbot.waitUntil(lambda: "unreachable" in window.link_label.text(), timeout=WAIT_MS)
    assert window.link_label.toolTip().startswith("Park De Wielewaal: ")
    assert len(window.link_label.toolTip()) > len("Park De Wielewaal: ")  # the core's message and action


def test_without_a_sync_engine_the_status_says_the_pms_is_not_set_up(qtbot: QtBot, make_desk: DeskFactory) -> None:
    window = open_window(qtbot, make_desk())
    assert window.sync_label.text() == "PMS: no connection set up"
    assert not window.sync_action.isEnabled()


def test_the_encoder_queue_is_shown_while_a_job_runs(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    window = open_window(qtbot, desk)
    qtbot.waitUntil(lambda: "SALTO ok" in window.link_label.text(), timeout=WAIT_MS)
    assert window.queue_label.text() == "Encoders: idle"
    release = threading.Event()
    calls, lane = desk.context.calls, SaltoLane(desk.administration.salto_endpoint)
    calls.run(
        window, lambda: release.wait(WAIT_MS / 1000), lambda _done: None, pytest.fail, lane, label="Print 2 cards"
    )
    try:
        qtbot.waitUntil(lambda: window.queue_label.text() == "Encoders: Print 2 cards", timeout=WAIT_MS)
        calls.run(window, lambda: None, lambda _done: None, pytest.fail, lane, label="Read card")
        assert window.queue_label.text() == "Encoders: Print 2 cards (1 waiting)"
    finally:
        release.set()
    qtbot.waitUntil(lambda: window.queue_label.text() == "Encoders: idle", timeout=WAIT_MS)


def test_a_read_card_opens_its_reservation(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    window = open_window(qtbot, desk)
    window.tabs.setCurrentWidget(window.read_key)
    window.read_key.open_holder.emit(Holder(HolderKind.RESERVATION, "3", "30-00003"))
    assert window.tabs.currentWidget() is window.reservations
    qtbot.waitUntil(lambda: window.reservations.selected() is not None, timeout=WAIT_MS)
    selected = window.reservations.selected()
    assert selected is not None and selected.reservation.pms_id == "3"


def test_a_configuration_change_reloads_the_administrations(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    window = open_window(qtbot, desk)
    qtbot.waitUntil(lambda: "Park De Wielewaal" in window.link_label.text(), timeout=WAIT_MS)
    with desk.database.unit_of_work() as session:
        ConfigRepository(session).update_administration(
            desk.administration.id, replace(desk.administration, name="Park Zeezicht")
        )
    desk.context.events.config_changed.emit()
    qtbot.waitUntil(lambda: "Park Zeezicht" in window.link_label.text(), timeout=WAIT_MS)


def test_dutch_window(qtbot: QtBot, make_desk: DeskFactory) -> None:
    window = open_window(qtbot, make_desk(language="nl"))
    titles = [window.tabs.tabText(index) for index in range(window.tabs.count())]
    assert titles == ["Reserveringen", "Eigenaren", "Sleutel lezen", "Instellingen"]
    assert window.sync_label.text() == "PMS: geen koppeling ingesteld"


# --- keyboard --------------------------------------------------------------------------------------


def active_window(qtbot: QtBot, desk: Desk) -> MainWindow:
    """A shown, active window: window shortcuts only fire in the active window."""
    window = open_window(qtbot, desk)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT_MS)
    return window


def calls_of(monkeypatch: pytest.MonkeyPatch, target: object, name: str) -> list[str]:
    """Record calls of one public method of a tab or panel (its own behaviour is tested with it)."""
    calls: list[str] = []
    monkeypatch.setattr(target, name, lambda: calls.append(name))
    return calls


def test_ctrl_f_focuses_the_reservation_search_from_any_tab(qtbot: QtBot, make_desk: DeskFactory) -> None:
    window = active_window(qtbot, make_desk())
    window.tabs.setCurrentWidget(window.read_key)
    qtbot.keyClick(window.read_key.encoders, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.reservations
    qtbot.waitUntil(lambda: window.reservations.search_field.hasFocus(), timeout=WAIT_MS)


def test_ctrl_f_on_the_owners_tab_focuses_the_owner_search(qtbot: QtBot, make_desk: DeskFactory) -> None:
    window = active_window(qtbot, make_desk())
    window.tabs.setCurrentWidget(window.owners)
    window.owners.search_field.setText("Bakker")
    window.owners.table.setFocus()
    qtbot.keyClick(window.owners.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.owners
    qtbot.waitUntil(lambda: window.owners.search_field.hasFocus(), timeout=WAIT_MS)
    assert window.owners.search_field.selectedText() == "Bakker"  # typing replaces the old search


def test_enter_in_the_reservation_list_opens_the_selected_one(
    qtbot: QtBot, make_desk: DeskFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = active_window(qtbot, make_desk())
    opened = calls_of(monkeypatch, window.reservations, "open_selected")
    window.reservations.table.setFocus()
    qtbot.waitUntil(lambda: window.reservations.table.hasFocus(), timeout=WAIT_MS)
    qtbot.keyClick(window.reservations.table, Qt.Key.Key_Return)
    qtbot.keyClick(window.reservations.table, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert opened == ["open_selected", "open_selected"]


@pytest.mark.parametrize("tab_name", ["reservations", "owners"])
def test_ctrl_p_and_ctrl_shift_p_print_for_the_current_tab(
    qtbot: QtBot, make_desk: DeskFactory, monkeypatch: pytest.MonkeyPatch, tab_name: str
) -> None:
    window = active_window(qtbot, make_desk())
    tab = getattr(window, tab_name)
    other = window.owners if tab is window.reservations else window.reservations
    new = calls_of(monkeypatch, tab.key_panel, "print_new")
    copy = calls_of(monkeypatch, tab.key_panel, "print_copy")
    elsewhere = calls_of(monkeypatch, other.key_panel, "print_new")
    window.tabs.setCurrentWidget(tab)
    qtbot.keyClick(window.tabs, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.tabs, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert (new, copy, elsewhere) == (["print_new"], ["print_copy"], [])


def test_ctrl_p_elsewhere_says_where_printing_works(qtbot: QtBot, make_desk: DeskFactory) -> None:
    window = active_window(qtbot, make_desk())
    window.tabs.setCurrentWidget(window.read_key)
    qtbot.keyClick(window.read_key.encoders, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert window.statusBar().currentMessage().startswith("Printing works on the Reservations and Owners tabs")


def test_ctrl_digit_switches_tabs(qtbot: QtBot, make_desk: DeskFactory) -> None:
    window = active_window(qtbot, make_desk())
    qtbot.keyClick(window.tabs, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.read_key


def test_the_menus_and_tooltips_show_the_shortcuts(qtbot: QtBot, make_desk: DeskFactory) -> None:
    window = open_window(qtbot, make_desk())
    shortcuts = {
        action.text(): action.shortcut().toString()
        for menu in window.menuBar().findChildren(QMenu)
        for action in menu.actions()
        if not action.isSeparator()
    }
    assert {key: shortcuts[key] for key in ("&Search", "&Open the selected reservation", "&Print new cards…",
                                              "Print a &copy…", "&Sync with the PMS now")} == {
        "&Search": "Ctrl+F", "&Open the selected reservation": "Return", "&Print new cards…": "Ctrl+P",
        "Print a &copy…": "Ctrl+Shift+P", "&Sync with the PMS now": "F5"}  # fmt: skip
    assert window.print_action.toolTip() == "Print new cards (Ctrl+P)"
    assert window.copy_action.toolTip() == "Print a copy (Ctrl+Shift+P)"
    assert window.tabs.tabToolTip(2) == "Read key (Ctrl+3)"
    assert window.sync_action.toolTip() == "Sync with the PMS now (F5)"


def test_the_window_controls_have_accessible_names(qtbot: QtBot, make_desk: DeskFactory) -> None:
    window = open_window(qtbot, make_desk(language="nl"))
    names = [widget.accessibleName() for widget in (
        window.tabs, window.statusBar(), window.link_label, window.sync_label, window.queue_label,
        window.offline_banner, window.read_key.encoders, window.read_key.start_button, window.settings.pages,
        window.settings.administrations, window.settings.desk_page.language,
    )]  # fmt: skip
    assert all(names) and len(set(names)) == len(names)
    assert window.sync_label.accessibleName() == "Status PMS-synchronisatie"


# --- remembered per desk ---------------------------------------------------------------------------


def test_size_splitters_and_tab_are_restored_at_the_next_start(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    window = open_window(qtbot, desk)
    window.resize(770, 610)
    window.show()
    qtbot.waitExposed(window)
    size = (window.width(), window.height())
    assert size[0] == 770  # not the default size
    splitter = window.reservations.findChild(QSplitter)
    assert splitter is not None
    splitter.setSizes([300, 700])
    sizes = splitter.sizes()
    window.tabs.setCurrentWidget(window.owners)
    window.close()

    again = open_window(qtbot, desk)
    again.show()
    qtbot.waitExposed(again)
    assert (again.width(), again.height()) == size
    assert again.tabs.currentWidget() is again.owners
    restored = again.reservations.findChild(QSplitter)
    assert restored is not None
    again.tabs.setCurrentWidget(again.reservations)  # a hidden tab is laid out when it is shown
    qtbot.waitUntil(lambda: restored.sizes() == sizes, timeout=WAIT_MS)


def test_an_unreadable_layout_keeps_the_defaults(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    desk.context.settings.setValue(TAB_SETTING, "not a number")
    desk.context.settings.setValue(GEOMETRY_SETTING, "garbage")
    window = open_window(qtbot, desk)
    assert window.tabs.currentWidget() is window.reservations
    screen = window.screen().availableGeometry()
    assert (window.width(), window.height()) == (min(1280, screen.width() - 8), min(800, screen.height() - 40))


def test_the_window_opens_within_the_screen_whatever_was_saved(qtbot: QtBot, make_desk: DeskFactory) -> None:
    """A layout saved on a big screen (or a default bigger than a 1024 x 768 screen) never spills over."""
    desk = make_desk()
    big = open_window(qtbot, desk)
    big.setGeometry(0, 0, 2500, 1800)
    big.save_layout()
    window = open_window(qtbot, desk)
    screen = window.screen().availableGeometry()
    assert window.width() <= screen.width() and window.height() <= screen.height()
    assert screen.contains(window.geometry().topLeft())


def test_long_state_lines_never_widen_the_window(qtbot: QtBot, make_desk: DeskFactory) -> None:
    """A sync in progress with two administrations, in Dutch, once made the window wider than 1024 pixels."""
    window = open_window(qtbot, make_desk())
    long_line = "Vakantiepark De Wielewaal: synchronisatie reserveringen 1200/2033 · " * 4
    for label in (window.link_label, window.sync_label, window.queue_label, window.reservations.count_label):
        label.setText(long_line)
    assert window.minimumSizeHint().width() <= 1000
    assert window.sync_label.text() == long_line


# --- language --------------------------------------------------------------------------------------


@pytest.fixture
def reporter(qapp: QApplication, tmp_path: Path) -> CrashReporter:
    return CrashReporter(qapp, tmp_path / "desk.log", "en")  # not installed: only its language matters here


def test_switching_language_rebuilds_the_window_with_the_same_services(
    qtbot: QtBot, make_desk: DeskFactory, qapp: QApplication, reporter: CrashReporter
) -> None:
    desk = make_desk()
    translations = Translations(qapp)
    shell = DeskWindow(desk.context, translations, reporter)
    old = shell.window
    qtbot.addWidget(old)
    old.show()
    old.tabs.setCurrentWidget(old.settings)
    old.settings.pages.setCurrentWidget(old.settings.desk_page)
    destroyed: list[bool] = []
    old.destroyed.connect(lambda: destroyed.append(True))
    page = old.settings.desk_page
    try:
        page.language.setCurrentIndex(page.language.findData("nl"))
        page.apply_button.click()
        new = shell.window
        qtbot.addWidget(new)
        assert new is not old and new.context is desk.context and new.isVisible()
        assert desk.context.language == reporter.language == translations.language == "nl"
        assert [new.tabs.tabText(index) for index in range(4)] == [
            "Reserveringen", "Eigenaren", "Sleutel lezen", "Instellingen"]  # fmt: skip
        assert new.tabs.currentWidget() is new.settings  # the tab is kept
        assert str(desk.context.settings.value(LANGUAGE_SETTING)) == "nl"
        qtbot.waitUntil(lambda: bool(destroyed), timeout=WAIT_MS)
        qtbot.waitUntil(lambda: "Park De Wielewaal: SALTO ok" in new.link_label.text(), timeout=WAIT_MS)
    finally:
        translations.use("en")


def test_the_language_does_not_switch_under_a_running_card_operation(
    qtbot: QtBot, make_desk: DeskFactory, qapp: QApplication, reporter: CrashReporter
) -> None:
    desk = make_desk()
    shell = DeskWindow(desk.context, Translations(qapp), reporter)
    window = shell.window
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: "SALTO ok" in window.link_label.text(), timeout=WAIT_MS)
    release = threading.Event()
    lane = SaltoLane(desk.administration.salto_endpoint)
    desk.context.calls.run(
        window, lambda: release.wait(WAIT_MS / 1000), lambda _done: None, pytest.fail, lane, label="Print 2 cards"
    )
    try:
        qtbot.waitUntil(lambda: window.queue_label.text() == "Encoders: Print 2 cards", timeout=WAIT_MS)
        page = window.settings.desk_page
        page.language.setCurrentIndex(page.language.findData("nl"))
        page.apply_button.click()
        assert shell.window is window and desk.context.language == "en"
        assert page.message.text().startswith("The language can be switched once the encoders are idle")
    finally:
        release.set()


@pytest.fixture
def two_desks(qtbot: QtBot, make_desk: DeskFactory, tmp_path: Path) -> Iterator[tuple[Desk, DeskContext]]:
    """DESK-1 (the test desk) and DESK-2, each with its own context and coordinator, on one database."""
    desk = make_desk()
    desk.context.coordinator = Coordinator(desk.database, DeskProcess("DESK-1", os.getpid()))
    other = DeskContext(
        desk.database, QSettings(str(tmp_path / "desk-2.ini"), QSettings.Format.IniFormat), clock=lambda: NOW,
        paths=app_paths(tmp_path / "desk-2"), coordinator=Coordinator(desk.database, DeskProcess("DESK-2", 4242)),
    )  # fmt: skip
    yield desk, other
    QApplication.closeAllWindows()
    other.shutdown()


def shown_window(qtbot: QtBot, context: DeskContext) -> MainWindow:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.change_feed.polling, timeout=WAIT_MS)  # the baseline is taken
    return window


def test_two_desks_on_one_database_see_each_others_changes(qtbot: QtBot, two_desks: tuple[Desk, DeskContext]) -> None:
    desk, other = two_desks
    first, second = shown_window(qtbot, desk.context), shown_window(qtbot, other)
    seen: list[object] = []
    desk.context.events.keys_changed.connect(seen.append)
    with qtbot.waitSignal(desk.context.events.keys_changed, timeout=WAIT_MS):
        desk.add_key("2")  # as DESK-2 would: straight into the shared database
    assert seen[0] is None
    with qtbot.waitSignal(other.events.config_changed, timeout=WAIT_MS):
        add_encoder(desk.database, desk.administration, "Back office", "2")
    # the leading desk's sync stores a reservation
    with (
        qtbot.waitSignal(desk.context.events.pms_synced, timeout=WAIT_MS) as synced,
        desk.database.unit_of_work() as session,
    ):
        PmsRepository(session).store_reservations(BEX_ID, RESERVATIONS[:1])
    assert synced.args == [None]
    first.close()
    assert not first.change_feed._timer.isActive() and second.change_feed._timer.isActive()


def test_the_desk_status_names_the_desk_that_holds_an_encoder_or_leads_the_sync(
    qtbot: QtBot, two_desks: tuple[Desk, DeskContext]
) -> None:
    desk, other = two_desks
    window = shown_window(qtbot, desk.context)
    status, dock = window.desk_status, window.desk_status_dock
    assert status is not None and dock is not None
    view = window.menuBar().actions()[2].menu()
    assert isinstance(view, QMenu) and dock.toggleViewAction() in view.actions()
    assert dock.isHidden()  # on SQLite this desk works alone: the dock waits in the View menu
    qtbot.waitUntil(lambda: status.lines() == ["All encoders and SALTO links are free."], timeout=WAIT_MS)
    assert other.coordinator is not None
    key = desk.add_key("2")
    with other.coordinator.encoder(desk.administration, desk.encoder, threading.Event()):
        leadership = SyncLeadership(other.coordinator)
        leadership.claim()
        qtbot.waitUntil(lambda: any("Encoder Reception is in use by DESK-2 since" in line for line in status.lines()),
                        timeout=WAIT_MS)  # fmt: skip
        qtbot.waitUntil(lambda: status.sync_label.text().startswith("Automatic sync: runs at DESK-2 (since"),
                        timeout=WAIT_MS)  # fmt: skip
        service = desk.context.salto_operations(desk.administration)
        assert service.coordinator is desk.context.coordinator
        with pytest.raises(EncoderInUse, match="in use by DESK-2"):
            service.encode_cards(key, desk.encoder, 1, EncodeMode.NEW)
    qtbot.waitUntil(lambda: status.lines() == ["All encoders and SALTO links are free."], timeout=WAIT_MS)
    other.shutdown()  # DESK-2 closes: it hands the leadership on
    qtbot.waitUntil(lambda: "no desk runs it" in status.sync_label.text(), timeout=WAIT_MS)
    window.close()
    assert not status._timer.isActive()


def test_closing_the_desk_hands_the_sync_leadership_on(make_desk: DeskFactory) -> None:
    desk = make_desk()
    coordinator = desk.context.coordinator = Coordinator(desk.database, DeskProcess("DESK-1", os.getpid()))
    SyncLeadership(coordinator).claim()
    held = SyncLeadership(coordinator).leader()
    assert held is not None and held.holder.desk == "DESK-1"
    desk.context.shutdown()
    assert SyncLeadership(coordinator).leader() is None


def test_without_a_coordinator_there_is_no_desk_status(qtbot: QtBot, make_desk: DeskFactory) -> None:
    window = open_window(qtbot, make_desk())
    assert window.desk_status is None and window.desk_status_dock is None


def test_a_tab_behind_another_searches_for_data_changes_only_when_shown(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    window = open_window(qtbot, desk)
    window.show()
    qtbot.waitExposed(window)
    owners, reservations = window.owners, window.reservations
    qtbot.waitUntil(lambda: not owners.searching and not reservations.searching, timeout=WAIT_MS)
    window.tabs.setCurrentWidget(reservations)
    for _ in range(3):
        desk.context.events.keys_changed.emit(None)
    assert not owners.searching and owners._changes.pending  # hidden: only marked stale
    assert reservations.searching  # shown: searches, once, with the later changes after it
    qtbot.waitUntil(lambda: not reservations.searching and not reservations._changes.pending, timeout=WAIT_MS)
    window.tabs.setCurrentWidget(owners)
    assert owners.searching and not owners._changes.pending
    qtbot.waitUntil(lambda: not owners.searching, timeout=WAIT_MS)


def test_closing_while_salto_works_asks_and_cancel_and_quit_leaves_nothing_pending(
    qtbot: QtBot, make_desk: DeskFactory
) -> None:
    desk = make_desk(card_delay=30.0)  # nobody brings the card
    key = desk.add_key("2")
    window = open_window(qtbot, desk)
    window.show()
    with desk.database.reading() as session:
        encoder = ConfigRepository(session).encoders(desk.administration.id)[0]
    tab = window.reservations
    qtbot.waitUntil(lambda: tab.select((desk.administration.id, "2")), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: tab.key_panel.details() is not None, timeout=WAIT_MS)
    tab.key_panel.encode(key, encoder, 1, EncodeMode.NEW)
    qtbot.waitUntil(lambda: "Place" in tab.key_panel.prompt.step_label.text(), timeout=WAIT_MS)
    window.close()  # the close button, Ctrl+Q and Desk > Quit all come here
    question = window.quit_guard.question
    assert window.isVisible() and question is not None
    assert "a new card on encoder" in question.text()
    keep, cancel = question.buttons()
    assert question.defaultButton() is keep and keep.text() == "&Keep working"
    assert cancel.text() == "&Cancel it and quit"
    keep.click()
    assert window.isVisible() and tab.key_panel.busy()
    window.close()
    question = window.quit_guard.question
    assert question is not None
    question.buttons()[1].click()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
    with desk.database.reading() as session:
        states = [entry.state.value for entry in AuditRepository(session).entries()]
    assert states == ["cancelled"]
