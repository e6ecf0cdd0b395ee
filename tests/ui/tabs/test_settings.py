"""The settings tab: the administration chooser drives every page; the manager PIN locks the tab; every read
and write goes through the core off the GUI thread, and a page reads only when first shown."""

from __future__ import annotations

from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog, QLineEdit
from pytestqt.qtbot import QtBot

from salto_desk.paths import app_paths
from salto_desk.pin import hash_pin
from salto_desk.storage import Database
from salto_desk.storage.settings_repository import MANAGER_PIN, SettingsRepository
from tests.services.helpers import statements
from tests.storage.helpers import add_administration, add_key_type
from tests.ui.desk import WAIT_MS, Desk, DeskFactory, make_desk
from ui.context import DeskContext
from ui.settings.forms import SCREEN_BUDGET
from ui.settings.screens import settings_screens
from ui.tabs.settings import SettingsTab

__all__ = ["make_desk"]


def wait_loaded(qtbot: QtBot, tab: SettingsTab) -> None:
    qtbot.waitUntil(lambda: not tab.loading, timeout=WAIT_MS)


def tab_for(qtbot: QtBot, desk: Desk) -> SettingsTab:
    tab = SettingsTab(desk.context)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitUntil(lambda: tab.pin_checked and not tab.pin_page.busy, timeout=WAIT_MS)
    wait_loaded(qtbot, tab)
    return tab


def visible_pages(tab: SettingsTab) -> list[str]:
    return [tab.pages.tabText(index) for index in range(tab.pages.count()) if tab.pages.isTabVisible(index)]


def set_pin(desk: Desk, pin: str) -> None:
    with desk.database.unit_of_work() as session:
        SettingsRepository(session).set(MANAGER_PIN, hash_pin(pin))


def show_page(qtbot: QtBot, tab: SettingsTab, page: object) -> None:
    tab.pages.setCurrentWidget(page)  # type: ignore[arg-type]
    wait_loaded(qtbot, tab)


def test_without_a_pin_the_settings_open_for_the_first_administration(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    tab = tab_for(qtbot, desk)
    assert not tab.locked and not tab.lock_button.isVisibleTo(tab)
    assert tab.current_administration() == desk.administration.id
    assert tab.administration_page.name.text() == "Park De Wielewaal"
    show_page(qtbot, tab, tab.key_types_page)
    assert tab.key_types_page.key_types.rowCount() == 1
    show_page(qtbot, tab, tab.encoders_page)
    assert tab.encoders_page.encoders.rowCount() == 1
    show_page(qtbot, tab, tab.doors_page)
    assert tab.doors_page.doors.rowCount() == 3
    assert [tab.pages.tabText(index) for index in range(tab.pages.count())] == [
        "Manager settings", "Administration", "Key types && products", "Encoders", "Door names", "PMS connection",
        "Manager PIN", "Diagnostics", "This desk"]  # fmt: skip
    assert visible_pages(tab) == [
        "Administration", "Key types && products", "Encoders", "Door names", "PMS connection", "Manager PIN",
        "Diagnostics", "This desk"]  # fmt: skip
    tab.pages.setCurrentWidget(tab.administration_page)
    assert tab.chooser.isVisibleTo(tab)


def test_nothing_is_read_before_the_tab_is_shown_and_never_on_the_gui_thread(
    qtbot: QtBot, make_desk: DeskFactory
) -> None:
    desk = make_desk()
    with statements(desk.database) as sent:
        tab = SettingsTab(desk.context)
        qtbot.addWidget(tab)
        qtbot.waitUntil(lambda: not tab.pin_page.busy, timeout=WAIT_MS)  # the PIN page asks whether a PIN is set
        before_shown = len(sent)
        assert not tab.pin_asked and not tab.key_types_page.loader.stale
        tab.show()
        qtbot.waitUntil(lambda: tab.pin_checked, timeout=WAIT_MS)
        wait_loaded(qtbot, tab)
        for page in (tab.key_types_page, tab.encoders_page, tab.doors_page, tab.pms_page):
            show_page(qtbot, tab, page)
        for name, _widget, ready in settings_screens(tab):
            qtbot.waitUntil(ready, timeout=WAIT_MS)
            assert name
    assert before_shown <= 2  # that one question only (and its transaction)
    assert len(sent) > before_shown
    assert [statement.sql for statement in sent if statement.on_main_thread] == []


def test_each_page_reads_its_list_in_a_few_statements_however_long_it_is(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    tab = tab_for(qtbot, desk)
    show_page(qtbot, tab, tab.key_types_page)
    with statements(desk.database) as one_key_type:
        tab.key_types_page.refresh()
        wait_loaded(qtbot, tab)
    for number in range(10):
        add_key_type(desk.database, desk.administration, name=f"Type {number}")
    with statements(desk.database) as eleven_key_types:
        tab.key_types_page.refresh()
        wait_loaded(qtbot, tab)
    assert tab.key_types_page.key_types.rowCount() == 11
    assert len(eleven_key_types) == len(one_key_type) <= 6


def test_choosing_another_administration_reloads_the_pages(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    other = add_administration(desk.database, pms_id="2", name="Hotel Aan Zee", salto_endpoint="127.0.0.1:8091")
    tab = tab_for(qtbot, desk)
    assert [tab.administrations.itemText(index) for index in range(2)] == ["Hotel Aan Zee", "Park De Wielewaal"]
    assert tab.administration_page.name.text() == "Hotel Aan Zee"
    show_page(qtbot, tab, tab.key_types_page)
    assert tab.key_types_page.key_types.rowCount() == 0
    tab.administrations.setCurrentIndex(tab.administrations.findData(desk.administration.id))
    wait_loaded(qtbot, tab)  # the page in front reads at once
    assert tab.key_types_page.key_types.rowCount() == 1
    show_page(qtbot, tab, tab.administration_page)  # the others when shown
    assert tab.administration_page.name.text() == "Park De Wielewaal"
    show_page(qtbot, tab, tab.encoders_page)
    assert tab.encoders_page.encoders.rowCount() == 1
    tab.administrations.setCurrentIndex(tab.administrations.findData(other.id))
    wait_loaded(qtbot, tab)
    assert tab.encoders_page.encoders.rowCount() == 0
    add_administration(desk.database, pms_id="3", name="Camping Het Bos", salto_endpoint="127.0.0.1:8092")
    tab.refresh()  # another desk added one
    wait_loaded(qtbot, tab)
    assert tab.administrations.count() == 3 and tab.current_administration() == other.id


def test_a_new_administration_becomes_the_chosen_one(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    tab = tab_for(qtbot, desk)
    changes: list[bool] = []
    desk.context.events.config_changed.connect(lambda: changes.append(True))
    page = tab.administration_page
    page.start_new()
    page.pms_id.setText("9")
    page.name.setText("Camping Het Bos")
    page.endpoint.setText("COM3")
    page.save()
    qtbot.waitUntil(lambda: tab.administrations.currentText() == "Camping Het Bos", timeout=WAIT_MS)
    wait_loaded(qtbot, tab)
    assert tab.encoders_page.administration_id == tab.current_administration()
    assert changes == [True]
    assert "saved" in page.message.text()


def test_renaming_keeps_the_page_and_updates_the_chooser(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    tab = tab_for(qtbot, desk)
    tab.administration_page.name.setText("Park Wielewaal")
    tab.administration_page.save()
    qtbot.waitUntil(lambda: tab.administrations.currentText() == "Park Wielewaal", timeout=WAIT_MS)
    assert "saved" in tab.administration_page.message.text()


def test_deleting_the_administration_chooses_another(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    add_administration(desk.database, pms_id="2", name="Hotel Aan Zee", salto_endpoint="127.0.0.1:8091")
    tab = tab_for(qtbot, desk)
    tab.administrations.setCurrentIndex(tab.administrations.findText("Hotel Aan Zee"))
    wait_loaded(qtbot, tab)
    tab.administration_page.ask_delete()
    assert tab.administration_page.question is not None
    tab.administration_page.question.answer(True)
    qtbot.waitUntil(lambda: tab.administrations.count() == 1, timeout=WAIT_MS)
    wait_loaded(qtbot, tab)
    assert tab.current_administration() == desk.administration.id
    assert tab.administration_page.name.text() == "Park De Wielewaal"


def test_an_empty_database_offers_a_new_administration(qtbot: QtBot, database: Database, tmp_path: Path) -> None:
    context = DeskContext(database, QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat),
                          paths=app_paths(tmp_path))  # fmt: skip
    try:
        tab = SettingsTab(context)
        qtbot.addWidget(tab)
        tab.show()
        qtbot.waitUntil(lambda: tab.pin_checked, timeout=WAIT_MS)
        wait_loaded(qtbot, tab)
        assert tab.current_administration() is None
        assert tab.administrations.currentText().startswith("(none yet")
        assert tab.administration_page.administration is None
        assert not tab.key_types_page.add_key_type.isEnabled()
    finally:
        context.shutdown()


def test_the_manager_pin_locks_the_tab(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    set_pin(desk, "1357")
    tab = tab_for(qtbot, desk)
    assert tab.locked
    assert tab.administrations.count() == 0  # nothing behind the lock is read
    tab.lock_page.pin.setText("0000")
    tab.lock_page.unlock_button.click()
    qtbot.waitUntil(lambda: "not the manager PIN" in tab.lock_page.message.text(), timeout=WAIT_MS)
    assert tab.locked
    tab.lock_page.pin.setText("1357")
    tab.lock_page.unlock_button.click()
    qtbot.waitUntil(lambda: not tab.locked, timeout=WAIT_MS)
    wait_loaded(qtbot, tab)
    assert tab.administration_page.name.text() == "Park De Wielewaal"
    assert tab.lock_button.isVisibleTo(tab)
    tab.lock_button.click()
    assert tab.locked


def test_this_desk_stays_open_while_the_manager_pages_are_locked(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    set_pin(desk, "1357")
    tab = tab_for(qtbot, desk)
    assert visible_pages(tab) == ["Manager settings", "This desk"]
    assert tab.pages.currentWidget() is tab.lock_page and not tab.chooser.isVisibleTo(tab)
    tab.pages.setCurrentWidget(tab.desk_page)
    assert tab.desk_page.isVisibleTo(tab) and tab.desk_page.apply_button.isEnabled()
    tab.lock_page.pin.setText("1357")
    tab.lock_page.unlock()
    qtbot.waitUntil(lambda: not tab.locked, timeout=WAIT_MS)
    assert "Manager settings" not in visible_pages(tab) and "Administration" in visible_pages(tab)
    tab.pages.setCurrentWidget(tab.desk_page)
    assert not tab.chooser.isVisibleTo(tab)  # the administration chooser is for the manager pages only
    tab.lock()
    assert tab.pages.currentWidget() is tab.lock_page


def unlock(qtbot: QtBot, tab: SettingsTab, pin: str) -> None:
    tab.lock_page.pin.setText(pin)
    tab.lock_page.unlock()
    qtbot.waitUntil(lambda: not tab.locked, timeout=WAIT_MS)
    wait_loaded(qtbot, tab)


def test_setting_a_pin_locks_the_settings_at_once(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    tab = tab_for(qtbot, desk)
    assert not tab.lock_button.isVisibleTo(tab) and not tab.idle.armed  # no PIN: nothing to lock
    show_page(qtbot, tab, tab.pin_page)
    tab.pin_page.new.setText("8642")
    tab.pin_page.repeat.setText("8642")
    tab.pin_page.save()
    qtbot.waitUntil(lambda: tab.locked, timeout=WAIT_MS)
    assert tab.pages.currentWidget() is tab.lock_page
    assert "the settings are locked" in tab.lock_page.message.text()
    assert not tab.lock_button.isVisibleTo(tab)  # Lock only shows while the settings are open
    unlock(qtbot, tab, "8642")
    assert tab.lock_button.isVisibleTo(tab) and tab.idle.armed
    tab.lock_button.click()
    assert tab.locked and not tab.lock_button.isVisibleTo(tab) and not tab.idle.armed


def test_removing_the_pin_leaves_the_settings_open_without_lock(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    set_pin(desk, "1357")
    tab = tab_for(qtbot, desk)
    unlock(qtbot, tab, "1357")
    show_page(qtbot, tab, tab.pin_page)
    tab.pin_page.current.setText("1357")
    tab.pin_page.remove()
    qtbot.waitUntil(lambda: not tab.lock_button.isVisibleTo(tab), timeout=WAIT_MS)
    assert not tab.locked and not tab.idle.armed
    tab.hide()
    assert not tab.locked  # without a PIN, leaving the tab locks nothing


def test_leaving_the_settings_tab_locks_them(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    set_pin(desk, "1357")
    tab = tab_for(qtbot, desk)
    unlock(qtbot, tab, "1357")
    tab.hide()  # another tab of the window, or the window minimized
    assert tab.locked and not tab.idle.armed
    tab.show()
    assert tab.locked and tab.pages.currentWidget() is tab.lock_page


def test_the_settings_lock_after_the_idle_minutes_and_close_their_dialogs(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    set_pin(desk, "1357")
    tab = tab_for(qtbot, desk)
    assert tab.idle.timer.interval() == 5 * 60_000  # the default: five minutes
    unlock(qtbot, tab, "1357")
    show_page(qtbot, tab, tab.encoders_page)
    dialog = tab.encoders_page.open_encoder(edit=False)
    assert dialog is not None and dialog.isVisible()
    tab.idle.timer.timeout.emit()  # five minutes without a key or mouse event in the settings
    assert tab.locked and not dialog.isVisible()
    assert "locked after 5 minutes without use" in tab.lock_page.message.text()


def test_a_key_or_mouse_event_in_the_settings_or_their_dialogs_restarts_the_idle_time(
    qtbot: QtBot, make_desk: DeskFactory
) -> None:
    desk = make_desk()
    set_pin(desk, "1357")
    tab = tab_for(qtbot, desk)
    unlock(qtbot, tab, "1357")
    elsewhere = QLineEdit()
    qtbot.addWidget(elsewhere)
    show_page(qtbot, tab, tab.encoders_page)
    dialog = tab.encoders_page.open_encoder(edit=False)
    assert dialog is not None
    for widget, restarts in (
        (tab.administrations, True), (dialog.name, True), (elsewhere, False), (tab.lock_page.pin, True),
    ):  # fmt: skip
        tab.idle.timer.stop()
        qtbot.keyClick(widget, Qt.Key.Key_A)
        assert tab.idle.timer.isActive() is restarts, widget


def test_the_idle_time_is_a_setting_of_the_pin_page(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    set_pin(desk, "1357")
    tab = tab_for(qtbot, desk)
    unlock(qtbot, tab, "1357")
    show_page(qtbot, tab, tab.pin_page)
    assert tab.pin_page.idle_row.isVisibleTo(tab.pin_page)
    tab.pin_page.idle_minutes.setValue(2)
    tab.pin_page.save_idle_minutes()
    qtbot.waitUntil(lambda: tab.idle.minutes == 2, timeout=WAIT_MS)
    assert tab.idle.timer.interval() == 2 * 60_000 and tab.idle.timer.isActive()
    assert "lock after 2 idle minutes" in tab.pin_page.message.text()
    assert desk.context.services.pin.state().idle_minutes == 2


def test_every_page_and_dialog_can_be_shown_for_the_screenshots(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    tab = tab_for(qtbot, desk)
    shown, dialogs = [], []
    for name, widget, ready in settings_screens(tab):
        qtbot.waitUntil(ready, timeout=WAIT_MS)
        assert widget.isVisibleTo(widget.window()) or widget.isWindow()
        shown.append(name)
        if isinstance(widget, QDialog):
            dialogs.append(widget)
    assert shown == [
        "settings-administration", "settings-key-types", "settings-encoders", "settings-door-names", "settings-pms",
        "settings-pin", "settings-diagnostics", "settings-key-type-dialog", "settings-product-dialog",
        "settings-encoder-dialog"]  # fmt: skip
    assert len(dialogs) == 3 and not any(shiboken6.isValid(dialog) and dialog.isVisible() for dialog in dialogs)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_settings_page_and_dialog_fits_a_1024_by_768_screen(
    qtbot: QtBot, make_desk: DeskFactory, language: str
) -> None:
    """The tab's minimum size stays within 1000x700 on every page (the administration page scrolls inside:
    its minimum height was 836 px); every dialog opens within that too."""
    tab = tab_for(qtbot, make_desk(language))
    for name, widget, ready in settings_screens(tab):
        qtbot.waitUntil(ready, timeout=WAIT_MS)
        if isinstance(widget, QDialog):
            assert widget.minimumSizeHint().boundedTo(SCREEN_BUDGET) == widget.minimumSizeHint(), name
            assert widget.size().boundedTo(SCREEN_BUDGET) == widget.size(), name
        else:
            assert tab.minimumSizeHint().boundedTo(SCREEN_BUDGET) == tab.minimumSizeHint(), name


def test_the_label_columns_of_the_administration_groups_line_up(qtbot: QtBot, make_desk: DeskFactory) -> None:
    tab = tab_for(qtbot, make_desk("nl"))
    page = tab.administration_page
    page.resize(1000, 700)
    fields = (page.pms_id, page.endpoint, page.baudrate, page.date_order)  # one of each group
    starts = {field.mapTo(page, field.rect().topLeft()).x() for field in fields}
    assert len(starts) == 1, starts
    assert page.version.sizeHint().width() == page.version.width() < page.endpoint.width()  # short input: its size
