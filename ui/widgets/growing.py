"""Dialogs that grow for their messages: a message line that appears or gets longer makes the dialog taller
instead of squashing the fields above it (a list or table would otherwise give up its rows)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget


class GrowForMessages(QObject):
    """Keeps ``window`` at least as tall as its layout wants at its width, up to the screen's height."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Only the window is watched; it is not kept as an attribute, which a closing window may outlive."""
        if event.type() == QEvent.Type.LayoutRequest and isinstance(watched, QWidget) and watched.isVisible():
            fit(watched)
        return False


def fit(window: QWidget) -> None:
    """Make ``window`` as tall as its layout wants at its width (never smaller, never past the screen)."""
    layout = window.layout()
    if layout is not None:
        width = window.width()
        wanted = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else layout.totalSizeHint().height()
        screen = window.screen() or QGuiApplication.primaryScreen()
        room = screen.availableGeometry().height() if screen is not None else wanted
        height = min(wanted, room)
        if window.height() < height:
            window.resize(width, height)
