"""Waiting for the settings pages and dialogs, which read and store through the core off the GUI thread."""

from __future__ import annotations

from typing import Any, TypeVar

from pytestqt.qtbot import QtBot

from tests.ui.desk import WAIT_MS
from ui.settings.common import EditDialog, LoadedPage

PageT = TypeVar("PageT", bound=LoadedPage)
DialogT = TypeVar("DialogT", bound="EditDialog[Any]")


def wait_loaded(qtbot: QtBot, page: LoadedPage) -> None:
    qtbot.waitUntil(lambda: not page.loading, timeout=WAIT_MS)


def shown(qtbot: QtBot, page: PageT) -> PageT:
    """Show the page (it reads what it shows when first shown) and wait until it has."""
    qtbot.addWidget(page)
    page.show()
    wait_loaded(qtbot, page)
    return page


def opened(qtbot: QtBot, dialog: DialogT | None) -> DialogT:
    """The dialog a page opened, once it has read its form (OK is off until then)."""
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.ready, timeout=WAIT_MS)
    return dialog


def accept(qtbot: QtBot, dialog: EditDialog[Any]) -> None:
    """Press OK and wait until the core stored the form and the dialog closed."""
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        dialog.buttons.accepted.emit()


def refused(qtbot: QtBot, dialog: EditDialog[Any]) -> None:
    """Press OK and wait for the core's refusal: the dialog stays open with OK on again."""
    dialog.buttons.accepted.emit()
    assert not dialog.ready
    qtbot.waitUntil(lambda: dialog.ready, timeout=WAIT_MS)
    assert dialog.isVisible()
