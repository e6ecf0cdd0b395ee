"""What the receptionist's views read: searches, a key with everything shown beside it, the choices of forms.

Each method is one unit of work however many rows it returns (key data of the rows found is read in
two queries, never one per row), and searches keep the administrations and their lookups in memory
(``site_cache``), so a desk on a slow shared database waits four round trips per search.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from salto_desk.errors import Text
from salto_desk.keys.flags import flag_text
from salto_desk.keys.model import (
    Administration,
    AuditEntry,
    Encoder,
    HolderKind,
    KeyData,
    KeyFields,
    KeyState,
    KeyType,
    Product,
)
from salto_desk.keys.rules import today_in
from salto_desk.operations.key_data import new_reservation_key_fields
from salto_desk.services.site_cache import SiteCache
from salto_desk.storage.audit_repository import AuditRepository
from salto_desk.storage.config_repository import ConfigRepository
from salto_desk.storage.database import Database
from salto_desk.storage.errors import NotFoundError
from salto_desk.storage.key_repository import KeyRepository
from salto_desk.storage.pms_reader import PmsReader
from salto_desk.storage.pms_values import CachedOwner, CachedReservation, ReservationQuery, SyncStatus
from salto_desk.storage.sync_key_repository import SyncKeyRepository

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class ReservationRow:
    """One reservation found, its key data and its administration's name."""

    reservation: CachedReservation
    keys: tuple[KeyData, ...]
    administration: str

    @property
    def needs_reencode(self) -> bool:
        return any(key.state is KeyState.NEEDS_REENCODE for key in self.keys)

    @property
    def identity(self) -> tuple[int, str]:
        return self.reservation.administration_id, self.reservation.pms_id


@dataclass(frozen=True)
class ReservationSearch:
    """What one search found, with the administrations it was made against."""

    administrations: tuple[Administration, ...]
    rows: tuple[ReservationRow, ...]
    limit: int


@dataclass(frozen=True)
class OwnerRow:
    """One owner found, their key data and their administration."""

    owner: CachedOwner
    keys: tuple[KeyData, ...]
    administration: Administration

    @property
    def identity(self) -> tuple[int, str]:
        return self.owner.administration_id, self.owner.pms_id


@dataclass(frozen=True)
class OwnerSearch:
    """One owner search: the administrations and the owners found."""

    administrations: tuple[Administration, ...]
    rows: tuple[OwnerRow, ...]


@dataclass(frozen=True)
class OwnerKeySetup:
    """What the +Key form of an owner offers: the owner with their accommodations of today, the key types,
    and the key type it starts with (None: the administration has none)."""

    administration: Administration
    owner: CachedOwner
    key_types: tuple[KeyType, ...]
    key_type_id: int | None


def owners_key_type(key_types: Sequence[KeyType], products: Sequence[Product]) -> KeyType | None:
    """The key type +Key on an owner starts with: the one the manager marked as the owners' default; else
    the first that no product gives to bookings (not a guest key type); else the first."""
    guest_types = {product.key_type_id for product in products}
    return (
        next((each for each in key_types if each.owners_default), None)
        or next((each for each in key_types if each.id not in guest_types), None)
        or next(iter(key_types), None)
    )


@dataclass(frozen=True)
class KeyDetails:
    """What the key panel shows besides the key itself."""

    key: KeyData
    key_type: str
    authorization_names: Mapping[int, str]
    encoders: tuple[Encoder, ...]
    history: tuple[AuditEntry, ...]
    flags: tuple[Text, ...] = ()
    """What the PMS sync found wrong with the key (a phone it cannot use, an accommodation BEX no longer lists)."""


@dataclass(frozen=True)
class EncoderChoice:
    """An encoder together with the administration whose SALTO endpoint it hangs on."""

    administration: Administration
    encoder: Encoder

    def label(self) -> str:
        return f"{self.encoder.name} ({self.administration.name})"


@dataclass(frozen=True)
class KeyDataSetup:
    """What a key data form offers: the administration's key types, authorization names and doors.

    ``defaults`` holds, per key type, the fields new key data of a reservation starts with (create only).
    """

    administration: Administration
    key_types: tuple[KeyType, ...]
    authorization_names: Mapping[int, str]
    doors: tuple[str, ...]
    defaults: Mapping[int, KeyFields] = field(default_factory=dict)


class FrontDesk:
    """The reads of the Reservations, Owners and Read key tabs and of the key data forms."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self.database = database
        self.clock = clock
        self.sites = SiteCache()

    def administrations(self) -> list[Administration]:
        with self.database.reading() as session:
            return ConfigRepository(session).administrations()

    def search_reservations(self, query: ReservationQuery) -> ReservationSearch:
        """Reservations matching ``query`` with their key data; ``query.day`` becomes today in the zone of
        the chosen (or first) administration."""
        with self.database.reading() as session:
            known = self.sites.current(session)
            administrations = known.administrations
            names = {each.id: each.name for each in administrations}
            chosen = next((each for each in administrations if each.id == query.administration_id), None)
            chosen = chosen or (administrations[0] if administrations else None)
            day = today_in(chosen, self.clock()) if chosen is not None else self.clock().astimezone().date()
            found = known.reader(session).search_reservations(replace(query, day=day))
            by_holder = KeyRepository(session).for_holders_of(
                HolderKind.RESERVATION, [(each.administration_id, each.pms_id) for each in found]
            )
        rows = tuple(
            ReservationRow(
                reservation,
                tuple(by_holder.get((reservation.administration_id, reservation.pms_id), ())),
                names.get(reservation.administration_id, ""),
            )
            for reservation in found
        )
        return ReservationSearch(administrations, rows, query.limit)

    def search_owners(self, administration_id: int | None, text: str) -> OwnerSearch:
        """Owners of one administration (None: all) matching ``text``, with their accommodations of today."""
        rows: list[OwnerRow] = []
        with self.database.reading() as session:
            known = self.sites.current(session)
            cache, keys = known.reader(session), KeyRepository(session)
            administrations = known.administrations
            for administration in administrations:
                if administration_id not in (None, administration.id):
                    continue
                today = today_in(administration, self.clock())
                owners = cache.owners(administration.id, text, day=today)
                owned = keys.for_holders(administration.id, HolderKind.OWNER, [owner.pms_id for owner in owners])
                rows += [OwnerRow(owner, tuple(owned.get(owner.pms_id, ())), administration) for owner in owners]
        return OwnerSearch(administrations, tuple(rows))

    def owner_key_setup(self, administration_id: int, owner_pms_id: str) -> OwnerKeySetup:
        """The choices of the +Key form of an owner, read when it opens (the manager may have changed the
        owners' default key type since the owner was found)."""
        with self.database.reading() as session:
            config = ConfigRepository(session)
            administration = config.administration(administration_id)
            owner = PmsReader(session).owner(
                administration_id, owner_pms_id, day=today_in(administration, self.clock())
            )
            if owner is None:
                raise NotFoundError(Text("owner", "eigenaar"), owner_pms_id)
            key_types = tuple(config.key_types(administration_id))
            start_with = owners_key_type(key_types, config.products_of_administration(administration_id))
        return OwnerKeySetup(administration, owner, key_types, None if start_with is None else start_with.id)

    def key_details(self, key_id: int) -> KeyDetails | None:
        """The key as stored now with its names, encoders and audit history; None once it is deleted."""
        with self.database.reading() as session:
            try:
                key = KeyRepository(session).get(key_id)
            except NotFoundError:
                return None
            config = ConfigRepository(session)
            administration = config.administration(key.administration_id)
            return KeyDetails(
                key=key,
                key_type=config.key_type(key.key_type_id).name,
                authorization_names={
                    each.number: each.name for each in config.authorization_names(key.administration_id)
                },
                encoders=tuple(config.encoders(key.administration_id)),
                history=tuple(
                    AuditRepository(session).of_holder(administration.pms_id, key.holder.kind, key.holder.pms_id)
                ),
                flags=tuple(flag_text(flag) for flag in SyncKeyRepository(session).flags([key.id]).get(key.id, ())),
            )

    def holder_history(self, administration: Administration, kind: HolderKind, pms_id: str) -> list[AuditEntry]:
        """What was done with the keys of one booking or owner, oldest first; it outlives deleted key data."""
        with self.database.reading() as session:
            return AuditRepository(session).of_holder(administration.pms_id, kind, pms_id)

    def encoder_choices(self) -> list[EncoderChoice]:
        """Every encoder of every administration, by administration then encoder name."""
        with self.database.reading() as session:
            config = ConfigRepository(session)
            return [
                EncoderChoice(administration, encoder)
                for administration in config.administrations()
                for encoder in config.encoders(administration.id)
            ]

    def encoders(self, administration_id: int) -> list[Encoder]:
        with self.database.reading() as session:
            return ConfigRepository(session).encoders(administration_id)

    def key_data_setup(self, administration_id: int) -> KeyDataSetup:
        """The choices of one administration's key data forms."""
        with self.database.reading() as session:
            config = ConfigRepository(session)
            return KeyDataSetup(
                administration=config.administration(administration_id),
                key_types=tuple(config.key_types(administration_id)),
                authorization_names={each.number: each.name for each in config.authorization_names(administration_id)},
                doors=tuple(sorted({each.door_name for each in PmsReader(session).objects(administration_id)})),
            )

    def reservation_key_setup(self, administration_id: int, reservation_pms_id: str) -> KeyDataSetup:
        """The choices plus each key type's defaults for new key data of the reservation (+Key)."""
        setup = self.key_data_setup(administration_id)
        with self.database.reading() as session:
            reservation = PmsReader(session).reservation(administration_id, reservation_pms_id)
            if reservation is None:
                raise NotFoundError(Text("reservation", "reservering"), reservation_pms_id)
            products = ConfigRepository(session).products_of_administration(administration_id)
        defaults = {
            key_type.id: new_reservation_key_fields(
                setup.administration,
                key_type,
                [product for product in products if product.key_type_id == key_type.id],
                reservation,
            )
            for key_type in setup.key_types
        }
        return replace(setup, defaults=defaults)

    def sync_statuses(self, administration_ids: list[int]) -> list[SyncStatus]:
        """The PMS sync state of each administration, as the last sync (of any desk) left it."""
        with self.database.reading() as session:
            pms = PmsReader(session)
            return [pms.sync_status(administration_id) for administration_id in administration_ids]
