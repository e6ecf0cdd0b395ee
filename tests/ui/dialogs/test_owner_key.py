"""The +Key dialog: defaults from the key type and today, rooms picked or typed, refused fields marked, and the
key data stored."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import UTC, datetime

from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from salto_desk.keys.model import AdministrationSettings, Holder, HolderKind, KeyData, ProductSettings
from salto_desk.storage import ConfigRepository
from tests.ui.owners_desk import WAIT_MS, OwnersDesk, OwnersDeskFactory, make_owners_desk
from ui.dialogs.owner_key import OwnerKeyDialog
from ui.widgets.room_editor import RoomEditor

__all__ = ["make_owners_desk"]


def dialog_for(qtbot: QtBot, desk: OwnersDesk, owner_pms_id: str = "o1") -> OwnerKeyDialog:
    setup = desk.context.services.front_desk.owner_key_setup(desk.administration.id, owner_pms_id)
    dialog = OwnerKeyDialog(desk.context, setup)
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
    assert isinstance(dialog.rooms, RoomEditor)
    field = dialog.rooms.fields[0]
    assert [field.itemText(index) for index in range(field.count())] == ["", "Villa 20 (101)", "Villa 21 (102)"]
    assert dialog.chosen_rooms() == []  # two accommodations: the receptionist picks
    assert dialog.phone.text() == "+31612345678"
    assert dialog.create_button.isEnabled()


def test_the_only_accommodation_is_filled_in(make_owners_desk: OwnersDeskFactory, qtbot: QtBot) -> None:
    dialog = dialog_for(qtbot, make_owners_desk(), "o2")
    assert dialog.chosen_rooms() == ["Chalet Zee"]


def test_an_owner_without_accommodation_gets_a_key_for_a_typed_door(
    make_owners_desk: OwnersDeskFactory, qtbot: QtBot
) -> None:
    desk = make_owners_desk()
    dialog = dialog_for(qtbot, desk, "o3")
    assert dialog.rooms.fields[0].count() == 1  # nothing to pick: only the empty entry
    labels = dialog.findChildren(type(dialog.message))
    assert any(label.text() == "Anna Smit has no accommodation in the PMS today: type the door/room name as SALTO "
               "knows it." for label in labels)  # fmt: skip
    create(qtbot, dialog)
    assert dialog.message.text().startswith("A key opens 1 to 4 rooms, not 0.")
    assert dialog.invalid_fields() == ["rooms"]
    qtbot.keyClicks(dialog.rooms.fields[0], "Chalet Zee")
    with qtbot.waitSignal(dialog.created, timeout=WAIT_MS):
        dialog.create_button.click()
    (stored,) = desk.owner_keys("o3")
    assert stored.rooms == ("Chalet Zee",) and stored.holder == Holder(HolderKind.OWNER, "o3", "Anna Smit")


def test_a_typed_door_next_to_an_accommodation_is_stored_as_typed(
    make_owners_desk: OwnersDeskFactory, qtbot: QtBot
) -> None:
    desk = make_owners_desk()
    dialog = dialog_for(qtbot, desk)
    dialog.rooms.fields[0].setCurrentIndex(2)  # Villa 21 (102)
    dialog.rooms.add_room()
    qtbot.keyClicks(dialog.rooms.fields[1], "Pool house ")  # a trailing space typed by accident is no part of it
    assert dialog.rooms.problem() == ""
    with qtbot.waitSignal(dialog.created, timeout=WAIT_MS):
        dialog.create_button.click()
    (stored,) = desk.owner_keys("o1")
    assert stored.rooms == ("102", "Pool house")


def test_a_typed_door_salto_cannot_take_is_refused_and_nothing_is_stored(
    make_owners_desk: OwnersDeskFactory, qtbot: QtBot
) -> None:
    desk = make_owners_desk()
    dialog = dialog_for(qtbot, desk)
    qtbot.keyClicks(dialog.rooms.fields[0], "Chalet Duinzicht Noord 12")
    said = "The room name 'Chalet Duinzicht Noord 12' is 25 characters"
    assert dialog.rooms.problem().startswith(f"Room 1: {said}")  # while typing
    create(qtbot, dialog)
    assert dialog.message.text().startswith(said) and dialog.invalid_fields() == ["rooms"]
    assert desk.owner_keys("o1") == [] and dialog.key is None
    dialog.rooms.fields[0].setEditText("Chalet\u00b3Noord")
    create(qtbot, dialog)
    assert "field separator" in dialog.message.text() and desk.owner_keys("o1") == []


def test_the_owners_default_key_type_is_chosen_first(make_owners_desk: OwnersDeskFactory, qtbot: QtBot) -> None:
    desk = make_owners_desk()
    owner, pool = desk.key_types()
    assert dialog_for(qtbot, desk).chosen_key_type() == owner  # nothing marked: the first that is no guest type
    with desk.database.unit_of_work() as session:
        config = ConfigRepository(session)
        config.add_product(ProductSettings(key_type_id=owner.id, name="Every stay"))  # "Owner" is given to guests
    assert dialog_for(qtbot, desk).chosen_key_type() == pool
    with desk.database.unit_of_work() as session:
        ConfigRepository(session).update_key_type(owner.id, replace(owner, owners_default=True))
    dialog = dialog_for(qtbot, desk)
    assert dialog.key_type.currentText() == "Owner" and dialog.print_lines() == ["Welcome home", "Owner card", ""]


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
    assert plates.carries_license_plate
    dialog = dialog_for(qtbot, desk)
    dialog.set_rooms(["101"])
    assert dialog.license_plate.isEnabled() and "print info line 3" in dialog.license_plate.toolTip()
    dialog.license_plate.setText(" 12-ABC-3 ")
    create(qtbot, dialog)
    assert dialog.invalid_fields() == [] and dialog.key is not None
    (stored,) = desk.owner_keys("o1")
    assert stored.license_plate == "12-ABC-3"


def test_the_rooms_and_a_refusal_are_shown_whole_not_squeezed(
    make_owners_desk: OwnersDeskFactory, qtbot: QtBot
) -> None:
    dialog = dialog_for(qtbot, make_owners_desk(), "o3")
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.rooms.height() >= dialog.rooms.minimumSizeHint().height()
    qtbot.keyClicks(dialog.rooms.fields[0], "Chalet Duinzicht Noord 12")
    message = dialog.rooms.message
    qtbot.waitUntil(lambda: message.height() >= message.heightForWidth(message.width()), timeout=WAIT_MS)
    assert dialog.rooms.fields[0].height() >= dialog.rooms.fields[0].minimumSizeHint().height()
