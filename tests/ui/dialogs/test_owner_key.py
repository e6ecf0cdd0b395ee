"""The +Key dialog: defaults from the key type and today, refused fields marked, and the key data stored."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime

from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from salto_desk.keys.model import AdministrationSettings, Holder, HolderKind, KeyData
from salto_desk.storage import ConfigRepository
from tests.ui.items import python_made
from tests.ui.owners_desk import WAIT_MS, OwnersDesk, OwnersDeskFactory, make_owners_desk
from ui.dialogs.owner_key import OwnerKeyDialog

__all__ = ["make_owners_desk"]


def dialog_for(qtbot: QtBot, desk: OwnersDesk, owner_pms_id: str = "o1") -> OwnerKeyDialog:
    dialog = OwnerKeyDialog(desk.context, desk.administration, desk.owner(owner_pms_id), desk.key_types())
    qtbot.addWidget(dialog)
    return dialog


def create(qtbot: QtBot, dialog: OwnerKeyDialog) -> None:
    dialog.create_button.click()
    assert dialog.creating()
    qtbot.waitUntil(lambda: not dialog.creating(), timeout=WAIT_MS)


def test_defaults_today_a_year_the_key_types_print_info_and_the_owner_to_check(
    make_owners_desk: OwnersDeskFactory, qtbot: QtBot
) -> None:
    desk = make_owners_desk(clock=lambda: datetime(2030, 7, 1, 22, 30, tzinfo=UTC))  # already 2 July in Amsterdam
    dialog = dialog_for(qtbot, desk)
    assert dialog.windowTitle() == "New key for Joëlle de Vries"
    assert dialog.valid_from.date() == QDate(2030, 7, 2)
    assert dialog.valid_until.date() == QDate(2031, 7, 2)
    assert [dialog.key_type.itemText(index) for index in range(dialog.key_type.count())] == ["Owner", "Owner pool"]
    assert dialog.print_lines() == ["Welcome home", "Owner card", ""]
    dialog.key_type.setCurrentIndex(1)
    assert dialog.print_lines() == ["Pool only", "", ""]
    rooms = [dialog.rooms.item(row).text() for row in range(dialog.rooms.count())]
    assert rooms == ["Villa 20 (101)", "Villa 21 (102)"]
    assert dialog.chosen_rooms() == []  # two accommodations: the receptionist picks
    assert dialog.rooms.item(0).flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert python_made(dialog.rooms) == []
    assert dialog.phone.text() == "+31612345678"
    assert dialog.create_button.isEnabled()


def test_the_only_accommodation_is_ticked(make_owners_desk: OwnersDeskFactory, qtbot: QtBot) -> None:
    dialog = dialog_for(qtbot, make_owners_desk(), "o2")
    assert dialog.chosen_rooms() == ["Chalet Zee"]


def test_an_owner_without_accommodation_is_told_where_to_fix_it(
    make_owners_desk: OwnersDeskFactory, qtbot: QtBot
) -> None:
    dialog = dialog_for(qtbot, make_owners_desk(), "o3")
    assert dialog.rooms.count() == 0
    labels = dialog.findChildren(type(dialog.message))
    assert any("no accommodation in the PMS today" in label.text() for label in labels)
    create(qtbot, dialog)
    assert dialog.message.text().startswith("A key opens 1 to 4 rooms, not 0.")
    assert dialog.invalid_fields() == ["rooms"]


def test_refused_fields_are_marked_one_by_one_then_the_key_is_created(
    make_owners_desk: OwnersDeskFactory, qtbot: QtBot
) -> None:
    desk = make_owners_desk()
    dialog = dialog_for(qtbot, desk)
    create(qtbot, dialog)
    assert dialog.message.text() == "A key opens 1 to 4 rooms, not 0. Choose the rooms again."
    assert dialog.invalid_fields() == ["rooms"] and dialog.key is None and dialog.create_button.isEnabled()

    dialog.set_rooms(["102"])
    dialog.valid_until.setDate(QDate(2030, 6, 30))
    create(qtbot, dialog)
    assert dialog.message.text().startswith("The key would expire") and dialog.invalid_fields() == ["end"]

    dialog.valid_until.setDate(QDate(2030, 8, 31))
    dialog.phone.setText("06 1234")  # too short for a Dutch number
    create(qtbot, dialog)
    assert "+31" in dialog.message.text() and dialog.invalid_fields() == ["phone"]

    dialog.phone.setText("")
    dialog.print_info[1].setText("x" * 100)
    create(qtbot, dialog)
    assert "text line 2" in dialog.message.text() and dialog.invalid_fields() == ["print_info"]
    assert desk.owner_keys("o1") == []

    dialog.print_info[1].setText("Villa 21")
    dialog.valid_from.setDate(QDate(2030, 7, 5))
    with qtbot.waitSignal(dialog.created, timeout=WAIT_MS) as created:
        dialog.create_button.click()
    key = created.args[0]
    assert isinstance(key, KeyData) and dialog.key == key and dialog.result() == OwnerKeyDialog.DialogCode.Accepted
    assert dialog.invalid_fields() == []
    (stored,) = desk.owner_keys("o1")
    assert stored == key
    assert stored.holder == Holder(HolderKind.OWNER, "o1", "Joëlle de Vries")
    assert stored.rooms == ("102",) and stored.phone is None and stored.key_type_id == desk.key_type.id
    assert stored.print_info == ("Welcome home", "Villa 21") and stored.granted == (1, 2)
    assert stored.validity.start == datetime(2030, 7, 4, 22, 0, tzinfo=UTC)  # 5 July 00:00 in Amsterdam
    assert stored.validity.end == datetime(2030, 8, 31, 21, 59, tzinfo=UTC)  # 31 August 23:59


def test_a_pms_phone_written_the_national_way_is_read_in_the_sites_country_and_the_key_runs_from_today(
    make_owners_desk: OwnersDeskFactory, qtbot: QtBot
) -> None:
    desk = make_owners_desk()
    dialog = dialog_for(qtbot, desk, "o2")
    assert dialog.phone.text() == "06 1234 5678"  # as BEX has it; the park is in the Netherlands
    with qtbot.waitSignal(dialog.created, timeout=WAIT_MS):
        dialog.create_button.click()
    (stored,) = desk.owner_keys("o2")
    assert stored.phone == "+31612345678" and stored.rooms == ("Chalet Zee",)
    assert stored.validity.start == datetime(2030, 6, 30, 22, 0, tzinfo=UTC)  # 1 July 00:00 in Amsterdam
    assert stored.validity.end == datetime(2031, 7, 1, 21, 59, tzinfo=UTC)


def test_without_key_types_create_is_off_and_says_where_to_add_one(
    make_owners_desk: OwnersDeskFactory, qtbot: QtBot
) -> None:
    desk = make_owners_desk()
    with desk.database.unit_of_work() as session:
        config = ConfigRepository(session)
        for key_type in config.key_types(desk.administration.id):
            config.delete_key_type(key_type.id)
    dialog = dialog_for(qtbot, desk)
    assert not dialog.create_button.isEnabled()
    assert dialog.message.text() == ("Park De Duinen has no key types yet. Add one under Settings > Key types first.")
    assert dialog.print_lines() == ["", "", ""]


def test_dutch(make_owners_desk: OwnersDeskFactory, qtbot: QtBot) -> None:
    desk = make_owners_desk(language="nl")
    dialog = dialog_for(qtbot, desk)
    assert dialog.windowTitle() == "Nieuwe sleutel voor Joëlle de Vries"
    assert dialog.create_button.text() == "Sleutel maken"
    create(qtbot, dialog)
    assert dialog.message.text() == "Een sleutel opent 1 tot 4 kamers, niet 0. Kies de kamers opnieuw."


def test_the_license_plate_is_offered_only_where_salto_receives_plates(
    make_owners_desk: OwnersDeskFactory, qtbot: QtBot
) -> None:
    desk = make_owners_desk()
    dialog = dialog_for(qtbot, desk)
    assert not dialog.license_plate.isEnabled()
    assert "does not send license plates" in dialog.license_plate.toolTip()

    with desk.context.database.unit_of_work() as session:
        current = {field.name: getattr(desk.administration, field.name) for field in fields(AdministrationSettings)}
        plates = ConfigRepository(session).update_administration(
            desk.administration.id,
            AdministrationSettings(**{**current, "salto_version": "1.20", "include_license_plate": True}),
        )
    dialog = OwnerKeyDialog(desk.context, plates, desk.owner("o1"), desk.key_types())
    qtbot.addWidget(dialog)
    dialog.set_rooms(["101"])
    assert dialog.license_plate.isEnabled() and "print info line 3" in dialog.license_plate.toolTip()
    dialog.license_plate.setText(" 12-ABC-3 ")
    create(qtbot, dialog)
    assert dialog.invalid_fields() == [] and dialog.key is not None
    (stored,) = desk.owner_keys("o1")
    assert stored.license_plate == "12-ABC-3"
