"""The one dialog a widget has open now: opened window-modal, deleted when closed, forgotten then."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog


class OpenDialog:
    """``current`` is the dialog open now, or None (tests and screenshots drive it through this)."""

    def __init__(self) -> None:
        self.current: QDialog | None = None

    def open(self, dialog: QDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self._forget(dialog))
        self.current = dialog
        dialog.open()

    def _forget(self, dialog: QDialog) -> None:
        if self.current is dialog:
            self.current = None
