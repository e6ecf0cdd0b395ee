"""Help > User guide (F1): the short, task-based guide for receptionists, managers and installers.

The guide is Markdown, one file per language the desk speaks (``resources/guide/en.md``, ``nl.md``), shown
by Qt's own Markdown reader (``QTextBrowser.setMarkdown``): headings, lists, tables and bold are all it
needs, and a translator edits plain text. Each heading ends with an id in braces (``## Print {#print}``),
the same in every language; the window takes the ids off, lists the headings as the contents and opens
at the part for the tab in front (``Topic``). The window is not modal, so the guide can stay open next to
the desk while the receptionist works, and it keeps nothing between openings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QShowEvent, QTextBlock
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QSplitter,
    QStyle,
    QTextBrowser,
    QTreeWidget,
    QVBoxLayout,
    QWidget,
)

from salto_desk.errors import Text
from ui.resources import resource, resources_folder

TITLE = Text("User guide", "Handleiding")
CONTENTS = Text("Contents", "Inhoud")
GUIDE_TEXT = Text("User guide text", "Tekst van de handleiding")
MISSING = Text(
    "The user guide is missing from this installation of Salto Desk: {path} cannot be found. "
    "Install Salto Desk again to get it back; the rest of the desk works without it.",
    "De handleiding ontbreekt in deze installatie van Salto Desk: {path} is niet te vinden. "
    "Installeer Salto Desk opnieuw om hem terug te krijgen; de rest van de balie werkt zonder.",
)
UNREADABLE = Text(
    "The user guide {path} cannot be read ({reason}). Install Salto Desk again to repair it; "
    "the rest of the desk works without it.",
    "De handleiding {path} kan niet worden gelezen ({reason}). Installeer Salto Desk opnieuw om dit te "
    "herstellen; de rest van de balie werkt zonder.",
)

GUIDE_FOLDER = "guide"
MINIMUM_SIZE = (640, 440)
PREFERRED_SIZE = (980, 700)
SCREEN_MARGIN = 40
"""Pixels kept free around the window on a small screen (title bar, task bar)."""
CONTENTS_WIDTH = 270
MAX_CONTENTS_WIDTH = 380
"""The contents grow to show whole titles up to this width; the text keeps the rest."""

HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)(?:[ \t]+\{#([a-z0-9-]+)\})?[ \t]*$")
FENCE = re.compile(r"^[ \t]*(```|~~~)")


class Topic(StrEnum):
    """Where F1 opens the guide: the part for the tab in front, an id of a heading in every language."""

    RESERVATIONS = "find-booking"
    OWNERS = "owner-keys"
    READ_KEY = "read-card"
    SETTINGS = "manager"


@dataclass(frozen=True)
class Heading:
    """One heading of the guide: its level (1 for ``#``), its title and its id (None when it has none)."""

    level: int
    title: str
    topic: str | None


@dataclass(frozen=True)
class Guide:
    """The guide's Markdown as shown (ids taken off) and its headings in order."""

    markdown: str
    headings: tuple[Heading, ...]


class GuideUnavailable(Exception):
    """The guide file of a language is missing or unreadable; ``message`` says so in the desk's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_guide(text: str) -> Guide:
    """Take the ids off the headings and list them; a ``#`` inside a fenced code block is no heading."""
    lines: list[str] = []
    headings: list[Heading] = []
    fenced = False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
        match = None if fenced else HEADING.match(line)
        if match is not None:
            hashes, title, topic = match.groups()
            headings.append(Heading(len(hashes), title, topic))
            line = f"{hashes} {title}"
        lines.append(line)
    return Guide("\n".join(lines) + "\n", tuple(headings))


def load_guide(language: str) -> Guide:
    """The guide in ``language`` from ``resources/guide/``; ``GuideUnavailable`` says why it cannot be shown."""
    name = f"{language}.md"
    try:
        text = resource(GUIDE_FOLDER, name).read_text(encoding="utf-8")
    except FileNotFoundError:
        path = resources_folder() / GUIDE_FOLDER / name
        raise GuideUnavailable(MISSING(language).format(path=path)) from None
    except (OSError, UnicodeDecodeError) as error:
        path = resources_folder() / GUIDE_FOLDER / name
        raise GuideUnavailable(UNREADABLE(language).format(path=path, reason=error)) from None
    return parse_guide(text)


class UserGuideDialog(QDialog):
    """The guide's contents on the left, its text on the right; a click on a heading shows that part."""

    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.language = language
        self.setWindowTitle(TITLE(language))
        self.setModal(False)
        self.headings: tuple[Heading, ...] = ()
        self._blocks: list[QTextBlock] = []
        self._entries: list[QPersistentModelIndex] = []  # the contents entry of each heading, in order
        self._pending: int | None = None
        self._syncing = False  # the text or the contents follow the other: neither answers back

        self.contents = QTreeWidget()
        self.contents.setHeaderHidden(True)
        self.contents.setAccessibleName(CONTENTS(language))
        self.contents.setMinimumWidth(180)
        self.text = QTextBrowser()
        self.text.setAccessibleName(GUIDE_TEXT(language))
        self.text.setOpenLinks(False)  # the guide has no links to follow; nothing leaves the window
        self.problem = QLabel()
        self.problem.setObjectName("guideProblem")
        self.problem.setWordWrap(True)
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem.hide()

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.contents)
        self.splitter.addWidget(self.text)
        self.splitter.setStretchFactor(1, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.problem)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(buttons)

        self.setMinimumSize(*MINIMUM_SIZE)
        self._fit_screen()
        self.contents.selectionModel().currentChanged.connect(lambda entry, _previous: self._entry_chosen(entry))
        self.contents.clicked.connect(self._entry_chosen)
        self.text.verticalScrollBar().valueChanged.connect(lambda _value: self._follow_text())
        self._load()

    # --- the text ---------------------------------------------------------------------------------

    def _load(self) -> None:
        try:
            guide = load_guide(self.language)
        except GuideUnavailable as unavailable:
            self.problem.setText(unavailable.message)
            self.problem.show()
            self.splitter.hide()
            return
        self.text.setMarkdown(guide.markdown)
        self.headings = guide.headings
        self._blocks = heading_blocks(self.text)
        self._fill_contents()

    def _fill_contents(self) -> None:
        """One item per heading, nested by level, in the order of the text; Qt makes the items (ui.models.rows)."""
        model = self.contents.model()
        parents: list[tuple[int, QModelIndex]] = []
        for index, block in enumerate(self._blocks):
            level = block.blockFormat().headingLevel()
            while parents and parents[-1][0] >= level:
                parents.pop()
            parent = parents[-1][1] if parents else QModelIndex()
            row = model.rowCount(parent)
            model.insertRows(row, 1, parent)
            at = model.index(row, 0, parent)
            model.setItemData(at, {Qt.ItemDataRole.DisplayRole: block.text(), Qt.ItemDataRole.UserRole: index})
            parents.append((level, at))
            self._entries.append(QPersistentModelIndex(at))
        self.contents.expandAll()
        extent = self.contents.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        wanted = self.contents.sizeHintForColumn(0) + 2 * self.contents.frameWidth() + extent
        width = min(max(wanted, CONTENTS_WIDTH), MAX_CONTENTS_WIDTH)
        self.splitter.setSizes([width, max(self.width() - width, 1)])

    # --- going to a part --------------------------------------------------------------------------

    def go_to(self, topic: str | None) -> bool:
        """Show the part with this id (the top when None); False when the guide has no such part."""
        index = self._index_of(topic)
        if index is None:
            return False
        if self.isVisible():
            self._pending = None
            self.show_heading(index)
        else:
            self._pending = index  # the text is laid out to the window's width once it is shown
            self._mark(index)
        return True

    def show_heading(self, index: int) -> None:
        """Scroll the text so that heading ``index`` is at the top, and mark it in the contents."""
        block = self._blocks[index]
        top = self.text.document().documentLayout().blockBoundingRect(block).top()
        with self._quietly():
            self.text.verticalScrollBar().setValue(round(top))
        self._mark(index)

    def entry(self, index: int) -> QModelIndex:
        """Where heading ``index`` is in the contents."""
        entry = self._entries[index]
        return self.contents.model().index(entry.row(), entry.column(), entry.parent())

    def _mark(self, index: int) -> None:
        """Make heading ``index`` the current entry of the contents without jumping to it again."""
        entry = self.entry(index)
        if self.contents.currentIndex() != entry:
            with self._quietly():
                self.contents.setCurrentIndex(entry)
        self.contents.scrollTo(entry)

    @contextmanager
    def _quietly(self) -> Iterator[None]:
        self._syncing = True
        try:
            yield
        finally:
            self._syncing = False

    def _follow_text(self) -> None:
        """While the reader scrolls, the contents mark the part being read."""
        index = None if self._syncing else self.current_heading()
        if index is not None:
            self._mark(index)

    def current_heading(self) -> int | None:
        """The heading of the part being read: the last one at or above the top of the text shown, or, with
        the text scrolled to its end, the last one in view (the last parts never reach the top)."""
        layout, bar = self.text.document().documentLayout(), self.text.verticalScrollBar()
        shown = bar.value()
        if bar.maximum() > 0 and shown >= bar.maximum():
            shown += self.text.viewport().height() - 1
        found = None
        for index, block in enumerate(self._blocks):
            if layout.blockBoundingRect(block).top() > shown + 1:
                break
            found = index
        return found

    def _index_of(self, topic: str | None) -> int | None:
        if not self._blocks:
            return None
        if topic is None:
            return 0
        indexes = [index for index, heading in enumerate(self.headings) if heading.topic == topic]
        return indexes[0] if indexes and len(self.headings) == len(self._blocks) else None

    def _entry_chosen(self, entry: QModelIndex) -> None:
        if not self._syncing and entry.isValid():
            self.show_heading(int(entry.data(Qt.ItemDataRole.UserRole)))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._pending is not None:
            QTimer.singleShot(0, self, self._show_pending)

    def _show_pending(self) -> None:
        index, self._pending = self._pending, None
        if index is not None:
            self.show_heading(index)

    def _fit_screen(self) -> None:
        """The preferred size, or less on a small screen (1024 x 768 leaves room for the title and task bars)."""
        width, height = PREFERRED_SIZE
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            available = screen.availableGeometry()
            width = min(width, available.width() - SCREEN_MARGIN)
            height = min(height, available.height() - SCREEN_MARGIN)
        self.resize(max(width, MINIMUM_SIZE[0]), max(height, MINIMUM_SIZE[1]))


def heading_blocks(text: QTextBrowser) -> list[QTextBlock]:
    """The blocks of the shown document that are headings, in order."""
    blocks = []
    block = text.document().begin()
    while block.isValid():
        if block.blockFormat().headingLevel() > 0:
            blocks.append(block)
        block = block.next()
    return blocks


def show_user_guide(language: str, topic: str | None, parent: QWidget) -> UserGuideDialog:
    """Open the guide at ``topic``, or bring the guide that is open already forward there: one per window."""
    dialog = next(
        (
            each
            for each in parent.findChildren(UserGuideDialog, options=Qt.FindChildOption.FindDirectChildrenOnly)
            if each.isVisible()
        ),
        None,
    )
    if dialog is None:
        dialog = UserGuideDialog(language, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.go_to(topic)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
