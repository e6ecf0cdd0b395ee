"""The settings tab: the administration chooser drives every page; the manager PIN locks the tab."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from salto_desk.paths import app_paths
from salto_desk.pin import hash_pin
from salto_desk.storage import Database
from salto_desk.storage.settings_repository import MANAGER_PIN, SettingsRepository
from tests.storage.helpers import add_administration
from tests.ui.desk import WAIT_MS, Desk, DeskFactory, make_desk
from ui.context import DeskContext
from ui.settings.screens import settings_screens
from ui.tabs.settings import SettingsTab

__all__ = ["make_desk"]


def tab_for(qtbot: QtBot, desk: Desk) -> SettingsTab:
    tab = SettingsTab(desk.context)
    qtbot.addWidget(tab)
    qtbot.waitUntil(lambda: tab.pin_checked and not tab.pin_page.busy, timeout=WAIT_MS)
    return tab


def visible_pages(tab: SettingsTab) -> list[str]:
    return [tab.pages.tabText(index) for index in range(tab.pages.count()) if tab.pages.isTabVisible(index)]


def set_pin(desk: Desk, pin: str) -> None:
    with desk.database.unit_of_work() as session:
        SettingsRepository(session).set(MANAGER_PIN, hash_pin(pin))


def test_without_a_pin_the_settings_open_for_the_first_administration(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    tab = tab_for(qtbot, desk)
    assert not tab.locked and not tab.lock_button.isVisibleTo(tab)
    assert tab.current_administration() == desk.administration.id
    assert tab.administration_page.name.text() == "Park De Wielewaal"
    assert tab.key_types_page.key_types.rowCount() == 1
    assert tab.encoders_page.encoders.rowCount() == 1
    assert tab.doors_page.doors.rowCount() == 3
    assert [tab.pages.tabText(index) for index in range(tab.pages.count())] == [
        "Manager settings", "Administration", "Key types && products", "Encoders", "Door names", "PMS connection",
        "Manager PIN", "Diagnostics", "This desk"]  # fmt: skip
    assert visible_pages(tab) == [
        "Administration", "Key types && products", "Encoders", "Door names", "PMS connection", "Manager PIN",
        "Diagnostics", "This desk"]  # fmt: skip
    assert tab.pages.currentWidget() is tab.administration_page and tab.chooser.isVisibleTo(tab)


def test_choosing_another_administration_reloads_the_pages(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    other = add_administration(desk.database, pms_id="2", name="Hotel Aan Zee", salto_endpoint="127.0.0.1:8091")
    tab = tab_for(qtbot, desk)
    tab.refresh()
    assert [tab.administrations.itemText(index) for index in range(2)] == ["Hotel Aan Zee", "Park De Wielewaal"]
    tab.administrations.setCurrentIndex(tab.administrations.findData(other.id))
    assert tab.administration_page.name.text() == "Hotel Aan Zee"
    assert tab.key_types_page.key_types.rowCount() == 0
    assert tab.encoders_page.encoders.rowCount() == 0


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
    assert page.save()
    assert tab.administrations.currentText() == "Camping Het Bos"
    assert tab.encoders_page.administration_id == tab.current_administration()
    assert changes == [True]
    assert "saved" in page.message.text()


def test_renaming_keeps_the_page_and_updates_the_chooser(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    tab = tab_for(qtbot, desk)
    tab.administration_page.name.setText("Park Wielewaal")
    assert tab.administration_page.save()
    assert tab.administrations.currentText() == "Park Wielewaal"
    assert "saved" in tab.administration_page.message.text()


def test_an_empty_database_offers_a_new_administration(qtbot: QtBot, database: Database, tmp_path: Path) -> None:
    context = DeskContext(database, QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat),
                          paths=app_paths(tmp_path))  # fmt: skip
    try:
        tab = SettingsTab(context)
        qtbot.addWidget(tab)
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
    tab.lock_page.pin.setText("0000")
    tab.lock_page.unlock_button.click()
    qtbot.waitUntil(lambda: "not the manager PIN" in tab.lock_page.message.text(), timeout=WAIT_MS)
    assert tab.locked
    tab.lock_page.pin.setText("1357")
    tab.lock_page.unlock_button.click()
    qtbot.waitUntil(lambda: not tab.locked, timeout=WAIT_MS)
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


def test_setting_a_pin_shows_the_lock_button(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    tab = tab_for(qtbot, desk)
    page = tab.pin_page
    page.new.setText("8642")
    page.repeat.setText("8642")
    page.save()
    qtbot.waitUntil(lambda: tab.lock_button.isVisibleTo(tab), timeout=WAIT_MS)
    tab.lock()
    assert tab.locked


def test_every_page_and_dialog_can_be_shown_for_the_screenshots(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    tab = tab_for(qtbot, desk)
    shown = []
    for name, widget in settings_screens(tab):
        assert widget.isVisibleTo(widget.window()) or widget.isWindow()
        shown.append(name)
    assert shown == [
        "settings-administration", "settings-key-types", "settings-encoders", "settings-door-names", "settings-pms",
        "settings-pin", "settings-diagnostics", "settings-key-type-dialog", "settings-product-dialog",
        "settings-encoder-dialog"]  # fmt: skip
    assert tab.key_types_page.dialog is not None and not tab.key_types_page.dialog.isVisible()
