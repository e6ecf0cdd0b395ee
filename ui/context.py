"""What every tab and dialog needs from the running desk, built once by ``ui.app``.

Tabs receive a ``DeskContext`` instead of reaching for globals, so tests build one against a
temporary database, the simulator and the demo PMS.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Signal

from salto_desk.keys.model import Administration
from salto_desk.keys.services import KeyService, salto_client_for
from salto_desk.paths import AppPaths, app_paths
from salto_desk.pms.client import BexClient
from salto_desk.protocol.client import SaltoClient, TraceRecord
from salto_desk.secrets import SecretStore
from salto_desk.storage.database import Database
from ui.events import DeskEvents
from ui.workers.operations import OperationQueue

if TYPE_CHECKING:
    from salto_desk.sync import SyncEngine

Clock = Callable[[], datetime]


class TraceBus(QObject):
    """Carries protocol trace records from any worker thread to the diagnostics view."""

    record = Signal(object)  # TraceRecord

    def publish(self, record: TraceRecord) -> None:
        self.record.emit(record)


class PmsSync(QObject):
    """Runs ``SyncEngine.run_once`` on the background queue, one sync at a time, and reports by signals."""

    started = Signal()
    progress = Signal(object)  # SyncProgress
    finished = Signal(object)  # SyncSummary
    failed = Signal(object)  # the exception

    def __init__(self, engine: SyncEngine, queue: OperationQueue, events: DeskEvents, label: str = "PMS sync") -> None:
        super().__init__()
        self.engine = engine
        self._queue = queue
        self._events = events
        self._label = label
        self._job: int | None = None
        queue.progress.connect(self._on_progress)
        queue.succeeded.connect(self._on_succeeded)
        queue.failed.connect(self._on_failed)

    @property
    def running(self) -> bool:
        return self._job is not None

    def run(self) -> bool:
        """Queue a sync; False when one is already queued or running."""
        if self._job is not None:
            return False
        engine = self.engine
        self._job = self._queue.submit(self._label, lambda report: engine.run_once(report))
        self.started.emit()
        return True

    def _on_progress(self, job_id: int, payload: object) -> None:
        if job_id == self._job:
            self.progress.emit(payload)

    def _on_succeeded(self, job_id: int, summary: object) -> None:
        if job_id != self._job:
            return
        self._job = None
        self.finished.emit(summary)
        self._events.pms_synced.emit(summary)

    def _on_failed(self, job_id: int, error: object) -> None:
        if job_id != self._job:
            return
        self._job = None
        self.failed.emit(error)


@dataclass
class DeskContext:
    """The desk's shared services: database, key services and worker queues per SALTO endpoint."""

    database: Database
    settings: QSettings
    language: str = "en"
    operator: str | None = None
    clock: Clock = field(default=lambda: datetime.now(UTC))
    trace: TraceBus = field(default_factory=TraceBus)
    background: OperationQueue = field(default_factory=lambda: OperationQueue("background"))
    lookup: OperationQueue = field(default_factory=lambda: OperationQueue("lookup"))
    """Reads for the views (searches, lists) that must not wait behind a sync on ``background``."""
    events: DeskEvents = field(default_factory=DeskEvents)
    secrets: SecretStore = field(default_factory=SecretStore)
    paths: AppPaths = field(default_factory=app_paths)
    pms_factory: Callable[[], BexClient] | None = None
    sync_engine: SyncEngine | None = None
    _queues: dict[str, OperationQueue] = field(default_factory=dict)
    _services: dict[str, KeyService] = field(default_factory=dict)
    _sync: PmsSync | None = None

    @property
    def sync(self) -> PmsSync | None:
        """The desk's PMS sync runner (None when no sync engine is configured)."""
        if self._sync is None and self.sync_engine is not None:
            self._sync = PmsSync(self.sync_engine, self.background, self.events)
        return self._sync

    def client_for(self, administration: Administration) -> SaltoClient:
        """A SALTO client for the administration whose every byte also reaches the trace bus."""
        return salto_client_for(administration, trace=self.trace.publish)

    def encoder_queue(self, administration: Administration) -> OperationQueue:
        """The one queue that runs every SALTO operation on this administration's endpoint."""
        endpoint = administration.salto_endpoint
        if endpoint not in self._queues:
            self._queues[endpoint] = OperationQueue(f"salto-{endpoint}")
        return self._queues[endpoint]

    def key_service(self, administration: Administration) -> KeyService:
        """The key service of one endpoint; only ever called from that endpoint's queue or the GUI thread."""
        endpoint = administration.salto_endpoint
        if endpoint not in self._services:
            self._services[endpoint] = KeyService(
                self.database, self.client_for, operator=self.operator, clock=self.clock
            )
        return self._services[endpoint]

    def queues(self) -> list[OperationQueue]:
        return [self.background, self.lookup, *self._queues.values()]

    def shutdown(self) -> None:
        """Stop every worker thread; called when the main window closes."""
        for queue in self.queues():
            queue.shutdown()
        self._queues.clear()
        self._services.clear()
