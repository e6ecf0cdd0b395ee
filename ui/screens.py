"""Every main view and dialog of the desk, one after another, for pictures and for the fit-the-screen test.

``desk_screens`` drives the window as a receptionist would: a booking with key data in the list, then
Print, To phone, Edit and Delete on it (each dialog opened through the panel, as the buttons do, and
closed again without doing anything), Read key, an owner and +Key, About, the user guide, then every Settings page and
dialog (``ui.settings.screens``). The caller waits until a screen's widget is there, takes its picture
or measures it, and asks for the next one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from PySide6.QtWidgets import QDialog, QWidget

from ui.main_window import MainWindow
from ui.settings.screens import settings_screens
from ui.widgets.key_actions import KeyActionsPanel


@dataclass(frozen=True)
class Screen:
    """A picture's name and the widget to show; ``widget()`` is None until what it shows has been read."""

    name: str
    widget: Callable[[], QWidget | None]


def _open_dialog(panel: KeyActionsPanel) -> Callable[[], QWidget | None]:
    return lambda: panel.dialog if panel.dialog is not None and panel.dialog.isVisible() else None


def _when(widget: QWidget, ready: Callable[[], bool]) -> Callable[[], QWidget | None]:
    return lambda: widget if ready() else None


def _closed(dialog: QWidget | None) -> None:
    if isinstance(dialog, QDialog):
        dialog.reject()


def desk_screens(window: MainWindow) -> Iterator[Screen]:
    """Yield each main view and dialog; a dialog is closed when the caller asks for the next screen."""
    reservations, panel = window.reservations, window.reservations.key_panel
    window.tabs.setCurrentWidget(reservations)
    rows = reservations.model.rows()
    with_key = next((row for row in rows if row.keys), rows[0] if rows else None)
    if with_key is not None:
        reservations.select(with_key.identity)
    yield Screen("reservations", _when(window, lambda: panel.details() is not None or panel.key() is None))
    if panel.key() is not None:
        for name, open_dialog in (
            ("print-dialog", panel.print_cards),
            ("phone-dialog", panel.send_to_phone),
            ("key-data-dialog", panel.edit_key),
            ("delete-dialog", panel.delete_key),
        ):
            open_dialog()
            yield Screen(name, _open_dialog(panel))
            _closed(panel.dialog)

    window.tabs.setCurrentWidget(window.read_key)
    yield Screen("read-key", _when(window, lambda: window.read_key.chosen() is not None))

    owners = window.owners
    window.tabs.setCurrentWidget(owners)
    yield Screen("owners", _when(window, lambda: not owners.searching and owners.proxy.rowCount() > 0))
    owners.table.selectRow(0)
    owner_panel = owners.key_panel
    yield Screen("owner", _when(window, lambda: owner_panel.details() is not None or owner_panel.key() is None))
    owners.add_key()
    yield Screen("owner-key-dialog", lambda: owners.dialog)
    _closed(owners.dialog)

    about = window.show_about()
    yield Screen("about-dialog", lambda: about)
    about.reject()
    guide = window.show_user_guide()
    yield Screen("user-guide", lambda: guide)
    guide.close()

    window.tabs.setCurrentWidget(window.settings)
    for name, widget, ready in settings_screens(window.settings):
        yield Screen(name, _when(window if widget is window.settings else widget, ready))
