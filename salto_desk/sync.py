"""PMS -> key data: pull BEX into the cache, turn reservations into key data, send what SALTO is owed.

One ``run_once`` does, for every administration BEX lists:

1. Pull objects, object types, extras, costs and owners, and the reservations changed since the last
   pull (``filter[updated_at]``; the first pull takes the stays that can still need a key: departing
   from ``first_pull_days`` ago on), into the cache. Each page of reservations is stored in a
   transaction of its own together with where the pull goes on, so a pull that stops (a rate limit,
   a crash, BEX gone) continues from that page in a later run. A record BEX sends in a shape we cannot
   read is reported and skipped; BEX being unreachable keeps the cache and records since when
   (``SyncStatus.offline_since``); a 429 asking for a long wait pauses the pull until then.
   Administrations not set up at the desk are cached but get no key data.
2. For each administration set up at the desk, apply the key rules to the reservations stored since
   their key data was last derived, and to those whose object BEX renamed or deleted (or to every
   current one when products, door names or other settings changed):
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
     SALTO confirmed it;
   - a guest's phone that cannot be sent to, or an object BEX no longer lists, is flagged on the key
     (``SyncKeyRepository.flags``), with the reason.
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
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo

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
from salto_desk.keys.phones import PhoneProblem, PhoneReason
from salto_desk.keys.rules import (
    KeyNotIssuable,
    delivery_date,
    local_moment,
    matching_products,
    product_matches,
    reservation_key_draft,
    reservation_label,
    state_after_check_in,
    today_in,
)
from salto_desk.keys.services import KeyService
from salto_desk.keys.validation import validate_key_draft
from salto_desk.pms.client import ORDERS, BexClient, IncludeGroup
from salto_desk.pms.errors import PmsError, PmsRateLimited, PmsRecordError
from salto_desk.pms.http import collector_paused
from salto_desk.pms.models import Administration as BexAdministration
from salto_desk.pms.models import Reservation
from salto_desk.pms.selection import ReservationSelection
from salto_desk.pms.settings import DEFAULT_BASE_URL, PmsSettings
from salto_desk.protocol.errors import SaltoErrorReply
from salto_desk.secrets import PMS_API_KEY, SecretStore
from salto_desk.storage.audit_repository import AuditRepository
from salto_desk.storage.config_repository import ConfigRepository
from salto_desk.storage.database import Database
from salto_desk.storage.errors import NotFoundError
from salto_desk.storage.key_repository import KeyRepository
from salto_desk.storage.outbox_repository import OutboxAction, OutboxEntry, OutboxRepository, OutboxRequest
from salto_desk.storage.pms_repository import CachedReservation, PmsRepository, SyncCursor, UnfinishedPull
from salto_desk.storage.settings_repository import PMS_BASE_URL, SettingsRepository
from salto_desk.storage.sync_key_repository import FlagCode, KeyFlag, SyncedKey, SyncKeyRepository

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


@dataclass(frozen=True)
class PullOptions:
    """How much the sync reads from BEX."""

    first_pull_days: int = 14
    """The first pull of an administration reads the stays departing from this many days ago on: older
    ones need no key, and a park's whole history would take hours of BEX's rate limit."""
    objects_read_in_full_every: timedelta = timedelta(hours=1)
    """Objects are read incrementally; this often all of them, which is how the sync sees deletions."""


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


@dataclass(frozen=True)
class _Counts:
    """What one part of a run did; the parts' counts add up to the run's summary."""

    fetched: int = 0
    created: int = 0
    updated: int = 0
    revoked: int = 0
    delivered: int = 0
    errors: tuple[str, ...] = ()

    def __add__(self, other: _Counts) -> _Counts:
        return _Counts(
            self.fetched + other.fetched,
            self.created + other.created,
            self.updated + other.updated,
            self.revoked + other.revoked,
            self.delivered + other.delivered,
            self.errors + other.errors,
        )

    def summary(self) -> SyncSummary:
        return SyncSummary(self.fetched, self.created, self.updated, self.revoked, self.delivered, self.errors)


@dataclass(frozen=True)
class _Pulled:
    """What the pull of BEX brought: the counts, and per BEX administration the include groups BEX refused."""

    counts: _Counts
    missing: Mapping[str, tuple[IncludeGroup, ...]] = field(default_factory=dict)


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


def _zone(bex: BexAdministration, administration: Administration | None) -> tzinfo:
    """The administration's time zone: the desk's setting, else BEX's fixed UTC offset, else UTC."""
    if administration is not None:
        return ZoneInfo(administration.time_zone)
    return timezone(bex.utc_offset) if bex.utc_offset is not None else UTC


def _problem_key(problem: PmsRecordError) -> tuple[str, str, str]:
    return problem.record_type, problem.record_id, problem.field


def _reservation_flags(reservation: CachedReservation) -> tuple[KeyFlag, ...]:
    """Flags every key of the reservation carries: its object is gone from BEX."""
    if reservation.object_missing and reservation.object_pms_id is not None:
        return (KeyFlag(FlagCode.OBJECT_MISSING, (("object", reservation.object_pms_id),)),)
    return ()


def _phone_flags(reservation: CachedReservation) -> tuple[KeyFlag, ...]:
    """Flags of a key whose phone the sync sets: BEX's phone for the guest cannot be sent to."""
    problem = reservation.phone_problem
    if problem is None:
        return ()
    details = (("phone", problem.phone), ("reason", problem.reason.value), *problem.details)
    return (KeyFlag(FlagCode.PHONE_REFUSED, tuple(sorted(details))),)


def flag_text(flag: KeyFlag) -> Text:
    """A flag in words: what is wrong and what to do."""
    details = dict(flag.details)
    if flag.code is FlagCode.PHONE_REFUSED:
        phone, reason = details.pop("phone", ""), details.pop("reason", PhoneReason.NOT_A_NUMBER.value)
        problem, action = PhoneProblem(phone, PhoneReason(reason), tuple(sorted(details.items()))).text()
        return Text(
            f"No mobile key can go to the phone in BEX: {problem.en} {action.en}",
            f"Er kan geen mobiele sleutel naar de telefoon uit BEX: {problem.nl} {action.nl}",
        )
    unit = details.get("object", "?")
    return Text(
        f"BEX no longer lists the accommodation (object {unit}) of this reservation; it may have been deleted. "
        "Check the reservation's accommodation in BEX and the key's rooms.",
        f"BEX kent de accommodatie (object {unit}) van deze reservering niet meer; mogelijk is die verwijderd. "
        "Controleer de accommodatie van de reservering in BEX en de kamers van de sleutel.",
    )


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
        options: PullOptions | None = None,
        language: str = "en",
    ) -> None:
        self.database = database
        self._pms = pms
        self.key_service_for = key_service_for
        self.clock = clock
        self.retry = retry or OutboxRetry()
        self.options = options or PullOptions()
        self.language = language
        self.desk = this_desk()

    # --- public ----------------------------------------------------------------------------------

    def run_once(self, progress: Callable[[SyncProgress], None] | None = None) -> SyncSummary:
        """Pull, cache, derive key data and work through the outbox, for every administration."""
        notify = progress or (lambda _progress: None)
        # A full run makes hundreds of thousands of short-lived objects; the garbage collector's passes over
        # them cost a fifth of the run. Its few cycles (database sessions) are collected once it is over.
        with collector_paused:
            with self.database.unit_of_work() as session:
                administrations = ConfigRepository(session).administrations()
            pulled = self._pull_all(administrations, notify)
            counts = pulled.counts
            for administration in administrations:
                counts += self._unmatchable(administration, pulled.missing.get(administration.pms_id, ()))
                try:
                    counts += self._derive_keys(administration, notify)
                except SaltoDeskError as error:
                    counts += _Counts(errors=(f"{administration.name}: {error.user_message(self.language)}",))
            counts += self._work_outbox(administrations, notify)
        summary = counts.summary()
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

    def _pull_all(self, administrations: Sequence[Administration], notify: Callable[[SyncProgress], None]) -> _Pulled:
        """Every administration BEX lists, into the cache; one that failed keeps its cache (its failure recorded)."""
        configured = {administration.pms_id: administration for administration in administrations}
        now = self.clock()
        with self.database.unit_of_work() as session:
            paused_until = PmsRepository(session).paused_until()
        if paused_until is not None and now < paused_until:
            return _Pulled(_Counts(errors=(f"BEX: {self._paused_text(paused_until)(self.language)}",)))
        counts, missing, done = _Counts(), {}, set()
        try:
            with self._client() as client:
                listing = client.administrations()
                counts += self._problems("BEX", listing.problems)
                listed = {each.id for each in listing.records}
                for pms_id in configured.keys() - listed:
                    done.add(pms_id)
                    counts += self._failed(
                        [pms_id],
                        configured[pms_id].name,
                        Text(
                            f"BEX does not list the administration {pms_id} for this API key.",
                            f"BEX toont de administratie {pms_id} niet voor deze API-sleutel.",
                        ),
                    )
                for bex in listing.records:
                    administration = configured.get(bex.id)
                    label = administration.name if administration is not None else (bex.name or bex.id)
                    done.add(bex.id)
                    pulled, refused = self._pull_one(client, bex, administration, label, notify)
                    counts, missing[bex.id] = counts + pulled, refused
                    if self._paused():
                        break  # BEX limits this API key: the other administrations wait as well
        except PmsRateLimited as limited:
            counts += self._pause([pms_id for pms_id in configured if pms_id not in done], "BEX", limited, None)
        except SaltoDeskError as error:  # no API key, BEX unreachable, key rejected...
            failed = [pms_id for pms_id in configured if pms_id not in done]
            counts += self._failed(failed, "BEX", error.message, error.action)
        return _Pulled(counts, missing)

    def _paused(self) -> bool:
        with self.database.unit_of_work() as session:
            paused_until = PmsRepository(session).paused_until()
        return paused_until is not None and self.clock() < paused_until

    def _pull_one(
        self,
        client: BexClient,
        bex: BexAdministration,
        administration: Administration | None,
        label: str,
        notify: Callable[[SyncProgress], None],
    ) -> tuple[_Counts, tuple[IncludeGroup, ...]]:
        """One administration: objects, types, catalogue and owners, then its reservations page by page.

        Returns the counts (reservations read count even when the pull stopped early) and the include
        groups BEX refused.
        """
        zone = _zone(bex, administration)
        started = self.clock()
        with self.database.unit_of_work() as session:
            cache = PmsRepository(session)
            cursor, unfinished = cache.sync_cursor(bex.id), cache.unfinished_pull(bex.id)
        try:
            counts, objects_complete = self._pull_catalogue(client, bex, label, cursor, started, zone, notify)
        except PmsRateLimited as limited:
            return self._pause([bex.id], label, limited, None), ()
        except PmsError as error:
            return self._failed([bex.id], label, error.message, error.action), ()
        if unfinished is None:
            since = None if cursor.reservations_until is None else cursor.reservations_until - CURSOR_OVERLAP
            departing_from = started.astimezone(zone).date() - timedelta(days=self.options.first_pull_days)
            unfinished = UnfinishedPull(ReservationSelection(started, since, departing_from), 0)
        page_size = client.settings.page_size
        first_page = max(1, unfinished.offset // page_size)  # the last stored page again: records before it may be gone
        notify(SyncProgress(label, SyncStage.RESERVATIONS, 0, None))
        fetched, problems = 0, _Counts()
        missing: tuple[IncludeGroup, ...] = ()
        reported: set[tuple[str, str, str]] = set()  # a broken record shared by two pages is reported once
        try:
            for page in client.reservation_pages(bex.id, unfinished.selection, zone, first_page=first_page):
                fresh = [each for each in page.problems if _problem_key(each) not in reported]
                reported.update(_problem_key(each) for each in fresh)
                usable = [each for each in page.records if each.start_date is not None and each.end_date is not None]
                undated = [each for each in page.records if each.start_date is None or each.end_date is None]
                problems += self._problems(label, fresh) + self._without_stay(label, undated)
                after = None if page.last else UnfinishedPull(page.selection, page.number * page_size)
                with self.database.unit_of_work() as session:
                    cache = PmsRepository(session)
                    cache.store_reservations(bex.id, usable)
                    cache.record_pull_progress(bex.id, after)
                fetched += len(page.records)
                missing = page.missing
                notify(SyncProgress(label, SyncStage.RESERVATIONS, fetched, None))
        except PmsRateLimited as limited:
            return counts + problems + _Counts(fetched) + self._pause([bex.id], label, limited, fetched), missing
        except PmsError as error:
            return counts + problems + _Counts(fetched) + self._failed([bex.id], label, error.message, error.action), ()
        with self.database.unit_of_work() as session:
            PmsRepository(session).record_sync_success(
                bex.id,
                name=bex.name,
                now=self.clock(),
                cursor=SyncCursor(unfinished.selection.started, started, started if objects_complete else None),
            )
        notify(SyncProgress(label, SyncStage.RESERVATIONS, fetched, fetched))
        return counts + problems + _Counts(fetched), missing

    def _pull_catalogue(
        self,
        client: BexClient,
        bex: BexAdministration,
        label: str,
        cursor: SyncCursor,
        started: datetime,
        zone: tzinfo,
        notify: Callable[[SyncProgress], None],
    ) -> tuple[_Counts, bool]:
        """Objects (incremental, or all of them now and then), types, extras, costs and owners, into the cache.

        Returns the problems and whether every object was read (then BEX's deletions left the cache).
        """
        complete_at = cursor.objects_complete_at
        in_full = (
            cursor.objects_until is None
            or complete_at is None
            or started - complete_at >= self.options.objects_read_in_full_every
        )
        notify(SyncProgress(label, SyncStage.OBJECTS, 0, None))
        since = None if in_full or cursor.objects_until is None else cursor.objects_until - CURSOR_OVERLAP
        objects = client.inventory_objects(bex.id, updated_since=since)
        types = client.rentable_types(bex.id)
        catalogue = [client.extras(bex.id), client.costs(bex.id)]
        owners = client.owners(bex.id, zone)
        notify(SyncProgress(label, SyncStage.OBJECTS, len(objects.records), len(objects.records)))
        with self.database.unit_of_work() as session:
            cache = PmsRepository(session)
            cache.store_objects(bex.id, objects.records, complete=objects.complete)
            cache.replace_catalogue(bex.id, types.records, [item for pull in catalogue for item in pull.records])
            cache.replace_owners(bex.id, owners.records)
        found = [*objects.problems, *types.problems, *catalogue[0].problems, *catalogue[1].problems, *owners.problems]
        refused = [
            self._refused_text(label, group) for group in owners.missing
        ]  # owners without agreements: their keys lack accommodations
        return self._problems(label, found) + _Counts(errors=tuple(refused)), objects.complete

    def _without_stay(self, label: str, reservations: Sequence[Reservation]) -> _Counts:
        """Reservations without their dates cannot be cached: each is reported."""
        return _Counts(
            errors=tuple(
                Text(
                    f"{label}: reservation {reservation.booking_nr or reservation.id} has no arrival or departure "
                    "date in BEX; it is left out.",
                    f"{label}: reservering {reservation.booking_nr or reservation.id} heeft geen aankomst- of "
                    "vertrekdatum in BEX; ze wordt overgeslagen.",
                )(self.language)
                for reservation in reservations
            )
        )

    def _problems(self, label: str, problems: Sequence[PmsRecordError]) -> _Counts:
        return _Counts(errors=tuple(f"{label}: {problem.user_message(self.language)}" for problem in problems))

    def _failed(self, pms_ids: Sequence[str], label: str, message: Text, action: Text | None = None) -> _Counts:
        """BEX could not be read for these administrations: the cache stays, the failure is recorded."""
        text = message(self.language) if action is None else f"{message(self.language)} {action(self.language)}"
        now = self.clock()
        with self.database.unit_of_work() as session:
            cache = PmsRepository(session)
            for pms_id in pms_ids:
                cache.record_sync_failure(pms_id, now=now, error=text)
        return _Counts(errors=(f"{label}: {text}",))

    def _pause(self, pms_ids: Sequence[str], label: str, limited: PmsRateLimited, fetched: int | None) -> _Counts:
        """A 429 whose ``Retry-After`` is longer than we wait: the pull stops and goes on after that time."""
        if limited.retry_after is None:
            return self._failed(pms_ids, label, limited.message, limited.action)
        now = self.clock()
        until = now + timedelta(seconds=limited.retry_after)
        said = self._paused_text(until)
        if fetched is not None:
            said = Text(
                f"{said.en} {fetched} reservation(s) were read and stored in this run.",
                f"{said.nl} In deze ronde zijn {fetched} reservering(en) gelezen en opgeslagen.",
            )
        with self.database.unit_of_work() as session:
            cache = PmsRepository(session)
            for pms_id in pms_ids:
                cache.record_pause(pms_id, now=now, until=until, error=said(self.language))
        return _Counts(errors=(f"{label}: {said(self.language)}",))

    @staticmethod
    def _paused_text(until: datetime) -> Text:
        at = until.astimezone().strftime("%Y-%m-%d %H:%M")
        return Text(
            f"BEX limits the number of requests of this API key; the pull goes on where it stopped from {at}.",
            f"BEX beperkt het aantal verzoeken van deze API-sleutel; het ophalen gaat vanaf {at} verder waar het "
            "gebleven was.",
        )

    def _refused_text(self, label: str, group: IncludeGroup) -> str:
        return Text(
            f"{label}: BEX refused the {group.name} data (the app lacks the permission '{group.permission}'); the "
            f"pull went on without it. In BEX, grant the app '{group.permission}'.",
            f"{label}: BEX weigerde de gegevens '{group.name}' (de app mist het recht '{group.permission}'); het "
            f"ophalen ging zonder verder. Geef de app in BEX het recht '{group.permission}'.",
        )(self.language)

    def _unmatchable(self, administration: Administration, missing: Sequence[IncludeGroup]) -> _Counts:
        """Without order data, products that filter on extras or costs cannot match: say so, and what to grant."""
        groups = [group for group in missing if group.name == ORDERS]
        if not groups:
            return _Counts(errors=tuple(self._refused_text(administration.name, group) for group in missing))
        with self.database.unit_of_work() as session:
            products = ConfigRepository(session).products_of_administration(administration.id)
        names = ", ".join(f"'{product.name}'" for product in products if product.extras or product.costs)
        errors = [self._refused_text(administration.name, group) for group in missing if group.name != ORDERS]
        if names:
            permission = groups[0].permission
            errors.append(
                Text(
                    f"{administration.name}: BEX refused the order data (the app lacks the permission "
                    f"'{permission}'), so the products {names} that filter on extras or costs cannot match any "
                    f"booking. In BEX, grant the app '{permission}'.",
                    f"{administration.name}: BEX weigerde de ordergegevens (de app mist het recht '{permission}'), "
                    f"dus de producten {names} die op extra's of kosten filteren kunnen bij geen boeking passen. "
                    f"Geef de app in BEX het recht '{permission}'.",
                )(self.language)
            )
        return _Counts(errors=tuple(errors))

    # --- 2. key data -----------------------------------------------------------------------------

    def _derive_keys(self, administration: Administration, notify: Callable[[SyncProgress], None]) -> _Counts:
        """Apply the key rules to the pending reservations, or to all current ones after a configuration change."""
        now = self.clock()
        with self.database.unit_of_work() as session:
            config = ConfigRepository(session)
            products = config.products_of_administration(administration.id)
            key_types = config.key_types(administration.id)
            digest = _digest(administration, products, key_types, config.door_name_map(administration.id))
            cache = PmsRepository(session)
            pending = cache.pending_reservations(administration.id)
            reservations = pending
            if cache.configuration_digest(administration.pms_id) != digest:
                current = cache.stays_ending_from(administration.id, today_in(administration, now))
                reservations = list({each.pms_id: each for each in [*current, *pending]}.values())
            rules = _Rules(administration, products, {key_type.id: key_type for key_type in key_types}, now)
            notify(SyncProgress(administration.name, SyncStage.KEYS, 0, len(reservations)))
            counts = self._apply(session, rules, reservations)
            cache.clear_pending(administration.pms_id, [each.pms_id for each in pending])
            cache.record_configuration_digest(administration.pms_id, digest)
        notify(SyncProgress(administration.name, SyncStage.KEYS, len(reservations), len(reservations)))
        return counts

    @staticmethod
    def _wants_key(reservation: CachedReservation, today: date) -> bool:
        """Confirmed, not checked out and not over: such a reservation gets key data when a product matches."""
        return reservation.state in KEY_STATES and not reservation.checked_out and reservation.end_date >= today

    def _apply(self, session: Session, rules: _Rules, reservations: Sequence[CachedReservation]) -> _Counts:
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
        counts = _Counts()
        new: list[tuple[KeyDraft, Product, CachedReservation]] = []
        followed: list[_Followed] = []
        flags: dict[int, tuple[KeyFlag, ...]] = {}
        for reservation in reservations:
            existing = holders.get(reservation.pms_id, [])
            flags.update((key.id, _reservation_flags(reservation)) for key in existing)
            try:
                if reservation.state in CANCELLED_STATES:
                    counts += self._revoke(session, administration, existing, now)
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
                        outcome = self._follow(key, links[key.id], desired, product, reservation)
                        followed.append(outcome)
                        flags[key.id] = _reservation_flags(reservation) + _phone_flags(reservation)
                        due = self._delivery_due(administration, product, reservation, outcome.key)
                        if due is not None and ((key.id, OutboxAction.DELIVER) not in queued or outcome.moved):
                            OutboxRepository(session).enqueue(
                                administration.id, key.id, OutboxAction.DELIVER, due=due, now=now,
                                phone=outcome.key.phone,
                            )  # fmt: skip
            except SaltoDeskError as error:
                counts += _Counts(
                    errors=(f"{administration.name}: {_label(reservation)}: {error.user_message(self.language)}",)
                )
        keys.update_many({each.key.id: each.changed for each in followed if each.changed is not None}, now)
        SyncKeyRepository(session).save_many([each.written for each in followed if each.written is not None])
        counts += _Counts(updated=sum(1 for each in followed if each.changed is not None))
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
        return validate_key_draft(draft, administration.text_encoding)

    def _create(
        self, session: Session, rules: _Rules, new: list[tuple[KeyDraft, Product, CachedReservation]]
    ) -> tuple[_Counts, dict[int, tuple[KeyFlag, ...]]]:
        """Store new key data (audited, linked, deliveries queued); returns the counts and the new keys' flags."""
        if not new:
            return _Counts(), {}
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
        flags: dict[int, tuple[KeyFlag, ...]] = {}
        for key, (_draft, product, reservation) in zip(created, new, strict=True):
            flags[key.id] = _reservation_flags(reservation) + _phone_flags(reservation)
            due = self._delivery_due(administration, product, reservation, key)
            if due is not None:
                deliveries.append(OutboxRequest(administration.id, key.id, OutboxAction.DELIVER, due, key.phone))
        OutboxRepository(session).add_new(deliveries, now)
        return _Counts(created=len(created)), flags

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
    ) -> _Counts:
        """Cancelled: key data never issued goes at once; issued keys wait in the outbox for SALTO's CO."""
        repository, outbox = KeyRepository(session), OutboxRepository(session)
        revoked = updated = 0
        for key in keys:
            if key.state is KeyState.REVOKING:
                continue
            if not key.issued:
                repository.delete(key.id)
                AuditRepository(session).record(
                    self._audit(AuditAction.DELETE_KEY, administration, key),
                    desk=self.desk, process_id=os.getpid(), now=now, state=AuditState.OK,
                )  # fmt: skip
                revoked += 1
                continue
            repository.set_state(key.id, KeyState.REVOKING, now)
            outbox.enqueue(administration.id, key.id, OutboxAction.REVOKE, due=now, now=now)
            updated += 1
        return _Counts(revoked=revoked, updated=updated)

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
        self, administrations: Sequence[Administration], notify: Callable[[SyncProgress], None]
    ) -> _Counts:
        by_id = {administration.id: administration for administration in administrations}
        with self.database.unit_of_work() as session:
            due = OutboxRepository(session).due(self.clock())
        counts = _Counts()
        for done, entry in enumerate(due, start=1):
            administration = by_id[entry.administration_id]
            service = self.key_service_for(administration)
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

    def _deliver(self, entry: OutboxEntry, administration: Administration, service: KeyService) -> _Counts:
        key = self._current_key(entry)
        if key is None:
            return _Counts()
        if key.deliveries:  # sent meanwhile (at the desk): never twice
            with self.database.unit_of_work() as session:
                OutboxRepository(session).remove(entry.id)
            return _Counts()
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
        return _Counts(delivered=1)

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

    def _check_out(self, entry: OutboxEntry, administration: Administration, service: KeyService) -> _Counts:
        """CO for each room, then the key data goes (and its entry with it); until then it keeps retrying."""
        key = self._current_key(entry)
        if key is None:
            return _Counts()
        try:
            service.delete_key(key, shared_rooms_confirmed=True)
        except SaltoDeskError as error:
            return self._outbox_failed(entry, administration, error.user_message(self.language), retry=True)
        return _Counts(revoked=1)

    def _outbox_failed(
        self, entry: OutboxEntry, administration: Administration, reason: str, *, retry: bool
    ) -> _Counts:
        now = self.clock()
        retry_at = now + self.retry.after(entry.attempts + 1) if retry else None
        with self.database.unit_of_work() as session:
            OutboxRepository(session).record_failure(entry.id, now=now, error=reason, retry_at=retry_at)
        what = (
            Text("delivering the mobile key", "bezorgen van de mobiele sleutel")
            if entry.action is OutboxAction.DELIVER
            else Text("checking out the cancelled stay", "uitchecken van het geannuleerde verblijf")
        )
        return _Counts(errors=(f"{administration.name}: {entry.holder_label}: {what(self.language)}: {reason}",))


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
