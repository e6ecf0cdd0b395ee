from __future__ import annotations

from datetime import time

from PySide6.QtCore import Qt, QTime
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from salto_desk.demo.server import DEMO_API_KEY, DemoPmsServer
from salto_desk.keys.model import Administration, AuthorizationName
from salto_desk.secrets import PMS_API_KEY
from salto_desk.storage import ConfigRepository, Database, SettingsRepository
from salto_desk.storage.settings_repository import PMS_BASE_URL
from tests.conftest import MemoryKeyring
from tests.storage.helpers import add_administration
from tests.ui.desk import WAIT_MS, DeskFactory
from tests.ui.items import python_made
from tests.ui.settings.helpers import shown, wait_loaded
from ui.settings.administration import AdministrationPage


def stored(database: Database, administration_id: int) -> tuple[Administration, tuple[AuthorizationName, ...]]:
    with database.unit_of_work() as session:
        config = ConfigRepository(session)
        return config.administration(administration_id), config.authorization_names(administration_id)


def page_for(qtbot: QtBot, make_desk: DeskFactory) -> tuple[AdministrationPage, Administration, Database]:
    desk = make_desk()
    page = AdministrationPage(desk.context)
    page.show_administration(desk.administration.id)
    return shown(qtbot, page), desk.administration, desk.database


def save(qtbot: QtBot, page: AdministrationPage) -> None:
    """Press Save and wait for the core's answer."""
    page.save()
    assert page.busy and not page.save_button.isEnabled()
    qtbot.waitUntil(lambda: not page.busy, timeout=WAIT_MS)


def test_the_form_shows_the_stored_settings(qtbot: QtBot, make_desk: DeskFactory) -> None:
    page, administration, _ = page_for(qtbot, make_desk)
    assert page.name.text() == "Park De Wielewaal"
    assert page.endpoint.text() == administration.salto_endpoint
    assert page.time_zone.currentText() == "Europe/Amsterdam"
    assert page.check_in.time() == QTime(15, 0)
    assert page.authorizations.rowCount() == 62
    assert not page.serial_group.isEnabled()  # a TCP address
    page.endpoint.setText("/dev/ttyUSB0")
    assert page.serial_group.isEnabled()


def test_the_time_zones_arrive_from_the_core_and_keep_the_zone_shown(qtbot: QtBot, make_desk: DeskFactory) -> None:
    """Reading the zone list opens some 600 files: it happens off the GUI thread, once, when the page is used."""
    page, _, _ = page_for(qtbot, make_desk)
    qtbot.waitUntil(lambda: page.time_zone.count() > 300, timeout=WAIT_MS)
    zones = [page.time_zone.itemText(index) for index in range(page.time_zone.count())]
    assert zones == sorted(zones) and "Europe/Brussels" in zones
    assert page.time_zone.currentText() == "Europe/Amsterdam"
    page.start_new()
    qtbot.wait(50)
    assert page.time_zone.count() == len(zones)  # asked once


def test_nothing_is_read_until_the_page_is_shown(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    page = AdministrationPage(desk.context)
    qtbot.addWidget(page)
    page.show_administration(desk.administration.id)
    assert not page.loading and page.name.text() == ""
    page.show()
    assert page.loading and not page.save_button.isEnabled() and not page.delete_button.isEnabled()
    page.save()  # Save waits for the form: nothing is stored meanwhile
    assert not page.busy
    wait_loaded(qtbot, page)
    assert page.name.text() == "Park De Wielewaal" and page.save_button.isEnabled()


def test_saving_stores_settings_and_authorization_names(qtbot: QtBot, make_desk: DeskFactory) -> None:
    page, administration, database = page_for(qtbot, make_desk)
    changed: list[int] = []
    page.saved.connect(changed.append)
    page.name.setText("Park Zeezicht")
    page.check_in.setTime(QTime(14, 30))
    page.time_zone.setCurrentText("Europe/Brussels")
    page.operator.setText("Desk 1")
    page.license_plate.setChecked(True)
    page.license_plate_line.setValue(2)
    page.authorizations.item(0, 1).setText("Main gate")
    page.authorizations.item(61, 1).setText("Pool")
    save(qtbot, page)
    settings, names = stored(database, administration.id)
    assert (settings.name, settings.check_in_time, settings.time_zone) == (
        "Park Zeezicht",
        time(14, 30),
        "Europe/Brussels",
    )
    assert (settings.default_operator, settings.include_license_plate, settings.license_plate_line) == (
        "Desk 1",
        True,
        2,
    )
    assert names == (AuthorizationName(1, "Main gate"), AuthorizationName(62, "Pool"))
    assert changed == [administration.id]
    assert "saved" in page.message.text()
    assert page.authorizations.item(61, 1).text() == "Pool"  # the form shows what was stored


def test_the_authorization_numbers_are_read_only_and_every_item_is_qt_made(
    qtbot: QtBot, make_desk: DeskFactory
) -> None:
    page, _administration, _database = page_for(qtbot, make_desk)
    assert [page.authorizations.item(row, 0).text() for row in (0, 61)] == ["1", "62"]
    assert not page.authorizations.item(0, 0).flags() & Qt.ItemFlag.ItemIsEditable
    assert page.authorizations.item(0, 1).flags() & Qt.ItemFlag.ItemIsEditable
    page.authorizations.item(0, 1).setText("Main gate")
    page.start_new()  # filled again: the same items, emptied
    assert page.authorizations.rowCount() == 62 and page.authorizations.item(0, 1).text() == ""
    assert python_made(page.authorizations) == []


def test_an_invalid_address_is_shown_at_its_field_and_nothing_changes(qtbot: QtBot, make_desk: DeskFactory) -> None:
    page, administration, database = page_for(qtbot, make_desk)
    page.name.setText("Renamed")
    page.authorizations.item(0, 1).setText("Main gate")
    page.endpoint.setText("10.0.0.5:99999")
    save(qtbot, page)
    assert page.errors.marked() == ["salto_endpoint"]
    assert "Port 99999 is out of range" in page.message.text()
    assert stored(database, administration.id) == (administration, ())
    assert page.name.text() == "Renamed"  # what was typed stays to be corrected


def test_license_plate_needs_version_1_20(qtbot: QtBot, make_desk: DeskFactory) -> None:
    page, administration, database = page_for(qtbot, make_desk)
    page.license_plate.setChecked(True)
    page.version.setText("1.10")
    save(qtbot, page)
    assert page.errors.marked() == ["include_license_plate"]
    assert "1.20 or newer" in page.message.text()
    assert stored(database, administration.id)[0] == administration


def test_two_authorizations_with_one_name_are_refused(qtbot: QtBot, make_desk: DeskFactory) -> None:
    page, administration, database = page_for(qtbot, make_desk)
    page.name.setText("Renamed")
    page.authorizations.item(2, 1).setText("Pool")
    page.authorizations.item(4, 1).setText("pool")
    save(qtbot, page)
    assert page.errors.marked() == ["authorizations"]
    assert "Authorizations 3 and 5 are both called" in page.message.text()
    assert stored(database, administration.id) == (administration, ())


def test_wire_settings_read_as_words_and_store_their_values(qtbot: QtBot, make_desk: DeskFactory) -> None:
    page, administration, database = page_for(qtbot, make_desk)
    assert page.encoding.currentText() == "ASCII: letters without accents" and page.encoding.currentData() == "ascii"
    assert page.trailing.currentText() == "Send all fields"
    assert page.date_order.currentText() == "Day first (31-12)"
    assert page.parity.currentText() == "None" and page.stopbits.currentText() == "1"
    page.date_order.setCurrentIndex(page.date_order.findData("md"))
    page.encoding.setCurrentIndex(page.encoding.findData("latin-1"))
    save(qtbot, page)
    saved, _names = stored(database, administration.id)
    assert (saved.audit_date_order, saved.text_encoding) == ("md", "latin-1")


def test_check_in_time_is_typed_as_digits(qtbot: QtBot, make_desk: DeskFactory) -> None:
    page, _administration, _database = page_for(qtbot, make_desk)
    page.window().activateWindow()
    page.check_in.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(page.check_in.hasFocus, timeout=WAIT_MS)
    QTest.keyClicks(page.check_in, "1430")
    assert page.check_in.time() == QTime(14, 30)


def test_dutch_messages(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk(language="nl")
    page = AdministrationPage(desk.context)
    page.show_administration(desk.administration.id)
    shown(qtbot, page)
    page.time_zone.setCurrentText("Mars/Olympus")
    assert page.date_order.currentText() == "Dag eerst (31-12)"
    save(qtbot, page)
    assert "geen bekende tijdzone" in page.message.text()


def test_add_and_delete_an_administration(qtbot: QtBot, make_desk: DeskFactory) -> None:
    page, _, database = page_for(qtbot, make_desk)
    page.start_new()
    assert page.name.text() == "" and not page.delete_button.isEnabled()
    page.pms_id.setText("77")
    page.name.setText("Hotel Duinzicht")
    page.endpoint.setText("127.0.0.1:8091")
    save(qtbot, page)
    with database.unit_of_work() as session:
        added = ConfigRepository(session).administration_by_pms_id("77")
    assert added is not None and added.name == "Hotel Duinzicht"
    assert page.administration == added and page.delete_button.isEnabled()
    deleted: list[bool] = []
    page.deleted.connect(lambda: deleted.append(True))
    page.ask_delete()
    assert page.question is not None and "Hotel Duinzicht" in page.question.text()
    page.question.answer(False)
    assert not page.busy
    with database.unit_of_work() as session:
        assert ConfigRepository(session).administration_by_pms_id("77") is not None
    page.ask_delete()
    page.question.answer(True)
    qtbot.waitUntil(lambda: deleted == [True], timeout=WAIT_MS)
    with database.unit_of_work() as session:
        assert ConfigRepository(session).administration_by_pms_id("77") is None
    assert page.administration is None and page.name.text() == ""


def test_an_administration_in_use_is_not_deleted(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    desk.add_key("1")
    page = AdministrationPage(desk.context)
    page.show_administration(desk.administration.id)
    shown(qtbot, page)
    page.ask_delete()
    assert page.question is not None
    page.question.answer(True)
    qtbot.waitUntil(lambda: not page.busy, timeout=WAIT_MS)
    assert "still has 1 key data records" in page.message.text()
    assert stored(desk.database, desk.administration.id)[0] == desk.administration
    assert page.name.text() == "Park De Wielewaal"


def test_an_administration_id_already_set_up_is_refused(qtbot: QtBot, make_desk: DeskFactory) -> None:
    page, administration, database = page_for(qtbot, make_desk)
    page.start_new()
    page.pms_id.setText(administration.pms_id)
    page.name.setText("Copy")
    page.endpoint.setText("127.0.0.1:8091")
    save(qtbot, page)
    assert page.errors.marked() == ["pms_id"]
    with database.unit_of_work() as session:
        assert len(ConfigRepository(session).administrations()) == 1


def test_a_quick_change_of_administration_ends_on_the_last_one(qtbot: QtBot, make_desk: DeskFactory) -> None:
    page, administration, database = page_for(qtbot, make_desk)
    other = add_administration(database, pms_id="2", name="Hotel Aan Zee", salto_endpoint="127.0.0.1:8091")
    for _ in range(3):
        page.show_administration(other.id)
        page.show_administration(administration.id)
    wait_loaded(qtbot, page)
    assert page.name.text() == "Park De Wielewaal" and page.administration == administration


def connect_to(desk_database: Database, memory_keyring: MemoryKeyring, base_url: str) -> None:
    memory_keyring.secrets[("salto-desk", PMS_API_KEY)] = DEMO_API_KEY
    with desk_database.unit_of_work() as session:
        SettingsRepository(session).set(PMS_BASE_URL, base_url)


def typed_id(qtbot: QtBot, page: AdministrationPage, pms_id: str) -> str:
    """Type an id as a person does, let the pause pass, and wait for what BEX said of it."""
    page.pms_id.selectAll()
    qtbot.keyClicks(page.pms_id, pms_id)
    assert page.pms_check.timer.isActive()
    page.pms_check.timer.timeout.emit()  # the pause after the last keystroke
    qtbot.waitUntil(lambda: not page.pms_check.checking, timeout=WAIT_MS)
    return page.pms_check.message.text()


def test_the_pms_id_is_checked_with_bex_as_it_is_typed(
    qtbot: QtBot, make_desk: DeskFactory, memory_keyring: MemoryKeyring
) -> None:
    with DemoPmsServer(seed=3, reservations=1) as server:
        page, _administration, database = page_for(qtbot, make_desk)
        connect_to(database, memory_keyring, server.base_url)
        assert not page.pms_check.message.isVisibleTo(page)  # the stored id is not asked about
        said = typed_id(qtbot, page, "abc")
        assert "BEX does not know the administration id 'abc' for this API key" in said
        assert not page.save_button.isEnabled() and page.errors.marked() == ["pms_id"]
        known = server.store.all("administration")[0].id
        assert "BEX knows this administration" in typed_id(qtbot, page, known)
        assert page.save_button.isEnabled() and page.errors.marked() == []


def test_a_pms_id_bex_cannot_be_asked_about_is_not_refused(
    qtbot: QtBot, make_desk: DeskFactory, memory_keyring: MemoryKeyring
) -> None:
    page, _administration, database = page_for(qtbot, make_desk)
    connect_to(database, memory_keyring, "http://127.0.0.1:9/v3")  # nothing listens there
    assert typed_id(qtbot, page, "4711").startswith("Could not check this id with BEX: ")
    assert page.save_button.isEnabled() and page.errors.marked() == []
