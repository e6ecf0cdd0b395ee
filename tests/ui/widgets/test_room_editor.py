"""The room editor: rooms picked or typed, added and removed by keyboard, and a typed door checked as it is typed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from salto_desk.protocol.text import MAX_ROOMS, TextEncoding
from ui.style import is_marked_invalid
from ui.widgets.room_editor import RoomChoice, RoomEditor

WAIT_MS = 5_000
VILLAS = (RoomChoice("Villa 20 (101)", "101"), RoomChoice("Villa 21 (102)", "102"))


def editor_for(
    qtbot: QtBot, choices: tuple[RoomChoice, ...] = VILLAS, encoding: TextEncoding = "ascii", language: str = "en"
) -> RoomEditor:
    editor = RoomEditor(choices, encoding, language)
    qtbot.addWidget(editor)
    editor.show()
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow, timeout=WAIT_MS)  # the cursor can go to a field
    return editor


def shown(editor: RoomEditor) -> list[str]:
    return [field.currentText() for field in editor.fields if field.isVisible()]


def test_an_accommodation_is_picked_by_name_and_gives_its_door(qtbot: QtBot) -> None:
    editor = editor_for(qtbot)
    field = editor.fields[0]
    assert [field.itemText(index) for index in range(field.count())] == ["", "Villa 20 (101)", "Villa 21 (102)"]
    assert editor.rooms() == [] and editor.room_count() == 1 and field.accessibleName() == "Room 1"
    field.setCurrentIndex(2)
    assert field.currentText() == "Villa 21 (102)" and editor.rooms() == ["102"]
    editor.set_rooms(["101", "Pool house"])  # a stored key: its doors, shown by accommodation where known
    assert shown(editor) == ["Villa 20 (101)", "Pool house"] and editor.rooms() == ["101", "Pool house"]


def test_a_typed_door_is_taken_as_typed(qtbot: QtBot) -> None:
    editor = editor_for(qtbot, choices=())
    qtbot.keyClicks(editor.fields[0], "Pool house")
    assert editor.rooms() == ["Pool house"] and editor.problem() == ""
    assert not is_marked_invalid(editor.fields[0]) and not editor.message.isVisible()


def test_a_door_salto_cannot_take_is_refused_while_typing_never_cleaned(qtbot: QtBot) -> None:
    editor = editor_for(qtbot)
    editor.add_room()
    qtbot.keyClicks(editor.fields[1], "Chalet Duinzicht Noord 12")  # 25 characters
    assert editor.problem().startswith("Room 2: The room name 'Chalet Duinzicht Noord 12' is 25 characters")
    assert "Enter the room name exactly as it is known in SALTO" in editor.problem()
    assert is_marked_invalid(editor.fields[1]) and not is_marked_invalid(editor.fields[0])
    assert editor.message.isVisible()
    assert editor.rooms() == ["Chalet Duinzicht Noord 12"]  # as typed: the core refuses it, nothing is cut
    qtbot.keyClick(editor.fields[1], Qt.Key.Key_Backspace)
    assert editor.problem() == "" and not is_marked_invalid(editor.fields[1])
    editor.fields[1].setEditText("Café 3")
    assert "code page of this site cannot carry" in editor.problem()


def test_latin_1_sites_take_accents_and_dutch_is_spoken(qtbot: QtBot) -> None:
    editor = editor_for(qtbot, encoding="latin-1", language="nl")
    editor.fields[0].setEditText("Café 3")
    assert editor.problem() == ""
    editor.fields[0].setEditText("Zwembad\t1")
    assert editor.problem().startswith("Kamer 1: De kamernaam 'Zwembad\\t1' bevat")


def test_a_room_listed_twice_is_refused_on_the_second(qtbot: QtBot) -> None:
    editor = editor_for(qtbot)
    editor.fields[0].setCurrentIndex(1)  # Villa 20 (101)
    editor.add_room()
    qtbot.keyClicks(editor.fields[1], "101")
    assert editor.problem() == "Room 2: A room is listed twice. List each room once."
    assert [is_marked_invalid(field) for field in editor.fields[:2]] == [False, True]


def test_rooms_are_added_and_removed_by_keyboard_up_to_four(qtbot: QtBot) -> None:
    editor = editor_for(qtbot, choices=())
    assert not editor.remove_buttons[0].isEnabled()  # one room: nothing to remove
    qtbot.keyClicks(editor.fields[0], "A1")
    for number, door in enumerate(("B2", "C3", "D4"), 2):
        editor.add_button.setFocus()
        qtbot.keyClick(editor.add_button, Qt.Key.Key_Space)
        assert editor.room_count() == number and editor.fields[number - 1].hasFocus()
        qtbot.keyClicks(editor.fields[number - 1], door)
    assert editor.rooms() == ["A1", "B2", "C3", "D4"] and editor.room_count() == MAX_ROOMS
    assert not editor.add_button.isEnabled() and "at most 4 rooms" in editor.add_button.toolTip()
    editor.remove_buttons[1].setFocus()
    qtbot.keyClick(editor.remove_buttons[1], Qt.Key.Key_Space)  # the rooms below move up
    assert editor.rooms() == ["A1", "C3", "D4"] and shown(editor) == ["A1", "C3", "D4"]
    assert editor.add_button.isEnabled() and editor.remove_buttons[1].isVisible()
    assert not editor.remove_buttons[3].isVisible() and not editor.fields[3].isVisible()
    assert editor.fields[1].hasFocus()
    editor.remove_room(0)
    editor.remove_room(0)
    assert editor.rooms() == ["D4"] and not editor.remove_buttons[0].isEnabled()
    editor.remove_room(0)  # the last room stays
    assert editor.rooms() == ["D4"]


def test_the_tab_order_reads_row_by_row_and_names_every_control(qtbot: QtBot) -> None:
    editor = editor_for(qtbot)
    editor.set_rooms(["101", "102"])
    chain = editor.focus_chain()
    assert chain[:4] == [editor.fields[0], editor.remove_buttons[0], editor.fields[1], editor.remove_buttons[1]]
    assert chain[-1] is editor.add_button
    order: list[QWidget] = []
    widget: QWidget = editor.fields[0]
    for _step in range(100):
        order.append(widget)
        widget = widget.nextInFocusChain()
        if widget is editor.fields[0]:
            break
    assert [each for each in order if each in chain] == chain
    names = [each.accessibleName() for each in chain if each.isVisible()]
    assert names == ["Room 1", "Remove room 1", "Room 2", "Remove room 2", "Add a room"]


def test_an_edit_is_announced(qtbot: QtBot) -> None:
    editor = editor_for(qtbot)
    with qtbot.waitSignal(editor.edited, timeout=1000):
        qtbot.keyClicks(editor.fields[0], "7")
