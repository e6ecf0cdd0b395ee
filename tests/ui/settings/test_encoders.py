from __future__ import annotations

from pytestqt.qtbot import QtBot

from salto_desk.keys.model import Encoder
from salto_desk.keys.rules import EncodeMode
from salto_desk.storage import ConfigRepository
from tests.ui.desk import WAIT_MS, Desk, DeskFactory
from tests.ui.items import python_made
from tests.ui.settings.helpers import accept, opened, refused, shown, wait_loaded
from ui.settings.encoders import EncoderDialog, EncodersPage


def encoders(desk: Desk) -> list[Encoder]:
    with desk.database.unit_of_work() as session:
        return ConfigRepository(session).encoders(desk.administration.id)


def page_for(qtbot: QtBot, desk: Desk) -> EncodersPage:
    page = EncodersPage(desk.context)
    page.show_administration(desk.administration.id)
    return shown(qtbot, page)


def new_encoder(qtbot: QtBot, page: EncodersPage) -> EncoderDialog:
    """The dialog for a new encoder once it has read its form (OK waits for a valid ID)."""
    dialog = page.open_encoder(edit=False)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.loaded, timeout=WAIT_MS)
    assert not dialog.ready
    return dialog


def run_test(qtbot: QtBot, page: EncodersPage) -> str:
    page.test()
    assert page.testing and not page.test_button.isEnabled()
    qtbot.waitUntil(lambda: not page.testing, timeout=WAIT_MS)
    return page.test_result.text()


def test_add_edit_and_delete_an_encoder(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    page = page_for(qtbot, desk)
    assert page.encoders.rowCount() == 1 and page.encoders.item(0, 1).text() == "1"
    dialog = new_encoder(qtbot, page)
    dialog.name.setText("Back office")
    dialog.external_id.setText("2")
    accept(qtbot, dialog)
    assert {(each.name, each.external_id) for each in encoders(desk)} == {("Reception", "1"), ("Back office", "2")}
    wait_loaded(qtbot, page)
    assert page.encoders.rowCount() == 2
    assert python_made(page.encoders) == []

    page.encoders.selectRow([page.encoders.item(row, 0).text() for row in range(2)].index("Back office"))
    edit = page.open_encoder(edit=True)
    assert edit is not None and not edit.ready
    opened(qtbot, edit)
    assert (edit.name.text(), edit.external_id.text()) == ("Back office", "2")
    edit.name.setText("Office")
    accept(qtbot, edit)
    assert {each.name for each in encoders(desk)} == {"Reception", "Office"}
    wait_loaded(qtbot, page)

    page.ask_delete()
    assert page.question is not None and "Office" in page.question.text()
    page.question.answer(True)
    qtbot.waitUntil(lambda: page.encoders.rowCount() == 1, timeout=WAIT_MS)
    assert [each.name for each in encoders(desk)] == ["Reception"]


def test_an_identifier_in_use_is_refused_at_its_field(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    page = page_for(qtbot, desk)
    dialog = new_encoder(qtbot, page)
    dialog.name.setText("Second desk")
    dialog.external_id.setText("1")
    refused(qtbot, dialog)
    assert dialog.errors.marked() == ["external_id"]
    assert "already has the identifier '1'" in dialog.message.text()
    assert len(encoders(desk)) == 1
    dialog.reject()


def test_an_encoder_deleted_meanwhile_is_said_plainly(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    page = page_for(qtbot, desk)
    with desk.database.unit_of_work() as session:
        ConfigRepository(session).delete_encoder(desk.encoder.id)  # by another desk
    dialog = page.open_encoder(edit=True)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.message.text() != "", timeout=WAIT_MS)
    assert not dialog.ready and "encoder" in dialog.message.text()
    dialog.reject()
    page.test()
    qtbot.waitUntil(lambda: not page.testing, timeout=WAIT_MS)
    assert "encoder" in page.message.text() and page.test_result.text() == ""


def test_the_encoder_test_pings_salto_and_reads_a_card(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    key = desk.add_key("1")
    desk.context.salto_operations(desk.administration).encode_cards(key, desk.encoder, 1, EncodeMode.NEW)
    page = page_for(qtbot, desk)
    text = run_test(qtbot, page)
    assert "Ping: SALTO answered in" in text
    assert "Read check: place a card on Reception." in text
    assert "Reception read a guest card (rooms: Chalet 10). The encoder works." in text
    assert page.test_button.isEnabled()


def test_an_unreachable_salto_fails_the_ping_plainly(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    desk.simulator.stop()
    page = page_for(qtbot, desk)
    text = run_test(qtbot, page)
    assert f"Ping failed, SALTO at {desk.administration.salto_endpoint} did not answer:" in text
    assert "Read check" not in text


def test_an_unknown_encoder_fails_the_read_check_with_salto_guidance(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    with desk.database.unit_of_work() as session:
        ConfigRepository(session).update_encoder(
            desk.encoder.id, Encoder(id=desk.encoder.id, administration_id=desk.administration.id, name="Reception",
                                     external_id="9")
        )  # fmt: skip
    page = page_for(qtbot, desk)
    text = run_test(qtbot, page)
    assert "Ping: SALTO answered in" in text
    assert "Read check failed:" in text


def test_the_card_wait_can_be_cancelled(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk(card_delay=30.0)
    page = page_for(qtbot, desk)
    page.test()
    qtbot.waitUntil(lambda: "place a card" in page.test_result.text(), timeout=WAIT_MS)
    assert page.cancel_button.isVisibleTo(page)
    page.cancel_test()
    qtbot.waitUntil(lambda: not page.testing, timeout=WAIT_MS)
    assert page.test_result.text().endswith("Test cancelled.")
    assert not page.cancel_button.isVisibleTo(page)


def test_the_encoder_id_is_checked_as_it_is_typed_and_ok_waits_for_a_number(
    qtbot: QtBot, make_desk: DeskFactory
) -> None:
    desk = make_desk("nl")
    page = page_for(qtbot, desk)
    dialog = new_encoder(qtbot, page)
    assert not dialog.id_check.message.isVisibleTo(dialog)  # nothing typed: nothing said yet, OK off
    qtbot.keyClicks(dialog.external_id, "abc")
    assert not dialog.ready and dialog.errors.marked() == ["external_id"]
    assert not dialog.message.isVisibleTo(dialog)  # said at the field, before any OK
    said = dialog.id_check.message.text()
    assert dialog.id_check.message.isVisibleTo(dialog) and "is een getal" in said and "'abc'" in said
    dialog.external_id.setText(" 12 ")
    assert dialog.ready and not dialog.id_check.message.isVisibleTo(dialog)
    dialog.external_id.setText("1" * 25)  # longer than SALTO's 24 characters
    assert not dialog.ready and "24" in dialog.id_check.message.text()
    dialog.reject()


def test_encoder_names_are_taken_once_the_page_says_salto_knows_them_by_name(
    qtbot: QtBot, make_desk: DeskFactory
) -> None:
    desk = make_desk()
    page = page_for(qtbot, desk)
    assert page.named.isEnabled() and not page.named.isChecked()
    page.named.click()
    qtbot.waitUntil(lambda: page.named.isEnabled(), timeout=WAIT_MS)
    assert desk.context.services.encoders.named_identifiers()
    dialog = new_encoder(qtbot, page)
    dialog.name.setText("Kiosk")
    dialog.external_id.setText("Online Encoder 1")
    assert dialog.ready
    accept(qtbot, dialog)
    assert ("Kiosk", "Online Encoder 1") in {(each.name, each.external_id) for each in encoders(desk)}
