"""The main window: the four tabs, the menus, and a status bar that says whether the desk can work.

The status bar shows, per administration, whether its SALTO answers (an ENQ sent through that
endpoint's encoder queue, so a check never overlaps an encode), the PMS sync state with the time of
the last good sync or since when the PMS is unreachable, and what the encoder queues are doing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QWidget

from salto_desk.errors import SaltoDeskError, Text
from salto_desk.keys.model import Administration, Holder, HolderKind
from salto_desk.storage.config_repository import ConfigRepository
from salto_desk.storage.pms_repository import PmsRepository, SyncStatus
from salto_desk.sync import SyncProgress
from ui.context import DeskContext
from ui.dialogs.about import AboutDialog
from ui.tabs.owners import OwnersTab
from ui.tabs.read_key import ReadKeyTab
from ui.tabs.reservations import ReservationsTab
from ui.tabs.settings import SettingsTab
from ui.workers.operations import OperationQueue

LINK_CHECK_INTERVAL_MS = 60_000
DEFAULT_SYNC_INTERVAL_S = 300
OK_STYLE = "color: #1b5e20;"
ERROR_STYLE = "color: #b00020;"
LINK_CHECK = Text("SALTO link check", "SALTO-verbindingscontrole")
NO_ADMINISTRATION = Text(
    "No administration set up yet (Settings tab)", "Nog geen administratie ingesteld (tab Instellingen)"
)
OFFLINE = Text("PMS: offline", "PMS: offline")
FROM_CACHE = Text(" (working from the cache)", " (werkt met de cache)")
SYNCED_AT = Text("PMS: synced at ", "PMS: gesynchroniseerd om ")


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


class MainWindow(QMainWindow):
    """Tabs for the receptionist (reservations, owners, read key) and the manager (settings)."""

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
        for tab, title in (
            (self.reservations, Text("Reservations", "Reserveringen")),
            (self.owners, Text("Owners", "Eigenaren")),
            (self.read_key, Text("Read key", "Sleutel lezen")),
            (self.settings, Text("Settings", "Instellingen")),
        ):
            self.tabs.addTab(tab, title(language))
        self.setCentralWidget(self.tabs)
        self.read_key.open_holder.connect(self.open_holder)

        self._administrations: list[Administration] = []
        self._links: dict[int, LinkState] = {}
        self._link_jobs: dict[tuple[str, int], int] = {}  # (endpoint, job id) -> administration id
        self._watched: set[str] = set()
        self._running: dict[str, str] = {}  # endpoint -> label of the running job
        self._waiting: dict[str, int] = {}
        self._config_job: int | None = None
        self._status_job: int | None = None
        self._sync_state: Text | None = None
        self._sync_failure: str | None = None
        self._closed = False

        self.link_label = QLabel()
        self.link_label.setObjectName("status_link")
        self.sync_label = QLabel()
        self.sync_label.setObjectName("status_sync")
        self.queue_label = QLabel()
        self.queue_label.setObjectName("status_queue")
        bar = self.statusBar()
        bar.addWidget(self.link_label, 2)
        bar.addWidget(self.sync_label, 2)
        bar.addPermanentWidget(self.queue_label)
        self._build_menus()

        context.lookup.succeeded.connect(self._on_lookup_done)
        context.lookup.failed.connect(self._on_lookup_failed)
        context.events.config_changed.connect(self.reload_configuration)
        context.events.pms_synced.connect(self._on_synced)
        sync = context.sync
        if sync is not None:
            sync.started.connect(self._on_sync_started)
            sync.progress.connect(self._on_sync_progress)
            sync.failed.connect(self._on_sync_failed)

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
        self.reload_configuration()

    # --- menus ------------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        tr = self.language
        desk = self.menuBar().addMenu(Text("&Desk", "&Balie")(tr))
        self.sync_action = QAction(Text("&Sync with the PMS now", "Nu &synchroniseren met het PMS")(tr), self)
        self.sync_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.sync_action.setEnabled(self.context.sync is not None)
        self.sync_action.triggered.connect(self.sync_now)
        desk.addAction(self.sync_action)
        check = QAction(Text("&Check the SALTO links", "SALTO-verbindingen &controleren")(tr), self)
        check.triggered.connect(self.check_links)
        desk.addAction(check)
        desk.addSeparator()
        quit_action = QAction(Text("&Quit", "&Afsluiten")(tr), self)
        quit_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Quit))
        quit_action.triggered.connect(self.close)
        desk.addAction(quit_action)

        view = self.menuBar().addMenu(Text("&View", "Beel&d")(tr))
        for index in range(self.tabs.count()):
            action = QAction(self.tabs.tabText(index), self)
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _checked=False, tab=index: self.tabs.setCurrentIndex(tab))
            view.addAction(action)

        help_menu = self.menuBar().addMenu(Text("&Help", "&Help")(tr))
        logs = QAction(Text("Open the &log folder", "&Logmap openen")(tr), self)
        logs.triggered.connect(self.open_log_folder)
        help_menu.addAction(logs)
        about = QAction(Text("&About Salto Desk", "&Over Salto Desk")(tr), self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

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

    # --- configuration, SALTO links and queues -----------------------------------------------------

    def reload_configuration(self) -> None:
        """Read the administrations again (after a settings change) and check their links."""
        database = self.context.database

        def administrations(_report: object) -> list[Administration]:
            with database.unit_of_work() as session:
                return ConfigRepository(session).administrations()

        self._config_job = self.context.lookup.submit(
            Text("Reading the configuration", "Configuratie lezen")(self.language), administrations
        )

    def check_links(self) -> None:
        """ENQ every administration's SALTO, each through its endpoint's queue (never during an encode)."""
        if self._closed:
            return  # the desk is shutting down: no new worker queues
        pending = set(self._link_jobs.values())
        client_for = self.context.client_for
        for administration in self._administrations:
            if administration.id in pending:
                continue  # the previous check still waits for its turn
            queue = self.context.encoder_queue(administration)
            self._watch(administration.salto_endpoint, queue)

            def ping(_report: object, administration: Administration = administration) -> LinkState:
                with client_for(administration) as client:
                    return LinkState(client.ping())

            job = queue.submit(LINK_CHECK(self.language), ping)
            self._link_jobs[(administration.salto_endpoint, job)] = administration.id

    def _watch(self, endpoint: str, queue: OperationQueue) -> None:
        if endpoint in self._watched:
            return
        self._watched.add(endpoint)
        queue.started.connect(lambda _job, label, endpoint=endpoint: self._on_started(endpoint, label))
        queue.queue_changed.connect(lambda labels, endpoint=endpoint: self._on_queue_changed(endpoint, labels))
        queue.succeeded.connect(lambda job, result, endpoint=endpoint: self._on_job_done(endpoint, job, result, None))
        queue.failed.connect(lambda job, error, endpoint=endpoint: self._on_job_done(endpoint, job, None, error))

    def _on_started(self, endpoint: str, label: str) -> None:
        self._running[endpoint] = label
        self._show_queue()

    def _on_queue_changed(self, endpoint: str, labels: list[str]) -> None:
        self._waiting[endpoint] = len(labels)
        self._show_queue()

    def _on_job_done(self, endpoint: str, job: int, result: object, error: object) -> None:
        self._running.pop(endpoint, None)
        administration_id = self._link_jobs.pop((endpoint, job), None)
        if administration_id is not None:
            if isinstance(result, LinkState):
                self._links[administration_id] = result
            elif isinstance(error, BaseException):
                self._links[administration_id] = LinkState(None, error)
            self._show_links()
        self._show_queue()

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

    def _show_queue(self) -> None:
        running = list(self._running.values())
        waiting = sum(self._waiting.values())
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

    def _on_synced(self, _summary: object) -> None:
        self._sync_state = None
        self._sync_failure = None
        self._read_sync_status()

    def _on_sync_failed(self, error: object) -> None:
        self._sync_state = None
        self._sync_failure = _error_text(error, self.language)
        self._read_sync_status()

    def _read_sync_status(self) -> None:
        database, administrations = self.context.database, list(self._administrations)

        def statuses(_report: object) -> list[SyncStatus]:
            with database.unit_of_work() as session:
                pms = PmsRepository(session)
                return [pms.sync_status(each.id) for each in administrations]

        self._status_job = self.context.lookup.submit(
            Text("Reading the sync state", "Synchronisatiestatus lezen")(self.language), statuses
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
            return
        statuses = statuses or []
        successes = [status.last_success_at for status in statuses if status.last_success_at is not None]
        offline = [status.offline_since for status in statuses if status.offline_since is not None]
        errors = [status.last_error for status in statuses if status.last_error and status.offline_since]
        if self._sync_failure is not None:
            errors.append(self._sync_failure)
        if offline or self._sync_failure is not None:
            since = f" {Text('since', 'sinds')(tr)} {_clock_text(min(offline))}" if offline else ""
            self.sync_label.setText(OFFLINE(tr) + since + FROM_CACHE(tr))
            self.sync_label.setToolTip("\n".join(errors))
            self.sync_label.setStyleSheet(ERROR_STYLE)
        elif successes:
            self.sync_label.setText(SYNCED_AT(tr) + _clock_text(min(successes)))
            self.sync_label.setToolTip("")
            self.sync_label.setStyleSheet(OK_STYLE)
        else:
            self.sync_label.setText(Text("PMS: not synced yet", "PMS: nog niet gesynchroniseerd")(tr))
            self.sync_label.setToolTip("")
            self.sync_label.setStyleSheet("")

    # --- lookups ----------------------------------------------------------------------------------

    def _on_lookup_done(self, job: int, result: object) -> None:
        if job == self._config_job:
            self._config_job = None
            self._administrations = list(result) if isinstance(result, list) else []
            known = {each.id for each in self._administrations}
            self._links = {key: value for key, value in self._links.items() if key in known}
            self._show_links()
            self.check_links()
            self._read_sync_status()
        elif job == self._status_job:
            self._status_job = None
            self._show_sync(list(result) if isinstance(result, list) else [])

    def _on_lookup_failed(self, job: int, error: object) -> None:
        if job == self._config_job:
            self._config_job = None
            self.link_label.setText(_error_text(error, self.language))
            self.link_label.setStyleSheet(ERROR_STYLE)
        elif job == self._status_job:
            self._status_job = None
            self.sync_label.setText(_error_text(error, self.language))
            self.sync_label.setStyleSheet(ERROR_STYLE)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closed = True
        self._link_timer.stop()
        self._sync_timer.stop()
        super().closeEvent(event)
