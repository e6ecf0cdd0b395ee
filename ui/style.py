"""The desk's looks: its icons, its one stylesheet, and the palette the stylesheet and the lists share.

Every colour of the window lives in ``resources/desk.qss``. Its opening comment defines the palette
(``@name: #rrggbb;`` lines), its rules use the names, and ``apply_style`` puts the colours in before Qt
reads it. Widgets say what they show, never which colour: ``set_tone(label, Tone.ERROR)``,
``set_chip(label, Chip.ISSUED)``, ``mark_invalid(field, True)`` set a dynamic property the sheet colours.
List cells take no stylesheet (their items are painted in C++ from their roles, ``ui/models/rows.py``), so
``cell_colours`` and ``chip_colours`` give them brushes of the same palette.

A missing or broken file is logged once and the desk starts all the same, in Qt's plain look.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QBrush, QColor, QIcon
from PySide6.QtWidgets import QAbstractButton, QApplication, QTableView, QWidget

from ui.resources import resource

STYLESHEET = "desk.qss"
log = logging.getLogger(__name__)

_DEFINITION = re.compile(r"^[ \t]*@(?P<name>[a-z][a-z0-9-]*):[ \t]*(?P<colour>#[0-9a-fA-F]{6});[ \t]*$", re.MULTILINE)
_USE = re.compile(r"@(?P<name>[a-z][a-z0-9-]*)")
_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


class Icon(StrEnum):
    """The icons in ``resources/icons/``, each by its file name (``<value>.svg``)."""

    APP = "salto-desk"
    PRINT = "print"
    COPY = "copy"
    PHONE = "phone"
    DELETE = "delete"
    READ = "read"
    SYNC = "sync"
    SETTINGS = "settings"
    EDIT = "edit"
    ADD = "add"
    SEARCH = "search"
    EXPORT = "export"
    IMPORT = "import"
    TEST = "test"
    CANCEL = "cancel"
    RETRY = "retry"
    LOCK = "lock"
    UNLOCK = "unlock"
    SAVE = "save"
    QUIT = "quit"
    KEY = "key"
    RESERVATIONS = "reservations"
    OWNERS = "owners"
    FOLDER = "folder"
    GUIDE = "guide"
    ABOUT = "about"


class Tone(StrEnum):
    """What a message says, for the stylesheet's ``tone`` rules."""

    PLAIN = ""
    ERROR = "error"
    ALERT = "alert"
    """Read this before going on (bold)."""
    OK = "ok"
    CAUTION = "caution"
    """Something is wrong with the data shown, not with what was just done."""


class Chip(StrEnum):
    """The states a key-state chip shows: each has a background and a text colour in the palette."""

    NONE = "none"
    WAITING = "waiting"
    READY = "ready"
    ISSUED = "issued"
    NEEDS_REENCODE = "needs-reencode"
    REVOKING = "revoking"


class StyleError(ValueError):
    """The stylesheet uses a colour name its palette does not define."""


@dataclass(frozen=True)
class Stylesheet:
    """The stylesheet as Qt reads it (colours put in) and its palette, name -> ``#rrggbb``."""

    text: str
    palette: dict[str, str]


def parse_stylesheet(source: str) -> Stylesheet:
    """The rules with the palette's colours in place of their names (comments, the palette's among them,
    left out); a name the palette lacks is a ``StyleError``."""
    palette = {match["name"]: match["colour"].lower() for match in _DEFINITION.finditer(source)}
    rules = _COMMENT.sub("", source)
    unknown = sorted({match["name"] for match in _USE.finditer(rules)} - palette.keys())
    if unknown:
        raise StyleError(f"the stylesheet uses colours its palette does not define: {', '.join(unknown)}")
    return Stylesheet(_USE.sub(lambda match: palette[match["name"]], rules), palette)


@cache
def stylesheet() -> Stylesheet | None:
    """The desk's stylesheet, read once; None (logged) when it is missing or broken."""
    try:
        path = resource(STYLESHEET)
        return parse_stylesheet(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, StyleError) as error:
        log.warning("the desk's stylesheet cannot be used, the window keeps Qt's plain look: %s", error)
        return None


def apply_style(app: QApplication) -> bool:
    """Give the whole application the desk's stylesheet; False (logged) when there is none to give."""
    sheet = stylesheet()
    if sheet is None:
        return False
    app.setStyleSheet(sheet.text)
    return True


@cache
def icon(name: Icon) -> QIcon:
    """The icon of ``name``, drawn from its SVG at every size asked; an empty icon (logged) when it is missing."""
    try:
        path = resource("icons", f"{name.value}.svg")
    except FileNotFoundError as missing:
        log.warning("%s; the desk shows no icon there", missing)
        return QIcon()
    return QIcon(str(path))


def set_icons(*buttons: tuple[QAbstractButton, Icon]) -> None:
    """Put each icon on its button, next to the button's words."""
    for button, name in buttons:
        button.setIcon(icon(name))


ROW_PADDING = 8
"""Pixels above and below a list row's text: every list of the desk has the same row height."""


def list_rows(table: QTableView) -> None:
    """One row height for every list (it differed between tabs), no row numbers, and column titles that end
    in "…" when their column is narrow (Qt cuts them off at both ends: "ncoder / telefoo")."""
    header = table.verticalHeader()
    header.hide()
    header.setDefaultSectionSize(table.fontMetrics().height() + ROW_PADDING)
    table.horizontalHeader().setTextElideMode(Qt.TextElideMode.ElideRight)


def set_tone(widget: QWidget, tone: Tone) -> None:
    """Colour ``widget``'s text for what it says (the stylesheet's ``tone`` rules)."""
    _set_property(widget, "tone", tone.value)


def set_chip(widget: QWidget, chip: Chip | None) -> None:
    """Show ``widget`` as a key-state chip of ``chip``'s colours (None: no chip)."""
    _set_property(widget, "chip", None if chip is None else chip.value)


def mark_invalid(widget: QWidget, invalid: bool) -> None:
    """Outline a field the core refused (the stylesheet's ``invalid`` rule), or take the outline away."""
    _set_property(widget, "invalid", invalid)


def is_marked_invalid(widget: QWidget) -> bool:
    return widget.property("invalid") is True


def _set_property(widget: QWidget, name: str, value: object) -> None:
    """Set a property the stylesheet selects on and have the widget styled again (Qt does not by itself).

    Polishing gives it the rule's colours and font; the style-change event its padding too (a chip shown
    before it became one would keep its old margins)."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    QApplication.sendEvent(widget, QEvent(QEvent.Type.StyleChange))
    widget.update()


def cell_colours(background: str, text: str) -> dict[int, object]:
    """The background and text brushes of a list cell, by palette name; none without a stylesheet.

    Made on the GUI thread (``RowsModel`` fills its items there): brushes are Qt objects."""
    sheet = stylesheet()
    if sheet is None:
        return {}
    background_colour, text_colour = sheet.palette.get(background), sheet.palette.get(text)
    if background_colour is None or text_colour is None:
        log.warning("the stylesheet's palette lacks %s or %s: those cells keep Qt's colours", background, text)
        return {}
    return {
        Qt.ItemDataRole.BackgroundRole: QBrush(QColor(background_colour)),
        Qt.ItemDataRole.ForegroundRole: QBrush(QColor(text_colour)),
    }


def chip_colours(chip: Chip) -> dict[int, object]:
    """A list cell shown as the key-state chip ``chip``: its background and text colours."""
    return cell_colours(f"chip-{chip.value}-background", f"chip-{chip.value}-text")
