"""Stage 1 of a run: read BEX into the cache, page by page, going on where the last pull stopped.

For every administration BEX lists: objects (incremental, all of them every ``objects_read_in_full_every``),
object types, extras, costs and owners, then the reservations changed since the last pull (the first pull:
the stays departing from ``first_pull_days`` ago on). Each page of reservations is stored together with
how far the pull got, so a rate limit, a crash or BEX going away costs nothing already read; a 429 asking
for a long wait pauses every pull until then. Administrations not set up at the desk are cached too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from salto_desk.errors import SaltoDeskError, Text
from salto_desk.keys.model import Administration
from salto_desk.pms.client import ORDERS, BexClient, IncludeGroup
from salto_desk.pms.errors import PmsError, PmsRateLimited, PmsRecordError
from salto_desk.pms.models import Administration as BexAdministration
from salto_desk.pms.models import Reservation
from salto_desk.pms.selection import ReservationSelection
from salto_desk.storage.config_repository import ConfigRepository
from salto_desk.storage.database import Database
from salto_desk.storage.pms_store import PmsStore
from salto_desk.storage.pms_values import SyncCursor, UnfinishedPull
from salto_desk.storage.sync_bookkeeping import SyncBookkeeping
from salto_desk.sync.progress import Counts, Notify, SyncProgress, SyncStage

KeysForStored = Callable[[Session, Administration, Sequence[str]], Counts]
"""Derives key data for reservations a page just stored, inside the transaction that stores them."""

CURSOR_OVERLAP = timedelta(minutes=2)
"""Each incremental pull starts this much before the last one ended: clocks differ, records change mid-pull."""


@dataclass(frozen=True)
class PullOptions:
    """How much the sync reads from BEX."""

    first_pull_days: int = 14
    """The first pull of an administration reads the stays departing from this many days ago on: older
    ones need no key, and a park's whole history would take hours of BEX's rate limit."""
    objects_read_in_full_every: timedelta = timedelta(hours=1)
    """Objects are read incrementally; this often all of them, which is how the sync sees deletions."""


@dataclass(frozen=True)
class Pulled:
    """What the pull of BEX brought: the counts, and per BEX administration the include groups BEX refused."""

    counts: Counts
    missing: Mapping[str, tuple[IncludeGroup, ...]] = field(default_factory=dict)


def _zone(bex: BexAdministration, administration: Administration | None) -> tzinfo:
    """The administration's time zone: the desk's setting, else BEX's fixed UTC offset, else UTC."""
    if administration is not None:
        return ZoneInfo(administration.time_zone)
    return timezone(bex.utc_offset) if bex.utc_offset is not None else UTC


def _problem_key(problem: PmsRecordError) -> tuple[str, str, str]:
    return problem.record_type, problem.record_id, problem.field


class Puller:
    """Pulls BEX into the cache for one run; every method returns what it did (``Counts``), none keeps a tally.

    With ``keys_for_stored`` each page's reservations get their key data in the page's own transaction: a
    list reading the cache meanwhile never shows a new booking as "No key data" a moment before its key.
    """

    def __init__(
        self,
        database: Database,
        clock: Callable[[], datetime],
        options: PullOptions,
        language: str,
        keys_for_stored: KeysForStored | None = None,
    ) -> None:
        self.database = database
        self.clock = clock
        self.options = options
        self.language = language
        self.keys_for_stored = keys_for_stored

    def pull_all(
        self,
        open_client: Callable[[], AbstractContextManager[BexClient]],
        administrations: Sequence[Administration],
        notify: Notify,
    ) -> Pulled:
        """Every administration BEX lists, into the cache; one that failed keeps its cache (its failure recorded)."""
        configured = {administration.pms_id: administration for administration in administrations}
        now = self.clock()
        with self.database.unit_of_work() as session:
            paused_until = SyncBookkeeping(session).paused_until()
        if paused_until is not None and now < paused_until:
            return Pulled(Counts(errors=(f"BEX: {self._paused_text(paused_until)(self.language)}",)))
        counts, done = Counts(), set()
        missing: dict[str, tuple[IncludeGroup, ...]] = {}
        try:
            with open_client() as client:
                listing = client.administrations()
                counts += self._problems("BEX", listing.problems)
                listed = {each.id for each in listing.records}
                for pms_id in configured.keys() - listed:
                    done.add(pms_id)
                    counts += self._failed(
                        [pms_id],
                        configured[pms_id].name,
                        Text(
                            f"BEX does not know the administration id {pms_id!r} for this API key.",
                            f"BEX kent het administratie-id {pms_id!r} niet voor deze API-sleutel.",
                        ),
                        Text(
                            "Correct the PMS administration id in Settings > Administration.",
                            "Verbeter het PMS-administratie-id in Instellingen > Administratie.",
                        ),
                        offline=False,  # BEX answered: it is reachable, it just does not know this id
                    )
                for bex in listing.records:
                    administration = configured.get(bex.id)
                    label = administration.name if administration is not None else (bex.name or bex.id)
                    done.add(bex.id)
                    pulled, missing[bex.id] = self._pull_one(client, bex, administration, label, notify)
                    counts += pulled
                    if self._paused():
                        break  # BEX limits this API key: the other administrations wait as well
        except PmsRateLimited as limited:
            counts += self._pause([pms_id for pms_id in configured if pms_id not in done], "BEX", limited, None)
        except SaltoDeskError as error:  # no API key, BEX unreachable, key rejected...
            failed = [pms_id for pms_id in configured if pms_id not in done]
            counts += self._failed(failed, "BEX", error.message, error.action)
        return Pulled(counts, missing)

    def _paused(self) -> bool:
        with self.database.unit_of_work() as session:
            paused_until = SyncBookkeeping(session).paused_until()
        return paused_until is not None and self.clock() < paused_until

    def _pull_one(
        self,
        client: BexClient,
        bex: BexAdministration,
        administration: Administration | None,
        label: str,
        notify: Notify,
    ) -> tuple[Counts, tuple[IncludeGroup, ...]]:
        """One administration: objects, types, catalogue and owners, then its reservations page by page.

        Returns the counts (reservations read count even when the pull stopped early) and the include
        groups BEX refused.
        """
        zone = _zone(bex, administration)
        started = self.clock()
        with self.database.unit_of_work() as session:
            bookkeeping = SyncBookkeeping(session)
            cursor, unfinished = bookkeeping.sync_cursor(bex.id), bookkeeping.unfinished_pull(bex.id)
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
        fetched, problems, keyed = 0, Counts(), Counts()
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
                    PmsStore(session).store_reservations(bex.id, usable)
                    SyncBookkeeping(session).record_pull_progress(bex.id, after)
                    keyed += self._keys_for(session, administration, [each.id for each in usable])
                fetched += len(page.records)
                missing = page.missing
                notify(SyncProgress(label, SyncStage.RESERVATIONS, fetched, None))
        except PmsRateLimited as limited:
            read = counts + problems + keyed + Counts(fetched)
            return read + self._pause([bex.id], label, limited, fetched), missing
        except PmsError as error:
            read = counts + problems + keyed + Counts(fetched)
            return read + self._failed([bex.id], label, error.message, error.action), ()
        with self.database.unit_of_work() as session:
            SyncBookkeeping(session).record_sync_success(
                bex.id,
                name=bex.name,
                now=self.clock(),
                cursor=SyncCursor(unfinished.selection.started, started, started if objects_complete else None),
            )
        notify(SyncProgress(label, SyncStage.RESERVATIONS, fetched, fetched))
        return counts + problems + keyed + Counts(fetched), missing

    def _keys_for(self, session: Session, administration: Administration | None, pms_ids: Sequence[str]) -> Counts:
        """The page's key data, under a savepoint: when it fails the page stays stored, and the run's key-data
        stage derives those reservations again and reports why."""
        if self.keys_for_stored is None or administration is None or not pms_ids:
            return Counts()
        try:
            with session.begin_nested():
                return self.keys_for_stored(session, administration, pms_ids)
        except SaltoDeskError:
            return Counts()

    def _pull_catalogue(
        self,
        client: BexClient,
        bex: BexAdministration,
        label: str,
        cursor: SyncCursor,
        started: datetime,
        zone: tzinfo,
        notify: Notify,
    ) -> tuple[Counts, bool]:
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
            cache = PmsStore(session)
            cache.store_objects(bex.id, objects.records, complete=objects.complete)
            cache.replace_catalogue(bex.id, types.records, [item for pull in catalogue for item in pull.records])
            cache.replace_owners(bex.id, owners.records)
        found = [*objects.problems, *types.problems, *catalogue[0].problems, *catalogue[1].problems, *owners.problems]
        refused = [
            self._refused_text(label, group) for group in owners.missing
        ]  # owners without agreements: their keys lack accommodations
        return self._problems(label, found) + Counts(errors=tuple(refused)), objects.complete

    def _without_stay(self, label: str, reservations: Sequence[Reservation]) -> Counts:
        """Reservations without their dates cannot be cached: each is reported."""
        return Counts(
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

    def _problems(self, label: str, problems: Sequence[PmsRecordError]) -> Counts:
        return Counts(errors=tuple(f"{label}: {problem.user_message(self.language)}" for problem in problems))

    def _failed(
        self, pms_ids: Sequence[str], label: str, message: Text, action: Text | None = None, *, offline: bool = True
    ) -> Counts:
        """BEX could not be read for these administrations: the cache stays, the failure is recorded (as BEX
        being offline unless BEX answered and refused them)."""
        text = message(self.language) if action is None else f"{message(self.language)} {action(self.language)}"
        now = self.clock()
        with self.database.unit_of_work() as session:
            bookkeeping = SyncBookkeeping(session)
            for pms_id in pms_ids:
                bookkeeping.record_sync_failure(pms_id, now=now, error=text, offline=offline)
        return Counts(errors=(f"{label}: {text}",))

    def _pause(self, pms_ids: Sequence[str], label: str, limited: PmsRateLimited, fetched: int | None) -> Counts:
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
            bookkeeping = SyncBookkeeping(session)
            for pms_id in pms_ids:
                bookkeeping.record_pause(pms_id, now=now, until=until, error=said(self.language))
        return Counts(errors=(f"{label}: {said(self.language)}",))

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

    def unmatchable(self, administration: Administration, missing: Sequence[IncludeGroup]) -> Counts:
        """Without order data, products that filter on extras or costs cannot match: say so, and what to grant."""
        groups = [group for group in missing if group.name == ORDERS]
        if not groups:
            return Counts(errors=tuple(self._refused_text(administration.name, group) for group in missing))
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
        return Counts(errors=tuple(errors))
