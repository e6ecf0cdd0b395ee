"""What every tab and dialog needs from the running desk, built once by ``ui.app``.

Tabs receive a ``DeskContext`` instead of reaching for globals, so tests build one against a
temporary database, the simulator and the demo PMS.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from PySide6.QtCore import QObject, QSettings, Signal

from salto_desk.keys.model import Administration
from salto_desk.keys.services import KeyService, salto_client_for
from salto_desk.protocol.client import SaltoClient, TraceRecord
from salto_desk.storage.database import Database
from ui.workers.operations import OperationQueue

Clock = Callable[[], datetime]


class TraceBus(QObject):
    """Carries protocol trace records from any worker thread to the diagnostics view."""

    record = Signal(object)  # TraceRecord

    def publish(self, record: TraceRecord) -> None:
        self.record.emit(record)


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
    _queues: dict[str, OperationQueue] = field(default_factory=dict)
    _services: dict[str, KeyService] = field(default_factory=dict)

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
        return [self.background, *self._queues.values()]

    def shutdown(self) -> None:
        """Stop every worker thread; called when the main window closes."""
        for queue in self.queues():
            queue.shutdown()
        self._queues.clear()
        self._services.clear()
