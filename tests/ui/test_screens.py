"""Every main view and dialog fits a 1024 x 768 front-desk screen: a walk through ``ui.screens``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QAbstractButton, QDialog, QDialogButtonBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from salto_desk.coordination import Coordinator
from salto_desk.demo.desk import Demo
from tests.ui.test_app import SMALL_DEMO
from ui.app import build_context, desk_settings
from ui.main_window import MainWindow
from ui.screens import desk_screens

WAIT_MS = 30_000
LARGEST_MINIMUM = QSize(1000, 700)
"""What a 1024 x 768 screen leaves for a window once the window frame, taskbar and banners are counted."""
SAFE_DEFAULT = {"delete-dialog"}
"""Dialogs whose Enter means Cancel: deleting key data voids cards, so it takes a deliberate click."""


@pytest.fixture(params=["en", "nl"])
def window(request: pytest.FixtureRequest, qtbot: QtBot) -> Iterator[MainWindow]:
    with SMALL_DEMO() as demo:
        yield from _window(qtbot, demo, request.param)


def _window(qtbot: QtBot, demo: Demo, language: str) -> Iterator[MainWindow]:
    context = build_context(
        demo.database, desk_settings(demo.data_dir), language=language, secrets=demo.secrets, data_dir=demo.data_dir
    )
    context.coordinator = Coordinator(demo.database)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    try:
        yield window
    finally:
        window.close()
        context.shutdown()


def _keyboard_problems(name: str, dialog: QDialog) -> list[str]:
    """Enter runs the dialog's own action (Cancel for a destructive one) and the focus starts in its first field."""
    problems = []
    defaults = [button for button in dialog.findChildren(QPushButton) if button.isDefault()]
    boxes = dialog.findChildren(QDialogButtonBox)
    cancels = {box.button(QDialogButtonBox.StandardButton.Cancel) for box in boxes} - {None}
    cancels |= {button for button in dialog.findChildren(QPushButton) if button.text() in ("Cancel", "Annuleren")}
    if len(defaults) != 1:
        problems.append(f"{name}: {len(defaults)} default buttons")
    elif (defaults[0] in cancels) != (name in SAFE_DEFAULT):
        problems.append(f"{name}: Enter means {defaults[0].text()!r}")
    focus = dialog.focusWidget()
    if name not in SAFE_DEFAULT and (focus is None or isinstance(focus, QAbstractButton)):
        problems.append(f"{name}: the focus starts on {type(focus).__name__}, not on the first field")
    return problems


def _minimum(widget: QWidget) -> QSize:
    window = widget.window()
    return window.minimumSizeHint().expandedTo(window.minimumSize())


@pytest.mark.slow
def test_every_view_and_dialog_fits_1000_by_700_and_starts_keyboard_first(qtbot: QtBot, window: MainWindow) -> None:
    sync = window.context.sync
    assert sync is not None
    if not sync.running:
        sync.run()
    qtbot.waitUntil(lambda: not sync.running and window.reservations.model.rowCount() > 0, timeout=WAIT_MS)
    window.offline_banner.show()  # banners and messages count: the window must fit with them shown
    walked, too_big, keyboard = [], [], []
    for screen in desk_screens(window):
        qtbot.waitUntil(lambda: screen.widget() is not None, timeout=WAIT_MS)  # noqa: B023
        widget = screen.widget()
        assert widget is not None
        minimum = _minimum(widget)
        walked.append(screen.name)
        if isinstance(widget, QDialog) and screen.name != "about-dialog":
            widget.activateWindow()
            qtbot.waitUntil(lambda: widget.focusWidget() is not None, timeout=WAIT_MS)  # noqa: B023
            keyboard += _keyboard_problems(screen.name, widget)
        if minimum.width() > LARGEST_MINIMUM.width() or minimum.height() > LARGEST_MINIMUM.height():
            too_big.append(f"{screen.name}: {minimum.width()} x {minimum.height()}")
    assert too_big == []
    assert keyboard == []
    expected = {"reservations", "print-dialog", "key-data-dialog", "delete-dialog", "owner-key-dialog",
                "settings-administration", "settings-key-type-dialog", "settings-encoder-dialog"}  # fmt: skip
    assert expected <= set(walked)
