"""The Settings tab (managers and installers), behind the optional manager PIN.

Pages: the administration (SALTO link, defaults, authorization names), key types and products,
encoders, door names, the PMS connection, the manager PIN and diagnostics. Every change goes
through the core's repositories and validation; the pages only show and collect.
"""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from salto_desk.storage.config_repository import ConfigRepository
from ui.context import DeskContext
from ui.settings.administration import AdministrationPage
from ui.settings.common import Say
from ui.settings.diagnostics import DiagnosticsPage
from ui.settings.doors import DoorNamesPage
from ui.settings.encoders import EncodersPage
from ui.settings.key_types import KeyTypesPage
from ui.settings.pin import LockPage, PinPage, stored_pin_hash
from ui.settings.pms import PmsPage


class SettingsTab(QWidget):
    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.say = say = Say(context.language)
        self.lock_page = LockPage(context)
        self.administrations = QComboBox()
        self.administrations.setMinimumContentsLength(24)
        self.lock_button = QPushButton(say("Lock", "Vergrendelen"))
        self.administration_page = AdministrationPage(context)
        self.key_types_page = KeyTypesPage(context)
        self.encoders_page = EncodersPage(context)
        self.doors_page = DoorNamesPage(context)
        self.pms_page = PmsPage(context)
        self.pin_page = PinPage(context)
        self.diagnostics_page = DiagnosticsPage(context)
        self.pages = QTabWidget()
        for page, label in (
            (self.administration_page, say("Administration", "Administratie")),
            (self.key_types_page, say("Key types && products", "Sleuteltypes && producten")),
            (self.encoders_page, say("Encoders", "Encoders")),
            (self.doors_page, say("Door names", "Deurnamen")),
            (self.pms_page, say("PMS connection", "PMS-koppeling")),
            (self.pin_page, say("Manager PIN", "Beheerders-pincode")),
            (self.diagnostics_page, say("Diagnostics", "Diagnose")),
        ):
            self.pages.addTab(page, label)
        top = QHBoxLayout()
        top.addWidget(QLabel(say("Administration", "Administratie")))
        top.addWidget(self.administrations)
        top.addStretch(1)
        top.addWidget(self.lock_button)
        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.addLayout(top)
        content_layout.addWidget(self.pages, 1)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.lock_page)
        self.stack.addWidget(content)
        self.content = content
        QVBoxLayout(self).addWidget(self.stack)

        self.administrations.currentIndexChanged.connect(self._administration_chosen)
        self.administration_page.saved.connect(self._administration_saved)
        self.administration_page.deleted.connect(lambda: self._load_administrations(None))
        self.lock_page.unlocked.connect(self._show_content)
        self.lock_button.clicked.connect(self.lock)
        self.pin_page.changed.connect(self._update_lock_button)
        self._load_administrations(None)
        self._update_lock_button()
        if stored_pin_hash(context) is None:
            self._show_content()
        else:
            self.lock()

    @property
    def locked(self) -> bool:
        return self.stack.currentWidget() is self.lock_page

    @Slot()
    def lock(self) -> None:
        """Show the PIN screen (only when a manager PIN is set)."""
        if stored_pin_hash(self.context) is not None:
            self.stack.setCurrentWidget(self.lock_page)
            self.lock_page.pin.setFocus()

    @Slot()
    def _show_content(self) -> None:
        self.stack.setCurrentWidget(self.content)
        self.refresh()

    def refresh(self) -> None:
        """Reload everything from the database (another desk may have changed it)."""
        if self.locked:
            return
        self._load_administrations(self.current_administration())
        self.pms_page.refresh()
        self.pin_page.refresh()
        self._update_lock_button()

    def current_administration(self) -> int | None:
        value = self.administrations.currentData()
        return value if isinstance(value, int) else None

    def select_administration(self, administration_id: int | None) -> None:
        self._load_administrations(administration_id)

    def _load_administrations(self, selected: int | None, *, show: bool = True) -> None:
        """Fill the chooser; ``show`` also (re)loads the pages for the selected administration."""
        with self.context.database.unit_of_work() as session:
            administrations = ConfigRepository(session).administrations()
        self.administrations.blockSignals(True)
        self.administrations.clear()
        for administration in administrations:
            self.administrations.addItem(administration.name, administration.id)
        if not administrations:
            self.administrations.addItem(
                self.say("(none yet: fill in a new one)", "(nog geen: vul een nieuwe in)"), None
            )
        self.administrations.setCurrentIndex(max(self.administrations.findData(selected), 0))
        self.administrations.blockSignals(False)
        if show:
            self._administration_chosen()

    @Slot()
    def _administration_chosen(self) -> None:
        administration_id = self.current_administration()
        self.administration_page.show_administration(administration_id)
        for page in (self.key_types_page, self.encoders_page, self.doors_page):
            page.show_administration(administration_id)

    @Slot(int)
    def _administration_saved(self, administration_id: int) -> None:
        """A new administration becomes the chosen one; a renamed one keeps the page and its message."""
        self._load_administrations(administration_id, show=administration_id != self.current_administration())

    @Slot()
    def _update_lock_button(self) -> None:
        self.lock_button.setVisible(stored_pin_hash(self.context) is not None)
