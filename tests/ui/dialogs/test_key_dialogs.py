"""The Print, Send to phone and Delete dialogs, driven programmatically (no exec())."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from salto_desk.keys.model import (
    CardsEncoded,
    Encoder,
    Holder,
    HolderKind,
    KeyData,
    KeyState,
    MobileDelivery,
    Validity,
)
from salto_desk.keys.rules import EncodeMode
from ui.dialogs.delete_key import DeleteKeyDialog
from ui.dialogs.print_cards import PrintCardsDialog, last_encoder_setting
from ui.dialogs.send_to_phone import SendToPhoneDialog, unregistered_guidance

START = datetime(2030, 7, 1, 13, 0, tzinfo=UTC)
ENCODERS = (
    Encoder(id=4, administration_id=1, name="Front desk", external_id="1"),
    Encoder(id=9, administration_id=1, name="Back office", external_id="2"),
)


def key_data(key_id: int = 1, *, cards: int = 0, phones: tuple[str, ...] = (), **changes: object) -> KeyData:
    values: dict[str, object] = {
        "id": key_id,
        "administration_id": 1,
        "key_type_id": 1,
        "holder": Holder(HolderKind.RESERVATION, f"res-{key_id}", f"25-0012{key_id} Jansen"),
        "rooms": ("101",),
        "validity": Validity(START, START + timedelta(days=3)),
        "cards": CardsEncoded(count=cards, last_encoder="Front desk" if cards else None),
        "deliveries": tuple(MobileDelivery(phone, "CNM", START) for phone in phones),
        "state": KeyState.ISSUED if cards or phones else KeyState.READY,
    }
    values.update(changes)
    return KeyData(**values)  # type: ignore[arg-type]


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)


# --- print ---------------------------------------------------------------------------------------


def test_print_defaults_to_new_cards_when_none_exist_and_copy_is_not_offered(qtbot: QtBot, settings: QSettings) -> None:
    dialog = PrintCardsDialog(key_data(), ENCODERS, settings, mode=EncodeMode.COPY)
    qtbot.addWidget(dialog)
    assert dialog.mode() is EncodeMode.NEW
    assert not dialog.copy_button.isEnabled()
    assert "nothing to copy" in dialog.note_label.text()
    assert dialog.warning_label.text() == ""


def test_print_defaults_to_copy_when_cards_exist_and_warns_about_new_cards(qtbot: QtBot, settings: QSettings) -> None:
    dialog = PrintCardsDialog(key_data(cards=2, phones=("+31612345678",)), ENCODERS, settings)
    qtbot.addWidget(dialog)
    assert dialog.mode() is EncodeMode.COPY
    assert dialog.warning_label.text() == ""
    dialog.new_button.setChecked(True)
    assert dialog.mode() is EncodeMode.NEW
    warning = dialog.warning_label.text()
    assert "what the guest has now stops working (2 cards and 1 phone key)" in warning
    dialog.copy_button.setChecked(True)
    assert dialog.warning_label.text() == ""


def test_print_defaults_to_new_cards_when_the_key_needs_re_encoding(qtbot: QtBot, settings: QSettings) -> None:
    dialog = PrintCardsDialog(key_data(cards=1, state=KeyState.NEEDS_REENCODE), ENCODERS, settings)
    qtbot.addWidget(dialog)
    assert dialog.mode() is EncodeMode.NEW
    assert "print new cards" in dialog.note_label.text()
    assert "stops working (1 card)" in dialog.warning_label.text()


def test_print_remembers_the_encoder_per_administration(qtbot: QtBot, settings: QSettings) -> None:
    first = PrintCardsDialog(key_data(), ENCODERS, settings)
    qtbot.addWidget(first)
    assert first.encoder() == ENCODERS[0]
    first.encoder_box.setCurrentIndex(1)
    first.count_box.setValue(3)
    first.accept()
    assert first.result() == PrintCardsDialog.DialogCode.Accepted
    assert (first.count(), first.encoder()) == (3, ENCODERS[1])
    assert int(settings.value(last_encoder_setting(1))) == ENCODERS[1].id
    again = PrintCardsDialog(key_data(2), ENCODERS, settings)
    qtbot.addWidget(again)
    assert again.encoder() == ENCODERS[1]
    other = PrintCardsDialog(key_data(3, administration_id=2), ENCODERS, settings)
    qtbot.addWidget(other)
    assert other.encoder() == ENCODERS[0]


def test_print_without_an_encoder_says_how_to_add_one(qtbot: QtBot, settings: QSettings) -> None:
    dialog = PrintCardsDialog(key_data(), (), settings, language="nl")
    qtbot.addWidget(dialog)
    assert not dialog.print_button.isEnabled()
    dialog.accept()
    assert dialog.result() != PrintCardsDialog.DialogCode.Accepted
    assert "Instellingen > Encoders" in dialog.error_label.text()
    assert dialog.count_box.maximum() == 20


# --- send to phone -------------------------------------------------------------------------------


def test_send_to_phone_is_prefilled_from_the_booking_then_the_key(qtbot: QtBot) -> None:
    hinted = SendToPhoneDialog(key_data(phone="+31600000001"), "+31687654321")
    fallback = SendToPhoneDialog(key_data(phone="+31600000001"), None)
    empty = SendToPhoneDialog(key_data(), None)
    for dialog in (hinted, fallback, empty):
        qtbot.addWidget(dialog)
    assert [hinted.phone_edit.text(), fallback.phone_edit.text(), empty.phone_edit.text()] == [
        "+31687654321",
        "+31600000001",
        "",
    ]


def test_send_to_phone_refuses_a_number_that_is_not_e164(qtbot: QtBot) -> None:
    dialog = SendToPhoneDialog(key_data(), "0612345678")
    qtbot.addWidget(dialog)
    dialog.accept()
    assert dialog.result() != SendToPhoneDialog.DialogCode.Accepted
    assert dialog.phone() is None
    assert "'0612345678' is not in international (E.164) format" in dialog.error_label.text()
    assert "+31612345678" in dialog.error_label.text()


def test_send_to_phone_reads_a_national_number_in_the_sites_country(qtbot: QtBot) -> None:
    dialog = SendToPhoneDialog(key_data(), "06 1234 5678", country="NL")
    qtbot.addWidget(dialog)
    dialog.accept()
    assert dialog.result() == SendToPhoneDialog.DialogCode.Accepted
    assert dialog.phone() == "+31612345678"


def test_send_to_phone_accepts_and_normalises_a_good_number(qtbot: QtBot) -> None:
    dialog = SendToPhoneDialog(key_data(), "0031 6 1234-5678")
    qtbot.addWidget(dialog)
    dialog.accept()
    assert dialog.result() == SendToPhoneDialog.DialogCode.Accepted
    assert dialog.phone() == "+31612345678"


def test_send_to_phone_says_whether_it_starts_the_stay_or_adds_a_phone(qtbot: QtBot) -> None:
    new = SendToPhoneDialog(key_data(), None)
    extra = SendToPhoneDialog(key_data(cards=1), None, language="nl")
    qtbot.addWidget(new)
    qtbot.addWidget(extra)
    assert (new.command, extra.command) == ("CNM", "CCM")
    assert new.command_label.text() == "This starts the stay on the phone."  # words, no protocol code
    assert "toe aan het verblijf" in extra.command_label.text() and "CCM" not in extra.command_label.text()
    assert extra.command_label.toolTip() == "SALTO: CCM"  # the code stays for installers, in the tooltip


def test_the_justin_guidance_names_the_phone() -> None:
    assert "+31699999999 is not registered in JustIN Mobile" in unregistered_guidance("+31699999999")
    assert "niet geregistreerd" in unregistered_guidance("+31699999999", "nl")


# --- delete --------------------------------------------------------------------------------------


def test_delete_names_the_rooms_cards_and_phone_keys_that_stop_working(qtbot: QtBot) -> None:
    dialog = DeleteKeyDialog(key_data(cards=2, phones=("+31612345678",), rooms=("101", "Pool")), [])
    qtbot.addWidget(dialog)
    assert dialog.stops_label.text() == (
        "What stops working: rooms 101, Pool, 2 cards, 1 phone key. SALTO checks the rooms out."
    )
    assert not dialog.confirm_box.isVisibleTo(dialog)
    dialog.accept()
    assert dialog.result() == DeleteKeyDialog.DialogCode.Accepted
    assert not dialog.shared_rooms_confirmed


def test_delete_of_a_key_never_issued_changes_nothing_in_salto(qtbot: QtBot) -> None:
    dialog = DeleteKeyDialog(key_data(), [], language="nl")
    qtbot.addWidget(dialog)
    assert dialog.stops_label.text() == (
        "Voor kamer 101 is geen kaart of telefoonsleutel gemaakt: in SALTO verandert niets."
    )


def test_delete_lists_the_other_keys_and_needs_the_box_ticked(qtbot: QtBot) -> None:
    owner = key_data(2, cards=1, holder=Holder(HolderKind.OWNER, "owner-7", "Owner De Vries"))
    dialog = DeleteKeyDialog(key_data(cards=1), [owner])
    qtbot.addWidget(dialog)
    assert dialog.others_list.count() == 1
    assert dialog.others_list.item(0).text() == "Owner De Vries: room 101, 1 card, 0 phone keys"
    dialog.accept()
    assert dialog.result() != DeleteKeyDialog.DialogCode.Accepted
    assert "Tick the box" in dialog.error_label.text()
    assert not dialog.shared_rooms_confirmed
    dialog.confirm_box.setChecked(True)
    dialog.accept()
    assert dialog.result() == DeleteKeyDialog.DialogCode.Accepted
    assert dialog.shared_rooms_confirmed


def test_print_ignores_a_remembered_encoder_that_is_gone_or_garbled(qtbot: QtBot, settings: QSettings) -> None:
    for remembered in ("77", "not a number"):
        settings.setValue(last_encoder_setting(1), remembered)
        dialog = PrintCardsDialog(key_data(), ENCODERS, settings)
        qtbot.addWidget(dialog)
        assert dialog.encoder() == ENCODERS[0]
