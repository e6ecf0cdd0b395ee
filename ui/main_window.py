"""The main window: the four tabs, the menus, and a status bar that says whether the desk can work.

The status bar shows, per administration, whether its SALTO answers (an ENQ sent through that
endpoint's encoder queue, so a check never overlaps an encode), the PMS sync state with the time of
the last good sync or since when the PMS is unreachable, and what the encoder queues are doing. While
BEX cannot be reached, a banner over the tabs says since when and that the data shown is that of the
last sync (the tabs keep working from the local database). When another desk leads the sync, the
status bar says which desk since when.

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
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QByteArray, QObject, QSettings, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence, QShowEvent
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QSplitter, QTabWidget, QVBoxLayout, QWidget

from salto_desk.errors import SaltoDeskError, Text
from salto_desk.keys.model import Administration, Holder, HolderKind
from salto_desk.storage.leases import LeaseHolder
from salto_desk.storage.pms_repository import SyncStatus
from salto_desk.sync import SyncProgress
from ui.context import DeskContext
from ui.dialogs.about import AboutDialog
from ui.tabs.owners import OwnersTab
from ui.tabs.read_key import ReadKeyTab
from ui.tabs.reservations import ReservationsTab
from ui.tabs.settings import SettingsTab
from ui.widgets.desk_status import DeskStatusView
from ui.widgets.key_actions import KeyActionsPanel
from ui.workers.calls import SaltoLane
from ui.workers.change_feed import ChangeFeed

LINK_CHECK_INTERVAL_MS = 60_000
DEFAULT_SYNC_INTERVAL_S = 120
OK_STYLE = "color: #1b5e20;"
ERROR_STYLE = "color: #b00020;"
LINK_CHECK = Text("SALTO link check", "SALTO-verbindingscontrole")
NO_ADMINISTRATION = Text(
    "No administration set up yet (Settings tab)", "Nog geen administratie ingesteld (tab Instellingen)"
)
OFFLINE = Text("PMS: offline", "PMS: offline")
FROM_CACHE = Text(" (working from the cache)", " (werkt met de cache)")
SYNCED_AT = Text("PMS: synced at ", "PMS: gesynchroniseerd om ")
BANNER_STYLE = "background: #fff3cd; color: #5c3c00; border: 1px solid #e0b000; padding: 6px;"
OFFLINE_BANNER = Text(
    "BEX cannot be reached since {since}. What you see is the data of the last sync ({last}): today's arrivals "
    "and in-house guests can still be worked on and key cards can still be printed. Salto Desk keeps trying; "
    "F5 tries now.",
    "BEX is niet bereikbaar sinds {since}. U ziet de gegevens van de laatste synchronisatie ({last}): de "
    "aankomsten van vandaag en de gasten in huis kunt u gewoon helpen en sleutelkaarten kunnen nog worden "
    "gemaakt. Salto Desk blijft het proberen; F5 probeert het nu.",
)
NEVER_SYNCED = Text("none yet on this desk", "nog geen op deze balie")
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
SYNC_ELSEWHERE = Text("sync runs at {desk} since {since}", "synchronisatie loopt aan {desk} sinds {since}")
DESKS = Text("Desks", "Balies")

GEOMETRY_SETTING = "window/geometry"
TAB_SETTING = "window/tab"
SPLITTER_SETTING = "window/splitters/{tab}/{index}"


@dataclass(frozen=True)
class LinkState:
    """The outcome of one ENQ: the round trip, or the error that says why SALTO did not answer."""

    round_trip: float | None
    error: BaseException | None = None


def _error_text(error: object, language: str) -> str:
    if isinstance(error, SaltoDeskError):
        return error.user_message(language)
    return f"{type(error).__name__}: {error}"


def _clock_text(moment: datetime) -> str:
    local = moment.astimezone()
    return f"{local:%H:%M}" if local.date() == datetime.now().astimezone().date() else f"{local:%d-%m %H:%M}"


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
        self.resize(1280, 800)

        self.reservations = ReservationsTab(context)
        self.owners = OwnersTab(context)
        self.read_key = ReadKeyTab(context)
        self.settings = SettingsTab(context)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("main_tabs")
        self.tabs.setAccessibleName(Text("Desk tabs", "Tabbladen van de balie")(language))
        for tab, title in (
            (self.reservations, Text("Reservations", "Reserveringen")),
            (self.owners, Text("Owners", "Eigenaren")),
            (self.read_key, Text("Read key", "Sleutel lezen")),
            (self.settings, Text("Settings", "Instellingen")),
        ):
            self.tabs.addTab(tab, title(language))
        self.offline_banner = QLabel()
        self.offline_banner.setObjectName("offline_banner")
        self.offline_banner.setWordWrap(True)
        self.offline_banner.setStyleSheet(BANNER_STYLE)
        self.offline_banner.setAccessibleName(Text("PMS offline notice", "Melding PMS offline")(language))
        self.offline_banner.hide()
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        central_layout.addWidget(self.offline_banner)
        central_layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.read_key.open_holder.connect(self.open_holder)
        self.settings.desk_page.language_chosen.connect(self._on_language_chosen)

        self._administrations: list[Administration] = []
        self._links: dict[int, LinkState] = {}
        self._checking: set[int] = set()  # administrations whose link check waits or runs
        self._sync_state: Text | None = None
        self._sync_failure: str | None = None
        self._sync_failed_at: datetime | None = None
        self._sync_leader: LeaseHolder | None = None
        self._closed = False

        self.change_feed = ChangeFeed(context.services.changes.poll, context.calls)
        self.change_feed.setParent(self)
        _ChangeRelay(self, self.change_feed)
        self.desk_status: DeskStatusView | None = None
        self.desk_status_dock: QDockWidget | None = None
        if context.coordinator is not None:
            self.desk_status = DeskStatusView(context.coordinator.status, context.calls, language)
            self.desk_status_dock = QDockWidget(DESKS(language), self)
            self.desk_status_dock.setObjectName("desk_status_dock")
            self.desk_status_dock.setWidget(self.desk_status)
            self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.desk_status_dock)
            # A desk on its own SQLite file has nobody to share with: the dock waits in the View menu.
            self.desk_status_dock.setVisible(context.database.url.get_backend_name() != "sqlite")
        self._feeds_started = False

        self.link_label = QLabel()
        self.link_label.setObjectName("status_link")
        self.link_label.setAccessibleName(Text("SALTO link state", "Status SALTO-verbinding")(language))
        self.sync_label = QLabel()
        self.sync_label.setObjectName("status_sync")
        self.sync_label.setAccessibleName(Text("PMS sync state", "Status PMS-synchronisatie")(language))
        self.queue_label = QLabel()
        self.queue_label.setObjectName("status_queue")
        self.queue_label.setAccessibleName(Text("Encoder queue", "Wachtrij van de encoders")(language))
        bar = self.statusBar()
        bar.setAccessibleName(Text("Status bar", "Statusbalk")(language))
        bar.addWidget(self.link_label, 2)
        bar.addWidget(self.sync_label, 2)
        bar.addPermanentWidget(self.queue_label)
        self._build_menus()

        context.events.config_changed.connect(self.reload_configuration)
        context.calls.lanes_changed.connect(self._show_queue)
        context.events.pms_synced.connect(self._on_synced)
        sync = context.sync
        if sync is not None:
            sync.started.connect(self._on_sync_started)
            sync.progress.connect(self._on_sync_progress)
            sync.failed.connect(self._on_sync_failed)
            sync.skipped.connect(self._on_sync_skipped)
            if sync.running:  # a window rebuilt (another language) while a sync runs
                self._sync_state = Text("PMS: syncing…", "PMS: synchroniseren…")

        self._link_timer = QTimer(self)
        self._link_timer.setInterval(LINK_CHECK_INTERVAL_MS)
        self._link_timer.timeout.connect(self.check_links)
        self._link_timer.start()
        self._sync_timer = QTimer(self)
        self._sync_timer.setInterval(sync_interval_s * 1000)
        self._sync_timer.timeout.connect(self.sync_now)
        if sync is not None:
            self._sync_timer.start()
        self._show_queue()
        self._show_sync()
        self.restore_layout()
        self.reload_configuration()

    # --- menus ------------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        tr = self.language
        desk = self.menuBar().addMenu(Text("&Desk", "&Balie")(tr))
        self.sync_action = self._action(Text("&Sync with the PMS now", "Nu &synchroniseren met het PMS"), "F5",
                                        self.sync_now)  # fmt: skip
        self.sync_action.setEnabled(self.context.sync is not None)
        desk.addAction(self.sync_action)
        check = self._action(Text("&Check the SALTO links", "SALTO-verbindingen &controleren"), None, self.check_links)
        desk.addAction(check)
        desk.addSeparator()
        quit_action = self._action(Text("&Quit", "&Afsluiten"), QKeySequence.StandardKey.Quit, self.close)
        desk.addAction(quit_action)

        keys = self.menuBar().addMenu(Text("&Keys", "&Sleutels")(tr))
        self.search_action = self._action(Text("&Search", "&Zoeken"), "Ctrl+F", self.focus_search)
        # Enter belongs to the reservation list only: elsewhere it confirms dialogs and runs searches.
        self.open_action = self._action(Text("&Open the selected reservation", "Gekozen reservering &openen"),
                                        None, self.open_selected, window_wide=False)  # fmt: skip
        self.open_action.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        self.open_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.open_action.setToolTip(with_shortcut(self.open_action.toolTip(), self.open_action))
        self.reservations.table.addAction(self.open_action)
        self.print_action = self._action(Text("&Print new cards…", "Nieuwe kaarten &afdrukken…"), "Ctrl+P",
                                         self.print_new)  # fmt: skip
        self.copy_action = self._action(Text("Print a &copy…", "&Kopie afdrukken…"), "Ctrl+Shift+P", self.print_copy)
        for action in (self.search_action, self.open_action, self.print_action, self.copy_action):
            keys.addAction(action)

        view = self.menuBar().addMenu(Text("&View", "Beel&d")(tr))
        for index in range(self.tabs.count()):
            action = QAction(self.tabs.tabText(index), self)
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _checked=False, tab=index: self.tabs.setCurrentIndex(tab))
            self.tabs.setTabToolTip(index, with_shortcut(self.tabs.tabText(index), action))
            view.addAction(action)
        if self.desk_status_dock is not None:
            view.addSeparator()
            view.addAction(self.desk_status_dock.toggleViewAction())

        help_menu = self.menuBar().addMenu(Text("&Help", "&Help")(tr))
        logs = self._action(Text("Open the &log folder", "&Logmap openen"), None, self.open_log_folder)
        help_menu.addAction(logs)
        about = self._action(Text("&About Salto Desk", "&Over Salto Desk"), None, self.show_about)
        help_menu.addAction(about)

    def _action(
        self, text: Text, shortcut: str | QKeySequence.StandardKey | None, slot: Callable[[], object],
        *, window_wide: bool = True,
    ) -> QAction:  # fmt: skip
        """A menu action; its tooltip names its shortcut, which works wherever the focus is in the window."""
        action = QAction(text(self.language), self)
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

    def show_about(self) -> None:
        dialog = AboutDialog(self.context, self)
        dialog.open()

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
        """Put back what ``save_layout`` remembered; anything missing or unreadable keeps its default."""
        settings: QSettings = self.context.settings
        geometry = settings.value(GEOMETRY_SETTING)
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
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

    # --- configuration, SALTO links and queues -----------------------------------------------------

    def reload_configuration(self) -> None:
        """Read the administrations again (after a settings change) and check their links."""
        self.context.calls.run(
            self, self.context.services.front_desk.administrations, self._administrations_read, self._config_unread
        )

    def check_links(self) -> None:
        """ENQ every administration's SALTO, each on its endpoint's lane (never during an encode)."""
        if self._closed:
            return  # the desk is shutting down: no new lanes
        client_for = self.context.client_for
        for administration in self._administrations:
            if administration.id in self._checking:
                continue  # the previous check still waits for its turn
            self._checking.add(administration.id)

            def ping(administration: Administration = administration) -> LinkState:
                with client_for(administration) as client:
                    return LinkState(client.ping())

            def answered(state: LinkState, checked: int = administration.id) -> None:
                self._link_checked(checked, state)

            def unanswered(error: Exception, checked: int = administration.id) -> None:
                self._link_checked(checked, LinkState(None, error))

            lane = SaltoLane(administration.salto_endpoint)
            self.context.calls.run(self, ping, answered, unanswered, lane, label=LINK_CHECK(self.language))

    def _link_checked(self, administration_id: int, state: LinkState) -> None:
        self._checking.discard(administration_id)
        self._links[administration_id] = state
        self._show_links()

    def _show_links(self) -> None:
        parts, tips, failing = [], [], False
        for administration in self._administrations:
            state = self._links.get(administration.id)
            if state is None:
                status = Text("checking…", "controleren…")(self.language)
            elif state.error is None and state.round_trip is not None:
                status = f"SALTO ok ({state.round_trip * 1000:.0f} ms)"
            else:
                failing = True
                status = Text("SALTO unreachable", "SALTO onbereikbaar")(self.language)
                tips.append(f"{administration.name}: {_error_text(state.error, self.language)}")
            parts.append(f"{administration.name}: {status}")
        if not self._administrations:
            parts.append(NO_ADMINISTRATION(self.language))
        self.link_label.setText(" · ".join(parts))
        self.link_label.setToolTip("\n".join(tips))
        self.link_label.setStyleSheet(ERROR_STYLE if failing else OK_STYLE if self._links else "")

    @Slot()
    def _show_queue(self) -> None:
        running: list[str] = []
        waiting = 0
        for lane in self.context.calls.salto_lanes():
            now, later = self.context.calls.lane_labels(lane)
            running += now
            waiting += len(later)
        if not running and not waiting:
            text = Text("Encoders: idle", "Encoders: vrij")(self.language)
        else:
            text = Text("Encoders: ", "Encoders: ")(self.language) + (", ".join(running) or "…")
            if waiting:
                text += Text(f" ({waiting} waiting)", f" ({waiting} wachtend)")(self.language)
        self.queue_label.setText(text)

    # --- PMS sync ---------------------------------------------------------------------------------

    def sync_now(self) -> None:
        sync = self.context.sync
        if sync is not None:
            sync.run()

    def _on_sync_started(self) -> None:
        self._sync_state = Text("PMS: syncing…", "PMS: synchroniseren…")
        self._show_sync()

    def _on_sync_progress(self, progress: object) -> None:
        if isinstance(progress, SyncProgress):
            self.sync_label.setText("PMS: " + progress.text(self.language))

    def _on_synced(self, summary: object) -> None:
        self._sync_state = None
        self._sync_failure = None
        self._sync_failed_at = None
        if summary is not None:  # this desk synced (None: the leading desk's data arrived)
            self._sync_leader = None
        self._read_sync_status()

    def _on_sync_skipped(self, leader: object) -> None:
        """Another desk leads the sync: show its state (the shared database's) and which desk that is."""
        self._sync_state = None
        self._sync_failure = None
        self._sync_failed_at = None
        self._sync_leader = leader if isinstance(leader, LeaseHolder) else None
        self._read_sync_status()

    def _on_sync_failed(self, error: object) -> None:
        self._sync_state = None
        self._sync_failure = _error_text(error, self.language)
        self._sync_failed_at = self._sync_failed_at or datetime.now().astimezone()
        self._read_sync_status()

    def _read_sync_status(self) -> None:
        front_desk, administration_ids = self.context.services.front_desk, [each.id for each in self._administrations]
        self.context.calls.run(
            self, lambda: front_desk.sync_statuses(administration_ids), self._show_sync, self._sync_status_unread
        )

    def _show_sync(self, statuses: list[SyncStatus] | None = None) -> None:
        tr = self.language
        if self._sync_state is not None:
            self.sync_label.setText(self._sync_state(tr))
            self.sync_label.setStyleSheet("")
            return
        if self.context.sync is None:
            self.sync_label.setText(Text("PMS: no connection set up", "PMS: geen koppeling ingesteld")(tr))
            self.sync_label.setStyleSheet("")
            self.offline_banner.hide()
            return
        statuses = statuses or []
        successes = [status.last_success_at for status in statuses if status.last_success_at is not None]
        offline = [status.offline_since for status in statuses if status.offline_since is not None]
        errors = [status.last_error for status in statuses if status.last_error and status.offline_since]
        if self._sync_failure is not None:
            errors.append(self._sync_failure)
        if self._sync_failed_at is not None:
            offline.append(self._sync_failed_at)
        self.offline_banner.setVisible(bool(offline))
        self._show_sync_state(successes, offline, errors)
        leader = self._sync_leader
        if leader is not None:
            elsewhere = SYNC_ELSEWHERE(tr).format(desk=leader.holder.desk, since=_clock_text(leader.acquired_at))
            self.sync_label.setText(f"{self.sync_label.text()} · {elsewhere}")

    def _show_sync_state(self, successes: list[datetime], offline: list[datetime], errors: list[str]) -> None:
        tr = self.language
        if offline:
            since = _clock_text(min(offline))
            self.sync_label.setText(f"{OFFLINE(tr)} {Text('since', 'sinds')(tr)} {since}{FROM_CACHE(tr)}")
            self.sync_label.setToolTip("\n".join([*errors, self.sync_action.toolTip()]))
            self.sync_label.setStyleSheet(ERROR_STYLE)
            last = _clock_text(max(successes)) if successes else NEVER_SYNCED(tr)
            self.offline_banner.setText(OFFLINE_BANNER(tr).format(since=since, last=last))
            self.offline_banner.setToolTip("\n".join(errors))
        elif successes:
            self.sync_label.setText(SYNCED_AT(tr) + _clock_text(min(successes)))
            self.sync_label.setToolTip(self.sync_action.toolTip())
            self.sync_label.setStyleSheet(OK_STYLE)
        else:
            self.sync_label.setText(Text("PMS: not synced yet", "PMS: nog niet gesynchroniseerd")(tr))
            self.sync_label.setToolTip(self.sync_action.toolTip())
            self.sync_label.setStyleSheet("")

    # --- lookups ----------------------------------------------------------------------------------

    def _administrations_read(self, administrations: list[Administration]) -> None:
        self._administrations = administrations
        known = {each.id for each in self._administrations}
        self._links = {key: value for key, value in self._links.items() if key in known}
        self._show_links()
        self.check_links()
        self._read_sync_status()

    def _config_unread(self, error: Exception) -> None:
        self.link_label.setText(_error_text(error, self.language))
        self.link_label.setStyleSheet(ERROR_STYLE)

    def _sync_status_unread(self, error: Exception) -> None:
        self.sync_label.setText(_error_text(error, self.language))
        self.sync_label.setStyleSheet(ERROR_STYLE)

    def showEvent(self, event: QShowEvent) -> None:
        """Start following the other desks when the window first shows."""
        super().showEvent(event)
        if not self._feeds_started and not self._closed:
            self._feeds_started = True
            self.change_feed.start()
            if self.desk_status is not None:
                self.desk_status.start()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closed:
            self.save_layout()
        self._closed = True
        self._link_timer.stop()
        self._sync_timer.stop()
        self.change_feed.stop()
        if self.desk_status is not None:
            self.desk_status.stop()
        super().closeEvent(event)
