"""Waiting for the settings pages and dialogs, which read and store through the core off the GUI thread."""

from __future__ import annotations

from typing import Protocol, TypeVar

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.ui.desk import WAIT_MS
from ui.settings.common import EditDialog


class LoadingWidget(Protocol):
    @property
    def loading(self) -> bool: ...


PageT = TypeVar("PageT", bound=QWidget)
DialogT = TypeVar("DialogT", bound=EditDialog)  # type: ignore[type-arg]


def wait_loaded(qtbot: QtBot, page: LoadingWidget) -> None:
    qtbot.waitUntil(lambda: not page.loading, timeout=WAIT_MS)


def shown(qtbot: QtBot, page: PageT) -> PageT:
    """Show the page (it reads what it shows when first shown) and wait until it has."""
    qtbot.addWidget(page)
    page.show()
    wait_loaded(qtbot, page)  # type: ignore[arg-type]
    return page


def opened(qtbot: QtBot, dialog: DialogT | None) -> DialogT:
    """The dialog a page opened, once it has read its form (OK is off until then)."""
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.ready, timeout=WAIT_MS)
    return dialog


def accept(qtbot: QtBot, dialog: EditDialog) -> None:  # type: ignore[type-arg]
    """Press OK and wait until the core stored the form and the dialog closed."""
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        dialog.buttons.accepted.emit()


def refused(qtbot: QtBot, dialog: EditDialog) -> None:  # type: ignore[type-arg]
    """Press OK and wait for the core's refusal: the dialog stays open with OK on again."""
    dialog.buttons.accepted.emit()
    assert not dialog.ready
    qtbot.waitUntil(lambda: dialog.ready, timeout=WAIT_MS)
    assert dialog.isVisible()
