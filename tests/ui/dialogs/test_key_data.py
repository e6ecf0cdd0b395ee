"""The key data dialog: defaults per key type for a reservation, edits of any key, refusals marked, keyboard."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from salto_desk.keys.model import (
    AuditAction,
    AuthorizationName,
    HolderKind,
    KeyData,
    KeyFields,
    KeyState,
    ProductSettings,
)
from salto_desk.keys.rules import EncodeMode
from salto_desk.storage import AuditRepository, ConfigRepository, KeyRepository
from tests.storage.helpers import add_key_type
from tests.ui.desk import WAIT_MS, Desk, DeskFactory, make_desk
from ui.dialogs.key_data import KeyDataDialog

__all__ = ["make_desk"]


def create_dialog(qtbot: QtBot, desk: Desk, reservation: str = "1") -> KeyDataDialog:
    setup = desk.context.services.front_desk.reservation_key_setup(desk.administration.id, reservation)
    dialog = KeyDataDialog(desk.context, setup, f"30-0000{reservation}", reservation_pms_id=reservation)
    qtbot.addWidget(dialog)
    return dialog


def edit_dialog(qtbot: QtBot, desk: Desk, key: KeyData) -> KeyDataDialog:
    setup = desk.context.services.front_desk.key_data_setup(desk.administration.id)
    dialog = KeyDataDialog(desk.context, setup, key.holder.label, key=key)
    qtbot.addWidget(dialog)
    return dialog


def save(qtbot: QtBot, dialog: KeyDataDialog) -> None:
    dialog.save_button.click()
    assert dialog.saving()
    qtbot.waitUntil(lambda: not dialog.saving(), timeout=WAIT_MS)


def local(dialog: KeyDataDialog, edit: str) -> str:
    value: QDateTime = getattr(dialog, edit).dateTime()
    return str(value.toString("dd-MM-yyyy HH:mm"))


def reservation_keys(desk: Desk, pms_id: str) -> list[KeyData]:
    with desk.database.unit_of_work() as session:
        return KeyRepository(session).for_holder(desk.administration.id, HolderKind.RESERVATION, pms_id)


def test_a_new_key_starts_from_the_stay_and_the_key_type_then_is_created(make_desk: DeskFactory, qtbot: QtBot) -> None:
    desk = make_desk()
    dialog = create_dialog(qtbot, desk)
    assert dialog.windowTitle() == "New key for 30-00001"
    assert (local(dialog, "valid_from"), local(dialog, "valid_until")) == ("03-07-2030 15:00", "06-07-2030 10:00")
    assert dialog.rooms.rooms() == ["Chalet 10"]
    assert dialog.access.access() == ((1, 2), ())
    assert dialog.print_info.lines() == ["Welcome", "", ""]
    assert dialog.phone.text() == "+31612345678"
    assert not dialog.license_plate.isEnabled()  # the park does not send plates to SALTO
    assert dialog.save_button.text() == "Create key"

    dialog.rooms.set_rooms([])
    save(qtbot, dialog)
    assert dialog.message.text() == "A key opens 1 to 4 rooms, not 0. Choose the rooms again."
    assert dialog.invalid_fields() == ["rooms"] and dialog.save_button.isEnabled()
    assert reservation_keys(desk, "1") == []

    dialog.rooms.set_rooms(["Chalet 10", "Chalet 11"])
    dialog.valid_until.setDateTime(QDateTime(dialog.valid_until.date().addDays(1), dialog.valid_until.time()))
    with qtbot.waitSignal(dialog.saved, timeout=WAIT_MS) as saved:
        dialog.save_button.click()
    [stored] = reservation_keys(desk, "1")
    assert saved.args[0] == stored == dialog.key
    assert stored.rooms == ("Chalet 10", "Chalet 11") and stored.state is KeyState.READY
    assert stored.validity.end == datetime(2030, 7, 7, 8, 0, tzinfo=UTC)  # 7 July 10:00 in Amsterdam
    assert stored.holder.label == "30-00001 Joëlle van Dijk"
    assert dialog.result() == KeyDataDialog.DialogCode.Accepted


def test_choosing_another_key_type_brings_its_access_texts_and_product_times(
    make_desk: DeskFactory, qtbot: QtBot
) -> None:
    desk = make_desk()
    late = add_key_type(desk.database, desk.administration, name="Late", granted=(3,), denied=(1,),
                        print_info=("Late arrival",))  # fmt: skip
    with desk.database.unit_of_work() as session:
        ConfigRepository(session).add_product(
            ProductSettings(key_type_id=late.id, name="Late", fixed_start_time=time(21))
        )
    dialog = create_dialog(qtbot, desk)
    dialog.phone.setText("+31687654321")
    dialog.key_type.setCurrentIndex(dialog.key_type.findData(late.id))
    assert dialog.access.access() == ((3,), (1,))
    assert dialog.print_info.lines() == ["Late arrival", "", ""]
    assert local(dialog, "valid_from") == "03-07-2030 21:00"
    assert dialog.phone.text() == "+31687654321"  # what the receptionist typed stays


def test_editing_an_issued_key_warns_then_stores_and_needs_re_encoding(make_desk: DeskFactory, qtbot: QtBot) -> None:
    desk = make_desk()
    with desk.database.unit_of_work() as session:
        ConfigRepository(session).replace_authorization_names(
            desk.administration.id, [AuthorizationName(1, "Main gate"), AuthorizationName(3, "Pool")]
        )
    key = (
        desk.context.salto_operations(desk.administration)
        .encode_cards(desk.add_key("2"), desk.encoder, 1, EncodeMode.NEW)
        .key
    )
    dialog = edit_dialog(qtbot, desk, key)
    assert dialog.windowTitle() == "Key data of 30-00002"
    assert "new cards" in dialog.message.text()
    assert dialog.save_button.text() == "Save"
    assert [dialog.access.item(row, 0).text() for row in range(dialog.access.rowCount())] == [
        "1 Main gate", "2 authorization 2", "3 Pool"]  # fmt: skip

    dialog.access.tick(3, granted=True, denied=True)
    save(qtbot, dialog)
    assert "both granted and denied" in dialog.message.text() and dialog.invalid_fields() == ["access"]

    dialog.access.tick(3, denied=True)
    dialog.rooms.set_rooms(["Chalet 11"])
    with qtbot.waitSignal(dialog.saved, timeout=WAIT_MS):
        dialog.save_button.click()
    stored = desk.database
    with stored.unit_of_work() as session:
        edited = KeyRepository(session).get(key.id)
        history = AuditRepository(session).entries(key_id=key.id)
    assert edited.rooms == ("Chalet 11",) and edited.denied == (3,) and edited.granted == (1, 2)
    assert edited.state is KeyState.NEEDS_REENCODE
    assert history[-1].action is AuditAction.EDIT_KEY and history[-1].message == "changed: rooms, denied"


def test_a_key_changed_elsewhere_meanwhile_is_not_overwritten(make_desk: DeskFactory, qtbot: QtBot) -> None:
    desk = make_desk()
    key = desk.add_key("2")
    dialog = edit_dialog(qtbot, desk, key)
    service = desk.context.salto_operations(desk.administration)
    elsewhere = service.key_data.update_key(key, replace(KeyFields.of(key), phone="+31687654321"))  # another desk
    dialog.print_info.edits[0].setText("Hello")
    save(qtbot, dialog)
    assert "changed meanwhile" in dialog.message.text() and dialog.key is None
    with desk.database.unit_of_work() as session:
        assert KeyRepository(session).get(key.id) == elsewhere


def test_keyboard_order_and_accessible_names(make_desk: DeskFactory, qtbot: QtBot) -> None:
    dialog = create_dialog(qtbot, make_desk())
    order: list[QWidget] = []
    widget: QWidget = dialog.key_type
    for _step in range(500):  # the chain also holds inner widgets (line edits of combos, viewports)
        order.append(widget)
        widget = widget.nextInFocusChain()
        if widget is dialog.key_type:
            break
    expected = [dialog.key_type, dialog.valid_from.day, dialog.valid_from.clock, dialog.valid_until.day,
                dialog.valid_until.clock, dialog.rooms.fields[0],
                dialog.rooms.remove_buttons[0], dialog.rooms.add_button, dialog.access, *dialog.print_info.edits,
                dialog.phone, dialog.license_plate, dialog.save_button]  # fmt: skip
    assert [each for each in order if each in expected] == expected
    names = [each.accessibleName() for each in expected]
    assert names[:6] == ["Key type", "Valid from (day)", "Valid from (time)", "Valid until (day)",
                         "Valid until (time)", "Room 1"] and all(names)  # fmt: skip
    assert "Enter" in dialog.save_button.toolTip()
    assert dialog.save_button.isDefault()
    assert dialog.access.tabKeyNavigation() is False  # Tab leaves the table
    assert dialog.access.focusPolicy() != Qt.FocusPolicy.NoFocus


def test_a_time_is_typed_as_digits(make_desk: DeskFactory, qtbot: QtBot) -> None:
    dialog = create_dialog(qtbot, make_desk())
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    dialog.valid_from.clock.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(dialog.valid_from.clock.hasFocus, timeout=WAIT_MS)
    QTest.keyClicks(dialog.valid_from.clock, "1600")
    assert local(dialog, "valid_from").endswith(" 16:00")
    assert dialog.fields().validity.start.astimezone(ZoneInfo("Europe/Amsterdam")).hour == 16


def test_dutch(make_desk: DeskFactory, qtbot: QtBot) -> None:
    desk = make_desk(language="nl")
    dialog = create_dialog(qtbot, desk)
    assert dialog.windowTitle() == "Nieuwe sleutel voor 30-00001"
    assert dialog.save_button.text() == "Sleutel maken"
    dialog.rooms.set_rooms([])
    save(qtbot, dialog)
    assert dialog.message.text() == "Een sleutel opent 1 tot 4 kamers, niet 0. Kies de kamers opnieuw."
