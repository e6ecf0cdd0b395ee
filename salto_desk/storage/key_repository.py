"""Key data of reservations and owners: stored, found by room or card, updated after SALTO answers."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import fields
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session, selectinload

from salto_desk.errors import Text, ValidationError
from salto_desk.keys.draft_validation import validate_key_draft
from salto_desk.keys.model import (
    CardsEncoded,
    Holder,
    HolderKind,
    KeyData,
    KeyDraft,
    KeyState,
    Validity,
)
from salto_desk.keys.phones import country_of_zone
from salto_desk.protocol.text import ROOM_LENGTH, TextEncoding, clean_text
from salto_desk.storage.errors import NotFoundError
from salto_desk.storage.key_children import KeyChildren, read_children
from salto_desk.storage.orm import (
    AdministrationRow,
    CardSerialRow,
    KeyAccessRow,
    KeyRoomRow,
    KeyRow,
    KeyTypeRow,
    MobileDeliveryRow,
)

_KEY = Text("key data", "sleutelgegevens")
_DRAFT_FIELDS = tuple(field.name for field in fields(KeyDraft))
_CHUNK = 500
CARD_TIME_TOLERANCE = timedelta(minutes=1)  # SALTO dates have minute precision


def _wire_room(room: str, encoding: TextEncoding) -> str:
    """A room as SALTO stores and echoes it, for comparing a card with key data."""
    return clean_text(room, ROOM_LENGTH, encoding).decode("latin-1").casefold()


class _Rows:
    """Administrations and key types looked up once for many drafts (the session only holds them weakly)."""

    def __init__(self) -> None:
        self._administrations: dict[int, AdministrationRow | None] = {}
        self._key_types: dict[int, KeyTypeRow | None] = {}

    def administration(self, session: Session, administration_id: int) -> AdministrationRow | None:
        if administration_id not in self._administrations:
            self._administrations[administration_id] = session.get(AdministrationRow, administration_id)
        return self._administrations[administration_id]

    def key_type(self, session: Session, key_type_id: int) -> KeyTypeRow | None:
        if key_type_id not in self._key_types:
            self._key_types[key_type_id] = session.get(KeyTypeRow, key_type_id)
        return self._key_types[key_type_id]


class KeyRepository:
    """Key data reads and writes within one session (one unit of work)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, draft: KeyDraft, now: datetime) -> KeyData:
        valid = self._validate(draft)
        row = KeyRow(
            administration_id=valid.administration_id,
            cards_encoded=0,
            created_at=now,
        )
        self._write(row, valid, now)
        self.session.add(row)
        self.session.flush()
        return self._key(row)

    def add_many(self, drafts: Sequence[KeyDraft], now: datetime) -> list[KeyData]:
        """Store many keys with a few bulk statements (the sync's first run makes thousands)."""
        rows = _Rows()
        valid = [self._validate(draft, rows) for draft in drafts]
        if not valid:
            return []
        holders = [(draft.holder.kind.value, draft.holder.pms_id, draft.key_type_id) for draft in valid]
        if len(set(holders)) != len(holders):
            raise ValueError("add_many takes at most one draft per holder and key type")
        # RETURNING in parameter order makes SQLite insert row by row; matching by holder keeps one statement
        returned = self.session.execute(
            insert(KeyRow)
            .returning(KeyRow.id, KeyRow.holder_kind, KeyRow.holder_pms_id, KeyRow.key_type_id)
            .execution_options(render_nulls=True),  # NULLs sent as such: one batched statement
            [
                {
                    "administration_id": draft.administration_id,
                    "key_type_id": draft.key_type_id,
                    "holder_kind": draft.holder.kind.value,
                    "holder_pms_id": draft.holder.pms_id,
                    "holder_label": draft.holder.label,
                    "valid_from": draft.validity.start,
                    "valid_until": draft.validity.end,
                    "print_info": "\n".join(draft.print_info),
                    "phone": draft.phone,
                    "license_plate": draft.license_plate,
                    "state": draft.state.value,
                    "cards_encoded": 0,
                    "created_at": now,
                    "updated_at": now,
                }
                for draft in valid
            ],
        )
        by_holder = {(kind, pms_id, key_type_id): key_id for key_id, kind, pms_id, key_type_id in returned}
        ids = [by_holder[holder] for holder in holders]
        self._insert_children(list(zip(ids, valid, strict=True)))
        return [
            KeyData(id=key_id, **{name: getattr(draft, name) for name in _DRAFT_FIELDS})
            for key_id, draft in zip(ids, valid, strict=True)
        ]

    def update(self, key_id: int, draft: KeyDraft, now: datetime) -> KeyData:
        """Replace what the key opens and when; cards and deliveries already made stay recorded."""
        row = self._row(key_id)
        if draft.administration_id != row.administration_id:
            raise ValidationError(
                "administration_id",
                Text(
                    "Key data cannot move to another administration.",
                    "Sleutelgegevens kunnen niet naar een andere administratie.",
                ),
            )
        self._write(row, self._validate(draft), now)
        self.session.flush()
        return self._key(row)

    def update_many(self, drafts: Mapping[int, KeyDraft], now: datetime) -> None:
        """Replace many keys' data with a few bulk statements; cards and deliveries made stay recorded."""
        rows = _Rows()
        valid = {key_id: self._validate(draft, rows) for key_id, draft in drafts.items()}
        if not valid:
            return
        self.session.execute(
            update(KeyRow),
            [
                {
                    "id": key_id,
                    "key_type_id": draft.key_type_id,
                    "holder_label": draft.holder.label,
                    "valid_from": draft.validity.start,
                    "valid_until": draft.validity.end,
                    "print_info": "\n".join(draft.print_info),
                    "phone": draft.phone,
                    "license_plate": draft.license_plate,
                    "state": draft.state.value,
                    "updated_at": now,
                }
                for key_id, draft in valid.items()
            ],
        )
        ids = sorted(valid)
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            for table in (KeyRoomRow, KeyAccessRow):
                self.session.execute(delete(table).where(table.key_id.in_(chunk)))
        self._insert_children(list(valid.items()))
        self.session.expire_all()

    def get(self, key_id: int) -> KeyData:
        found = self._read(select(KeyRow).where(KeyRow.id == key_id))
        if not found:
            raise NotFoundError(_KEY, key_id)
        return found[0]

    def keys(self, administration_id: int) -> list[KeyData]:
        return self._read(
            select(KeyRow).where(KeyRow.administration_id == administration_id).order_by(KeyRow.valid_from)
        )

    def for_holder(self, administration_id: int, kind: HolderKind, pms_id: str) -> list[KeyData]:
        return self._read(
            select(KeyRow)
            .where(
                KeyRow.administration_id == administration_id,
                KeyRow.holder_kind == kind.value,
                KeyRow.holder_pms_id == pms_id,
            )
            .order_by(KeyRow.id)
        )

    def for_holders(
        self, administration_id: int, kind: HolderKind, pms_ids: Collection[str]
    ) -> dict[str, list[KeyData]]:
        """Key data of many holders at once, by holder PMS id (holders without keys are left out)."""
        found = self.for_holders_of(kind, [(administration_id, pms_id) for pms_id in pms_ids])
        return {pms_id: keys for (_, pms_id), keys in found.items()}

    def for_holders_of(
        self, kind: HolderKind, holders: Collection[tuple[int, str]]
    ) -> dict[tuple[int, str], list[KeyData]]:
        """Key data of many holders of any administrations at once, by (administration id, holder PMS id):
        two queries per ``_CHUNK`` holders, however many administrations they belong to."""
        ordered = sorted(set(holders))
        found: dict[tuple[int, str], list[KeyData]] = {}
        for start in range(0, len(ordered), _CHUNK):
            by_administration: dict[int, list[str]] = {}
            for administration_id, pms_id in ordered[start : start + _CHUNK]:
                by_administration.setdefault(administration_id, []).append(pms_id)
            keys = self._read(
                select(KeyRow)
                .where(
                    KeyRow.holder_kind == kind.value,
                    or_(
                        *(
                            and_(KeyRow.administration_id == administration_id, KeyRow.holder_pms_id.in_(pms_ids))
                            for administration_id, pms_ids in by_administration.items()
                        )
                    ),
                )
                .order_by(KeyRow.id)
            )
            for key in keys:
                found.setdefault((key.administration_id, key.holder.pms_id), []).append(key)
        return found

    def set_state(self, key_id: int, state: KeyState, now: datetime) -> KeyData:
        row = self._row(key_id)
        row.state, row.updated_at = state.value, now
        self.session.flush()
        return self._key(row)

    def record_cards(
        self, key_id: int, *, new_stay: bool, encoder: str, serials: tuple[str, ...], now: datetime
    ) -> KeyData:
        """One more card written; a new stay (CN) voided the earlier cards, so counting restarts."""
        row = self._row(key_id)
        if new_stay:
            row.cards_encoded = 0
            row.serials.clear()
        row.cards_encoded += 1
        row.serials.extend(CardSerialRow(serial=serial) for serial in serials)
        row.last_encoder, row.last_encoded_at = encoder, now
        row.state, row.updated_at = KeyState.ISSUED.value, now
        self.session.flush()
        return self._key(row)

    def record_delivery(self, key_id: int, *, phone: str, command: str, now: datetime) -> KeyData:
        row = self._row(key_id)
        row.deliveries.append(MobileDeliveryRow(phone=phone, command=command, delivered_at=now))
        row.state, row.updated_at = KeyState.ISSUED.value, now
        self.session.flush()
        return self._key(row)

    def sharing_rooms(self, key: KeyData) -> list[KeyData]:
        """Other key data of the administration that opens any of this key's rooms."""
        rooms = [room.casefold() for room in key.rooms]
        sharing = (
            select(KeyRoomRow.key_id)
            .join(KeyRow)
            .where(
                KeyRow.administration_id == key.administration_id,
                KeyRow.id != key.id,
                func.lower(KeyRoomRow.room).in_(rooms),
            )
        )
        return self._read(select(KeyRow).where(KeyRow.id.in_(sharing)).order_by(KeyRow.id))

    def find_by_card(
        self, administration_id: int, rooms: tuple[str, ...], start: datetime | None, end: datetime | None
    ) -> KeyData | None:
        """The key data a card was encoded from: same rooms and validity (to the minute)."""
        if not rooms or start is None or end is None:
            return None
        administration = self.session.get(AdministrationRow, administration_id)
        if administration is None:
            raise NotFoundError(Text("administration", "administratie"), administration_id)
        encoding = administration.encoding
        wanted = [_wire_room(room, encoding) for room in rooms]
        candidates = self._read(
            select(KeyRow)
            .where(
                KeyRow.administration_id == administration_id,
                KeyRow.valid_from.between(start - CARD_TIME_TOLERANCE, start + CARD_TIME_TOLERANCE),
            )
            .order_by(KeyRow.id.desc())
        )
        for key in candidates:
            if (
                abs(key.validity.end - end) < CARD_TIME_TOLERANCE
                and [_wire_room(room, encoding) for room in key.rooms] == wanted
            ):
                return key
        return None

    def delete(self, key_id: int) -> None:
        self.session.delete(self._row(key_id))
        self.session.flush()

    # --- internals -------------------------------------------------------------------------------

    def _validate(self, draft: KeyDraft, rows: _Rows | None = None) -> KeyDraft:
        """Check the draft against its administration and key type; ``rows`` keeps them across many drafts."""
        known = rows if rows is not None else _Rows()
        administration = known.administration(self.session, draft.administration_id)
        if administration is None:
            raise NotFoundError(Text("administration", "administratie"), draft.administration_id)
        key_type = known.key_type(self.session, draft.key_type_id)
        if key_type is None:
            raise NotFoundError(Text("key type", "sleuteltype"), draft.key_type_id)
        if key_type.administration_id != draft.administration_id:
            raise ValidationError(
                "key_type_id",
                Text(
                    f"The key type {key_type.name!r} belongs to another administration.",
                    f"Het sleuteltype {key_type.name!r} hoort bij een andere administratie.",
                ),
                Text("Choose a key type of this administration.", "Kies een sleuteltype van deze administratie."),
            )
        zone = ZoneInfo(administration.time_zone)
        return validate_key_draft(draft, administration.encoding, country_of_zone(administration.time_zone), zone)

    def _insert_children(self, keys: list[tuple[int, KeyDraft]]) -> None:
        """The rooms and access rows of keys whose old ones are gone (or never were)."""
        rooms = [
            {"key_id": key_id, "position": position, "room": room}
            for key_id, draft in keys
            for position, room in enumerate(draft.rooms)
        ]
        access = [
            {"key_id": key_id, "number": number, "granted": granted, "position": position}
            for key_id, draft in keys
            for position, (number, granted) in enumerate(
                [(number, True) for number in draft.granted] + [(number, False) for number in draft.denied]
            )
        ]
        for table, values in ((KeyRoomRow, rooms), (KeyAccessRow, access)):
            if values:
                self.session.execute(insert(table), values)

    def _read(self, statement: Select[KeyRow]) -> list[KeyData]:
        """The keys ``statement`` selects, in its order, with their children: two queries, whatever their number."""
        rows = self.session.scalars(statement).all()
        children = read_children(self.session, [row.id for row in rows])
        return [self._key(row, children[row.id]) for row in rows]

    def _row(self, key_id: int) -> KeyRow:
        """The row to change, its collections loaded with it."""
        row = self.session.scalar(
            select(KeyRow)
            .where(KeyRow.id == key_id)
            .options(
                selectinload(KeyRow.rooms),
                selectinload(KeyRow.access),
                selectinload(KeyRow.serials),
                selectinload(KeyRow.deliveries),
            )
        )
        if row is None:
            raise NotFoundError(_KEY, key_id)
        return row

    def _write(self, row: KeyRow, draft: KeyDraft, now: datetime) -> None:
        row.key_type_id = draft.key_type_id
        row.holder_kind = draft.holder.kind.value
        row.holder_pms_id = draft.holder.pms_id
        row.holder_label = draft.holder.label
        row.valid_from, row.valid_until = draft.validity.start, draft.validity.end
        row.print_info = "\n".join(draft.print_info)
        row.phone, row.license_plate = draft.phone, draft.license_plate
        row.state = draft.state.value
        row.updated_at = now
        row.rooms.clear()
        row.access.clear()
        self.session.flush()  # old child rows must be gone before new ones reuse their keys
        row.rooms.extend(KeyRoomRow(position=position, room=room) for position, room in enumerate(draft.rooms))
        access = [(number, True) for number in draft.granted] + [(number, False) for number in draft.denied]
        row.access.extend(
            KeyAccessRow(number=number, granted=granted, position=position)
            for position, (number, granted) in enumerate(access)
        )

    @staticmethod
    def _key(row: KeyRow, children: KeyChildren | None = None) -> KeyData:
        """``children``: read with ``read_children``; without them the row's loaded collections are used."""
        children = children or KeyChildren.of_row(row)
        return KeyData(
            id=row.id,
            administration_id=row.administration_id,
            key_type_id=row.key_type_id,
            holder=Holder(HolderKind(row.holder_kind), row.holder_pms_id, row.holder_label),
            rooms=tuple(children.rooms),
            validity=Validity(row.valid_from, row.valid_until),
            granted=tuple(number for number, granted in children.access if granted),
            denied=tuple(number for number, granted in children.access if not granted),
            print_info=tuple(row.print_info.split("\n")) if row.print_info else (),
            phone=row.phone,
            license_plate=row.license_plate,
            state=KeyState(row.state),
            cards=CardsEncoded(
                count=row.cards_encoded,
                last_encoder=row.last_encoder,
                last_encoded_at=row.last_encoded_at,
                serials=tuple(children.serials),
            ),
            deliveries=tuple(children.deliveries),
        )
