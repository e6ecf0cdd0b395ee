"""Several desks on one database: who drives which encoder, whose turn it is on a SALTO link, which
desk runs the automatic sync, and what changed at the other desks.

- An encoder lease per (administration, encoder) is held for the whole card operation; another desk
  asking for it is told who uses it since when (``EncoderInUse``), or waits up to ``encoder_wait``.
- SALTO's PMS port serves one connection at a time: desks queue per endpoint (each sees its place)
  and the first in line takes the endpoint's lease for the length of one request or card sequence.
- The ``sync`` lease makes one desk the sync leader: ``SyncLeadership.run`` runs the sync (and with it the
  phone deliveries) only while this desk holds it; the others learn who does.
- ``ChangeWatcher`` polls the change counters so that views refresh within seconds.

Leases are renewed by a heartbeat thread while held and expire when a desk crashes, so nothing
stays locked for longer than its time to live; a holding of a process that stopped on this same
computer is taken over at once (``stopped_here``). Desks are told apart by computer name, which
Windows already requires to be unique on a network.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from salto_desk.errors import SaltoDeskError, Text
from salto_desk.host import process_alive, this_desk
from salto_desk.keys.model import Administration, Encoder
from salto_desk.protocol.errors import Cancelled
from salto_desk.secrets import SecretStore
from salto_desk.storage.change_feed import Topic, versions
from salto_desk.storage.database import Database
from salto_desk.storage.leases import DeskProcess, Lease, LeaseHolder, LeaseStore, QueueEntry, QueueTicket

log = logging.getLogger("salto_desk.coordination")

Clock = Callable[[], datetime]
T = TypeVar("T")
DATABASE_PASSWORD = "database-password"
"""The keyring entry holding the shared database's password (never written into settings or logs)."""
SYNC_LEASE = "sync"
ENCODER_PREFIX = "encoder:"
LINK_PREFIX = "salto:"


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class LeaseTimes:
    """How long holdings live without renewal (a crashed desk frees them after this) and how often to poll."""

    encoder: timedelta = timedelta(seconds=30)
    link: timedelta = timedelta(seconds=30)
    sync: timedelta = timedelta(minutes=3)
    """Must exceed the interval between automatic syncs, or leadership moves between desks."""
    poll_seconds: float = 0.2


def this_process(desk: str | None = None) -> DeskProcess:
    return DeskProcess(desk or this_desk(), os.getpid())


def stopped_here(holder: DeskProcess) -> bool:
    """True when ``holder`` ran on this computer and its process is gone (killed, crashed): its holdings are
    taken over at once. Processes of other computers cannot be seen from here; their holdings expire."""
    return holder.desk == this_desk() and not process_alive(holder.process_id)


def shared_database_url(url: str | None, secrets: SecretStore | None = None) -> str | None:
    """The database URL with the password from this computer's keyring (entry ``database-password``)
    when the URL names a user but no password; any other URL (and an unparsable one) is returned as is."""
    if not url:
        return url
    try:
        parsed = make_url(url)
    except ArgumentError:
        return url  # opening it says what is wrong
    if parsed.username is None or parsed.password is not None or parsed.get_backend_name() == "sqlite":
        return url
    password = (secrets or SecretStore()).get(DATABASE_PASSWORD)
    return url if not password else parsed.set(password=password).render_as_string(hide_password=False)


def _since(moment: datetime, zone: ZoneInfo | None) -> str:
    local = moment.astimezone(zone) if zone is not None else moment.astimezone()
    return local.strftime("%H:%M")


class EncoderInUse(SaltoDeskError):
    """Another desk drives the encoder right now."""

    def __init__(self, encoder: Encoder, holder: LeaseHolder, zone: ZoneInfo | None = None) -> None:
        desk, since = holder.holder.desk, _since(holder.acquired_at, zone)
        super().__init__(
            Text(
                f"Encoder {encoder.name} is in use by {desk} since {since}.",
                f"Encoder {encoder.name} is in gebruik door {desk} sinds {since}.",
            ),
            Text(
                f"Choose another encoder or try again when {desk} is done; if {desk} stopped, the encoder is "
                "free again within a minute.",
                f"Kies een andere encoder of probeer het opnieuw als {desk} klaar is; is {desk} gestopt, dan is de "
                "encoder binnen een minuut weer vrij.",
            ),
        )
        self.holder = holder


class _Heartbeat:
    """Renews a lease every third of its time to live on a thread of its own until stopped."""

    def __init__(self, store: LeaseStore, lease: Lease) -> None:
        self.lease = lease
        self.lost = False
        self._store = store
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{lease.name}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        interval = self.lease.ttl.total_seconds() / 3
        while not self._stop.wait(interval):
            try:
                renewed = self._store.renew(self.lease)
            except SaltoDeskError as error:  # the database is away for a moment: try again next beat
                log.warning("cannot renew lease %s: %s", self.lease.name, error.user_message("en"))
                continue
            if renewed is None:
                log.warning("lease %s was lost (expired and taken by another desk)", self.lease.name)
                self.lost = True
                return
            self.lease = renewed

    def stop(self) -> Lease:
        self._stop.set()
        self._thread.join()
        return self.lease


@dataclass(frozen=True)
class DeskStatus:
    """What the desk status view shows: the sync leader, encoders and links in use, and who waits."""

    me: DeskProcess
    sync_leader: LeaseHolder | None
    encoders: tuple[LeaseHolder, ...]
    links: tuple[LeaseHolder, ...]
    queue: tuple[QueueEntry, ...]

    def is_me(self, holder: DeskProcess) -> bool:
        return holder == self.me


@dataclass
class Coordinator:
    """This desk process's view of the shared leases; one per desk process, used from any thread."""

    database: Database
    me: DeskProcess = field(default_factory=this_process)
    times: LeaseTimes = field(default_factory=LeaseTimes)
    clock: Clock = _utc_now
    encoder_wait: float = 0.0
    """Seconds to wait for an encoder another desk uses before saying so (0: say so at once)."""

    def __post_init__(self) -> None:
        self.store = LeaseStore(self.database, self.clock, gone=stopped_here)

    @contextmanager
    def turn(
        self, administration: Administration, encoder: Encoder | None, cancelled: threading.Event
    ) -> Iterator[None]:
        """Hold the encoder (when one is used) and then the administration's SALTO link for one operation."""
        with ExitStack() as stack:
            if encoder is not None:
                stack.enter_context(self.encoder(administration, encoder, cancelled))
            stack.enter_context(self.link(administration.salto_endpoint, cancelled))
            yield

    @contextmanager
    def encoder(self, administration: Administration, encoder: Encoder, cancelled: threading.Event) -> Iterator[Lease]:
        """The encoder's lease, or ``EncoderInUse`` naming the desk that has it."""
        name = f"{ENCODER_PREFIX}{administration.id}:{encoder.id}"
        deadline = time.monotonic() + self.encoder_wait
        while True:
            taken = self.store.acquire(name, self.me, self.times.encoder, encoder.name)
            if isinstance(taken, Lease):
                break
            if time.monotonic() >= deadline:
                raise EncoderInUse(encoder, taken, administration.zone)
            if cancelled.wait(self.times.poll_seconds):
                raise Cancelled()
        with self._kept(taken) as lease:
            yield lease

    @contextmanager
    def link(self, endpoint: str, cancelled: threading.Event) -> Iterator[Lease]:
        """Queue for the SALTO endpoint and hold its lease when it is this desk's turn."""
        ticket: QueueTicket | None = self.store.enqueue(endpoint, self.me, self.times.link)
        try:
            while True:
                assert ticket is not None
                place = self.store.place(ticket, self.times.link)
                if place is None:  # stalled longer than the ticket lives: join again at the end
                    ticket = self.store.enqueue(endpoint, self.me, self.times.link)
                    continue
                if place == 1:
                    taken = self.store.acquire(f"{LINK_PREFIX}{endpoint}", self.me, self.times.link, endpoint)
                    if isinstance(taken, Lease):
                        break
                if cancelled.wait(self.times.poll_seconds):
                    raise Cancelled()
            self.store.dequeue(ticket)
            ticket = None
        finally:
            if ticket is not None:
                self.store.dequeue(ticket)
        with self._kept(taken) as lease:
            yield lease

    def status(self) -> DeskStatus:
        return DeskStatus(
            self.me,
            self.store.holder(SYNC_LEASE),
            tuple(self.store.active(ENCODER_PREFIX)),
            tuple(self.store.active(LINK_PREFIX)),
            tuple(self.store.queue()),
        )

    @contextmanager
    def _kept(self, lease: Lease) -> Iterator[Lease]:
        """Renew while the block runs; release on the way out, whatever happened."""
        heartbeat = _Heartbeat(self.store, lease)
        try:
            yield lease
        finally:
            last = heartbeat.stop()
            try:
                self.store.release(last)
            except SaltoDeskError as error:  # the database is away: the lease expires by itself
                log.warning("cannot release lease %s: %s", last.name, error.user_message("en"))


class SyncLeadership:
    """This desk's claim on the ``sync`` lease, kept from run to run and given up with ``resign``.

    The claim is made in the name of ``coordinator.me``: a desk that runs each sync in a child process
    gives the child a ``Coordinator`` whose ``me`` is the desk's own (name and GUI process id), so the
    desk keeps leading across its children's runs.
    """

    def __init__(self, coordinator: Coordinator) -> None:
        self.coordinator = coordinator
        self._lease: Lease | None = None
        self._guard = threading.Lock()

    def claim(self) -> Lease | LeaseHolder:
        """Renew the lease this desk holds, or take it when free; otherwise who leads."""
        store = self.coordinator.store
        with self._guard:
            if self._lease is not None:
                self._lease = store.renew(self._lease)
            if self._lease is None:
                taken = store.acquire(
                    SYNC_LEASE, self.coordinator.me, self.coordinator.times.sync, "PMS sync", reentrant=True
                )
                if isinstance(taken, LeaseHolder):
                    return taken
                self._lease = taken
            return self._lease

    def leader(self) -> LeaseHolder | None:
        return self.coordinator.store.holder(SYNC_LEASE)

    def resign(self) -> None:
        """Give leadership up (at shutdown) so that another desk takes over at its next run; this also
        ends a leadership that one-shot sync processes took in this desk process's name."""
        with self._guard:
            self._lease = None
            self.coordinator.store.release_held_by(SYNC_LEASE, self.coordinator.me)

    def run(self, work: Callable[[], T]) -> T | LeaseHolder:
        """``work()`` while this desk leads (the lease renewed meanwhile); otherwise the desk that leads."""
        claimed = self.claim()
        if isinstance(claimed, LeaseHolder):
            return claimed
        heartbeat = _Heartbeat(self.coordinator.store, claimed)
        try:
            return work()
        finally:
            kept = heartbeat.stop()
            with self._guard:
                self._lease = None if heartbeat.lost else kept


class ChangeWatcher:
    """Tells which topics other desks (or this one) committed since the previous poll."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._seen: dict[Topic, int] | None = None

    def poll(self) -> frozenset[Topic]:
        """Topics whose counter moved; the first poll only takes the baseline."""
        with self.database.reading() as session:
            current = versions(session)
        previous, self._seen = self._seen, current
        if previous is None:
            return frozenset()
        return frozenset(topic for topic, version in current.items() if previous.get(topic) != version)
