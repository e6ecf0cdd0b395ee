"""Owners tab: list and search owners, +Key, print and delete an owner key, and reading an owner's card."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from salto_desk.keys.model import Holder, HolderKind, KeyData, KeyState
from salto_desk.keys.rules import EncodeMode
from tests.storage.helpers import add_administration
from tests.ui.owners_desk import WAIT_MS, OwnersDesk, OwnersDeskFactory, make_owners_desk
from ui.dialogs.key_data import KeyDataDialog
from ui.dialogs.owner_key import OwnerKeyDialog
from ui.models.owners import Column
from ui.tabs.owners import OwnersTab
from ui.tabs.read_key import ReadKeyTab
from ui.widgets.room_editor import RoomEditor

__all__ = ["make_owners_desk"]


def owners_tab(qtbot: QtBot, desk: OwnersDesk) -> OwnersTab:
    tab = OwnersTab(desk.context)
    qtbot.addWidget(tab)
    qtbot.waitUntil(lambda: not tab.searching and tab.model.rowCount() > 0, timeout=WAIT_MS)
    return tab


def listed(tab: OwnersTab) -> list[str]:
    return [tab.proxy.row(row).owner.name for row in range(tab.proxy.rowCount())]


def search(qtbot: QtBot, tab: OwnersTab, text: str) -> None:
    tab.search_field.setText(text)
    qtbot.waitUntil(lambda: not tab.searching and tab.search_field.text() == text, timeout=WAIT_MS)
    tab.refresh()  # do not wait for the typing pause
    qtbot.waitUntil(lambda: not tab.searching, timeout=WAIT_MS)


def open_add_key(qtbot: QtBot, tab: OwnersTab) -> OwnerKeyDialog:
    """+Key: the dialog opens once the owner's key set-up is read."""
    tab.add_key_button.click()
    assert not tab.add_key_button.isEnabled()  # no second dialog while the first is prepared
    qtbot.waitUntil(lambda: tab.dialog is not None, timeout=WAIT_MS)
    dialog = tab.dialog
    assert dialog is not None and dialog.isVisible() and tab.add_key_button.isEnabled()
    return dialog


def create_key(qtbot: QtBot, tab: OwnersTab, rooms: list[str]) -> KeyData:
    """+Key with these rooms; returns once the tab shows the new key with its details."""
    dialog = open_add_key(qtbot, tab)
    assert isinstance(dialog.rooms, RoomEditor)
    dialog.set_rooms(rooms)
    with qtbot.waitSignal(dialog.created, timeout=WAIT_MS) as created:
        dialog.create_button.click()
    key = created.args[0]
    assert isinstance(key, KeyData)

    def shown() -> bool:
        details = tab.key_panel.details()
        return details is not None and details.key.id == key.id

    qtbot.waitUntil(shown, timeout=WAIT_MS)
    return key


def test_lists_owners_with_their_accommodations_and_searches_them(make_owners_desk: OwnersDeskFactory,
                                                                  qtbot: QtBot) -> None:  # fmt: skip
    desk = make_owners_desk()
    tab = owners_tab(qtbot, desk)
    assert listed(tab) == ["Anna Smit", "Joëlle de Vries", "Piet Jansen"]
    assert tab.count_label.text() == "3 owners"
    assert tab.table.isColumnHidden(Column.ADMINISTRATION)
    row = tab.model.find((desk.administration.id, "o1"))
    assert row is not None
    assert tab.model.data(tab.model.index(row, Column.ACCOMMODATIONS)) == "Villa 20 (101), Villa 21 (102)"
    assert tab.model.data(tab.model.index(row, Column.KEYS)) == "No key data"
    search(qtbot, tab, "JOELLE")
    assert listed(tab) == ["Joëlle de Vries"]
    search(qtbot, tab, "chalet zee")
    assert listed(tab) == ["Piet Jansen"]  # Anna's agreement for the chalet ended last year
    search(qtbot, tab, "102")
    assert listed(tab) == ["Joëlle de Vries"]
    search(qtbot, tab, "nobody")
    assert listed(tab) == [] and tab.count_label.text().startswith("No owners found.")


def test_the_search_runs_after_a_typing_pause(make_owners_desk: OwnersDeskFactory, qtbot: QtBot) -> None:
    tab = owners_tab(qtbot, make_owners_desk())
    tab.search_field.setText("piet")
    qtbot.waitUntil(lambda: listed(tab) == ["Piet Jansen"], timeout=WAIT_MS)


def test_the_administration_filter(make_owners_desk: OwnersDeskFactory, qtbot: QtBot) -> None:
    desk = make_owners_desk()
    add_administration(desk.database, pms_id="8", name="Hotel Zon", salto_endpoint="127.0.0.1:9")
    tab = owners_tab(qtbot, desk)
    filters = [tab.administration_filter.itemText(index) for index in range(tab.administration_filter.count())]
    assert filters == ["All administrations", "Hotel Zon", "Park De Duinen"]
    assert not tab.table.isColumnHidden(Column.ADMINISTRATION)
    tab.administration_filter.setCurrentIndex(1)
    qtbot.waitUntil(lambda: not tab.searching and listed(tab) == [], timeout=WAIT_MS)
    tab.administration_filter.setCurrentIndex(2)
    qtbot.waitUntil(lambda: not tab.searching and len(listed(tab)) == 3, timeout=WAIT_MS)


def test_selecting_an_owner_shows_their_details_and_no_key_yet(make_owners_desk: OwnersDeskFactory,
                                                               qtbot: QtBot) -> None:  # fmt: skip
    desk = make_owners_desk()
    tab = owners_tab(qtbot, desk)
    assert not tab.add_key_button.isEnabled() and not tab.key_panel.isEnabled()
    assert tab.select((desk.administration.id, "o1"))
    assert tab.selected() is not None and tab.selected().owner.pms_id == "o1"  # type: ignore[union-attr]
    assert (tab.name_label.text(), tab.phone_label.text(), tab.email_label.text()) == (
        "Joëlle de Vries", "+31612345678", "joelle@example.com",
    )  # fmt: skip
    assert tab.units_label.text() == "Villa 20 (101), Villa 21 (102)"
    assert tab.add_key_button.isEnabled() and tab.key_panel.isEnabled() and tab.key_panel.key() is None
    assert tab.key_choice.currentText() == "No key data yet: use +Key" and not tab.key_choice.isEnabled()


def test_add_key_refuses_then_creates_and_shows_the_owner_key(make_owners_desk: OwnersDeskFactory,
                                                              qtbot: QtBot) -> None:  # fmt: skip
    desk = make_owners_desk()
    tab = owners_tab(qtbot, desk)
    tab.select((desk.administration.id, "o1"))
    dialog = open_add_key(qtbot, tab)
    dialog.create_button.click()
    qtbot.waitUntil(lambda: not dialog.creating(), timeout=WAIT_MS)
    assert dialog.invalid_fields() == ["rooms"] and dialog.isVisible() and desk.owner_keys("o1") == []
    dialog.set_rooms(["101", "102"])
    with qtbot.waitSignal(dialog.finished, timeout=WAIT_MS):
        dialog.create_button.click()
    qtbot.waitUntil(lambda: tab.key_panel.details() is not None, timeout=WAIT_MS)
    (stored,) = desk.owner_keys("o1")
    assert dialog.key == stored
    assert tab.dialog is None
    assert tab.key_panel.key() == stored and tab.key_panel.view.rooms_label.text() == "101, 102"
    assert tab.key_panel.view.key_type_label.text() == "Owner"
    assert tab.key_choice.currentText() == "101, 102 · 01-07-2030 – 01-07-2031 · Ready to print"
    assert tab.selected() is not None and tab.selected().keys == (stored,)  # type: ignore[union-attr]
    keys_column = tab.model.data(tab.model.index(tab.model.find((desk.administration.id, "o1")) or 0, Column.KEYS))
    assert keys_column == "Ready to print"

    second = create_key(qtbot, tab, ["102"])  # a second key: the choice lists both and shows the new one
    first, stored_second = desk.owner_keys("o1")
    assert first == stored and stored_second == second
    assert tab.key_choice.count() == 2 and tab.key_choice.isEnabled()
    assert tab.key_panel.key() == second
    tab.key_choice.setCurrentIndex(0)
    assert tab.key_panel.key() is not None and tab.key_panel.key().id == first.id  # type: ignore[union-attr]


def test_print_then_delete_an_owner_key_through_the_key_panel(make_owners_desk: OwnersDeskFactory,
                                                              qtbot: QtBot) -> None:  # fmt: skip
    desk = make_owners_desk()
    tab = owners_tab(qtbot, desk)
    tab.select((desk.administration.id, "o2"))
    dialog = open_add_key(qtbot, tab)
    dialog.phone.setText("+31612345678")
    with qtbot.waitSignal(dialog.finished, timeout=WAIT_MS):
        dialog.create_button.click()
    qtbot.waitUntil(lambda: tab.key_panel.details() is not None, timeout=WAIT_MS)
    (key,) = desk.owner_keys("o2")
    assert tab.key_panel.print_button.isEnabled()

    tab.key_panel.encode(key, desk.encoder, 2, EncodeMode.NEW)
    qtbot.waitUntil(lambda: desk.owner_keys("o2")[0].cards.count == 2, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: tab.key_choice.currentText().endswith("Issued"), timeout=WAIT_MS)
    assert desk.simulator.state.requests == ("CN", "CC")
    assert desk.owner_keys("o2")[0].state is KeyState.ISSUED
    assert tab.key_panel.prompt.steps()[-1] == "Done."

    tab.key_panel.delete(desk.owner_keys("o2")[0], shared_rooms_confirmed=False)
    qtbot.waitUntil(lambda: desk.owner_keys("o2") == [], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: tab.key_choice.currentText() == "No key data yet: use +Key", timeout=WAIT_MS)
    assert desk.simulator.state.requests == ("CN", "CC", "CO")
    assert tab.key_panel.key() is None


def test_an_owner_key_is_edited_through_the_key_panel_with_the_room_editor_of_add_key(
    make_owners_desk: OwnersDeskFactory, qtbot: QtBot
) -> None:
    desk = make_owners_desk()
    tab = owners_tab(qtbot, desk)
    tab.select((desk.administration.id, "o1"))
    messages: list[str] = []
    tab.status_message.connect(messages.append)
    key = create_key(qtbot, tab, ["101"])
    tab.key_panel.print_copy()
    assert messages and messages[0].startswith("No cards were made for this key yet")
    tab.key_panel.edit_button.click()
    qtbot.waitUntil(lambda: isinstance(tab.key_panel.dialog, KeyDataDialog), timeout=WAIT_MS)
    dialog = tab.key_panel.dialog
    assert isinstance(dialog, KeyDataDialog)
    assert isinstance(dialog.rooms, RoomEditor)  # the editor +Key uses (create_key)
    assert dialog.rooms.rooms() == ["101"] and dialog.rooms.fields[1].findText("Chalet Zee") > 0
    dialog.rooms.add_room()
    qtbot.keyClicks(dialog.rooms.fields[1], "Pool house")  # typed: no PMS object has that door
    with qtbot.waitSignal(dialog.saved, timeout=WAIT_MS):
        dialog.save_button.click()
    qtbot.waitUntil(lambda: desk.owner_keys("o1")[0].rooms == ("101", "Pool house"), timeout=WAIT_MS)
    assert desk.owner_keys("o1")[0].holder == key.holder


def test_reading_an_owner_card_links_back_to_the_owner(make_owners_desk: OwnersDeskFactory, qtbot: QtBot) -> None:
    desk = make_owners_desk()
    tab = owners_tab(qtbot, desk)
    tab.select((desk.administration.id, "o1"))
    key = create_key(qtbot, tab, ["101"])
    desk.context.salto_operations(desk.administration).encode_cards(key, desk.encoder, 1, EncodeMode.NEW)

    reader = ReadKeyTab(desk.context)
    qtbot.addWidget(reader)
    qtbot.waitUntil(lambda: reader.start_button.isEnabled(), timeout=WAIT_MS)
    reader.start_button.click()
    qtbot.waitUntil(lambda: reader.report() is not None, timeout=WAIT_MS)
    assert reader.belongs_to.text() == "Owner: Joëlle de Vries" and reader.holder_button.text() == "Open owner"
    with qtbot.waitSignal(reader.open_holder, timeout=WAIT_MS) as opened:
        reader.holder_button.click()
    holder = opened.args[0]
    assert holder == Holder(HolderKind.OWNER, "o1", "Joëlle de Vries")

    search(qtbot, tab, "piet")
    tab.select((desk.administration.id, "o2"))
    tab.show_owner(holder.pms_id)
    qtbot.waitUntil(lambda: tab.selected() is not None and tab.selected().owner.pms_id == "o1",  # type: ignore[union-attr]
                    timeout=WAIT_MS)  # fmt: skip
    assert tab.search_field.text() == "" and len(listed(tab)) == 3
    assert tab.key_panel.key() is not None and tab.key_panel.key().id == key.id  # type: ignore[union-attr]


def test_dutch(make_owners_desk: OwnersDeskFactory, qtbot: QtBot) -> None:
    desk = make_owners_desk(language="nl")
    tab = owners_tab(qtbot, desk)
    assert tab.count_label.text() == "3 eigenaren" and tab.add_key_button.text() == "+Sleutel"
    assert tab.model.headerData(Column.ACCOMMODATIONS, Qt.Orientation.Horizontal) == "Accommodaties"
    tab.select((desk.administration.id, "o3"))
    assert tab.units_label.text() == "vandaag geen accommodatie"
    assert tab.key_choice.currentText() == "Nog geen sleutelgegevens: gebruik +Sleutel"
