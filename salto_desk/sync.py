"""PMS -> key data: pull BEX into the cache, turn reservations into key data, send what SALTO is owed.

One ``run_once`` does, for every administration BEX lists:

1. Pull objects, object types, extras, costs and owners, and the reservations changed since the last
   pull (``filter[updated_at]``; the first pull takes everything), into the cache. A record BEX sends
   in a shape we cannot read is reported and skipped; BEX being unreachable keeps the cache (with the
   pages read before it went away: each page is its own transaction) and records since when
   (``SyncStatus.offline_since``); the next pull starts again from the last complete one.
   Administrations not set up at the desk are cached but get no key data.
2. For each administration set up at the desk, apply the key rules to the reservations that changed
   (or to every current one when products, door names or other settings changed):
   - a confirmed reservation that matches a product gets key data of the product's key type, once
     (running twice changes nothing); a "wait for check-in" key activates when the guest checks in;
   - changed dates or a changed object are carried into the key data; if cards or phone keys were
     already made, the key is marked "needs re-encode" (never silently left with the old validity);
   - fields the desk changed by hand are never undone: the sync remembers what it wrote last and
     only updates a field the desk left as the sync wrote it;
   - key data the desk deleted is never made again for that reservation and key type (key data made
     by hand later is the desk's own);
   - a cancelled reservation loses its key data; when cards or phone keys were made, the rooms are
     first checked out in SALTO (CO) through the outbox, and the key stays (state "revoking") until
     SALTO confirmed it.
3. Work through the outbox: mobile keys due for delivery (N days before arrival, or at check-in for
   "wait for check-in" keys) are sent once with CNM; CO of revoked keys. A failure stays queued with
   its reason and is retried with backoff while SALTO is unreachable. A send whose answer was lost
   after SALTO accepted it may have reached the phone: it is never repeated automatically.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import TypeVar

from sqlalchemy.orm import Session

from salto_desk.errors import SaltoDeskError, Text, ValidationError
from salto_desk.keys.audit import this_desk
from salto_desk.keys.model import (
    Administration,
    AuditAction,
    AuditDraft,
    AuditState,
    Holder,
    HolderKind,
    KeyData,
    KeyDraft,
    KeyState,
    KeyType,
    Product,
    ProductSettings,
    StayDates,
)
from salto_desk.keys.rules import (
    KeyNotIssuable,
    delivery_date,
    local_moment,
    matching_products,
    product_matches,
    reservation_key_draft,
    reservation_label,
    sendable_phone,
    state_after_check_in,
    today_in,
)
from salto_desk.keys.services import KeyService
from salto_desk.keys.validation import validate_key_draft
from salto_desk.pms.client import DEFAULT_BASE_URL, BexClient, PmsSettings, collector_paused
from salto_desk.pms.errors import PmsError, PmsRecordError
from salto_desk.pms.models import Administration as BexAdministration
from salto_desk.pms.models import Reservation
from salto_desk.protocol.errors import SaltoErrorReply
from salto_desk.secrets import PMS_API_KEY, SecretStore
from salto_desk.storage.audit_repository import AuditRepository
from salto_desk.storage.config_repository import ConfigRepository
from salto_desk.storage.database import Database
from salto_desk.storage.errors import NotFoundError
from salto_desk.storage.key_repository import KeyRepository
from salto_desk.storage.outbox_repository import OutboxAction, OutboxEntry, OutboxRepository, OutboxRequest
from salto_desk.storage.pms_repository import CachedReservation, PmsRepository, SyncCursor
from salto_desk.storage.settings_repository import PMS_BASE_URL, SettingsRepository
from salto_desk.storage.sync_key_repository import SyncedKey, SyncKeyRepository

log = logging.getLogger("salto_desk.sync")

KEY_STATES = frozenset({"confirmed", "checked_in"})
"""BEX reservation states that get key data (BEX does not document its states; these are seen or implied)."""
CANCELLED_STATES = frozenset({"cancelled", "canceled"})
CURSOR_OVERLAP = timedelta(minutes=2)
"""Each incremental pull starts this much before the last one ended: clocks differ, records change mid-pull."""
SYNC_OPERATOR = "sync"

Clock = Callable[[], datetime]
T = TypeVar("T")


class PmsNotConfigured(SaltoDeskError):
    """No BEX API key is stored on this computer."""


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


class SyncStage(StrEnum):
    OBJECTS = "objects"
    RESERVATIONS = "reservations"
    KEYS = "keys"
    OUTBOX = "outbox"


_STAGES = {
    SyncStage.OBJECTS: Text("objects, types and owners", "objecten, typen en eigenaren"),
    SyncStage.RESERVATIONS: Text("reservations", "reserveringen"),
    SyncStage.KEYS: Text("key data", "sleutelgegevens"),
    SyncStage.OUTBOX: Text("SALTO requests", "SALTO-verzoeken"),
}


@dataclass(frozen=True)
class SyncProgress:
    administration: str
    stage: str
    done: int
    total: int | None

    def text(self, language: str) -> str:
        known = {stage.value: text for stage, text in _STAGES.items()}.get(self.stage)
        stage = known(language) if known is not None else self.stage
        count = str(self.done) if self.total is None else f"{self.done}/{self.total}"
        return f"{self.administration}: {stage} {count}"


@dataclass(frozen=True)
class SyncSummary:
    fetched: int
    created: int
    updated: int
    revoked: int
    delivered: int
    errors: tuple[str, ...]

    def text(self, language: str) -> str:
        return Text(
            f"Fetched {self.fetched} reservation(s). Key data: {self.created} created, {self.updated} updated, "
            f"{self.revoked} revoked; {self.delivered} mobile key(s) delivered; {len(self.errors)} problem(s).",
            f"{self.fetched} reservering(en) opgehaald. Sleutelgegevens: {self.created} aangemaakt, {self.updated} "
            f"bijgewerkt, {self.revoked} ingetrokken; {self.delivered} mobiele sleutel(s) bezorgd; "
            f"{len(self.errors)} probleem/problemen.",
        )(language)


@dataclass
class _Tally:
    fetched: int = 0
    created: int = 0
    updated: int = 0
    revoked: int = 0
    delivered: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> SyncSummary:
        return SyncSummary(self.fetched, self.created, self.updated, self.revoked, self.delivered, tuple(self.errors))


@dataclass(frozen=True)
class _Rules:
    """One administration's configuration, as the key rules need it during one run."""

    administration: Administration
    products: list[Product]
    key_types: dict[int, KeyType]
    now: datetime

    def products_for(self, reservation: CachedReservation) -> list[Product]:
        """The first matching product of each key type: one key per key type and reservation."""
        chosen: dict[int, Product] = {}
        for product in matching_products(self.products, reservation.facts):
            chosen.setdefault(product.key_type_id, product)
        return list(chosen.values())


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _label(reservation: CachedReservation) -> str:
    return reservation_label(reservation.booking_nr, reservation.guest_name, reservation.pms_id)


def _draft_of(key: KeyData) -> KeyDraft:
    return KeyDraft(**{each.name: getattr(key, each.name) for each in fields(KeyDraft)})


def _digest(administration: Administration, products: Sequence[Product], key_types: Sequence[KeyType],
            doors: dict[str, str]) -> str:  # fmt: skip
    """Changes when anything the key rules read from the configuration changes."""
    text = repr((administration, list(products), list(key_types), sorted(doors.items())))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class SyncEngine:
    """Runs the sync; ``run_once`` from one thread at a time (the GUI's background queue or the CLI).

    ``clock`` must be the PMS's time base (real time in production): the incremental pulls compare it
    with BEX's ``updated_at``.
    """

    def __init__(
        self,
        database: Database,
        pms: BexClient | Callable[[], BexClient],
        key_service_for: Callable[[Administration], KeyService],
        *,
        clock: Clock = _utc_now,
        retry: OutboxRetry | None = None,
        language: str = "en",
    ) -> None:
        self.database = database
        self._pms = pms
        self.key_service_for = key_service_for
        self.clock = clock
        self.retry = retry or OutboxRetry()
        self.language = language
        self.desk = this_desk()

    # --- public ----------------------------------------------------------------------------------

    def run_once(self, progress: Callable[[SyncProgress], None] | None = None) -> SyncSummary:
        """Pull, cache, derive key data and work through the outbox, for every administration."""
        notify = progress or (lambda _progress: None)
        tally = _Tally()
        # A full run makes hundreds of thousands of short-lived objects; the garbage collector's passes over
        # them cost a fifth of the run. Its few cycles (database sessions) are collected once it is over.
        with collector_paused:
            with self.database.unit_of_work() as session:
                administrations = ConfigRepository(session).administrations()
            changed = self._pull_all(administrations, notify, tally)
            for administration in administrations:
                try:
                    self._derive_keys(administration, changed.get(administration.pms_id), notify, tally)
                except SaltoDeskError as error:
                    tally.errors.append(f"{administration.name}: {error.user_message(self.language)}")
            self._work_outbox(administrations, notify, tally)
        summary = tally.summary()
        log.info("sync: %s", summary.text("en"))
        return summary

    def matching_reservations(
        self, administration_id: int, product: ProductSettings, *, days: int = 30
    ) -> list[CachedReservation]:
        """Current and coming stays (arriving within ``days``) that would get a key of ``product``."""
        with self.database.unit_of_work() as session:
            administration = ConfigRepository(session).administration(administration_id)
            today = today_in(administration, self.clock())
            stays = PmsRepository(session).stays_ending_from(
                administration_id, today, starting_by=today + timedelta(days=days)
            )
        return [stay for stay in stays if self._wants_key(stay, today) and product_matches(product, stay.facts)]

    # --- 1. pull ---------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _client(self) -> Iterator[BexClient]:
        if isinstance(self._pms, BexClient):
            yield self._pms
            return
        with self._pms() as client:
            yield client

    def _pull_all(
        self, administrations: Sequence[Administration], notify: Callable[[SyncProgress], None], tally: _Tally
    ) -> dict[str, list[str]]:
        """Reservation ids pulled per BEX administration; one that failed is left out (and its failure recorded)."""
        configured = {administration.pms_id: administration for administration in administrations}
        changed: dict[str, list[str]] = {}
        try:
            with self._client() as client:
                listing = client.administrations()
                self._report(tally, "BEX", listing.problems)
                listed = {each.id for each in listing.records}
                for pms_id in configured.keys() - listed:
                    self._failed(
                        [pms_id],
                        configured[pms_id].name,
                        Text(
                            f"BEX does not list the administration {pms_id} for this API key.",
                            f"BEX toont de administratie {pms_id} niet voor deze API-sleutel.",
                        ),
                        tally,
                    )
                for bex in listing.records:
                    label = configured[bex.id].name if bex.id in configured else (bex.name or bex.id)
                    try:
                        changed[bex.id] = self._pull_one(client, bex, label, notify, tally)
                    except PmsError as error:
                        self._failed([bex.id], label, error.message, tally, error.action)
        except SaltoDeskError as error:  # no API key, BEX unreachable, key rejected...
            failed = [pms_id for pms_id in configured if pms_id not in changed]
            self._failed(failed, "BEX", error.message, tally, error.action)
        return changed

    def _pull_one(
        self,
        client: BexClient,
        bex: BexAdministration,
        label: str,
        notify: Callable[[SyncProgress], None],
        tally: _Tally,
    ) -> list[str]:
        with self.database.unit_of_work() as session:
            cursor = PmsRepository(session).sync_cursor(bex.id)
        started = self.clock()
        notify(SyncProgress(label, SyncStage.OBJECTS, 0, None))
        objects = client.inventory_objects(bex.id, updated_since=_since(cursor.objects_until))
        types = client.rentable_types(bex.id)
        catalogue = [client.extras(bex.id), client.costs(bex.id)]
        owners = client.owners(bex.id)
        notify(SyncProgress(label, SyncStage.OBJECTS, len(objects.records), len(objects.records)))
        self._report(
            tally,
            label,
            [*objects.problems, *types.problems, *catalogue[0].problems, *catalogue[1].problems, *owners.problems],
        )
        with self.database.unit_of_work() as session:
            cache = PmsRepository(session)
            cache.store_objects(bex.id, objects.records)
            cache.replace_catalogue(bex.id, types.records, [item for pull in catalogue for item in pull.records])
            cache.replace_owners(bex.id, owners.records)
        notify(SyncProgress(label, SyncStage.RESERVATIONS, 0, None))
        pulled: dict[str, None] = {}  # ids in pull order, once each
        fetched = 0
        reservations_until: datetime | None = None
        # Each page is stored in a transaction of its own while BEX prepares the next one. The cursor only
        # moves once every page is in, so a sync stopped halfway (or killed) pulls them all again next time.
        reported: set[tuple[str, str, str]] = set()  # a broken record shared by two pages is reported once
        for page in client.reservation_pages(bex.id, updated_since=_since(cursor.reservations_until)):
            fresh = [each for each in page.problems if (each.record_type, each.record_id, each.field) not in reported]
            reported.update((each.record_type, each.record_id, each.field) for each in fresh)
            self._report(tally, label, fresh)
            usable = [reservation for reservation in page.records if self._has_stay(label, reservation, tally)]
            with self.database.unit_of_work() as session:
                PmsRepository(session).store_reservations(bex.id, usable)
            pulled.update(dict.fromkeys(reservation.id for reservation in usable))
            fetched += len(page.records)
            reservations_until = page.updated_until
            notify(SyncProgress(label, SyncStage.RESERVATIONS, fetched, None))
        with self.database.unit_of_work() as session:
            PmsRepository(session).record_sync_success(
                bex.id,
                name=bex.name,
                now=self.clock(),
                cursor=SyncCursor(reservations_until or started, objects.updated_until or started),
            )
        tally.fetched += fetched
        notify(SyncProgress(label, SyncStage.RESERVATIONS, fetched, fetched))
        return list(pulled)

    def _has_stay(self, label: str, reservation: Reservation, tally: _Tally) -> bool:
        """Whether the reservation has its dates; one without cannot be cached and is reported."""
        if reservation.start_date is not None and reservation.end_date is not None:
            return True
        tally.errors.append(
            Text(
                f"{label}: reservation {reservation.booking_nr or reservation.id} has no arrival or departure "
                "date in BEX; it is left out.",
                f"{label}: reservering {reservation.booking_nr or reservation.id} heeft geen aankomst- of "
                "vertrekdatum in BEX; ze wordt overgeslagen.",
            )(self.language)
        )
        return False

    def _report(self, tally: _Tally, label: str, problems: Sequence[PmsRecordError]) -> None:
        tally.errors.extend(f"{label}: {problem.user_message(self.language)}" for problem in problems)

    def _failed(
        self, pms_ids: Sequence[str], label: str, message: Text, tally: _Tally, action: Text | None = None
    ) -> None:
        """BEX could not be read for these administrations: the cache stays, the failure is recorded."""
        text = message(self.language) if action is None else f"{message(self.language)} {action(self.language)}"
        tally.errors.append(f"{label}: {text}")
        now = self.clock()
        with self.database.unit_of_work() as session:
            cache = PmsRepository(session)
            for pms_id in pms_ids:
                cache.record_sync_failure(pms_id, now=now, error=text)

    # --- 2. key data -----------------------------------------------------------------------------

    def _derive_keys(
        self,
        administration: Administration,
        changed: list[str] | None,
        notify: Callable[[SyncProgress], None],
        tally: _Tally,
    ) -> None:
        """Apply the key rules to changed reservations, or to all current ones after a configuration change."""
        now = self.clock()
        with self.database.unit_of_work() as session:
            config = ConfigRepository(session)
            products = config.products_of_administration(administration.id)
            key_types = config.key_types(administration.id)
            digest = _digest(administration, products, key_types, config.door_name_map(administration.id))
            cache = PmsRepository(session)
            if cache.configuration_digest(administration.pms_id) != digest:
                reservations = cache.stays_ending_from(administration.id, today_in(administration, now))
            else:
                reservations = cache.reservations(administration.id, changed or ())
            rules = _Rules(administration, products, {key_type.id: key_type for key_type in key_types}, now)
            notify(SyncProgress(administration.name, SyncStage.KEYS, 0, len(reservations)))
            self._apply(session, rules, reservations, tally)
            cache.record_configuration_digest(administration.pms_id, digest)
        notify(SyncProgress(administration.name, SyncStage.KEYS, len(reservations), len(reservations)))

    @staticmethod
    def _wants_key(reservation: CachedReservation, today: date) -> bool:
        """Confirmed, not checked out and not over: such a reservation gets key data when a product matches."""
        return reservation.state in KEY_STATES and not reservation.checked_out and reservation.end_date >= today

    def _apply(self, session: Session, rules: _Rules, reservations: Sequence[CachedReservation], tally: _Tally) -> None:
        administration, now = rules.administration, rules.now
        today = today_in(administration, now)
        keys = KeyRepository(session)
        holders = keys.for_holders(administration.id, HolderKind.RESERVATION, [each.pms_id for each in reservations])
        key_ids = {key.id for found in holders.values() for key in found}
        links = SyncKeyRepository(session).links(key_ids)
        deleted_at_desk = SyncKeyRepository(session).desk_deletions(
            administration.id, [each.pms_id for each in reservations]
        )
        queued = {(entry.key_id, entry.action) for entry in OutboxRepository(session).for_keys(key_ids)}
        new: list[tuple[KeyDraft, Product, CachedReservation]] = []
        updates: dict[int, KeyDraft] = {}
        relinked: dict[int, SyncedKey] = {}
        for reservation in reservations:
            existing = holders.get(reservation.pms_id, [])
            try:
                if reservation.state in CANCELLED_STATES:
                    self._revoke(session, administration, existing, now, tally)
                    continue
                if not self._wants_key(reservation, today):
                    continue
                for product in rules.products_for(reservation):
                    if (reservation.pms_id, product.key_type_id) in deleted_at_desk:
                        continue  # the desk deleted this key: a sync never undoes that
                    desired = self._desired(rules, product, reservation)
                    key = next((each for each in existing if each.key_type_id == product.key_type_id), None)
                    if key is None:
                        if desired is not None:
                            new.append((desired, product, reservation))
                    elif key.id in links and desired is not None:
                        self._follow(
                            session, rules, key, links[key.id], desired, product, reservation, queued, updates,
                            relinked, tally,
                        )  # fmt: skip
            except SaltoDeskError as error:
                tally.errors.append(
                    f"{administration.name}: {_label(reservation)}: {error.user_message(self.language)}"
                )
        keys.update_many(updates, now)
        SyncKeyRepository(session).save_many(list(relinked.values()))
        self._create(session, rules, new, tally)

    def _desired(self, rules: _Rules, product: Product, reservation: CachedReservation) -> KeyDraft | None:
        """The key data the reservation should have, or None when it cannot have any (no object yet, over)."""
        if not reservation.object_pms_id or not reservation.door_name:
            return None
        administration = rules.administration
        draft = reservation_key_draft(
            administration=administration,
            key_type=rules.key_types[product.key_type_id],
            product=product,
            holder=Holder(HolderKind.RESERVATION, reservation.pms_id, _label(reservation)),
            stay=StayDates(reservation.start_date, reservation.end_date),
            rooms=(reservation.door_name,),
            checked_in=reservation.checked_in,
            phone=sendable_phone(reservation.phone),
        )
        if draft.validity.end <= rules.now:
            return None
        return validate_key_draft(draft, administration.text_encoding)

    def _create(
        self, session: Session, rules: _Rules, new: list[tuple[KeyDraft, Product, CachedReservation]], tally: _Tally
    ) -> None:
        if not new:
            return
        administration, now = rules.administration, rules.now
        created = KeyRepository(session).add_many([draft for draft, _product, _reservation in new], now)
        AuditRepository(session).record_many(
            (self._audit(AuditAction.CREATE_KEY, administration, key) for key in created),
            desk=self.desk, process_id=os.getpid(), now=now, state=AuditState.OK,
        )  # fmt: skip
        SyncKeyRepository(session).add_many(
            [
                SyncedKey(key.id, product.id, key.holder.label, key.rooms, key.validity, key.phone)
                for key, (_draft, product, _reservation) in zip(created, new, strict=True)
            ]
        )
        deliveries = []
        for key, (_draft, product, reservation) in zip(created, new, strict=True):
            due = self._delivery_due(administration, product, reservation, key)
            if due is not None:
                deliveries.append(OutboxRequest(administration.id, key.id, OutboxAction.DELIVER, due, key.phone))
        OutboxRepository(session).add_new(deliveries, now)
        tally.created += len(created)

    def _follow(
        self,
        session: Session,
        rules: _Rules,
        key: KeyData,
        link: SyncedKey,
        desired: KeyDraft,
        product: Product,
        reservation: CachedReservation,
        queued: set[tuple[int, OutboxAction]],
        updates: dict[int, KeyDraft],
        relinked: dict[int, SyncedKey],
        tally: _Tally,
    ) -> None:
        """Carry PMS changes into key data the sync made, leaving alone every field the desk changed.

        The key's new data goes into ``updates`` and what the sync now wrote into ``relinked``: ``_apply``
        stores both in bulk.
        """

        def owned(current: T, written: T, wanted: T) -> T:
            return wanted if current == written else current

        if key.state is KeyState.REVOKING:
            return
        rooms = owned(key.rooms, link.rooms, desired.rooms)
        validity = owned(key.validity, link.validity, desired.validity)
        phone = owned(key.phone, link.phone, desired.phone)
        label = owned(key.holder.label, link.holder_label, desired.holder.label)
        state = state_after_check_in(key.state) if reservation.checked_in else key.state
        moved = (rooms, validity) != (key.rooms, key.validity)
        if moved and key.issued:
            state = KeyState.NEEDS_REENCODE
        current = replace(key, rooms=rooms, validity=validity, phone=phone, holder=replace(key.holder, label=label),
                          state=state)  # fmt: skip
        if current != key:
            updates[key.id] = _draft_of(current)
            tally.updated += 1
        written = SyncedKey(  # a field the desk changed keeps the old value here, so it stays the desk's
            key.id,
            product.id,
            desired.holder.label if key.holder.label == link.holder_label else link.holder_label,
            desired.rooms if key.rooms == link.rooms else link.rooms,
            desired.validity if key.validity == link.validity else link.validity,
            desired.phone if key.phone == link.phone else link.phone,
        )
        if written != link:
            relinked[key.id] = written
        due = self._delivery_due(rules.administration, product, reservation, current)
        if due is not None and ((key.id, OutboxAction.DELIVER) not in queued or moved):
            OutboxRepository(session).enqueue(
                rules.administration.id, key.id, OutboxAction.DELIVER, due=due, now=rules.now, phone=current.phone
            )

    def _delivery_due(
        self, administration: Administration, product: Product, reservation: CachedReservation, key: KeyData
    ) -> datetime | None:
        """When the key goes to the guest's phone, or None: no delivery, not yet checked in, or already sent."""
        if not product.deliver_to_guest or key.deliveries or key.state is KeyState.REVOKING:
            return None
        if product.wait_for_check_in:
            return None if key.state is KeyState.WAITING_FOR_CHECK_IN else self.clock()
        day = delivery_date(StayDates(reservation.start_date, reservation.end_date), product)
        return None if day is None else local_moment(day, time(0, 0), administration.zone, earliest=True)

    def _revoke(
        self, session: Session, administration: Administration, keys: Sequence[KeyData], now: datetime, tally: _Tally
    ) -> None:
        """Cancelled: key data never issued goes at once; issued keys wait in the outbox for SALTO's CO."""
        repository, outbox = KeyRepository(session), OutboxRepository(session)
        for key in keys:
            if key.state is KeyState.REVOKING:
                continue
            if not key.issued:
                repository.delete(key.id)
                AuditRepository(session).record(
                    self._audit(AuditAction.DELETE_KEY, administration, key),
                    desk=self.desk, process_id=os.getpid(), now=now, state=AuditState.OK,
                )  # fmt: skip
                tally.revoked += 1
                continue
            repository.set_state(key.id, KeyState.REVOKING, now)
            outbox.enqueue(administration.id, key.id, OutboxAction.REVOKE, due=now, now=now)
            tally.updated += 1

    @staticmethod
    def _audit(action: AuditAction, administration: Administration, key: KeyData) -> AuditDraft:
        return AuditDraft(
            action=action,
            administration=administration.pms_id,
            key_id=key.id,
            holder=key.holder.label,
            rooms=key.rooms,
            operator=SYNC_OPERATOR,
        )

    # --- 3. outbox -------------------------------------------------------------------------------

    def _work_outbox(
        self, administrations: Sequence[Administration], notify: Callable[[SyncProgress], None], tally: _Tally
    ) -> None:
        by_id = {administration.id: administration for administration in administrations}
        with self.database.unit_of_work() as session:
            due = OutboxRepository(session).due(self.clock())
        for done, entry in enumerate(due, start=1):
            administration = by_id[entry.administration_id]
            service = self.key_service_for(administration)
            if entry.action is OutboxAction.DELIVER:
                self._deliver(entry, administration, service, tally)
            else:
                self._check_out(entry, administration, service, tally)
            notify(SyncProgress(administration.name, SyncStage.OUTBOX, done, len(due)))

    def _current_key(self, entry: OutboxEntry) -> KeyData | None:
        """The entry's key as it is now; None when it was deleted meanwhile (its entry went with it)."""
        try:
            with self.database.unit_of_work() as session:
                return KeyRepository(session).get(entry.key_id)
        except NotFoundError:
            return None

    def _deliver(self, entry: OutboxEntry, administration: Administration, service: KeyService, tally: _Tally) -> None:
        key = self._current_key(entry)
        if key is None:
            return
        if key.deliveries:  # sent meanwhile (at the desk): never twice
            with self.database.unit_of_work() as session:
                OutboxRepository(session).remove(entry.id)
            return
        if self._send_outcome_unknown(key):
            self._outbox_failed(
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
                tally=tally,
            )
            return
        if key.phone is None:
            self._outbox_failed(
                entry,
                administration,
                Text(
                    "The guest has no mobile number in international form (+31...) in the PMS, so the key cannot "
                    "be sent. Add the number to the key data and retry.",
                    "De gast heeft geen mobiel nummer in internationale vorm (+31...) in het PMS, dus de sleutel "
                    "kan niet worden verstuurd. Vul het nummer in bij de sleutelgegevens en probeer opnieuw.",
                )(self.language),
                retry=False,
                tally=tally,
            )
            return
        try:
            service.send_to_phone(key, key.phone)
        except (KeyNotIssuable, ValidationError) as error:
            self._outbox_failed(entry, administration, error.user_message(self.language), retry=False, tally=tally)
            return
        except SaltoErrorReply as error:
            retry = entry.attempts + 1 < self.retry.refused_attempts
            self._outbox_failed(entry, administration, error.user_message(self.language), retry=retry, tally=tally)
            return
        except SaltoDeskError as error:
            self._outbox_failed(entry, administration, error.user_message(self.language), retry=True, tally=tally)
            return
        with self.database.unit_of_work() as session:
            OutboxRepository(session).remove(entry.id)
        tally.delivered += 1

    def _send_outcome_unknown(self, key: KeyData) -> bool:
        """Whether a phone key send of this key was accepted by SALTO and then lost its answer."""
        with self.database.unit_of_work() as session:
            entries = AuditRepository(session).entries(key_id=key.id)
        return any(entry.action is AuditAction.SEND_TO_PHONE and entry.state is AuditState.UNKNOWN for entry in entries)

    def _check_out(
        self, entry: OutboxEntry, administration: Administration, service: KeyService, tally: _Tally
    ) -> None:
        """CO for each room, then the key data goes (and its entry with it); until then it keeps retrying."""
        key = self._current_key(entry)
        if key is None:
            return
        try:
            service.delete_key(key, shared_rooms_confirmed=True)
        except SaltoDeskError as error:
            self._outbox_failed(entry, administration, error.user_message(self.language), retry=True, tally=tally)
            return
        tally.revoked += 1

    def _outbox_failed(
        self, entry: OutboxEntry, administration: Administration, reason: str, *, retry: bool, tally: _Tally
    ) -> None:
        now = self.clock()
        retry_at = now + self.retry.after(entry.attempts + 1) if retry else None
        with self.database.unit_of_work() as session:
            OutboxRepository(session).record_failure(entry.id, now=now, error=reason, retry_at=retry_at)
        what = (
            Text("delivering the mobile key", "bezorgen van de mobiele sleutel")
            if entry.action is OutboxAction.DELIVER
            else Text("checking out the cancelled stay", "uitchecken van het geannuleerde verblijf")
        )
        tally.errors.append(f"{administration.name}: {entry.holder_label}: {what(self.language)}: {reason}")


def _since(until: datetime | None) -> datetime | None:
    return None if until is None else until - CURSOR_OVERLAP


def pms_client_from_settings(database: Database, secrets: SecretStore | None = None) -> BexClient:
    """A BEX client with the base URL from the desk settings and the API key from this computer's keyring."""
    with database.unit_of_work() as session:
        base_url = SettingsRepository(session).get(PMS_BASE_URL) or DEFAULT_BASE_URL
    api_key = (secrets or SecretStore()).get(PMS_API_KEY)
    if not api_key:
        raise PmsNotConfigured(
            Text(
                "No BEX API key is stored on this computer.",
                "Er is op deze computer geen BEX-API-sleutel opgeslagen.",
            ),
            Text(
                "Enter the API key of the Salto Desk app in BEX in the settings (PMS); it is kept in the "
                "system keyring.",
                "Vul de API-sleutel van de Salto Desk-app in BEX in bij de instellingen (PMS); die wordt in de "
                "sleutelbos van het systeem bewaard.",
            ),
        )
    return BexClient(api_key, PmsSettings(base_url=base_url))
