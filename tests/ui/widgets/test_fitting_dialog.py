"""A FittingDialog is as tall as its wrapped texts need (Qt's first size squeezes them) and as wide as its title,
never larger than the screen."""

from __future__ import annotations

from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout
from pytestqt.qtbot import QtBot

from ui.widgets.fitting_dialog import TITLE_BAR_EXTRAS, FittingDialog

HINT = "A hint that wraps over a few lines once the dialog is about as wide as a key form is. " * 2


def form_dialog(qtbot: QtBot, rows: int) -> tuple[FittingDialog, list[QLabel]]:
    dialog = FittingDialog()
    qtbot.addWidget(dialog)
    form = QFormLayout(dialog)
    hints = []
    for number in range(rows):
        form.addRow(f"Field {number}", QLineEdit())
        hint = QLabel(HINT)
        hint.setWordWrap(True)
        form.addRow("", hint)
        hints.append(hint)
    return dialog, hints


def squeezed(hints: list[QLabel]) -> list[QLabel]:
    return [hint for hint in hints if hint.isVisible() and hint.height() < hint.heightForWidth(hint.width())]


def test_every_wrapped_hint_gets_its_lines_where_qt_alone_squeezes_them(qtbot: QtBot) -> None:
    rows = 9  # taller than 2/3 of the test screen, shorter than the screen
    plain, plain_hints = form_dialog(qtbot, rows)
    plain.show()
    qtbot.waitExposed(plain)
    assert squeezed(plain_hints)  # the problem this class solves
    dialog, hints = form_dialog(qtbot, rows)
    dialog.fit_to_content()
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.height() <= dialog.screen().availableGeometry().height()
    assert squeezed(hints) == []


def test_a_message_that_appears_makes_the_shown_dialog_taller(qtbot: QtBot) -> None:
    dialog, hints = form_dialog(qtbot, 3)
    hints[-1].hide()
    dialog.fit_to_content()
    dialog.show()
    qtbot.waitExposed(dialog)
    before = dialog.height()
    hints[-1].show()
    qtbot.waitUntil(lambda: dialog.height() > before)
    assert squeezed(hints) == []


def test_never_taller_than_the_screen(qtbot: QtBot) -> None:
    dialog, _hints = form_dialog(qtbot, 40)
    dialog.fit_to_content()
    assert dialog.height() <= dialog.screen().availableGeometry().height()


def test_wide_enough_for_its_title_within_the_screen(qtbot: QtBot) -> None:
    dialog = FittingDialog()
    qtbot.addWidget(dialog)
    dialog.setWindowTitle("Sleutelkaarten printen: 26-00117 Frauke Weiß-Jansen van der Heijden")
    QVBoxLayout(dialog).addWidget(QLabel("2"))
    assert dialog.minimumSizeHint().width() < 200  # its content alone would make it narrow
    dialog.show()
    qtbot.waitExposed(dialog)
    title = QFontMetrics(dialog.font()).horizontalAdvance(dialog.windowTitle())
    assert dialog.width() >= title + TITLE_BAR_EXTRAS
    dialog.setWindowTitle("x" * 2000)
    dialog.hide()
    dialog.show()
    assert dialog.minimumWidth() <= dialog.screen().availableGeometry().width()
