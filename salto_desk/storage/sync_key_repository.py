"""What the sync last wrote into each key it made from a reservation, which keys the desk deleted, and the
sync's flags on keys (what the desk should look at: a phone number refused, an object BEX deleted).

Comparing the sync's last write with the key data as it is now tells which fields the desk changed by
hand: the sync keeps those as the desk left them and only carries PMS changes into fields it still owns.
Key data of a reservation deleted at the desk is remembered (administration, reservation, key type)
so that the sync never makes it again.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from salto_desk.keys.model import FlagCode, KeyFlag, Validity
from salto_desk.storage.batches import BULK, CHUNK
from salto_desk.storage.orm import SyncDeskDeletionRow, SyncKeyFlagRow, SyncKeyRow

_ROOMS = "\n"


@dataclass(frozen=True)
class SyncedKey:
    """The sync's last write into one key: the product it came from and the fields it set."""

    key_id: int
    product_id: int | None
    holder_label: str
    rooms: tuple[str, ...]
    validity: Validity
    phone: str | None


class SyncKeyRepository:
    """Sync key links within one session (one unit of work)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def links(self, key_ids: Collection[int]) -> dict[int, SyncedKey]:
        ordered = sorted(key_ids)
        found: dict[int, SyncedKey] = {}
        for start in range(0, len(ordered), CHUNK):
            rows = self.session.scalars(select(SyncKeyRow).where(SyncKeyRow.key_id.in_(ordered[start : start + CHUNK])))
            found.update((row.key_id, self._synced(row)) for row in rows)
        return found

    def add_many(self, synced: Sequence[SyncedKey]) -> None:
        """Links of keys that have none yet, with one statement."""
        if synced:
            self.session.execute(
                insert(SyncKeyRow).execution_options(**BULK),
                [
                    {
                        "key_id": each.key_id,
                        "product_id": each.product_id,
                        "holder_label": each.holder_label,
                        "rooms": _ROOMS.join(each.rooms),
                        "valid_from": each.validity.start,
                        "valid_until": each.validity.end,
                        "phone": each.phone,
                    }
                    for each in synced
                ],
            )

    def save_many(self, synced: Sequence[SyncedKey]) -> None:
        """Insert or replace the links of these keys, with a few bulk statements (no query per key)."""
        latest = {each.key_id: each for each in synced}
        ordered = sorted(latest)
        for start in range(0, len(ordered), CHUNK):
            self.session.execute(delete(SyncKeyRow).where(SyncKeyRow.key_id.in_(ordered[start : start + CHUNK])))
        self.add_many(list(latest.values()))

    def remember_desk_deletion(
        self, administration_id: int, reservation_pms_id: str, key_type_id: int, now: datetime
    ) -> None:
        """The desk deleted this reservation's key data of this key type: the sync must not make it again."""
        if self.session.get(SyncDeskDeletionRow, (administration_id, reservation_pms_id, key_type_id)) is None:
            self.session.add(
                SyncDeskDeletionRow(
                    administration_id=administration_id,
                    reservation_pms_id=reservation_pms_id,
                    key_type_id=key_type_id,
                    deleted_at=now,
                )
            )
            self.session.flush()

    def desk_deletions(self, administration_id: int, reservation_pms_ids: Collection[str]) -> set[tuple[str, int]]:
        """(reservation, key type) pairs of these reservations whose key data the desk deleted."""
        ordered = sorted(set(reservation_pms_ids))
        found: set[tuple[str, int]] = set()
        for start in range(0, len(ordered), CHUNK):
            rows = self.session.execute(
                select(SyncDeskDeletionRow.reservation_pms_id, SyncDeskDeletionRow.key_type_id).where(
                    SyncDeskDeletionRow.administration_id == administration_id,
                    SyncDeskDeletionRow.reservation_pms_id.in_(ordered[start : start + CHUNK]),
                )
            )
            found.update((pms_id, key_type_id) for pms_id, key_type_id in rows)
        return found

    def flags(self, key_ids: Collection[int]) -> dict[int, tuple[KeyFlag, ...]]:
        """The flags of these keys (keys without any are left out)."""
        ordered = sorted(key_ids)
        found: dict[int, list[KeyFlag]] = {}
        for start in range(0, len(ordered), CHUNK):
            rows = self.session.scalars(
                select(SyncKeyFlagRow)
                .where(SyncKeyFlagRow.key_id.in_(ordered[start : start + CHUNK]))
                .order_by(SyncKeyFlagRow.key_id, SyncKeyFlagRow.code)
            )
            for row in rows:
                details = json.loads(row.details)
                found.setdefault(row.key_id, []).append(KeyFlag(FlagCode(row.code), tuple(sorted(details.items()))))
        return {key_id: tuple(flags) for key_id, flags in found.items()}

    def replace_flags(self, flags: Mapping[int, Sequence[KeyFlag]]) -> None:
        """Each of these keys has exactly the given flags now (an empty list clears them)."""
        ordered = sorted(flags)
        for start in range(0, len(ordered), CHUNK):
            self.session.execute(
                delete(SyncKeyFlagRow).where(SyncKeyFlagRow.key_id.in_(ordered[start : start + CHUNK]))
            )
        rows = [
            {"key_id": key_id, "code": flag.code.value, "details": json.dumps(dict(flag.details), sort_keys=True)}
            for key_id in ordered
            for flag in {flag.code: flag for flag in flags[key_id]}.values()
        ]
        if rows:
            self.session.execute(insert(SyncKeyFlagRow).execution_options(**BULK), rows)

    @staticmethod
    def _synced(row: SyncKeyRow) -> SyncedKey:
        return SyncedKey(
            key_id=row.key_id,
            product_id=row.product_id,
            holder_label=row.holder_label,
            rooms=tuple(row.rooms.split(_ROOMS)) if row.rooms else (),
            validity=Validity(row.valid_from, row.valid_until),
            phone=row.phone,
        )
