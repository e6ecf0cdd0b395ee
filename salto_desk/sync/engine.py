"""``SyncEngine``: one run of the sync (pull, key data, outbox) for every administration, and the product preview."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from salto_desk.coordination import SyncLeadership
from salto_desk.errors import SaltoDeskError
from salto_desk.host import this_desk
from salto_desk.keys.model import Administration
from salto_desk.operations.salto_operations import SaltoOperations
from salto_desk.pms.client import BexClient
from salto_desk.storage.config_repository import ConfigRepository
from salto_desk.storage.database import Database
from salto_desk.storage.leases import LeaseHolder
from salto_desk.sync.derive import KeyDeriver
from salto_desk.sync.outbox import OutboxRetry, OutboxWorker
from salto_desk.sync.progress import Counts, Notify, SyncProgress, SyncSummary
from salto_desk.sync.pull import Puller, PullOptions

log = logging.getLogger("salto_desk.sync")

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class SyncEngine:
    """Runs the sync; ``run_once`` from one thread at a time (the GUI's background queue or the CLI).

    ``clock`` must be the PMS's time base (real time in production): the incremental pulls compare it
    with BEX's ``updated_at``. ``language`` may change between runs (the desk switches language).
    """

    def __init__(
        self,
        database: Database,
        pms: BexClient | Callable[[], BexClient],
        operations_for: Callable[[Administration], SaltoOperations],
        *,
        clock: Clock = _utc_now,
        retry: OutboxRetry | None = None,
        options: PullOptions | None = None,
        language: str = "en",
    ) -> None:
        self.database = database
        self._pms = pms
        self.operations_for = operations_for
        self.clock = clock
        self.retry = retry or OutboxRetry()
        self.options = options or PullOptions()
        self.language = language
        self.desk = this_desk()

    def run_once(self, progress: Notify | None = None) -> SyncSummary:
        """Pull, cache, derive key data and work through the outbox, for every administration."""
        notify = progress or (lambda _progress: None)
        deriver = KeyDeriver(self.database, self.clock, self.desk, self.language)
        puller = Puller(self.database, self.clock, self.options, self.language, deriver.derive_stored)
        outbox = OutboxWorker(self.database, self.clock, self.retry, self.operations_for, self.language)
        with self.database.unit_of_work() as session:
            administrations = ConfigRepository(session).administrations()
        pulled = puller.pull_all(self._client, administrations, notify)
        counts = pulled.counts
        for administration in administrations:
            counts += puller.unmatchable(administration, pulled.missing.get(administration.pms_id, ()))
            try:
                counts += deriver.derive(administration, notify)
            except SaltoDeskError as error:
                counts += Counts(errors=(f"{administration.name}: {error.user_message(self.language)}",))
        counts += outbox.work(administrations, notify)
        summary = counts.summary()
        log.info("sync: %s", summary.text("en"))
        return summary

    @contextlib.contextmanager
    def _client(self) -> Iterator[BexClient]:
        if isinstance(self._pms, BexClient):
            yield self._pms
            return
        with self._pms() as client:
            yield client


def run_as_leader(
    engine: SyncEngine, leadership: SyncLeadership, progress: Callable[[SyncProgress], None] | None = None
) -> SyncSummary | LeaseHolder:
    """One sync run (with its phone deliveries) when this desk leads; otherwise the desk that leads."""
    return leadership.run(lambda: engine.run_once(progress))
