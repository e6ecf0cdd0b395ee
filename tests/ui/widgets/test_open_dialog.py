"""The dialog a widget has open: known while open, forgotten and deleted once closed."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from ui.widgets.open_dialog import OpenDialog


def test_a_dialog_is_current_until_it_closes_then_deleted(qtbot: QtBot) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    opened = OpenDialog()
    first, second = QDialog(owner), QDialog(owner)
    opened.open(first)
    assert opened.current is first and first.isVisible()
    opened.open(second)
    first.reject()  # the earlier one closing leaves the newer one current
    qtbot.waitUntil(lambda: not isValid(first))
    assert opened.current is second
    second.accept()
    qtbot.waitUntil(lambda: not isValid(second))
    assert opened.current is None
