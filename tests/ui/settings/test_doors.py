from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from salto_desk.keys.model import DoorNameSettings
from salto_desk.pms.models import InventoryObject
from salto_desk.storage import ConfigRepository
from salto_desk.storage.pms_repository import PmsRepository
from tests.storage.helpers import NOW, add_administration
from tests.ui.desk import WAIT_MS, Desk, DeskFactory
from tests.ui.items import python_made
from tests.ui.settings.helpers import shown, wait_loaded
from ui.models.rows import READ_ONLY
from ui.settings.doors import DOOR_COLUMN, DoorNamesPage


def door_names(desk: Desk) -> dict[str, str]:
    with desk.database.unit_of_work() as session:
        return ConfigRepository(session).door_name_map(desk.administration.id)


def page_for(qtbot: QtBot, desk: Desk) -> DoorNamesPage:
    page = DoorNamesPage(desk.context)
    page.show_administration(desk.administration.id)
    return shown(qtbot, page)


def save(qtbot: QtBot, page: DoorNamesPage) -> None:
    """Press Save and wait for the core's answer (and the rows read again after a save)."""
    page.save()
    assert page.saving and not page.save_button.isEnabled()
    qtbot.waitUntil(lambda: not page.saving, timeout=WAIT_MS)
    wait_loaded(qtbot, page)


def test_every_synced_object_gets_a_row(qtbot: QtBot, make_desk: DeskFactory) -> None:
    page = page_for(qtbot, make_desk())
    assert [page.doors.item(row, 0).text() for row in range(page.doors.rowCount())] == [
        "Chalet 10", "Chalet 11", "Chalet 12"]  # fmt: skip
    assert all(page.doors.item(row, DOOR_COLUMN).text() == "" for row in range(3))
    assert not page.empty.isVisibleTo(page)


def test_a_stored_name_of_an_object_no_longer_synced_keeps_its_row(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    with desk.database.unit_of_work() as session:
        ConfigRepository(session).set_door_name(
            DoorNameSettings(administration_id=desk.administration.id, pms_object_id="99", object_name="Old chalet",
                             door_name="199")
        )  # fmt: skip
    page = page_for(qtbot, desk)
    assert [page.doors.item(3, column).text() for column in range(3)] == ["Old chalet", "", "199"]


def test_only_the_door_name_is_editable_and_every_item_is_qt_made(qtbot: QtBot, make_desk: DeskFactory) -> None:
    page = page_for(qtbot, make_desk())
    assert page.doors.item(0, 0).data(Qt.ItemDataRole.UserRole) == "10"
    assert page.doors.item(0, 0).flags() == READ_ONLY and page.doors.item(0, 1).flags() == READ_ONLY
    assert page.doors.item(0, DOOR_COLUMN).flags() & Qt.ItemFlag.ItemIsEditable
    assert python_made(page.doors) == []


def test_set_change_and_clear_door_names(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    page = page_for(qtbot, desk)
    page.set_door_name("10", "101")
    page.set_door_name("11", "Chalet 11")  # the object's own name: nothing to store
    save(qtbot, page)
    assert door_names(desk) == {"10": "101"}
    assert "1 door name saved." in page.message.text()
    assert page.doors.item(0, DOOR_COLUMN).text() == "101"
    page.set_door_name("10", "")
    page.set_door_name("12", "112")
    save(qtbot, page)
    assert door_names(desk) == {"12": "112"}


def test_a_name_salto_cannot_take_saves_nothing(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    page = page_for(qtbot, desk)
    page.set_door_name("10", "101")
    page.set_door_name("11", "A door name far too long for SALTO")
    save(qtbot, page)
    assert "SALTO takes at most" in page.message.text()
    assert page.doors.currentRow() == 1
    assert page.errors.marked() == ["door_name"]
    assert door_names(desk) == {}
    assert page.doors.item(1, DOOR_COLUMN).text() == "A door name far too long for SALTO"  # left to correct


def test_the_filter_hides_other_objects(qtbot: QtBot, make_desk: DeskFactory) -> None:
    page = page_for(qtbot, make_desk())
    page.filter.setText("11")
    assert [page.doors.isRowHidden(row) for row in range(3)] == [True, False, True]


def test_without_synced_objects_the_page_says_so(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    page = DoorNamesPage(desk.context)
    page.show_administration(None)
    shown(qtbot, page)
    assert page.empty.isVisibleTo(page) and not page.save_button.isEnabled()


HOTEL_BEX_ID = "2"


def sync_hotel_rooms(desk: Desk, names: tuple[str, ...]) -> None:
    """What a sync stores for the hotel: its rooms as PMS objects."""
    with desk.database.unit_of_work() as session:
        PmsRepository(session).store_objects(
            HOTEL_BEX_ID,
            [InventoryObject(f"h{name}", HOTEL_BEX_ID, name, None, (), None, None, NOW) for name in names],
        )


def object_names(page: DoorNamesPage) -> list[str]:
    return [page.doors.item(row, 0).text() for row in range(page.doors.rowCount())]


def test_objects_a_sync_brings_after_the_page_was_shown_appear_without_choosing_again(
    qtbot: QtBot, make_desk: DeskFactory
) -> None:
    """The demo's hotel: Settings opened before the first sync had stored its rooms; F5 must fill the page."""
    desk = make_desk()
    hotel = add_administration(desk.database, pms_id=HOTEL_BEX_ID, name="Hotel", salto_endpoint="127.0.0.1:8091")
    page = DoorNamesPage(desk.context)
    page.show_administration(hotel.id)
    shown(qtbot, page)
    assert page.empty.isVisibleTo(page) and not page.doors.isVisibleTo(page)
    sync_hotel_rooms(desk, ("404", "405"))
    desk.context.events.pms_synced.emit(None)
    qtbot.waitUntil(lambda: object_names(page) == ["404", "405"], timeout=WAIT_MS)
    assert page.doors.isVisibleTo(page) and not page.empty.isVisibleTo(page) and page.save_button.isEnabled()


def test_a_sync_while_names_are_typed_keeps_them(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    page = page_for(qtbot, desk)
    page.set_door_name("11", "111")
    with desk.database.unit_of_work() as session:
        PmsRepository(session).store_objects("1", [InventoryObject("13", "1", "Chalet 13", None, (), None, None, NOW)])
    desk.context.events.pms_synced.emit(None)
    qtbot.waitUntil(lambda: page.doors.rowCount() == 4, timeout=WAIT_MS)
    assert page.typed() == {"11": "111"}
    save(qtbot, page)
    assert door_names(desk) == {"11": "111"}
    assert page.typed() == {}


def test_a_page_hidden_during_a_sync_reads_again_when_shown(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    page = page_for(qtbot, desk)
    page.hide()
    with desk.database.unit_of_work() as session:
        PmsRepository(session).store_objects("1", [InventoryObject("13", "1", "Chalet 13", None, (), None, None, NOW)])
    desk.context.events.pms_synced.emit(None)
    assert page.doors.rowCount() == 3 and not page.loading
    page.show()
    qtbot.waitUntil(lambda: page.doors.rowCount() == 4, timeout=WAIT_MS)
