"""Stage 2 of a run: the key rules applied to the reservations whose key data may have to change.

Those are the reservations stored (or whose object BEX renamed, relabelled or deleted) since their key
data was last derived, and every current one after a change of the configuration (products, key types,
door names, the administration's settings):

- a confirmed reservation that matches a product gets key data of the product's key type, once
  (running twice changes nothing); a "wait for check-in" key activates when the guest checks in;
- changed dates or a changed object are carried into the key data; if cards or phone keys were
  already made, the key is marked "needs re-encode" (never silently left with the old validity);
- fields the desk changed by hand are never undone: the sync remembers what it wrote last and only
  updates a field the desk left as the sync wrote it;
- key data the desk deleted is never made again for that reservation and key type;
- a cancelled reservation loses its key data; when cards or phone keys were made, the rooms are first
  checked out in SALTO (CO) through the outbox, and the key stays (state "revoking") until SALTO
  confirmed it;
- a guest's phone that cannot be sent to, or an object BEX no longer lists, is flagged on the key.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time, timedelta
from typing import TypeVar

from sqlalchemy.orm import Session

from salto_desk.errors import SaltoDeskError
from salto_desk.keys.draft_validation import validate_key_draft
from salto_desk.keys.model import (
    Administration,
    AuditAction,
    AuditState,
    Holder,
    HolderKind,
    KeyData,
    KeyDraft,
    KeyFlag,
    KeyState,
    KeyType,
    Product,
    ProductSettings,
    StayDates,
)
from salto_desk.keys.rules import (
    delivery_date,
    local_moment,
    matching_products,
    product_matches,
    reservation_key_draft,
    reservation_label,
    state_after_check_in,
    today_in,
)
from salto_desk.operations.audit_recorder import audit_draft
from salto_desk.storage.audit_repository import AuditRepository
from salto_desk.storage.config_repository import ConfigRepository
from salto_desk.storage.database import Database
from salto_desk.storage.key_repository import KeyRepository
from salto_desk.storage.outbox_repository import OutboxAction, OutboxRepository, OutboxRequest
from salto_desk.storage.pms_reader import PmsReader
from salto_desk.storage.pms_store import PmsStore
from salto_desk.storage.pms_values import CachedReservation
from salto_desk.storage.sync_bookkeeping import SyncBookkeeping
from salto_desk.storage.sync_key_repository import SyncedKey, SyncKeyRepository
from salto_desk.sync.flags import phone_flags, reservation_flags
from salto_desk.sync.progress import Counts, Notify, SyncProgress, SyncStage

KEY_STATES = frozenset({"confirmed", "checked_in"})
"""BEX reservation states that get key data (BEX does not document its states; these are seen or implied)."""
CANCELLED_STATES = frozenset({"cancelled", "canceled"})
SYNC_OPERATOR = "sync"

T = TypeVar("T")


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


@dataclass(frozen=True)
class _Followed:
    """A key the sync made, after carrying PMS changes into it: its new data and what the sync now wrote."""

    key: KeyData
    changed: KeyDraft | None
    written: SyncedKey | None
    moved: bool


def _label(reservation: CachedReservation) -> str:
    return reservation_label(reservation.booking_nr, reservation.guest_name, reservation.pms_id)


def _draft_of(key: KeyData) -> KeyDraft:
    return KeyDraft(**{each.name: getattr(key, each.name) for each in fields(KeyDraft)})


def _digest(administration: Administration, products: Sequence[Product], key_types: Sequence[KeyType],
            doors: dict[str, str]) -> str:  # fmt: skip
    """Changes when anything the key rules read from the configuration changes."""
    text = repr((administration, list(products), list(key_types), sorted(doors.items())))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class KeyDeriver:
    """Derives key data for one run; every method returns what it did (``Counts``), none keeps a tally."""

    def __init__(self, database: Database, clock: Callable[[], datetime], desk: str, language: str) -> None:
        self.database = database
        self.clock = clock
        self.desk = desk
        self.language = language

    def derive(self, administration: Administration, notify: Notify) -> Counts:
        """Apply the key rules to the pending reservations, or to all current ones after a configuration change."""
        now = self.clock()
        with self.database.unit_of_work() as session:
            config = ConfigRepository(session)
            products = config.products_of_administration(administration.id)
            key_types = config.key_types(administration.id)
            digest = _digest(administration, products, key_types, config.door_name_map(administration.id))
            cache, bookkeeping = PmsReader(session), SyncBookkeeping(session)
            pending = cache.pending_reservations(administration.id)
            reservations = pending
            if bookkeeping.configuration_digest(administration.pms_id) != digest:
                current = cache.stays_ending_from(administration.id, today_in(administration, now))
                reservations = list({each.pms_id: each for each in [*current, *pending]}.values())
            rules = _Rules(administration, products, {key_type.id: key_type for key_type in key_types}, now)
            notify(SyncProgress(administration.name, SyncStage.KEYS, 0, len(reservations)))
            counts = self._apply(session, rules, reservations)
            PmsStore(session).clear_pending(administration.pms_id, [each.pms_id for each in pending])
            bookkeeping.record_configuration_digest(administration.pms_id, digest)
        notify(SyncProgress(administration.name, SyncStage.KEYS, len(reservations), len(reservations)))
        return counts

    def derive_stored(self, session: Session, administration: Administration, pms_ids: Sequence[str]) -> Counts:
        """Key data for reservations a pull page just stored, in that page's transaction (see ``Puller``).

        Only the ones waiting for it (new or changed); ``derive`` later handles a changed configuration.
        """
        config = ConfigRepository(session)
        key_types = config.key_types(administration.id)
        rules = _Rules(
            administration,
            config.products_of_administration(administration.id),
            {key_type.id: key_type for key_type in key_types},
            self.clock(),
        )
        waiting = PmsReader(session).pending_reservations(administration.id, pms_ids)
        counts = self._apply(session, rules, waiting)
        PmsStore(session).clear_pending(administration.pms_id, [each.pms_id for each in waiting])
        return counts

    @staticmethod
    def wants_key(reservation: CachedReservation, today: date) -> bool:
        """Confirmed, not checked out and not over: such a reservation gets key data when a product matches."""
        return reservation.state in KEY_STATES and not reservation.checked_out and reservation.end_date >= today

    def _apply(self, session: Session, rules: _Rules, reservations: Sequence[CachedReservation]) -> Counts:
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
        counts = Counts()
        new: list[tuple[KeyDraft, Product, CachedReservation]] = []
        followed: list[_Followed] = []
        flags: dict[int, tuple[KeyFlag, ...]] = {}
        for reservation in reservations:
            existing = holders.get(reservation.pms_id, [])
            flags.update((key.id, reservation_flags(reservation)) for key in existing)
            try:
                if reservation.state in CANCELLED_STATES:
                    counts += self._revoke(session, administration, existing, now)
                    continue
                if not self.wants_key(reservation, today):
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
                        outcome = self._follow(key, links[key.id], desired, product, reservation)
                        followed.append(outcome)
                        flags[key.id] = reservation_flags(reservation) + phone_flags(reservation, outcome.key)
                        due = self._delivery_due(administration, product, reservation, outcome.key)
                        if due is not None and ((key.id, OutboxAction.DELIVER) not in queued or outcome.moved):
                            OutboxRepository(session).enqueue(
                                administration.id, key.id, OutboxAction.DELIVER, due=due, now=now,
                                phone=outcome.key.phone,
                            )  # fmt: skip
            except SaltoDeskError as error:
                counts += Counts(
                    errors=(f"{administration.name}: {_label(reservation)}: {error.user_message(self.language)}",)
                )
        keys.update_many({each.key.id: each.changed for each in followed if each.changed is not None}, now)
        SyncKeyRepository(session).save_many([each.written for each in followed if each.written is not None])
        counts += Counts(updated=sum(1 for each in followed if each.changed is not None))
        created, created_flags = self._create(session, rules, new)
        SyncKeyRepository(session).replace_flags({**flags, **created_flags})
        return counts + created

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
            phone=reservation.sendable_phone,
        )
        if draft.validity.end <= rules.now:
            return None
        return validate_key_draft(
            draft, administration.text_encoding, administration.phone_country, administration.zone
        )

    def _create(
        self, session: Session, rules: _Rules, new: list[tuple[KeyDraft, Product, CachedReservation]]
    ) -> tuple[Counts, dict[int, tuple[KeyFlag, ...]]]:
        """Store new key data (audited, linked, deliveries queued); returns the counts and the new keys' flags."""
        if not new:
            return Counts(), {}
        administration, now = rules.administration, rules.now
        created = KeyRepository(session).add_many([draft for draft, _product, _reservation in new], now)
        AuditRepository(session).record_many(
            (audit_draft(AuditAction.CREATE_KEY, administration, key, SYNC_OPERATOR) for key in created),
            desk=self.desk, process_id=os.getpid(), now=now, state=AuditState.OK,
        )  # fmt: skip
        SyncKeyRepository(session).add_many(
            [
                SyncedKey(key.id, product.id, key.holder.label, key.rooms, key.validity, key.phone)
                for key, (_draft, product, _reservation) in zip(created, new, strict=True)
            ]
        )
        deliveries = []
        flags: dict[int, tuple[KeyFlag, ...]] = {}
        for key, (_draft, product, reservation) in zip(created, new, strict=True):
            flags[key.id] = reservation_flags(reservation) + phone_flags(reservation, key)
            due = self._delivery_due(administration, product, reservation, key)
            if due is not None:
                deliveries.append(OutboxRequest(administration.id, key.id, OutboxAction.DELIVER, due, key.phone))
        OutboxRepository(session).add_new(deliveries, now)
        return Counts(created=len(created)), flags

    def _follow(
        self, key: KeyData, link: SyncedKey, desired: KeyDraft, product: Product, reservation: CachedReservation
    ) -> _Followed:
        """Carry PMS changes into key data the sync made, leaving alone every field the desk changed."""

        def owned(current: T, written: T, wanted: T) -> T:
            return wanted if current == written else current

        if key.state is KeyState.REVOKING:
            return _Followed(key, None, None, moved=False)
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
        written = SyncedKey(  # a field the desk changed keeps the old value here, so it stays the desk's
            key.id,
            product.id,
            desired.holder.label if key.holder.label == link.holder_label else link.holder_label,
            desired.rooms if key.rooms == link.rooms else link.rooms,
            desired.validity if key.validity == link.validity else link.validity,
            desired.phone if key.phone == link.phone else link.phone,
        )
        return _Followed(
            current,
            _draft_of(current) if current != key else None,
            written if written != link else None,
            moved,
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
        self, session: Session, administration: Administration, keys: Sequence[KeyData], now: datetime
    ) -> Counts:
        """Cancelled: key data never issued goes at once; issued keys wait in the outbox for SALTO's CO."""
        repository, outbox = KeyRepository(session), OutboxRepository(session)
        revoked = updated = 0
        for key in keys:
            if key.state is KeyState.REVOKING:
                continue
            if not key.issued:
                repository.delete(key.id)
                AuditRepository(session).record(
                    audit_draft(AuditAction.DELETE_KEY, administration, key, SYNC_OPERATOR),
                    desk=self.desk, process_id=os.getpid(), now=now, state=AuditState.OK,
                )  # fmt: skip
                revoked += 1
                continue
            repository.set_state(key.id, KeyState.REVOKING, now)
            outbox.enqueue(administration.id, key.id, OutboxAction.REVOKE, due=now, now=now)
            updated += 1
        return Counts(revoked=revoked, updated=updated)


def matching_reservations(
    database: Database, administration_id: int, product: ProductSettings, now: datetime, *, days: int = 30
) -> list[CachedReservation]:
    """Current and coming stays (arriving within ``days``) that would get a key of ``product``, by the
    sync's own rules, from the cache: a product's preview before it is saved."""
    with database.unit_of_work() as session:
        administration = ConfigRepository(session).administration(administration_id)
        today = today_in(administration, now)
        coming = today + timedelta(days=days)
        stays = PmsReader(session).stays_ending_from(administration_id, today, starting_by=coming)
    return [stay for stay in stays if KeyDeriver.wants_key(stay, today) and product_matches(product, stay.facts)]
