"""The main window: the four tabs, the menus, and a status bar that says whether the desk can work.

The status bar and the offline banner over the tabs are the desk's state line (``DeskStatusLine``):
whether each administration's SALTO answers, the PMS sync, and what the encoders are doing.

Several desks on one database (docs/multi-desk.md): a ``ChangeFeed`` re-emits the other desks'
changes on ``context.events`` while the window is shown, and, when the desk has a ``Coordinator``,
the "Desks" dock (``DeskStatusView``, shown on a shared database, else in the View menu) lists the
sync leader and the encoders and links in use.

Keyboard: Ctrl+F search, Enter opens the selected reservation, Ctrl+P prints new cards and
Ctrl+Shift+P a copy for the key shown, F5 syncs now, Ctrl+1..4 switch tabs. The window's size, the
splitters, the current tab and the language are remembered per desk (QSettings); the language is
switched by rebuilding the window (``language_changed``, handled by ``ui.app.DeskWindow``).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QByteArray, QObject, QSettings, QSize, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QGuiApplication, QKeySequence, QShowEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow, QSplitter, QTabWidget, QVBoxLayout, QWidget

from salto_desk.errors import Text
from salto_desk.keys.model import Holder, HolderKind
from ui.context import DeskContext
from ui.dialogs.about import AboutDialog
from ui.dialogs.user_guide import Topic, UserGuideDialog, show_user_guide
from ui.style import Icon, icon
from ui.tabs.owners import OwnersTab
from ui.tabs.read_key import ReadKeyTab
from ui.tabs.reservations import ReservationsTab
from ui.tabs.settings import SettingsTab
from ui.widgets.desk_status import DeskStatusView
from ui.widgets.key_actions import KeyActionsPanel
from ui.widgets.quit_guard import QuitGuard
from ui.widgets.status_line import DeskStatusLine
from ui.workers.change_feed import ChangeFeed

DEFAULT_SYNC_INTERVAL_S = 120
NOT_A_KEY_TAB = Text(
    "Printing works on the Reservations and Owners tabs: select a reservation or owner with a key there first.",
    "Afdrukken kan op de tabbladen Reserveringen en Eigenaren: kies daar eerst een reservering of eigenaar met "
    "een sleutel.",
)
ENCODERS_BUSY = Text(
    "The language can be switched once the encoders are idle: finish or cancel the card operation first.",
    "De taal kan worden gewisseld zodra de encoders vrij zijn: rond de kaartbewerking eerst af of annuleer die.",
)
STATUS_MESSAGE_MS = 8000
DESKS = Text("Desks", "Balies")

GEOMETRY_SETTING = "window/geometry"
DEFAULT_SIZE = QSize(1280, 800)
FRAME_ALLOWANCE = QSize(8, 40)
"""The first size on a screen big enough for it; smaller screens get all they have (1024 x 768 works)."""
TAB_SETTING = "window/tab"
SPLITTER_SETTING = "window/splitters/{tab}/{index}"


def with_shortcut(text: str, action: QAction) -> str:
    """A tooltip that names the action's shortcut, as the desk shows it: "Print new cards (Ctrl+P)"."""
    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    return f"{text} ({keys})" if keys else text


class _ChangeRelay(QObject):
    """Re-emits what the change feed saw at any desk on the context's events; a child of the window."""

    def __init__(self, window: MainWindow, feed: ChangeFeed) -> None:
        super().__init__(window)
        self._context = window.context
        feed.keys_changed.connect(self.keys_changed)
        feed.config_changed.connect(self.config_changed)
        feed.pms_changed.connect(self.pms_changed)

    @Slot()
    def keys_changed(self) -> None:
        self._context.events.keys_changed.emit(None)

    @Slot()
    def config_changed(self) -> None:
        self._context.events.config_changed.emit()

    @Slot()
    def pms_changed(self) -> None:
        """The sync leader (another desk) stored PMS data; this desk's own sync announces itself when done."""
        sync = self._context.sync
        if sync is None or not sync.running:
            self._context.events.pms_synced.emit(None)


class MainWindow(QMainWindow):
    """Tabs for the receptionist (reservations, owners, read key) and the manager (settings)."""

    language_changed = Signal(str)  # "This desk" chose another language: the window must be rebuilt

    def __init__(
        self, context: DeskContext, *, sync_interval_s: int = DEFAULT_SYNC_INTERVAL_S, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.language = language = context.language
        self.setWindowTitle("Salto Desk")

        self.reservations = ReservationsTab(context)
        self.owners = OwnersTab(context)
        self.read_key = ReadKeyTab(context)
        self.settings = SettingsTab(context)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("main_tabs")
        self.tabs.setAccessibleName(Text("Desk tabs", "Tabbladen van de balie")(language))
        for tab, title, name in (
            (self.reservations, Text("Reservations", "Reserveringen"), Icon.RESERVATIONS),
            (self.owners, Text("Owners", "Eigenaren"), Icon.OWNERS),
            (self.read_key, Text("Read key", "Sleutel lezen"), Icon.READ),
            (self.settings, Text("Settings", "Instellingen"), Icon.SETTINGS),
        ):
            self.tabs.addTab(tab, icon(name), title(language))
        self.read_key.open_holder.connect(self.open_holder)
        self.settings.desk_page.language_chosen.connect(self._on_language_chosen)

        self._closed = False

        self.change_feed = ChangeFeed(context.services.changes.poll, context.calls)
        self.change_feed.setParent(self)
        _ChangeRelay(self, self.change_feed)
        self.desk_status: DeskStatusView | None = None
        self.desk_status_dock: QDockWidget | None = None
        if context.coordinator is not None:
            self.desk_status = DeskStatusView(
                context.coordinator.status, context.calls, language, zone=lambda: self.status_line.zone()
            )
            self.desk_status_dock = QDockWidget(DESKS(language), self)
            self.desk_status_dock.setObjectName("desk_status_dock")
            self.desk_status_dock.setWidget(self.desk_status)
            self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.desk_status_dock)
            # A desk on its own SQLite file has nobody to share with: the dock waits in the View menu.
            self.desk_status_dock.setVisible(context.database.url.get_backend_name() != "sqlite")
        self._feeds_started = False
        self._build_menus()
        self.status_line = DeskStatusLine(context, self.sync_action.toolTip(), self)
        self.status_line.place(self.statusBar())
        self.offline_banner = self.status_line.offline_banner
        self.link_label = self.status_line.link_label
        self.sync_label = self.status_line.sync_label
        self.queue_label = self.status_line.queue_label
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        central_layout.addWidget(self.offline_banner)
        central_layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self.quit_guard = QuitGuard(self, context.calls, language)
        self._sync_timer = QTimer(self)
        self._sync_timer.setInterval(sync_interval_s * 1000)
        self._sync_timer.timeout.connect(self.sync_now)
        if context.sync is not None:
            self._sync_timer.start()
        self.restore_layout()

    # --- menus ------------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        tr = self.language
        desk = self.menuBar().addMenu(Text("&Desk", "&Balie")(tr))
        self.sync_action = self._action(Text("&Sync with the PMS now", "Nu &synchroniseren met het PMS"), "F5",
                                        self.sync_now, Icon.SYNC)  # fmt: skip
        self.sync_action.setEnabled(self.context.sync is not None)
        desk.addAction(self.sync_action)
        check = self._action(
            Text("&Check the SALTO links", "SALTO-verbindingen &controleren"), None, self.check_links, Icon.TEST
        )
        desk.addAction(check)
        desk.addSeparator()
        quit_action = self._action(Text("&Quit", "&Afsluiten"), QKeySequence.StandardKey.Quit, self.close, Icon.QUIT)
        desk.addAction(quit_action)

        keys = self.menuBar().addMenu(Text("&Keys", "&Sleutels")(tr))
        self.search_action = self._action(Text("&Search", "&Zoeken"), "Ctrl+F", self.focus_search, Icon.SEARCH)
        # Enter belongs to the reservation list only: elsewhere it confirms dialogs and runs searches.
        self.open_action = self._action(Text("&Open the selected reservation", "Gekozen reservering &openen"),
                                        None, self.open_selected, window_wide=False)  # fmt: skip
        self.open_action.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        self.open_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.open_action.setToolTip(with_shortcut(self.open_action.toolTip(), self.open_action))
        self.reservations.table.addAction(self.open_action)
        self.print_action = self._action(Text("&Print new cards…", "Nieuwe kaarten &afdrukken…"), "Ctrl+P",
                                         self.print_new, Icon.PRINT)  # fmt: skip
        self.copy_action = self._action(Text("Print a &copy…", "&Kopie afdrukken…"), "Ctrl+Shift+P", self.print_copy,
                                        Icon.COPY)  # fmt: skip
        for action in (self.search_action, self.open_action, self.print_action, self.copy_action):
            keys.addAction(action)

        view = self.menuBar().addMenu(Text("&View", "Beel&d")(tr))
        for index in range(self.tabs.count()):
            action = QAction(self.tabs.tabIcon(index), self.tabs.tabText(index), self)
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _checked=False, tab=index: self.tabs.setCurrentIndex(tab))
            self.tabs.setTabToolTip(index, with_shortcut(self.tabs.tabText(index), action))
            view.addAction(action)
        if self.desk_status_dock is not None:
            view.addSeparator()
            view.addAction(self.desk_status_dock.toggleViewAction())

        help_menu = self.menuBar().addMenu(Text("&Help", "&Help")(tr))
        help_menu.addAction(self._action(Text("&User guide", "&Handleiding"), "F1", self.show_user_guide, Icon.GUIDE))
        logs = self._action(Text("Open the &log folder", "&Logmap openen"), None, self.open_log_folder, Icon.FOLDER)
        help_menu.addAction(logs)
        about = self._action(Text("&About Salto Desk", "&Over Salto Desk"), None, self.show_about, Icon.ABOUT)
        help_menu.addAction(about)

    def _action(
        self, text: Text, shortcut: str | QKeySequence.StandardKey | None, slot: Callable[[], object],
        picture: Icon | None = None, *, window_wide: bool = True,
    ) -> QAction:  # fmt: skip
        """A menu action with its icon; its tooltip names its shortcut, which works wherever the focus is in the
        window."""
        action = QAction(text(self.language), self)
        if picture is not None:
            action.setIcon(icon(picture))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(with_shortcut(action.text().replace("&", "").rstrip("…"), action))
        action.triggered.connect(lambda _checked=False: slot())
        if window_wide:
            self.addAction(action)
        return action

    def open_log_folder(self) -> None:
        folder = self.context.paths.logs
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def show_about(self) -> AboutDialog:
        dialog = AboutDialog(self.context, self)
        dialog.open()
        return dialog

    def show_user_guide(self) -> UserGuideDialog:
        """F1: the user guide, open at the part for the tab in front (Settings: the managers' part)."""
        tabs = ((self.reservations, Topic.RESERVATIONS), (self.owners, Topic.OWNERS), (self.read_key, Topic.READ_KEY))
        current = self.tabs.currentWidget()
        topic = next((topic for tab, topic in tabs if tab is current), Topic.SETTINGS)
        return show_user_guide(self.language, topic, self)

    # --- navigation -------------------------------------------------------------------------------

    def open_holder(self, holder: object) -> None:
        """Show the reservation or owner a read card belongs to."""
        if not isinstance(holder, Holder):
            return
        if holder.kind is HolderKind.RESERVATION:
            self.reservations.show_reservation(holder.pms_id, holder.label)
            self.tabs.setCurrentWidget(self.reservations)
        else:
            self.owners.show_owner(holder.pms_id)
            self.tabs.setCurrentWidget(self.owners)

    # --- keyboard actions -------------------------------------------------------------------------

    def focus_search(self) -> None:
        """Ctrl+F: the search of the Owners tab when it is shown, else the reservation search."""
        if self.tabs.currentWidget() is self.owners:
            self.owners.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.owners.search_field.selectAll()
            return
        self.tabs.setCurrentWidget(self.reservations)
        self.reservations.focus_search()

    def open_selected(self) -> None:
        """Enter in the reservation list: open the selected reservation's key data."""
        self.tabs.setCurrentWidget(self.reservations)
        self.reservations.open_selected()

    def print_new(self) -> None:
        """Ctrl+P: new cards for the key shown on the current tab."""
        panel = self._key_panel()
        if panel is not None:
            panel.print_new()

    def print_copy(self) -> None:
        """Ctrl+Shift+P: a copy card for the key shown on the current tab."""
        panel = self._key_panel()
        if panel is not None:
            panel.print_copy()

    def _key_panel(self) -> KeyActionsPanel | None:
        current = self.tabs.currentWidget()
        if current is self.reservations:
            return self.reservations.key_panel
        if current is self.owners:
            return self.owners.key_panel
        self.statusBar().showMessage(NOT_A_KEY_TAB(self.language), STATUS_MESSAGE_MS)
        return None

    # --- language and layout ----------------------------------------------------------------------

    @Slot(str)
    def _on_language_chosen(self, language: str) -> None:
        """Rebuild in another language, but never under a running card operation (its prompt would go)."""
        if any(self.context.calls.lane_busy(lane) for lane in self.context.calls.salto_lanes()):
            self.settings.desk_page.message.show_error(ENCODERS_BUSY(self.language))
            return
        self.language_changed.emit(language)

    def _splitters(self) -> dict[str, QSplitter]:
        """Every splitter of the tabs, named by tab and position (the tabs build them, unnamed)."""
        found: dict[str, QSplitter] = {}
        for name, tab in (("reservations", self.reservations), ("owners", self.owners),
                          ("read_key", self.read_key), ("settings", self.settings)):  # fmt: skip
            for index, splitter in enumerate(tab.findChildren(QSplitter)):
                found[SPLITTER_SETTING.format(tab=name, index=index)] = splitter
        return found

    def save_layout(self) -> None:
        """Remember this desk's window size and position, splitter positions and current tab."""
        settings: QSettings = self.context.settings
        settings.setValue(GEOMETRY_SETTING, self.saveGeometry())
        settings.setValue(TAB_SETTING, self.tabs.currentIndex())
        for key, splitter in self._splitters().items():
            settings.setValue(key, splitter.saveState())
        settings.sync()

    def restore_layout(self) -> None:
        """Put back what ``save_layout`` remembered; anything missing or unreadable keeps its default.

        The window always fits the screen it opens on (a layout saved on a bigger screen shrinks to it)."""
        settings: QSettings = self.context.settings
        geometry = settings.value(GEOMETRY_SETTING)
        if not isinstance(geometry, QByteArray) or not self.restoreGeometry(geometry):
            self.resize(DEFAULT_SIZE)
        self._fit_to_screen()
        for key, splitter in self._splitters().items():
            state = settings.value(key)
            if isinstance(state, QByteArray):
                splitter.restoreState(state)
        try:
            tab = int(str(settings.value(TAB_SETTING, 0)))
        except ValueError:
            tab = 0
        if 0 <= tab < self.tabs.count():
            self.tabs.setCurrentIndex(tab)

    def _fit_to_screen(self) -> None:
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        available = screen.availableGeometry()
        frame = self.frameGeometry().size() - self.geometry().size()  # title bar and borders, once shown
        if frame.isEmpty():
            frame = FRAME_ALLOWANCE  # not shown yet: the window manager's frame is still unknown
        width = min(self.width(), available.width() - frame.width())
        height = min(self.height(), available.height() - frame.height())
        if (width, height) != (self.width(), self.height()):
            self.resize(width, height)
        left = min(max(self.x(), available.left()), available.right() - width)
        top = min(max(self.y(), available.top()), available.bottom() - height)
        self.move(left, top)

    # --- SALTO links and the PMS sync -------------------------------------------------------------

    def check_links(self) -> None:
        """ENQ every administration's SALTO now (the state line also does so every minute)."""
        self.status_line.check_links()

    # --- PMS sync ---------------------------------------------------------------------------------

    def sync_now(self) -> None:
        sync = self.context.sync
        if sync is not None:
            sync.run()

    def showEvent(self, event: QShowEvent) -> None:
        """Start following the other desks when the window first shows."""
        super().showEvent(event)
        if not self._feeds_started and not self._closed:
            self._feeds_started = True
            self.change_feed.start()
            if self.desk_status is not None:
                self.desk_status.start()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closed and not self.quit_guard.allows_close():
            event.ignore()  # SALTO works: the guard asks, and closes the window once that work ended
            return
        if not self._closed:
            self.save_layout()
        self._closed = True
        self.status_line.stop()
        self._sync_timer.stop()
        self.change_feed.stop()
        if self.desk_status is not None:
            self.desk_status.stop()
        super().closeEvent(event)
