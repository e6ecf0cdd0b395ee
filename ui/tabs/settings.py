"""The Settings tab (managers and installers), behind the optional manager PIN, and "This desk".

Manager pages: the administration (SALTO link, defaults, authorization names), key types and
products, encoders, door names, the PMS connection, the manager PIN and diagnostics. Every read and
every change goes through the application layer (``DeskContext.services``) off the GUI thread; the
pages only show and collect. Nothing is read before the tab is first shown, and then only the page
in front: each page reads what it shows when it is first shown.

"This desk" (the language of this PC) stays open when the PIN locks the rest: while locked, the
manager pages' tabs are hidden and a "Manager settings" tab asks for the PIN instead. With a PIN, the
manager pages lock as soon as the PIN is set, whenever the tab is left (another tab, the window
minimized) and after a few minutes without a key or mouse event in them (``IdleWatch``); locking closes
their open dialogs.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Slot
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from salto_desk.keys.model import Administration
from salto_desk.services.pin import PinState
from ui.context import DeskContext
from ui.settings.administration import AdministrationPage
from ui.settings.common import LoadedPage, Say
from ui.settings.desk import DeskPage
from ui.settings.diagnostics import DiagnosticsPage
from ui.settings.doors import DoorNamesPage
from ui.settings.encoders import EncodersPage
from ui.settings.key_types import KeyTypesPage
from ui.settings.pin import IdleWatch, LockPage, PinPage, within
from ui.settings.pms import PmsPage
from ui.style import Icon, icon

AdministrationPages = Sequence[AdministrationPage | KeyTypesPage | EncodersPage | DoorNamesPage]


class SettingsTab(QWidget):
    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.say = say = Say(context.language)
        self.lock_page = LockPage(context)
        self.administrations = QComboBox()
        self.administrations.setMinimumContentsLength(24)
        self.administrations.setAccessibleName(say("Administration to set up", "In te stellen administratie"))
        self.lock_button = QPushButton(say("Lock", "Vergrendelen"))
        self.lock_button.setIcon(icon(Icon.LOCK))
        self.lock_button.setAccessibleName(say("Lock the manager settings", "De beheerdersinstellingen vergrendelen"))
        self.lock_button.setToolTip(
            say("Hide the manager settings until the PIN is entered again.",
                "Verberg de beheerdersinstellingen tot de pincode opnieuw is ingevoerd.")
        )  # fmt: skip
        self.administration_page = AdministrationPage(context)
        self.key_types_page = KeyTypesPage(context)
        self.encoders_page = EncodersPage(context)
        self.doors_page = DoorNamesPage(context)
        self.pms_page = PmsPage(context)
        self.pin_page = PinPage(context)
        self.diagnostics_page = DiagnosticsPage(context)
        self.desk_page = DeskPage(context)
        self.manager_pages: tuple[QWidget, ...] = (
            self.administration_page, self.key_types_page, self.encoders_page, self.doors_page, self.pms_page,
            self.pin_page, self.diagnostics_page,
        )  # fmt: skip
        self.administration_pages: AdministrationPages = (
            self.administration_page, self.key_types_page, self.encoders_page, self.doors_page,
        )  # fmt: skip
        self.pages = QTabWidget()
        self.pages.setAccessibleName(say("Settings pages", "Instellingenpagina's"))
        for page, label in (
            (self.lock_page, say("Manager settings", "Beheerdersinstellingen")),
            (self.administration_page, say("Administration", "Administratie")),
            (self.key_types_page, say("Key types && products", "Sleuteltypes && producten")),
            (self.encoders_page, say("Encoders", "Encoders")),
            (self.doors_page, say("Door names", "Deurnamen")),
            (self.pms_page, say("PMS connection", "PMS-koppeling")),
            (self.pin_page, say("Manager PIN", "Beheerders-pincode")),
            (self.diagnostics_page, say("Diagnostics", "Diagnose")),
            (self.desk_page, say("This desk", "Deze balie")),
        ):
            self.pages.addTab(page, label)
        self.chooser = QWidget()
        chooser_layout = QHBoxLayout(self.chooser)
        chooser_layout.setContentsMargins(0, 0, 0, 0)
        chooser_label = QLabel(say("&Administration", "&Administratie"))
        chooser_label.setBuddy(self.administrations)
        chooser_layout.addWidget(chooser_label)
        chooser_layout.addWidget(self.administrations)
        top = QHBoxLayout()
        top.addWidget(self.chooser)
        top.addStretch(1)
        top.addWidget(self.lock_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.pages, 1)

        self.administrations.currentIndexChanged.connect(self._administration_chosen)
        self.administration_page.saved.connect(self._administration_saved)
        self.administration_page.deleted.connect(lambda: self._load_administrations(None))
        self.lock_page.unlocked.connect(self._show_content)
        self.lock_button.clicked.connect(self.lock)
        self.pin_page.known.connect(self._pin_known)
        self.pin_page.changed.connect(self._pin_changed)
        self.pages.currentChanged.connect(self._update_chooser)
        self.idle = IdleWatch(self)
        self.idle.idle.connect(self._idle)
        self._pin_set = True  # locked until the core says whether a PIN is set
        self.pin_asked = False
        self.pin_checked = False
        self.loading_administrations = False
        self._chooser_load = 0
        self._set_locked(True)

    def showEvent(self, event: QShowEvent) -> None:
        """The first time the tab is shown, ask the core whether a PIN locks it (nothing is read before)."""
        super().showEvent(event)
        if not self.pin_asked:
            self.pin_asked = True
            self.context.calls.run(self, self.context.services.pin.state, self._first_pin_answer, self._pin_unknown)

    def hideEvent(self, event: QHideEvent) -> None:
        """Leaving the tab (or minimizing the window) locks the manager pages behind the PIN."""
        super().hideEvent(event)
        self.lock()

    @property
    def loading(self) -> bool:
        """Whether the tab still reads what it shows in front: the PIN check, the administrations, the page."""
        page = self.pages.currentWidget()
        return (
            not self.pin_checked
            or self.loading_administrations
            or (isinstance(page, LoadedPage) and page.loading)
            or (page is self.pin_page and self.pin_page.busy)
        )

    @property
    def locked(self) -> bool:
        return self.pages.isTabVisible(self.pages.indexOf(self.lock_page))

    @Slot()
    def lock(self) -> None:
        """Hide the manager pages behind the PIN screen (only when a manager PIN is set); their open dialogs
        close unsaved."""
        if not self._pin_set:
            return
        for window in QApplication.topLevelWidgets():
            if isinstance(window, QDialog) and window.isVisible() and within(self, window):
                window.reject()
        self._set_locked(True)
        self.pages.setCurrentWidget(self.lock_page)
        self.lock_page.pin.setFocus()

    @Slot()
    def _idle(self) -> None:
        minutes = self.idle.minutes
        self.lock()
        self.lock_page.message.show_info(
            self.say(
                f"The settings were locked after {minutes} minute{'' if minutes == 1 else 's'} without use.",
                f"De instellingen zijn vergrendeld na {minutes} {'minuut' if minutes == 1 else 'minuten'} "
                "zonder gebruik.",
            )
        )

    @Slot(bool)
    def _pin_changed(self, is_set: bool) -> None:
        """A PIN set (or changed) here locks at once: whoever set it must show they know it."""
        self._pin_set = is_set
        if is_set:
            self.lock()
            self.lock_page.message.show_info(
                self.say(
                    "The manager PIN is set: the settings are locked. Enter the PIN to go on.",
                    "De beheerders-pincode is ingesteld: de instellingen zijn vergrendeld. Vul de pincode in om "
                    "verder te gaan.",
                )
            )
        else:
            self._guard()

    def _first_pin_answer(self, state: PinState) -> None:
        self.pin_checked = True
        self._pin_known(state)
        if state.is_set:
            self.lock()
        else:
            self._show_content()

    def _pin_unknown(self, error: Exception) -> None:
        """The database cannot say whether a PIN is set: stay locked, say why, ask again when shown again."""
        self.pin_asked = False
        self.lock_page.message.show_error(self.say.error(error))

    @Slot(object)
    def _pin_known(self, state: PinState) -> None:
        self._pin_set = state.is_set
        self.idle.set_minutes(state.idle_minutes)
        self._guard()

    def _set_locked(self, locked: bool) -> None:
        """Show the lock screen or the manager pages."""
        self.pages.setTabVisible(self.pages.indexOf(self.lock_page), locked)
        for page in self.manager_pages:
            self.pages.setTabVisible(self.pages.indexOf(page), not locked)
        self._guard()
        self._update_chooser()

    def _guard(self) -> None:
        """Lock (and the idle watch) only while a PIN guards open manager pages."""
        guarded = self._pin_set and self.pin_checked and not self.locked
        self.lock_button.setVisible(guarded)
        if guarded:
            self.idle.arm()
        else:
            self.idle.disarm()

    @Slot()
    def _update_chooser(self) -> None:
        """The administration chooser belongs to the manager pages only."""
        self.chooser.setVisible(self.pages.currentWidget() in self.manager_pages)

    @Slot()
    def _show_content(self) -> None:
        was_locked = self.locked
        self._set_locked(False)
        if was_locked:
            self.pages.setCurrentWidget(self.administration_page)
        self.refresh()

    def refresh(self) -> None:
        """Read everything again through the core (another desk may have changed it); each page reads when
        it is shown."""
        if self.locked:
            return
        self._load_administrations(self.current_administration())
        self.pms_page.refresh()
        self.pin_page.refresh()

    def current_administration(self) -> int | None:
        value = self.administrations.currentData()
        return value if isinstance(value, int) else None

    def _load_administrations(self, selected: int | None, pages: AdministrationPages | None = None) -> None:
        """Fill the chooser through the core, then show its administration on ``pages`` (default: all)."""
        self._chooser_load += 1
        load = self._chooser_load
        self.loading_administrations = True
        self.context.calls.run(
            self,
            self.context.services.administrations.all,
            lambda listed: self._fill_chooser(
                load, listed, selected, self.administration_pages if pages is None else pages
            ),
            lambda error: self._chooser_failed(load, error),
        )

    def _fill_chooser(
        self, load: int, administrations: list[Administration], selected: int | None, pages: AdministrationPages
    ) -> None:
        if load != self._chooser_load:
            return  # a newer list is on its way
        self.loading_administrations = False
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
        for page in pages:
            page.show_administration(self.current_administration())

    def _chooser_failed(self, load: int, error: Exception) -> None:
        if load == self._chooser_load:
            self.loading_administrations = False
            self.administration_page.message.show_error(self.say.error(error))

    @Slot()
    def _administration_chosen(self) -> None:
        administration_id = self.current_administration()
        for page in self.administration_pages:
            page.show_administration(administration_id)

    @Slot(int)
    def _administration_saved(self, administration_id: int) -> None:
        """A new administration becomes the chosen one on every other page (its own page shows it already);
        a renamed one keeps the pages and the page's message."""
        others = () if administration_id == self.current_administration() else self.administration_pages[1:]
        self._load_administrations(administration_id, others)
