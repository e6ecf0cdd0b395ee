"""The audit trail of the desk's work: a row for every SALTO request and every change of key data.

A request's row is written ``pending`` in its own committed transaction before anything is sent, and
settled on every way out of ``AuditRecorder.request``: together with the key data change in one
transaction when SALTO answered (``AuditedRequest.succeeded``), with the failure otherwise. A process
that dies in between leaves a pending row (``unknown`` at the next start) and key data exactly as it
was before the request.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy.orm import Session

from salto_desk.errors import SaltoDeskError
from salto_desk.keys.model import Administration, AuditAction, AuditDraft, AuditState, KeyData
from salto_desk.protocol.errors import (
    Cancelled,
    ConnectionLost,
    LinkError,
    LinkTimeout,
    RemoteProtocolError,
    SaltoErrorReply,
)
from salto_desk.storage.audit_repository import AuditRepository
from salto_desk.storage.database import Database

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]

OUTCOME_UNKNOWN = (
    "SALTO had accepted the request when the link failed, so whether the card or phone key was made is unknown. "
    "Read the card to check."
)
CANCELLED_AFTER_ACCEPT = (
    "SALTO had accepted the request when it was cancelled: a card placed on the encoder afterwards may still "
    "have been written. Read the card to check."
)
UNSETTLED = "The operation ended without an outcome for this request; read the card to check."


def failure_outcome(error: BaseException, accepted: bool) -> tuple[AuditState, str, str]:
    """Audit state, SALTO error code and English message for an exception raised by a request.

    A user's Cancel is ``cancelled``; a link that fails after SALTO accepted the request (``accepted``)
    leaves the outcome unknown.
    """
    if isinstance(error, Cancelled):
        return AuditState.CANCELLED, "", CANCELLED_AFTER_ACCEPT if accepted else error.message("en")
    if isinstance(error, SaltoErrorReply):
        return AuditState.SALTO_ERROR, error.code, error.user_message("en")
    if accepted and isinstance(error, ConnectionLost | RemoteProtocolError | LinkTimeout):
        return AuditState.UNKNOWN, "", f"{error.message('en')} {OUTCOME_UNKNOWN}"
    if isinstance(error, LinkError):
        return AuditState.LINK_ERROR, "", error.user_message("en")
    if isinstance(error, SaltoDeskError):
        return AuditState.UNKNOWN, "", error.user_message("en")
    return AuditState.UNKNOWN, "", f"{type(error).__name__}: {error}"


def audit_draft(action: AuditAction, administration: Administration, key: KeyData, operator: str) -> AuditDraft:
    """The audit row of an action on one key."""
    return AuditDraft(
        action=action,
        administration=administration.pms_id,
        key_id=key.id,
        holder=key.holder.label,
        holder_kind=key.holder.kind,
        holder_pms_id=key.holder.pms_id,
        rooms=key.rooms,
        operator=operator,
    )


class AuditedRequest:
    """The audit rows of one SALTO operation: one open (pending) row at a time, one row per request."""

    def __init__(self, recorder: AuditRecorder, cancelled: threading.Event) -> None:
        self._recorder = recorder
        self._cancelled = cancelled
        self._open: int | None = None
        self.accepted = threading.Event()
        """Set while SALTO has accepted the request in flight: a link failure then leaves it unknown."""

    def begin(self, draft: AuditDraft) -> None:
        """Commit the pending row of the next request, before it is sent; after a cancel nothing new starts."""
        if self._cancelled.is_set():
            raise Cancelled()
        if self._open is not None:
            raise RuntimeError("the previous request's audit row is still open")
        self.accepted.clear()
        recorder = self._recorder
        with recorder.database.unit_of_work() as session:
            self._open = AuditRepository(session).start(
                draft, desk=recorder.desk, process_id=os.getpid(), now=recorder.clock()
            )

    @contextmanager
    def succeeded(self, serials: Sequence[str] = ()) -> Iterator[Session]:
        """Settle the open row ``ok`` in the transaction that stores what the request changed (the block's)."""
        if self._open is None:
            raise RuntimeError("no request's audit row is open")
        with self._recorder.database.unit_of_work() as session:
            AuditRepository(session).finish(self._open, AuditState.OK, self._recorder.clock(), serials=tuple(serials))
            yield session
        self._open = None  # only once committed: a failed commit leaves the row to the failure path

    def settle(self, error: BaseException | None) -> None:
        """Settle a row still open when the operation ends: with ``error``, or as unsettled after none."""
        if self._open is None:
            return
        row, self._open = self._open, None
        if error is None:
            state, code, message = AuditState.UNKNOWN, "", UNSETTLED
        else:
            state, code, message = failure_outcome(error, self.accepted.is_set())
        try:
            with self._recorder.database.unit_of_work() as session:
                AuditRepository(session).finish(row, state, self._recorder.clock(), error_code=code, message=message)
        except SaltoDeskError as unsettled:  # the database is away: the row becomes unknown at the next start
            log.warning("audit row %s stays pending: %s", row, unsettled.user_message("en"))


class AuditRecorder:
    """Writes the audit rows of one desk process."""

    def __init__(self, database: Database, desk: str, clock: Clock) -> None:
        self.database = database
        self.desk = desk
        self.clock = clock

    @contextmanager
    def request(self, cancelled: threading.Event) -> Iterator[AuditedRequest]:
        """The rows of one SALTO operation, settled on every way out of the block."""
        audited = AuditedRequest(self, cancelled)
        try:
            yield audited
        except BaseException as error:
            audited.settle(error)
            raise
        audited.settle(None)

    def record(self, session: Session, draft: AuditDraft, now: datetime, message: str = "") -> None:
        """A local action (no SALTO request), in the caller's transaction."""
        AuditRepository(session).record(
            draft, desk=self.desk, process_id=os.getpid(), now=now, state=AuditState.OK, message=message
        )
