"""Stage 3 of a run: the SALTO requests the sync owes, from a durable queue in the database.

Mobile keys due for delivery (N days before arrival, or at check-in for "wait for check-in" keys) are
sent once with CNM; cancelled stays whose keys were issued are checked out (CO). A failure stays queued
with its reason and is retried with backoff while SALTO is unreachable. A send whose answer was lost
after SALTO accepted it may have reached the phone: it is never repeated automatically.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from salto_desk.errors import SaltoDeskError, Text, ValidationError
from salto_desk.keys.flags import flag_text
from salto_desk.keys.model import Administration, AuditAction, AuditState, FlagCode, KeyData
from salto_desk.keys.rules import KeyNotIssuable
from salto_desk.operations.salto_operations import SaltoOperations
from salto_desk.protocol.errors import SaltoErrorReply
from salto_desk.storage.audit_repository import AuditRepository
from salto_desk.storage.database import Database
from salto_desk.storage.errors import NotFoundError
from salto_desk.storage.key_repository import KeyRepository
from salto_desk.storage.outbox_repository import OutboxAction, OutboxEntry, OutboxRepository
from salto_desk.storage.sync_key_repository import SyncKeyRepository
from salto_desk.sync.progress import Counts, Notify, SyncProgress, SyncStage


@dataclass(frozen=True)
class OutboxRetry:
    """How long a failed SALTO request of the outbox waits before the next attempt."""

    first_delay: timedelta = timedelta(minutes=1)
    max_delay: timedelta = timedelta(hours=1)
    refused_attempts: int = 5
    """A delivery SALTO refuses (an error code) this often stops and waits for the desk."""

    def after(self, attempts: int) -> timedelta:
        delay: timedelta = self.first_delay * (2 ** max(0, attempts - 1))
        return min(self.max_delay, delay)


class OutboxWorker:
    """Works through the due entries of the outbox for one run; every method returns what it did."""

    def __init__(
        self,
        database: Database,
        clock: Callable[[], datetime],
        retry: OutboxRetry,
        operations_for: Callable[[Administration], SaltoOperations],
        language: str,
    ) -> None:
        self.database = database
        self.clock = clock
        self.retry = retry
        self.operations_for = operations_for
        self.language = language

    def work(self, administrations: Sequence[Administration], notify: Notify) -> Counts:
        by_id = {administration.id: administration for administration in administrations}
        with self.database.unit_of_work() as session:
            due = OutboxRepository(session).due(self.clock())
        counts = Counts()
        for done, entry in enumerate(due, start=1):
            administration = by_id[entry.administration_id]
            service = self.operations_for(administration)
            if entry.action is OutboxAction.DELIVER:
                counts += self._deliver(entry, administration, service)
            else:
                counts += self._check_out(entry, administration, service)
            notify(SyncProgress(administration.name, SyncStage.OUTBOX, done, len(due)))
        return counts

    def _current_key(self, entry: OutboxEntry) -> KeyData | None:
        """The entry's key as it is now; None when it was deleted meanwhile (its entry went with it)."""
        try:
            with self.database.unit_of_work() as session:
                return KeyRepository(session).get(entry.key_id)
        except NotFoundError:
            return None

    def _deliver(self, entry: OutboxEntry, administration: Administration, service: SaltoOperations) -> Counts:
        key = self._current_key(entry)
        if key is None:
            return Counts()
        if key.deliveries:  # sent meanwhile (at the desk): never twice
            with self.database.unit_of_work() as session:
                OutboxRepository(session).remove(entry.id)
            return Counts()
        if self._send_outcome_unknown(key):
            return self._outbox_failed(
                entry,
                administration,
                Text(
                    "An earlier send of this mobile key was cut off after SALTO accepted it, so it may have reached "
                    "the phone; it is not sent again automatically. Check in SALTO and send it by hand if needed.",
                    "Een eerdere verzending van deze mobiele sleutel werd afgebroken nadat SALTO die had aanvaard, "
                    "dus mogelijk staat de sleutel al op de telefoon; hij wordt niet automatisch opnieuw verstuurd. "
                    "Controleer het in SALTO en verstuur de sleutel zo nodig met de hand.",
                )(self.language),
                retry=False,
            )
        if key.phone is None:
            return self._outbox_failed(entry, administration, self._no_phone(key)(self.language), retry=False)
        try:
            service.send_to_phone(key, key.phone)
        except (KeyNotIssuable, ValidationError) as error:
            return self._outbox_failed(entry, administration, error.user_message(self.language), retry=False)
        except SaltoErrorReply as error:
            retry = entry.attempts + 1 < self.retry.refused_attempts
            return self._outbox_failed(entry, administration, error.user_message(self.language), retry=retry)
        except SaltoDeskError as error:
            return self._outbox_failed(entry, administration, error.user_message(self.language), retry=True)
        with self.database.unit_of_work() as session:
            OutboxRepository(session).remove(entry.id)
        return Counts(delivered=1)

    def _no_phone(self, key: KeyData) -> Text:
        """Why a key has no phone to deliver to: the refusal of BEX's number when there was one."""
        with self.database.unit_of_work() as session:
            flags = SyncKeyRepository(session).flags([key.id]).get(key.id, ())
        refused = next((flag for flag in flags if flag.code is FlagCode.PHONE_REFUSED), None)
        if refused is not None:
            return flag_text(refused)
        return Text(
            "The guest has no mobile number in the PMS, so the key cannot be sent. Add the number to the key "
            "data and retry.",
            "De gast heeft geen mobiel nummer in het PMS, dus de sleutel kan niet worden verstuurd. Vul het "
            "nummer in bij de sleutelgegevens en probeer opnieuw.",
        )

    def _send_outcome_unknown(self, key: KeyData) -> bool:
        """Whether a phone key send of this key was accepted by SALTO and then lost its answer."""
        with self.database.unit_of_work() as session:
            entries = AuditRepository(session).entries(key_id=key.id)
        return any(entry.action is AuditAction.SEND_TO_PHONE and entry.state is AuditState.UNKNOWN for entry in entries)

    def _check_out(self, entry: OutboxEntry, administration: Administration, service: SaltoOperations) -> Counts:
        """CO for each room, then the key data goes (and its entry with it); until then it keeps retrying."""
        key = self._current_key(entry)
        if key is None:
            return Counts()
        try:
            service.delete_key(key, shared_rooms_confirmed=True)
        except SaltoDeskError as error:
            return self._outbox_failed(entry, administration, error.user_message(self.language), retry=True)
        return Counts(revoked=1)

    def _outbox_failed(self, entry: OutboxEntry, administration: Administration, reason: str, *, retry: bool) -> Counts:
        now = self.clock()
        retry_at = now + self.retry.after(entry.attempts + 1) if retry else None
        with self.database.unit_of_work() as session:
            OutboxRepository(session).record_failure(entry.id, now=now, error=reason, retry_at=retry_at)
        what = (
            Text("delivering the mobile key", "bezorgen van de mobiele sleutel")
            if entry.action is OutboxAction.DELIVER
            else Text("checking out the cancelled stay", "uitchecken van het geannuleerde verblijf")
        )
        return Counts(errors=(f"{administration.name}: {entry.holder_label}: {what(self.language)}: {reason}",))
