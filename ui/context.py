"""What every tab and dialog needs from the running desk, built once by ``ui.app``.

Tabs receive a ``DeskContext`` instead of reaching for globals, so tests build one against a
temporary database, the simulator and the demo PMS.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from PySide6.QtCore import QObject, QSettings, Signal

from salto_desk.coordination import Coordinator, SyncLeadership
from salto_desk.errors import SaltoDeskError
from salto_desk.keys.model import Administration
from salto_desk.operations.key_data import KeyDataService
from salto_desk.operations.salto_operations import SaltoOperations, salto_client_for
from salto_desk.paths import AppPaths, app_paths
from salto_desk.protocol.client import EndpointLocks, SaltoClient, TraceRecord
from salto_desk.secrets import PMS_API_KEY, SecretStore
from salto_desk.services import DeskServices
from salto_desk.storage.database import Database
from ui.events import DeskEvents
from ui.workers.calls import CoreCalls
from ui.workers.sync_process import KILL_AFTER_MS, SyncCommand, SyncProcess, sync_command

Clock = Callable[[], datetime]
log = logging.getLogger(__name__)


class TraceBus(QObject):
    """Carries protocol trace records from any worker thread to the diagnostics view."""

    record = Signal(object)  # TraceRecord

    def publish(self, record: TraceRecord) -> None:
        self.record.emit(record)


class PmsSync(QObject):
    """Runs the desk's PMS sync in a child process (``SyncProcess``), one at a time, and reports by signals.

    ``command`` is asked for at each run, so a changed API key or database is used from the next sync on.
    ``skipped`` says that another desk leads the sync (its ``LeaseHolder``), so this run did nothing.
    """

    started = Signal()
    progress = Signal(object)  # SyncProgress
    finished = Signal(object)  # SyncSummary
    failed = Signal(object)  # the exception (a SaltoDeskError)
    skipped = Signal(object)  # LeaseHolder of the desk that leads the sync

    def __init__(self, command: Callable[[], SyncCommand], events: DeskEvents, trace: TraceBus) -> None:
        super().__init__()
        self._command = command
        self._events = events
        self._process = SyncProcess(self)
        self._process.progress.connect(self.progress)
        self._process.trace.connect(trace.publish)
        self._process.finished.connect(self._on_finished)
        self._process.failed.connect(self.failed)
        self._process.skipped.connect(self.skipped)

    @property
    def running(self) -> bool:
        return self._process.running

    def run(self) -> bool:
        """Start a sync; False when one is already running."""
        if self._process.running:
            return False
        try:
            command = self._command()
        except SaltoDeskError as error:  # the keyring cannot be read
            self.started.emit()
            self.failed.emit(error)
            return True
        self._process.start(command)
        self.started.emit()
        return True

    def cancel(self) -> None:
        """Stop a running sync (safe at any point: the sync is transactional); ``failed`` follows."""
        self._process.cancel()

    def shutdown(self, timeout_ms: int = KILL_AFTER_MS * 2) -> None:
        """Stop a running sync and wait for the process to go (the window is closing)."""
        self._process.cancel()
        self._process.wait(timeout_ms)

    def _on_finished(self, summary: object) -> None:
        self.finished.emit(summary)
        self._events.pms_synced.emit(summary)


@dataclass
class DeskContext:
    """The desk's shared services: the application layer, SALTO operations and worker queues per endpoint."""

    database: Database
    settings: QSettings
    language: str = "en"
    operator: str | None = None
    clock: Clock = field(default=lambda: datetime.now(UTC))
    trace: TraceBus = field(default_factory=TraceBus)
    events: DeskEvents = field(default_factory=DeskEvents)
    secrets: SecretStore = field(default_factory=SecretStore)
    paths: AppPaths = field(default_factory=app_paths)
    syncs_pms: bool = False
    """Whether this desk runs the PMS sync (its child process); tests of the window alone leave it off."""
    coordinator: Coordinator | None = None
    """Shares encoders, SALTO links and the sync leadership with the other desks (None: this desk works alone)."""
    calls: CoreCalls = field(default_factory=CoreCalls)
    """The one way widgets call the application layer (``services``): off the GUI thread, answered typed."""
    services: DeskServices = field(init=False)
    endpoint_locks: EndpointLocks = field(default_factory=EndpointLocks)
    """The window's SALTO clients of one endpoint never talk over each other, whichever thread runs them."""
    _operations: dict[str, SaltoOperations] = field(default_factory=dict)
    _sync: PmsSync | None = None

    def __post_init__(self) -> None:
        key_data = KeyDataService(self.database, operator=self.operator, clock=lambda: self.clock())
        self.services = DeskServices(self.database, self.secrets, key_data)

    @property
    def sync(self) -> PmsSync | None:
        """The desk's PMS sync runner (None when no sync engine, that is no PMS, is configured)."""
        if self._sync is None and self.syncs_pms:
            self._sync = PmsSync(self.sync_command, self.events, self.trace)
        return self._sync

    def sync_command(self) -> SyncCommand:
        """The sync process for this desk: its database and data folder, language and BEX API key."""
        return sync_command(self.database, self.paths, self.language, self.secrets.get(PMS_API_KEY))

    def client_for(self, administration: Administration) -> SaltoClient:
        """A SALTO client for the administration whose every byte also reaches the trace bus."""
        return salto_client_for(administration, trace=self.trace.publish, locks=self.endpoint_locks)

    def salto_operations(self, administration: Administration) -> SaltoOperations:
        """The SALTO operations of one endpoint; only ever run on that endpoint's lane (its Cancel stops them)."""
        endpoint = administration.salto_endpoint
        if endpoint not in self._operations:
            self._operations[endpoint] = SaltoOperations(
                self.services.key_data, self.client_for, coordinator=self.coordinator
            )
        return self._operations[endpoint]

    def shutdown(self) -> None:
        """Stop the sync process and every worker thread, and hand the sync leadership on; called when the
        main window closes."""
        if self._sync is not None:
            self._sync.shutdown()
        self.calls.shutdown()
        if self.coordinator is not None:
            try:
                SyncLeadership(self.coordinator).resign()
            except SaltoDeskError as error:  # the database is away: the leadership expires by itself
                log.warning("cannot hand the sync leadership on: %s", error.user_message("en"))
        self._operations.clear()
