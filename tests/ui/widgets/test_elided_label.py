"""A long state line shortens on screen instead of widening the window; its text stays whole."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget
from pytestqt.qtbot import QtBot

from ui.widgets.elided_label import ElidedLabel

LONG = "Stadshotel De Gouden Leeuw: SALTO ok (0 ms) · Vakantiepark De Wielewaal: SALTO ok (2 ms) " * 3


def test_a_long_text_does_not_widen_its_window(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    row = QHBoxLayout(window)
    elided, plain = ElidedLabel(), QLabel(LONG)
    elided.setText(LONG)
    row.addWidget(elided)
    assert window.minimumSizeHint().width() < 300 < plain.minimumSizeHint().width()
    assert elided.text() == LONG  # screen readers and tests read the whole line
    window.resize(400, 40)
    window.show()
    qtbot.waitExposed(window)
    assert elided.width() <= 400  # it takes the room it is given, not its text's width
