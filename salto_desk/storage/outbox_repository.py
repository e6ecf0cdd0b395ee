"""The sync's durable queue of SALTO requests it owes: mobile-key deliveries and check-outs of revoked keys.

An entry stays until its request succeeded, so a SALTO outage, a crash or a restart loses nothing;
each key has at most one entry per action, so a guest never gets the same key twice.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Select, delete, insert, select
from sqlalchemy.orm import Session

from salto_desk.errors import Text
from salto_desk.storage.errors import NotFoundError
from salto_desk.storage.orm import KeyRow, OutboxRow

_ENTRY = Text("queued SALTO request", "wachtend SALTO-verzoek")


class OutboxAction(StrEnum):
    DELIVER = "deliver"
    """Send the key to the guest's phone (CNM)."""
    REVOKE = "revoke"
    """Check the key's rooms out (CO) and then delete the key data."""


@dataclass(frozen=True)
class OutboxEntry:
    id: int
    administration_id: int
    key_id: int
    holder_label: str
    action: OutboxAction
    phone: str | None
    created_at: datetime
    attempts: int
    next_attempt_at: datetime | None
    """When it is tried next; None: it failed for a reason retrying cannot fix (see ``last_error``)."""
    last_attempt_at: datetime | None
    last_error: str | None

    @property
    def stopped(self) -> bool:
        return self.next_attempt_at is None


@dataclass(frozen=True)
class OutboxRequest:
    """A request to queue for a key that has none queued yet."""

    administration_id: int
    key_id: int
    action: OutboxAction
    due: datetime
    phone: str | None = None


class OutboxRepository:
    """Outbox reads and writes within one session (one unit of work)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def enqueue(
        self, administration_id: int, key_id: int, action: OutboxAction, *, due: datetime, now: datetime,
        phone: str | None = None,
    ) -> OutboxEntry:  # fmt: skip
        """Queue a request once per key and action; an existing one stays (moved to ``due`` if never tried)."""
        row = self.session.scalar(select(OutboxRow).where(OutboxRow.key_id == key_id, OutboxRow.action == action.value))
        if row is None:
            row = OutboxRow(
                administration_id=administration_id,
                key_id=key_id,
                action=action.value,
                phone=phone,
                created_at=now,
                attempts=0,
                next_attempt_at=due,
            )
            self.session.add(row)
        elif row.attempts == 0:
            row.next_attempt_at, row.phone = due, phone
        self.session.flush()
        return self._entry_of(row.id)

    def add_new(self, requests: Sequence[OutboxRequest], now: datetime) -> None:
        """Queue requests for keys just made (no entry can exist yet) with one statement."""
        if requests:
            self.session.execute(
                insert(OutboxRow),
                [
                    {
                        "administration_id": request.administration_id,
                        "key_id": request.key_id,
                        "action": request.action.value,
                        "phone": request.phone,
                        "created_at": now,
                        "attempts": 0,
                        "next_attempt_at": request.due,
                    }
                    for request in requests
                ],
            )

    def due(self, now: datetime, administration_id: int | None = None) -> list[OutboxEntry]:
        """Entries whose time has come, oldest first."""
        statement = self._select().where(OutboxRow.next_attempt_at <= now)
        if administration_id is not None:
            statement = statement.where(OutboxRow.administration_id == administration_id)
        return self._entries(statement.order_by(OutboxRow.next_attempt_at, OutboxRow.id))

    def entries(self, administration_id: int | None = None) -> list[OutboxEntry]:
        """Everything still owed, failures included, oldest first."""
        statement = self._select()
        if administration_id is not None:
            statement = statement.where(OutboxRow.administration_id == administration_id)
        return self._entries(statement.order_by(OutboxRow.created_at, OutboxRow.id))

    def for_keys(self, key_ids: Collection[int]) -> list[OutboxEntry]:
        if not key_ids:
            return []
        return self._entries(self._select().where(OutboxRow.key_id.in_(sorted(key_ids))).order_by(OutboxRow.id))

    def record_failure(self, entry_id: int, *, now: datetime, error: str, retry_at: datetime | None) -> OutboxEntry:
        """One more failed attempt and why; ``retry_at`` None stops retrying until ``retry_now``."""
        row = self._row(entry_id)
        row.attempts += 1
        row.last_attempt_at, row.last_error, row.next_attempt_at = now, error, retry_at
        self.session.flush()
        return self._entry_of(entry_id)

    def retry_now(self, entry_id: int, now: datetime) -> OutboxEntry:
        """Try again at the next sync (after the desk fixed the cause: the phone number, SALTO's set-up)."""
        row = self._row(entry_id)
        row.next_attempt_at = now
        self.session.flush()
        return self._entry_of(entry_id)

    def remove(self, entry_id: int) -> None:
        self.session.execute(delete(OutboxRow).where(OutboxRow.id == entry_id))

    # --- internals -------------------------------------------------------------------------------

    @staticmethod
    def _select() -> Select[OutboxRow, str]:
        return select(OutboxRow, KeyRow.holder_label).join(KeyRow, KeyRow.id == OutboxRow.key_id)

    def _entries(self, statement: Select[OutboxRow, str]) -> list[OutboxEntry]:
        return [self._entry(row, label) for row, label in self.session.execute(statement).all()]

    def _entry_of(self, entry_id: int) -> OutboxEntry:
        found = self._entries(self._select().where(OutboxRow.id == entry_id))
        if not found:
            raise NotFoundError(_ENTRY, entry_id)
        return found[0]

    def _row(self, entry_id: int) -> OutboxRow:
        row = self.session.get(OutboxRow, entry_id)
        if row is None:
            raise NotFoundError(_ENTRY, entry_id)
        return row

    @staticmethod
    def _entry(row: OutboxRow, holder_label: str) -> OutboxEntry:
        return OutboxEntry(
            id=row.id,
            administration_id=row.administration_id,
            key_id=row.key_id,
            holder_label=holder_label,
            action=OutboxAction(row.action),
            phone=row.phone,
            created_at=row.created_at,
            attempts=row.attempts,
            next_attempt_at=row.next_attempt_at,
            last_attempt_at=row.last_attempt_at,
            last_error=row.last_error,
        )
