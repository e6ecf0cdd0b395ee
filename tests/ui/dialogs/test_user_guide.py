"""Help > User guide (F1): the guide in every language, its contents, jumping to a part, and a missing file."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from tests.ui.desk import WAIT_MS, DeskFactory, make_desk
from ui.dialogs.user_guide import Topic, UserGuideDialog, load_guide, parse_guide, show_user_guide
from ui.i18n import LANGUAGES
from ui.main_window import MainWindow
from ui.resources import resources_folder
from ui.widgets import key_actions, quit_guard
from ui.widgets.encoder_prompt import RETRY

__all__ = ["make_desk"]

GUIDE = resources_folder() / "guide"
MARKDOWN_HEADING = re.compile(r"^(#+) (.+?)(?: \{#[a-z0-9-]+\})?$")
FEATURES = {
    "en": ("print", "copy", "phone", "JustIN Mobile", "read", "delete", "owner", "PIN", "authorization",
           "key type", "product", "door name", "API key", "language", "export", "import", "audit", "encoder",
           "serial", "8090", "firewall", "PostgreSQL", "demo"),
    "nl": ("print", "kopie", "telefoon", "JustIN Mobile", "lezen", "verwijder", "eigenaar", "pincode",
           "autorisatie", "sleuteltype", "product", "deurnam", "API-sleutel", "taal", "exporteren",
           "importeren", "auditlogboek", "encoder", "serie", "8090", "firewall", "PostgreSQL", "demo"),
}  # fmt: skip
"""What the guide must explain in every language: the features of the guide of the BEX app it replaces."""
BUTTONS = (key_actions.PRINT, key_actions.COPY, key_actions.SEND, key_actions.EDIT, key_actions.DELETE,
           key_actions.HISTORY, RETRY, quit_guard.KEEP, quit_guard.CANCEL_AND_QUIT)  # fmt: skip
"""Buttons and titles the guide names in bold: it must use the very words the desk shows."""
PROTOCOL_CODES = re.compile(r"\b(CN|CC|CNM|CCM|CO|LT|ENQ|ACK|NAK|LRC|ED|EG|TD|EA|NC|OV|ES)\b")


def file_headings(language: str) -> list[tuple[int, str]]:
    """(level, title) of every heading of a guide file, read straight from the file."""
    headings = []
    for line in (GUIDE / f"{language}.md").read_text(encoding="utf-8").splitlines():
        if match := MARKDOWN_HEADING.match(line):
            headings.append((len(match.group(1)), match.group(2)))
    return headings


def contents(dialog: UserGuideDialog) -> list[tuple[int, str]]:
    """(depth, text) of every entry of the contents, depth 1 at the top, in the order shown."""
    model, found = dialog.contents.model(), []

    def walk(parent: QModelIndex, depth: int) -> None:
        for row in range(model.rowCount(parent)):
            entry = model.index(row, 0, parent)
            found.append((depth, str(entry.data())))
            walk(entry, depth + 1)

    walk(QModelIndex(), 1)
    return found


def current_title(dialog: UserGuideDialog) -> str:
    return str(dialog.contents.currentIndex().data())


def open_guide(qtbot: QtBot, language: str = "en", topic: str | None = None) -> UserGuideDialog:
    dialog = UserGuideDialog(language)
    qtbot.addWidget(dialog)
    dialog.resize(900, 650)
    dialog.go_to(topic)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def heading_top(dialog: UserGuideDialog, index: int) -> float:
    """Where heading ``index`` is in the text shown: 0 is the top of the view."""
    block = dialog.text.document().findBlockByNumber(blocks_of(dialog)[index])
    top = dialog.text.document().documentLayout().blockBoundingRect(block).top()
    return top - dialog.text.verticalScrollBar().value()


def blocks_of(dialog: UserGuideDialog) -> list[int]:
    """The numbers of the document's heading blocks."""
    numbers = []
    block = dialog.text.document().begin()
    while block.isValid():
        if block.blockFormat().headingLevel():
            numbers.append(block.blockNumber())
        block = block.next()
    return numbers


def active_window(qtbot: QtBot, window: MainWindow) -> MainWindow:
    """A shown, active window: window shortcuts only fire in the active window."""
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT_MS)
    return window


def open_guides(window: MainWindow) -> list[UserGuideDialog]:
    return [each for each in window.findChildren(UserGuideDialog) if each.isVisible()]


# --- the files ---------------------------------------------------------------------------------------


def test_every_language_of_the_desk_has_a_guide_with_the_same_parts() -> None:
    english = load_guide("en").headings
    for language in LANGUAGES:
        headings = load_guide(language).headings
        assert [(each.level, each.topic) for each in headings] == [(each.level, each.topic) for each in english]
        levels = [each.level for each in headings]
        assert {level: levels.count(level) for level in set(levels)} == {1: 4, 2: 27}
    topics = [each.topic for each in english]
    assert None not in topics and len(set(topics)) == len(topics)
    assert {topic.value for topic in Topic} <= set(topics)


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_the_guide_names_every_feature_of_the_seed_guide_and_no_protocol_code(language: str) -> None:
    text = (GUIDE / f"{language}.md").read_text(encoding="utf-8")
    assert [feature for feature in FEATURES[language] if feature.casefold() not in text.casefold()] == []
    assert PROTOCOL_CODES.findall(text) == []


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_the_guide_calls_buttons_what_the_desk_calls_them(language: str) -> None:
    text = " ".join((GUIDE / f"{language}.md").read_text(encoding="utf-8").split())
    labels = [button(language).replace("&", "") for button in BUTTONS]
    assert [label for label in labels if f"**{label}**" not in text] == []


def test_parsing_takes_the_ids_off_and_skips_code_blocks() -> None:
    guide = parse_guide("# Title {#start}\n\ntext\n\n```\n# not a heading {#no}\n```\n\n## Print {#print}\n### Plain\n")
    assert [(each.level, each.title, each.topic) for each in guide.headings] == [
        (1, "Title", "start"), (2, "Print", "print"), (3, "Plain", None)
    ]  # fmt: skip
    assert "{#" not in guide.markdown.replace("{#no}", "")
    assert "# Title\n" in guide.markdown and "## Print\n" in guide.markdown


# --- the window --------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_the_contents_list_the_headings_of_the_file(qtbot: QtBot, language: str) -> None:
    dialog = open_guide(qtbot, language)
    assert contents(dialog) == file_headings(language)
    assert "{#" not in dialog.text.toPlainText()
    items = [dialog.contents.itemFromIndex(dialog.entry(index)) for index in range(len(dialog.headings))]
    assert [item for item in items if shiboken6.createdByPython(item)] == []  # Qt made them


def test_clicking_a_heading_scrolls_the_text_to_it(qtbot: QtBot) -> None:
    dialog = open_guide(qtbot)
    titles = [title for _level, title in file_headings("en")]
    for title in ("Delete key data", "Key types", "Find a booking"):
        index = titles.index(title)
        dialog.contents.scrollTo(dialog.entry(index))
        rect = dialog.contents.visualRect(dialog.entry(index))
        qtbot.mouseClick(dialog.contents.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert abs(heading_top(dialog, index)) <= 1
        assert current_title(dialog) == title
        assert dialog.current_heading() == index


def test_the_contents_follow_the_text_and_mark_the_last_part_at_the_end(qtbot: QtBot) -> None:
    dialog = open_guide(qtbot)
    titles = [title for _level, title in file_headings("en")]
    bar = dialog.text.verticalScrollBar()
    height = dialog.text.document().documentLayout().documentSize().height()
    # Qt sets the scroll range once the text is laid out, a moment after the window shows.
    qtbot.waitUntil(lambda: bar.maximum() + dialog.text.viewport().height() >= height, timeout=WAIT_MS)
    bar.setValue(round(heading_top(dialog, titles.index("Door names"))) + 5)
    assert current_title(dialog) == "Door names"
    bar.setValue(bar.maximum())
    assert current_title(dialog) == titles[-1]


def test_a_topic_opens_the_guide_at_that_part(qtbot: QtBot) -> None:
    dialog = open_guide(qtbot, "nl", Topic.SETTINGS)
    titles = [title for _level, title in file_headings("nl")]
    index = titles.index("Instellingen (beheerders)")
    qtbot.waitUntil(lambda: abs(heading_top(dialog, index)) <= 1, timeout=WAIT_MS)
    assert current_title(dialog) == "Instellingen (beheerders)"
    assert not dialog.go_to("no-such-part")


def test_escape_closes_the_guide_and_it_is_not_modal(qtbot: QtBot) -> None:
    dialog = open_guide(qtbot)
    assert not dialog.isModal()
    qtbot.keyClick(dialog.contents, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_the_minimum_size_fits_1000_by_700(qtbot: QtBot) -> None:
    for language in LANGUAGES:
        dialog = open_guide(qtbot, language)
        minimum = dialog.minimumSize().expandedTo(dialog.minimumSizeHint())
        assert minimum.width() <= 1000 and minimum.height() <= 700
        dialog.resize(minimum)
        assert dialog.text.isVisible() and dialog.contents.isVisible()


def test_a_missing_guide_shows_a_message_instead_of_a_traceback(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)  # an installation without the guide
    for language, words in (("en", "is missing from this installation"), ("nl", "ontbreekt in deze installatie")):
        dialog = open_guide(qtbot, language, Topic.READ_KEY)
        assert dialog.problem.isVisible() and not dialog.splitter.isVisible()
        assert words in dialog.problem.text()
        assert str(tmp_path / "resources" / "guide" / f"{language}.md") in dialog.problem.text()
        assert not dialog.go_to(Topic.OWNERS)


def test_an_unreadable_guide_says_so(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    folder = tmp_path / "resources" / "guide"
    folder.mkdir(parents=True)
    (folder / "en.md").write_bytes(b"# Guide\n\n\xff\xfe broken\n")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    dialog = open_guide(qtbot)
    assert dialog.problem.text().startswith(f"The user guide {folder / 'en.md'} cannot be read (")


# --- from the main window ----------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "entry"), [("en", "&User guide"), ("nl", "&Handleiding")])
def test_f1_and_the_help_menu_open_the_guide_in_the_desks_language(
    qtbot: QtBot, make_desk: DeskFactory, language: str, entry: str
) -> None:
    window = active_window(qtbot, MainWindow(make_desk(language=language).context))
    qtbot.keyClick(window.tabs, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: len(open_guides(window)) == 1, timeout=WAIT_MS)
    guide = open_guides(window)[0]
    assert guide.windowTitle() == ("User guide" if language == "en" else "Handleiding")
    assert contents(guide) == file_headings(language)
    guide.close()
    qtbot.waitUntil(lambda: open_guides(window) == [], timeout=WAIT_MS)

    actions = {action.text(): action for menu in window.menuBar().findChildren(QMenu) for action in menu.actions()}
    assert actions[entry].shortcut().toString() == "F1"
    actions[entry].trigger()
    assert len(open_guides(window)) == 1


@pytest.mark.parametrize(
    ("tab", "heading"),
    [(0, "Find a booking"), (1, "Keys for owners"), (2, "Read a card"), (3, "Settings (managers)")],
)
def test_f1_opens_the_part_for_the_tab_in_front(qtbot: QtBot, make_desk: DeskFactory, tab: int, heading: str) -> None:
    window = MainWindow(make_desk().context)
    qtbot.addWidget(window)
    window.tabs.setCurrentIndex(tab)
    window.show_user_guide()
    guide = open_guides(window)[0]
    index = [title for _level, title in file_headings("en")].index(heading)
    qtbot.waitUntil(lambda: abs(heading_top(guide, index)) <= 1, timeout=WAIT_MS)
    assert current_title(guide) == heading


def test_f1_again_brings_the_open_guide_to_the_new_part(qtbot: QtBot, make_desk: DeskFactory) -> None:
    window = MainWindow(make_desk().context)
    qtbot.addWidget(window)
    first = show_user_guide("en", Topic.RESERVATIONS, window)
    again = show_user_guide("en", Topic.OWNERS, window)  # before the first part was even shown
    assert again is first and open_guides(window) == [first]
    index = [title for _level, title in file_headings("en")].index("Keys for owners")
    qtbot.wait(50)  # the first opening's jump, had it stayed pending, would come now
    assert abs(heading_top(first, index)) <= 1
    assert current_title(first) == "Keys for owners"
