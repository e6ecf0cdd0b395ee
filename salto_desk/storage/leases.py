"""Leases and the SALTO endpoint queue in the shared database, race-free on SQLite and PostgreSQL.

A lease is one row per name. It is taken by a conditional ``UPDATE ... WHERE expires_at <= now``
(the database lets exactly one of two concurrent updates match) or, the first time, by the
``INSERT`` that wins the primary key; renewing and releasing are conditional on the holding's
token. Nothing is ever decided by reading first and writing afterwards.

The endpoint queue orders the desk processes that want one SALTO endpoint: each holds a ticket
(heart-beaten so that a crashed desk drops out) and shows its place. The ticket gives the order;
the exclusive right to the link is still a lease, so two desks can never talk to SALTO at once even
while tickets of a just-committed transaction are still becoming visible.

A holding whose process is known to be gone (``HolderGone``: a crashed process on this same computer)
is taken over at once instead of after its time to live; holdings of other computers, whose processes
cannot be seen from here, still expire by time.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Result, and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from salto_desk.storage.database import Database
from salto_desk.storage.orm import LeaseRow, QueueTicketRow

Clock = Callable[[], datetime]
HolderGone = Callable[["DeskProcess"], bool]
"""True when the holder's process is known to have stopped (it ran on this computer and is gone)."""


def _never_gone(_holder: DeskProcess) -> bool:
    return False


@dataclass(frozen=True)
class DeskProcess:
    """Who holds something: the desk's name (shown to people) and its process on that computer."""

    desk: str
    process_id: int


@dataclass(frozen=True)
class LeaseHolder:
    """Another holding of a lease name (returned when it could not be taken)."""

    name: str
    label: str
    holder: DeskProcess
    acquired_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Lease:
    """A lease this process holds until ``expires_at`` unless renewed."""

    name: str
    label: str
    holder: DeskProcess
    token: str
    acquired_at: datetime
    expires_at: datetime
    ttl: timedelta


@dataclass(frozen=True)
class QueueTicket:
    id: int
    endpoint: str
    holder: DeskProcess
    token: str
    enqueued_at: datetime


@dataclass(frozen=True)
class QueueEntry:
    """One live ticket of an endpoint's queue, with its place (1 = its turn)."""

    endpoint: str
    place: int
    holder: DeskProcess
    token: str
    enqueued_at: datetime


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _changed(result: Result[Any]) -> int:
    """Rows an UPDATE or DELETE matched."""
    return cast("CursorResult[Any]", result).rowcount


def _holder(lease: LeaseRow) -> LeaseHolder:
    return LeaseHolder(
        lease.name, lease.label, DeskProcess(lease.desk, lease.process_id), lease.acquired_at, lease.expires_at
    )


class LeaseStore:
    """Leases and endpoint tickets of one database; every method runs its own short transaction."""

    def __init__(self, database: Database, clock: Clock = _utc_now, gone: HolderGone = _never_gone) -> None:
        self.database = database
        self.clock = clock
        self.gone = gone

    # --- leases ----------------------------------------------------------------------------------

    def acquire(
        self, name: str, holder: DeskProcess, ttl: timedelta, label: str = "", *, reentrant: bool = False
    ) -> Lease | LeaseHolder:
        """Take the lease when it is free or expired; otherwise say who holds it.

        ``reentrant``: the same desk process may take over its own unexpired holding (a new token), as
        the desk's successive one-shot sync processes do in the desk's name.
        """
        now = self.clock()
        token = secrets.token_hex(16)
        values = {
            "label": label or name,
            "desk": holder.desk,
            "process_id": holder.process_id,
            "token": token,
            "acquired_at": now,
            "expires_at": now + ttl,
        }
        lease = Lease(name, label or name, holder, token, now, now + ttl, ttl)
        with self.database.unit_of_work() as session:
            takeable = LeaseRow.expires_at <= now
            if reentrant:
                takeable = or_(takeable, and_(LeaseRow.desk == holder.desk, LeaseRow.process_id == holder.process_id))
            taken = session.execute(update(LeaseRow).where(LeaseRow.name == name, takeable).values(**values))
            if _changed(taken) == 1:
                return lease
            try:
                with session.begin_nested():
                    session.execute(insert(LeaseRow).values(name=name, **values))
                return lease
            except IntegrityError:
                pass  # someone holds it (or took it an instant ago): say who
            row = session.execute(select(LeaseRow).where(LeaseRow.name == name)).scalar_one_or_none()
            if row is not None and self.gone(DeskProcess(row.desk, row.process_id)):
                # The holder crashed on this computer: take its holding over now (only that very holding).
                taken = session.execute(
                    update(LeaseRow).where(LeaseRow.name == name, LeaseRow.token == row.token).values(**values)
                )
                if _changed(taken) == 1:
                    return lease
                row = None  # it changed hands meanwhile: look again
        if row is None:  # released between our insert and our read, or just taken over: simply try again
            return self.acquire(name, holder, ttl, label, reentrant=reentrant)
        return _holder(row)

    def renew(self, lease: Lease) -> Lease | None:
        """Extend a holding by its ttl; None when it was lost (expired and taken, or released)."""
        now = self.clock()
        with self.database.unit_of_work() as session:
            renewed = session.execute(
                update(LeaseRow)
                .where(LeaseRow.name == lease.name, LeaseRow.token == lease.token, LeaseRow.expires_at > now)
                .values(expires_at=now + lease.ttl)
            )
        if _changed(renewed) != 1:
            return None
        return Lease(lease.name, lease.label, lease.holder, lease.token, lease.acquired_at, now + lease.ttl, lease.ttl)

    def release(self, lease: Lease) -> bool:
        """Give a holding up; False when it had already been lost."""
        with self.database.unit_of_work() as session:
            released = session.execute(
                delete(LeaseRow).where(LeaseRow.name == lease.name, LeaseRow.token == lease.token)
            )
        return _changed(released) == 1

    def release_held_by(self, name: str, holder: DeskProcess) -> bool:
        """Give up a lease this desk process holds without its token (taken in its name by a helper process)."""
        with self.database.unit_of_work() as session:
            released = session.execute(
                delete(LeaseRow).where(
                    LeaseRow.name == name, LeaseRow.desk == holder.desk, LeaseRow.process_id == holder.process_id
                )
            )
        return _changed(released) == 1

    def holder(self, name: str) -> LeaseHolder | None:
        """Who holds the lease now (None when free or expired)."""
        now = self.clock()
        with self.database.unit_of_work() as session:
            row = session.execute(
                select(LeaseRow).where(LeaseRow.name == name, LeaseRow.expires_at > now)
            ).scalar_one_or_none()
        return None if row is None or self._gone(row) else _holder(row)

    def active(self, prefix: str = "") -> list[LeaseHolder]:
        """Every unexpired lease whose name starts with ``prefix``, by name."""
        now = self.clock()
        with self.database.unit_of_work() as session:
            rows = (
                session.execute(
                    select(LeaseRow)
                    .where(LeaseRow.name.startswith(prefix, autoescape=True), LeaseRow.expires_at > now)
                    .order_by(LeaseRow.name)
                )
                .scalars()
                .all()
            )
        return [_holder(row) for row in rows if not self._gone(row)]

    def _gone(self, row: LeaseRow | QueueTicketRow) -> bool:
        return self.gone(DeskProcess(row.desk, row.process_id))

    # --- endpoint queue --------------------------------------------------------------------------

    def enqueue(self, endpoint: str, holder: DeskProcess, ttl: timedelta) -> QueueTicket:
        """A ticket at the end of the endpoint's queue."""
        now = self.clock()
        token = secrets.token_hex(16)
        with self.database.unit_of_work() as session:
            ticket_id = session.execute(
                insert(QueueTicketRow)
                .values(
                    endpoint=endpoint,
                    desk=holder.desk,
                    process_id=holder.process_id,
                    token=token,
                    enqueued_at=now,
                    expires_at=now + ttl,
                )
                .returning(QueueTicketRow.id)
            ).scalar_one()
        return QueueTicket(ticket_id, endpoint, holder, token, now)

    def place(self, ticket: QueueTicket, ttl: timedelta) -> int | None:
        """Keep the ticket alive and return its place (1 = first); None when it expired and was dropped.

        Expired tickets of the endpoint (desks that stopped) and tickets of processes known to be gone are
        removed on the way.
        """
        now = self.clock()
        with self.database.unit_of_work() as session:
            session.execute(
                delete(QueueTicketRow).where(
                    QueueTicketRow.endpoint == ticket.endpoint, QueueTicketRow.expires_at <= now
                )
            )
            waiting = session.execute(
                select(QueueTicketRow).where(
                    QueueTicketRow.endpoint == ticket.endpoint, QueueTicketRow.token != ticket.token
                )
            ).scalars()
            crashed = [row.token for row in waiting if self._gone(row)]
            if crashed:  # tickets of processes that stopped on this computer hold nobody up
                session.execute(delete(QueueTicketRow).where(QueueTicketRow.token.in_(crashed)))
            kept = session.execute(
                update(QueueTicketRow).where(QueueTicketRow.token == ticket.token).values(expires_at=now + ttl)
            )
            if _changed(kept) != 1:
                return None
            ahead = session.execute(
                select(func.count())
                .select_from(QueueTicketRow)
                .where(QueueTicketRow.endpoint == ticket.endpoint, QueueTicketRow.id < ticket.id)
            ).scalar_one()
        return int(ahead) + 1

    def dequeue(self, ticket: QueueTicket) -> None:
        with self.database.unit_of_work() as session:
            session.execute(delete(QueueTicketRow).where(QueueTicketRow.token == ticket.token))

    def queue(self, endpoint: str | None = None) -> list[QueueEntry]:
        """The live tickets (of one endpoint, or all), in order, with their places."""
        now = self.clock()
        statement = select(QueueTicketRow).where(QueueTicketRow.expires_at > now)
        if endpoint is not None:
            statement = statement.where(QueueTicketRow.endpoint == endpoint)
        with self.database.unit_of_work() as session:
            rows = session.execute(statement.order_by(QueueTicketRow.endpoint, QueueTicketRow.id)).scalars().all()
        entries: list[QueueEntry] = []
        places: dict[str, int] = {}
        for ticket in rows:
            if self._gone(ticket):
                continue
            places[ticket.endpoint] = places.get(ticket.endpoint, 0) + 1
            entries.append(
                QueueEntry(
                    ticket.endpoint,
                    places[ticket.endpoint],
                    DeskProcess(ticket.desk, ticket.process_id),
                    ticket.token,
                    ticket.enqueued_at,
                )
            )
        return entries
