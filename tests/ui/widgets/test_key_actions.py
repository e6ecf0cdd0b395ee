"""The key panel against the simulator: print, copy, cancel, errors, send to phone and delete."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pytestqt.qtbot import QtBot

from salto_desk.keys.model import (
    AuditAction,
    AuditState,
    FlagCode,
    Holder,
    HolderKind,
    KeyData,
    KeyFlag,
    KeyState,
    Validity,
)
from salto_desk.keys.rules import EncodeMode
from salto_desk.protocol.errors import ERROR_CODES, Cancelled
from salto_desk.simulator.cards import SimCard
from salto_desk.storage.sync_key_repository import SyncKeyRepository
from tests.ui.widgets.conftest import PHONES, WAIT_MS, DeskFactory
from ui.dialogs.delete_key import DeleteKeyDialog
from ui.dialogs.print_cards import PrintCardsDialog
from ui.dialogs.send_to_phone import SendToPhoneDialog, unregistered_guidance
from ui.widgets.key_actions import KeyActionsPanel


def wait_idle(qtbot: QtBot, panel: KeyActionsPanel) -> None:
    qtbot.waitUntil(lambda: not panel.busy() and not panel.prompt.busy(), timeout=WAIT_MS)


def print_dialog(qtbot: QtBot, panel: KeyActionsPanel, *, copy: bool = False) -> PrintCardsDialog:
    (panel.copy_button if copy else panel.print_button).click()
    dialog = panel.dialog
    assert isinstance(dialog, PrintCardsDialog)
    return dialog


def cell(panel: KeyActionsPanel, row: int, column: int) -> str:
    item = panel.history_table.item(row, column)
    assert item is not None
    return item.text()


def collect_changes(panel: KeyActionsPanel) -> list[KeyData | None]:
    changes: list[KeyData | None] = []
    panel.key_changed.connect(changes.append)
    return changes


# --- showing a key -------------------------------------------------------------------------------


def test_shows_the_key_data_with_names_local_times_and_history(make_desk: DeskFactory, qtbot: QtBot) -> None:
    desk = make_desk()
    key = desk.key(
        validity=Validity(datetime(2030, 7, 1, 13, 0, tzinfo=UTC), datetime(2030, 7, 4, 8, 0, tzinfo=UTC)),
        granted=(1, 2, 3),
        denied=(4,),
    )
    key = desk.issued(key)
    panel = desk.panel(qtbot, key)
    assert panel.view.key_type_label.text().startswith("Guest")
    assert panel.view.rooms_label.text() == "101"
    assert panel.view.validity_label.text() == "01-07-2030 15:00 until 04-07-2030 10:00 (Europe/Amsterdam)"
    assert panel.view.authorizations_label.text() == "1 Main gate, 2 Pool, 3 authorization 3; denied: 4 authorization 4"
    assert panel.view.state_label.text() == "Issued"
    assert panel.view.state_label.property("chip") == "issued"
    assert not panel.view.state_note.isVisibleTo(panel)
    panel.resize(900, 700)
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.view.state_label.width() == panel.view.state_label.sizeHint().width()  # a chip as wide as its word
    assert panel.view.cards_label.text().startswith("1 card, made on encoder Front desk at 01-07-2030 12:00")
    assert "serial numbers:" in panel.view.cards_label.text()
    assert panel.view.deliveries_label.text() == "none"
    history = [cell(panel, row, 1) for row in range(panel.history_table.rowCount())]
    assert history == ["New card"]
    assert [cell(panel, 0, 2), cell(panel, 0, 5)] == ["101", "done"]
    assert panel.history_table.item(0, 1).toolTip() == "SALTO command CN"  # the code is for whoever needs it
    assert [panel.print_button.isEnabled(), panel.copy_button.isEnabled()] == [True, True]


def test_a_key_that_needs_re_encoding_is_highlighted(make_desk: DeskFactory, qtbot: QtBot) -> None:
    desk = make_desk()
    panel = desk.panel(qtbot, desk.key(state=KeyState.NEEDS_REENCODE))
    assert panel.view.state_label.property("chip") == "needs-reencode"
    assert panel.view.state_label.text() == "Needs re-encode"  # the chip carries its word
    assert panel.view.state_note.text() == "The stay changed after the cards were made; print new cards."
    assert panel.view.state_note.isVisibleTo(panel)


def test_what_the_sync_found_wrong_with_a_key_is_said_on_it(make_desk: DeskFactory, qtbot: QtBot) -> None:
    desk = make_desk()
    plain = desk.panel(qtbot, desk.key())
    assert not plain.view.flags_label.isVisibleTo(plain)
    key = desk.key()
    refused = KeyFlag(FlagCode.PHONE_REFUSED, (("phone", "call me"), ("reason", "not_a_number")))
    with desk.database.unit_of_work() as session:
        SyncKeyRepository(session).replace_flags({key.id: [refused]})
    panel = desk.panel(qtbot, key)
    assert panel.view.flags_label.isVisibleTo(panel)
    assert panel.view.flags_label.text().startswith("No mobile key can go to the phone in BEX:")


def test_without_a_key_nothing_can_be_done(make_desk: DeskFactory, qtbot: QtBot) -> None:
    desk = make_desk()
    panel = desk.panel(qtbot, None)
    assert panel.empty_label.isVisibleTo(panel)
    assert not any(
        button.isEnabled() for button in (panel.print_button, panel.copy_button, panel.send_button, panel.delete_button)
    )


# --- print and copy ------------------------------------------------------------------------------


def test_print_new_cards_prompts_cn_then_cc_in_order_with_a_countdown(make_desk: DeskFactory, qtbot: QtBot) -> None:
    desk = make_desk(card_delay=0.5)
    key = desk.key()
    panel = desk.panel(qtbot, key)
    changes = collect_changes(panel)
    dialog = print_dialog(qtbot, panel)
    assert dialog.mode() is EncodeMode.NEW
    dialog.count_box.setValue(2)
    dialog.accept()
    assert panel.busy()
    assert not panel.print_button.isEnabled()
    qtbot.waitUntil(lambda: panel.prompt.countdown_label.isVisibleTo(panel.prompt), timeout=WAIT_MS)
    remaining = panel.prompt.remaining_seconds()
    assert remaining is not None and 0 < remaining <= desk.administration.reply_timeout
    assert "waits" in panel.prompt.countdown_label.text()
    wait_idle(qtbot, panel)
    assert panel.prompt.steps() == [
        "Sending to SALTO...",
        "Place card 1 of 2 on encoder Front desk.",
        "Card 1 of 2 done.",
        "Place card 2 of 2 on encoder Front desk.",
        "Card 2 of 2 done.",
        "Done.",
    ]
    assert not panel.prompt.countdown_label.isVisibleTo(panel.prompt)
    assert [(entry.command, entry.card_number, entry.state) for entry in desk.audit()] == [
        ("CN", 1, AuditState.OK),
        ("CC", 2, AuditState.OK),
    ]
    assert len(changes) == 1 and changes[0] is not None and changes[0].cards.count == 2
    qtbot.waitUntil(lambda: panel.history_table.rowCount() == 2, timeout=WAIT_MS)
    assert panel.view.cards_label.text().startswith("2 cards, the last on encoder")
    assert panel.print_button.isEnabled()


def test_copy_sends_cc_only_and_keeps_the_cards_made(make_desk: DeskFactory, qtbot: QtBot) -> None:
    desk = make_desk(card_delay=0.2)
    key = desk.issued(desk.key())
    panel = desk.panel(qtbot, key)
    dialog = print_dialog(qtbot, panel, copy=True)
    assert dialog.mode() is EncodeMode.COPY
    dialog.accept()
    wait_idle(qtbot, panel)
    assert panel.prompt.steps() == [
        "Sending to SALTO...",
        "Place card 1 of 1 on encoder Front desk.",
        "Card 1 of 1 done.",
        "Done.",
    ]
    assert [entry.command for entry in desk.audit()] == ["CN", "CC"]
    assert desk.reload(key).cards.count == 2


def test_print_defaults_to_copy_when_cards_exist_and_remembers_the_encoder(
    make_desk: DeskFactory, qtbot: QtBot
) -> None:
    desk = make_desk()
    key = desk.issued(desk.key())
    panel = desk.panel(qtbot, key)
    dialog = print_dialog(qtbot, panel)
    assert dialog.mode() is EncodeMode.COPY
    dialog.accept()
    wait_idle(qtbot, panel)
    remembered = desk.context.settings.value(f"print/last_encoder/{desk.administration.id}")
    assert int(remembered) == desk.encoder.id


def test_cancel_during_the_card_wait_stops_the_job(make_desk: DeskFactory, qtbot: QtBot) -> None:
    desk = make_desk(card_delay=30.0)  # the card would come long after the test's wait gives up
    key = desk.key()
    panel = desk.panel(qtbot, key)
    print_dialog(qtbot, panel).accept()
    qtbot.waitUntil(lambda: panel.prompt.steps()[-1:] == ["Place card 1 of 1 on encoder Front desk."], timeout=WAIT_MS)
    assert panel.prompt.cancel_button.isEnabled()
    panel.prompt.cancel_button.click()
    qtbot.waitUntil(lambda: not panel.prompt.busy(), timeout=3000)
    assert panel.prompt.steps()[-2:] == ["Cancelling...", "Cancelled."]
    assert panel.prompt.error_label.text() == Cancelled().message("en")
    assert not panel.prompt.cancel_button.isVisibleTo(panel.prompt)
    wait_idle(qtbot, panel)
    [entry] = desk.audit()
    assert (entry.command, entry.state) == ("CN", AuditState.CANCELLED)
    assert desk.reload(key).cards.count == 0
    assert panel.print_button.isEnabled()


@pytest.mark.parametrize("code", ["TD", "ED", "EA", "OV", "NC"])
def test_every_salto_error_shows_the_message_and_the_suggested_action(
    make_desk: DeskFactory, qtbot: QtBot, code: str
) -> None:
    desk = make_desk()
    panel = desk.panel(qtbot, desk.key())
    desk.simulator.faults.error_reply_next(code)
    print_dialog(qtbot, panel).accept()
    wait_idle(qtbot, panel)
    info = ERROR_CODES[code]
    assert panel.prompt.steps()[-1] == "Failed."
    assert panel.prompt.error_label.text() == info.message("en")
    assert panel.prompt.action_label.text() == info.action("en")
    assert [(entry.state, entry.error_code) for entry in desk.audit()] == [(AuditState.SALTO_ERROR, code)]


def test_errors_are_shown_in_the_desk_language(make_desk: DeskFactory, qtbot: QtBot) -> None:
    desk = make_desk(language="nl")
    panel = desk.panel(qtbot, desk.key())
    desk.simulator.faults.error_reply_next("TD")
    print_dialog(qtbot, panel).accept()
    wait_idle(qtbot, panel)
    assert panel.prompt.error_label.text() == ERROR_CODES["TD"].message("nl")
    assert panel.prompt.action_label.text() == ERROR_CODES["TD"].action("nl")
    assert panel.prompt.steps()[-1] == "Mislukt."


def test_an_error_on_a_later_card_keeps_the_cards_already_made(make_desk: DeskFactory, qtbot: QtBot) -> None:
    desk = make_desk(card_delay=1.0)
    key = desk.key()
    panel = desk.panel(qtbot, key)
    changes = collect_changes(panel)
    dialog = print_dialog(qtbot, panel)
    dialog.count_box.setValue(2)
    dialog.accept()
    qtbot.waitUntil(lambda: "Place card 2 of 2 on encoder Front desk." in panel.prompt.steps(), timeout=WAIT_MS)
    desk.simulator.place_card("1", SimCard.staff())  # a staff card instead of a blank one: EV
    wait_idle(qtbot, panel)
    assert panel.prompt.steps()[-1] == "Failed."
    assert panel.prompt.error_label.text() == ERROR_CODES["EV"].message("en")
    qtbot.waitUntil(lambda: bool(changes), timeout=WAIT_MS)
    assert changes[-1] is not None and changes[-1].cards.count == 1
    qtbot.waitUntil(lambda: panel.view.cards_label.text().startswith("1 card, made on"), timeout=WAIT_MS)


# --- send to phone -------------------------------------------------------------------------------


def send_dialog(panel: KeyActionsPanel) -> SendToPhoneDialog:
    panel.send_button.click()
    dialog = panel.dialog
    assert isinstance(dialog, SendToPhoneDialog)
    return dialog


def test_send_to_phone_refuses_a_bad_number_before_sending(make_desk: DeskFactory, qtbot: QtBot) -> None:
    desk = make_desk()
    panel = desk.panel(qtbot, desk.key(), phone_hint="06 1234")
    dialog = send_dialog(panel)
    assert dialog.phone_edit.text() == "06 1234"
    dialog.accept()
    assert dialog.isVisible()
    assert "has 5 digits after the country code +31; numbers of +31 have 9" in dialog.error_label.text()
    assert not panel.busy()
    assert desk.audit() == []


def test_send_to_phone_with_a_good_number_then_an_extra_phone(make_desk: DeskFactory, qtbot: QtBot) -> None:
    desk = make_desk()
    key = desk.key()
    panel = desk.panel(qtbot, key, phone_hint="+31 6 1234 5678")
    changes = collect_changes(panel)
    dialog = send_dialog(panel)
    assert dialog.command == "CNM"
    dialog.accept()
    wait_idle(qtbot, panel)
    assert panel.prompt.steps()[0] == "Sending to SALTO..."
    assert panel.prompt.steps()[-1] == "Done."
    assert changes[-1] is not None and [each.phone for each in changes[-1].deliveries] == [PHONES[0]]
    qtbot.waitUntil(lambda: PHONES[0] in panel.view.deliveries_label.text(), timeout=WAIT_MS)
    assert panel.copy_button.isEnabled()

    dialog = send_dialog(panel)
    assert dialog.command == "CCM"
    dialog.phone_edit.setText(PHONES[1])
    dialog.accept()
    wait_idle(qtbot, panel)
    assert [(entry.command, entry.state) for entry in desk.audit()] == [
        ("CNM", AuditState.OK),
        ("CCM", AuditState.OK),
    ]
    assert [each.command for each in desk.reload(key).deliveries] == ["CNM", "CCM"]


def test_an_unregistered_phone_gets_the_justin_guidance(make_desk: DeskFactory, qtbot: QtBot) -> None:
    desk = make_desk()
    panel = desk.panel(qtbot, desk.key(), phone_hint="+31699999999")
    send_dialog(panel).accept()
    wait_idle(qtbot, panel)
    assert panel.prompt.error_label.text().startswith(ERROR_CODES["EG"].message("en"))
    assert "not registered in JustIN Mobile" in panel.prompt.error_label.text()
    action = panel.prompt.action_label.text()
    assert action.startswith(ERROR_CODES["EG"].action("en"))
    assert action.endswith(unregistered_guidance("+31699999999", "en"))
    assert [(entry.command, entry.error_code) for entry in desk.audit()] == [("CNM", "EG")]


# --- delete --------------------------------------------------------------------------------------


def delete_dialog(qtbot: QtBot, panel: KeyActionsPanel) -> DeleteKeyDialog:
    panel.delete_button.click()
    qtbot.waitUntil(lambda: isinstance(panel.dialog, DeleteKeyDialog), timeout=WAIT_MS)
    dialog = panel.dialog
    assert isinstance(dialog, DeleteKeyDialog)
    return dialog


def test_delete_without_shared_rooms_checks_out_and_deletes(make_desk: DeskFactory, qtbot: QtBot) -> None:
    desk = make_desk()
    key = desk.issued(desk.key())
    panel = desk.panel(qtbot, key)
    changes = collect_changes(panel)
    dialog = delete_dialog(qtbot, panel)
    assert dialog.others == ()
    assert "101" in dialog.stops_label.text() and "1 card," in dialog.stops_label.text()
    dialog.accept()
    wait_idle(qtbot, panel)
    assert panel.prompt.steps()[-1] == "Done."
    assert changes == [None]
    assert panel.key() is None
    assert panel.empty_label.isVisibleTo(panel)
    assert panel.prompt.isVisibleTo(panel)  # the outcome stays in view
    assert [(entry.action, entry.command) for entry in desk.audit()][-2:] == [
        (AuditAction.CHECK_OUT, "CO"),
        (AuditAction.DELETE_KEY, ""),
    ]


def test_the_history_stays_after_the_key_data_is_deleted(make_desk: DeskFactory, qtbot: QtBot) -> None:
    """The audit trail is permanent: the booking's history still shows what was done, and the delete."""
    desk = make_desk()
    key = desk.issued(desk.key())
    panel = desk.panel(qtbot, key)
    delete_dialog(qtbot, panel).accept()
    wait_idle(qtbot, panel)
    what = ["Key data deleted", "Checked out in SALTO", "New card"]
    qtbot.waitUntil(lambda: [cell(panel, row, 1) for row in range(panel.history_table.rowCount())] == what)
    shown_again = desk.panel(qtbot, None, holder=key.holder)  # the booking selected later: no key, its history
    qtbot.waitUntil(lambda: shown_again.history_table.rowCount() == 3, timeout=WAIT_MS)
    assert [cell(shown_again, row, 1) for row in range(3)] == what
    other = desk.panel(qtbot, None, holder=Holder(HolderKind.RESERVATION, "res-other", "26-1 Other"))
    qtbot.wait(200)
    assert other.history_table.rowCount() == 0


def test_nothing_selected_clears_the_key_and_its_error(make_desk: DeskFactory, qtbot: QtBot) -> None:
    desk = make_desk()
    panel = desk.panel(qtbot, desk.key())
    panel.prompt.show_error(RuntimeError("an earlier failure"))
    panel.show_nothing()
    assert panel.key() is None and panel.empty_label.isVisibleTo(panel)
    assert not panel.prompt.isVisibleTo(panel) and panel.history_table.rowCount() == 0


def test_retry_after_the_card_came_too_late_makes_the_cards_still_missing(make_desk: DeskFactory, qtbot: QtBot) -> None:
    desk = make_desk(no_card=True, card_timeout=1.0)
    panel = desk.panel(qtbot, desk.key())
    dialog = print_dialog(qtbot, panel)
    dialog.count_box.setValue(2)
    dialog.accept()
    qtbot.waitUntil(lambda: "Place card 1 of 2 on encoder Front desk." in panel.prompt.steps(), timeout=WAIT_MS)
    desk.simulator.place_card("1", SimCard.blank())  # card 1 arrives; nobody brings card 2: ED
    wait_idle(qtbot, panel)
    assert panel.prompt.error_label.text() == ERROR_CODES["ED"].message("en")
    assert panel.prompt.retry_button.isVisibleTo(panel.prompt)
    panel.prompt.retry_button.click()
    assert "a copy card" in panel.prompt.title_label.text()  # the one card still missing, as a copy
    qtbot.waitUntil(lambda: "Place card 1 of 1 on encoder Front desk." in panel.prompt.steps(), timeout=WAIT_MS)
    desk.simulator.place_card("1", SimCard.blank())
    wait_idle(qtbot, panel)
    assert panel.prompt.steps()[-1] == "Done." and not panel.prompt.retry_button.isVisibleTo(panel.prompt)
    assert [(entry.command, entry.error_code) for entry in desk.audit()] == [("CN", ""), ("CC", "ED"), ("CC", "")]
    qtbot.waitUntil(lambda: panel.view.cards_label.text().startswith("2 cards"), timeout=WAIT_MS)


def test_delete_with_shared_rooms_names_the_other_keys_and_needs_confirmation(
    make_desk: DeskFactory, qtbot: QtBot
) -> None:
    desk = make_desk()
    key = desk.issued(desk.key())
    other = desk.issued(desk.key(holder=Holder(HolderKind.OWNER, "owner-7", "Owner De Vries")))
    panel = desk.panel(qtbot, key)
    changes = collect_changes(panel)
    dialog = delete_dialog(qtbot, panel)
    assert [each.id for each in dialog.others] == [other.id]
    assert "Owner De Vries" in dialog.others_list.item(0).text()
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.error_label.isVisibleTo(dialog)
    dialog.confirm_box.setChecked(True)
    assert dialog.shared_rooms_confirmed
    dialog.accept()
    wait_idle(qtbot, panel)
    assert panel.prompt.steps()[-1] == "Done."
    assert changes == [None]
    assert desk.reload(other).id == other.id


def test_a_key_never_issued_is_deleted_without_salto(make_desk: DeskFactory, qtbot: QtBot) -> None:
    desk = make_desk()
    panel = desk.panel(qtbot, desk.key())
    dialog = delete_dialog(qtbot, panel)
    assert "nothing changes in SALTO" in dialog.stops_label.text()
    dialog.accept()
    wait_idle(qtbot, panel)
    assert [entry.action for entry in desk.audit()] == [AuditAction.DELETE_KEY]


def test_a_key_deleted_at_another_desk_disappears_when_shown(make_desk: DeskFactory, qtbot: QtBot) -> None:
    desk = make_desk()
    key = desk.key()
    desk.context.salto_operations(desk.administration).delete_key(key)
    panel = KeyActionsPanel(desk.context)
    qtbot.addWidget(panel)
    changes = collect_changes(panel)
    panel.show_key(key, desk.administration)
    qtbot.waitUntil(lambda: panel.key() is None, timeout=WAIT_MS)
    assert changes == [None]
    assert panel.empty_label.isVisibleTo(panel)
