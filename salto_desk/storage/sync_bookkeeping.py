"""The sync's bookkeeping per BEX administration: cursors, the unfinished pull, pauses, failures, configuration."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from salto_desk.pms.selection import ReservationSelection
from salto_desk.storage.orm import PmsSyncStateRow
from salto_desk.storage.pms_values import SyncCursor, UnfinishedPull


class SyncBookkeeping:
    """The sync's state rows within one session (one unit of work), by BEX administration id."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def sync_cursor(self, administration_pms_id: str) -> SyncCursor:
        row = self.session.get(PmsSyncStateRow, administration_pms_id)
        if row is None:
            return SyncCursor(None, None)
        return SyncCursor(row.reservations_until, row.objects_until, row.objects_complete_at)

    def record_sync_success(
        self, administration_pms_id: str, *, name: str | None, now: datetime, cursor: SyncCursor
    ) -> None:
        """A whole pull went through: the cursor moves, the error and the pause go."""
        row = self._state_row(administration_pms_id)
        row.name = name or row.name
        row.last_success_at = row.last_attempt_at = now
        row.last_error = row.offline_since = row.paused_until = None
        row.reservations_until, row.objects_until = cursor.reservations_until, cursor.objects_until
        row.objects_complete_at = cursor.objects_complete_at or row.objects_complete_at
        self.session.flush()

    def unfinished_pull(self, administration_pms_id: str) -> UnfinishedPull | None:
        """The reservation pull a run left unfinished, to go on with; None when the last one finished."""
        row = self.session.get(PmsSyncStateRow, administration_pms_id)
        if row is None or row.pull_started is None or row.pull_offset is None:
            return None
        selection = ReservationSelection(row.pull_started, row.pull_updated_since, row.pull_departing_from)
        return UnfinishedPull(selection, row.pull_offset)

    def record_pull_progress(self, administration_pms_id: str, pull: UnfinishedPull | None) -> None:
        """How far the reservation pull got (None: it finished); stored with the page it follows."""
        row = self._state_row(administration_pms_id)
        selection = pull.selection if pull is not None else None
        row.pull_started = selection.started if selection is not None else None
        row.pull_updated_since = selection.updated_since if selection is not None else None
        row.pull_departing_from = selection.departing_from if selection is not None else None
        row.pull_offset = pull.offset if pull is not None else None
        self.session.flush()

    def record_pause(self, administration_pms_id: str, *, now: datetime, until: datetime, error: str) -> None:
        """BEX asked to wait until ``until``: no request before then. BEX answered, so it is not offline."""
        row = self._state_row(administration_pms_id)
        row.last_attempt_at, row.last_error, row.paused_until = now, error, until
        self.session.flush()

    def paused_until(self) -> datetime | None:
        """The latest time any administration's pull was asked to wait until (BEX limits per API key)."""
        return self.session.scalar(select(func.max(PmsSyncStateRow.paused_until)))

    def record_sync_failure(
        self, administration_pms_id: str, *, now: datetime, error: str, offline: bool = True
    ) -> None:
        """BEX could not be read: the cache stays as it was; ``offline_since`` keeps the first failure. With
        ``offline`` False BEX answered but refused this administration (it does not list it for the key):
        the error is kept, and nothing says BEX is unreachable."""
        row = self._state_row(administration_pms_id)
        row.last_attempt_at, row.last_error = now, error
        row.offline_since = (row.offline_since or now) if offline else None
        self.session.flush()

    def configuration_digest(self, administration_pms_id: str) -> str | None:
        row = self.session.get(PmsSyncStateRow, administration_pms_id)
        return None if row is None else row.configuration

    def record_configuration_digest(self, administration_pms_id: str, digest: str) -> None:
        """The configuration the key data of this administration now follows."""
        self._state_row(administration_pms_id).configuration = digest
        self.session.flush()

    def _state_row(self, administration_pms_id: str) -> PmsSyncStateRow:
        row = self.session.get(PmsSyncStateRow, administration_pms_id)
        if row is None:
            row = PmsSyncStateRow(administration_pms_id=administration_pms_id)
            self.session.add(row)
        return row
