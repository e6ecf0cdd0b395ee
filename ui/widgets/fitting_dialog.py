"""A form dialog that is as tall as its wrapped hints and messages need.

Qt sizes a new dialog at most 2/3 of the screen high and never grows a shown one for wrapped text; it
squeezes the rows instead, so on a 768-pixel screen the key forms' room fields, hints and refusals were
cut off. A FittingDialog sets its first size from the height its layout needs at a readable width and
grows when a message appears, never beyond the screen. It is also wide enough for its title, which
the window manager otherwise cuts ("Print key c…"), within the screen.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QFont, QFontMetrics, QGuiApplication, QShowEvent
from PySide6.QtWidgets import QDialog

FORM_CHARACTERS = 80
"""A key form's width in average characters: its hints and refusals take few lines."""
TITLE_BAR_EXTRAS = 200
"""Pixels a title bar spends besides the title: the icon and the close, maximise and minimise buttons."""


class FittingDialog(QDialog):
    """A QDialog whose height follows its content (see the module docstring)."""

    def fit_to_content(self, characters: int = FORM_CHARACTERS) -> None:
        """Take at least this many average characters of width and the height the content needs there."""
        width = max(self.sizeHint().width(), self.fontMetrics().averageCharWidth() * characters)
        self.resize(width, self._height_needed(width))

    def showEvent(self, event: QShowEvent) -> None:
        self._fit_title()
        super().showEvent(event)

    def _fit_title(self) -> None:
        title_font = QFont(self.font())
        title_font.setBold(True)  # title bars use a bold face on most desktops
        shown = self.windowTitle()
        if application := QGuiApplication.applicationDisplayName():
            shown += f" — {application}"  # Qt adds the application's name to every title
        needed = QFontMetrics(title_font).horizontalAdvance(shown) + TITLE_BAR_EXTRAS
        room = self.screen().availableGeometry().width()
        self.setMinimumWidth(max(self.minimumWidth(), min(needed, room)))

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:
            needed = self._height_needed(self.width())
            if needed > self.height():
                self.resize(self.width(), needed)
        return handled

    def _height_needed(self, width: int) -> int:
        frame = self.frameGeometry().height() - self.height()  # the title bar, once the dialog is shown
        return min(self.heightForWidth(width), self.screen().availableGeometry().height() - frame)
