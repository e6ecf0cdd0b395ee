"""The permanent audit trail: a row before every SALTO request, completed after its answer."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from salto_desk.errors import Text
from salto_desk.keys.model import AuditAction, AuditDraft, AuditEntry, AuditState, HolderKind
from salto_desk.storage.errors import NotFoundError
from salto_desk.storage.orm import AuditRow

_ENTRY = Text("audit entry", "auditregel")


class AuditRepository:
    """Audit reads and writes within one session (one unit of work)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def start(self, draft: AuditDraft, *, desk: str, process_id: int, now: datetime) -> int:
        """Record an operation about to be sent (``pending``); returns the entry id."""
        return self.record(draft, desk=desk, process_id=process_id, now=now, state=AuditState.PENDING)

    def record(
        self,
        draft: AuditDraft,
        *,
        desk: str,
        process_id: int,
        now: datetime,
        state: AuditState,
        message: str = "",
    ) -> int:
        """Record an operation; local ones (create, delete) are complete at once."""
        row = AuditRow(
            started_at=now,
            finished_at=None if state is AuditState.PENDING else now,
            desk=desk,
            process_id=process_id,
            state=state.value,
            message=message,
            **_draft_columns(draft),
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def record_many(
        self, drafts: Iterable[AuditDraft], *, desk: str, process_id: int, now: datetime, state: AuditState
    ) -> None:
        """Record many completed local operations with one statement (the sync creating keys in bulk)."""
        values = [
            {
                "started_at": now,
                "finished_at": now,
                "desk": desk,
                "process_id": process_id,
                "state": state.value,
                "message": "",
                **_draft_columns(draft),
            }
            for draft in drafts
        ]
        if values:
            self.session.execute(insert(AuditRow), values)

    def finish(
        self,
        entry_id: int,
        state: AuditState,
        now: datetime,
        *,
        error_code: str = "",
        message: str = "",
        serials: tuple[str, ...] = (),
    ) -> None:
        row = self.session.get(AuditRow, entry_id)
        if row is None:
            raise NotFoundError(_ENTRY, entry_id)
        row.state, row.finished_at = state.value, now
        row.error_code, row.message, row.serials = error_code, message, " ".join(serials)
        self.session.flush()

    def pending(self, desk: str) -> list[AuditEntry]:
        rows = self.session.scalars(
            select(AuditRow).where(AuditRow.desk == desk, AuditRow.state == AuditState.PENDING.value)
        )
        return [self._entry(row) for row in rows]

    def mark_unknown(self, entry_ids: Iterable[int], now: datetime, message: str) -> None:
        """Operations whose process died before SALTO's answer: the outcome can no longer be known."""
        ids = list(entry_ids)
        if ids:
            self.session.execute(
                update(AuditRow)
                .where(AuditRow.id.in_(ids), AuditRow.state == AuditState.PENDING.value)
                .values(state=AuditState.UNKNOWN.value, finished_at=now, message=message)
            )

    def entries(self, *, since: datetime | None = None, key_id: int | None = None) -> list[AuditEntry]:
        query = select(AuditRow).order_by(AuditRow.started_at, AuditRow.id)
        if since is not None:
            query = query.where(AuditRow.started_at >= since)
        if key_id is not None:
            query = query.where(AuditRow.key_id == key_id)
        return [self._entry(row) for row in self.session.scalars(query)]

    def of_holder(self, administration_pms_id: str, kind: HolderKind, holder_pms_id: str) -> list[AuditEntry]:
        """Everything done with the keys of one booking or owner, those deleted since included, oldest first."""
        query = (
            select(AuditRow)
            .where(
                AuditRow.administration == administration_pms_id,
                AuditRow.holder_kind == kind.value,
                AuditRow.holder_pms_id == holder_pms_id,
            )
            .order_by(AuditRow.started_at, AuditRow.id)
        )
        return [self._entry(row) for row in self.session.scalars(query)]

    @staticmethod
    def _entry(row: AuditRow) -> AuditEntry:
        return AuditEntry(
            id=row.id,
            started_at=row.started_at,
            finished_at=row.finished_at,
            desk=row.desk,
            process_id=row.process_id,
            operator=row.operator,
            administration=row.administration,
            action=AuditAction(row.action),
            command=row.command,
            key_id=row.key_id,
            holder=row.holder,
            holder_kind=HolderKind(row.holder_kind) if row.holder_kind else None,
            holder_pms_id=row.holder_pms_id,
            encoder=row.encoder,
            rooms=tuple(row.rooms.split(",")) if row.rooms else (),
            phone=row.phone,
            card_number=row.card_number,
            card_count=row.card_count,
            state=AuditState(row.state),
            error_code=row.error_code,
            message=row.message,
            serials=tuple(row.serials.split()),
        )


def _draft_columns(draft: AuditDraft) -> dict[str, object]:
    """The columns an operation's draft fills, the same for one row and for many."""
    return {
        "operator": draft.operator,
        "administration": draft.administration,
        "action": draft.action.value,
        "command": draft.command,
        "key_id": draft.key_id,
        "holder": draft.holder,
        "holder_kind": "" if draft.holder_kind is None else draft.holder_kind.value,
        "holder_pms_id": draft.holder_pms_id,
        "encoder": draft.encoder,
        "rooms": ",".join(draft.rooms),
        "phone": draft.phone,
        "card_number": draft.card_number,
        "card_count": draft.card_count,
        "error_code": "",
        "serials": "",
    }
