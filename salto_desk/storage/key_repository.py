"""Key data of reservations and owners: stored, found by room or card, updated after SALTO answers."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from salto_desk.errors import Text, ValidationError
from salto_desk.keys.model import (
    CardsEncoded,
    Holder,
    HolderKind,
    KeyData,
    KeyDraft,
    KeyState,
    MobileDelivery,
    Validity,
)
from salto_desk.keys.validation import validate_key_draft
from salto_desk.protocol.text import ROOM_LENGTH, TextEncoding, clean_text
from salto_desk.storage.errors import NotFoundError
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
CARD_TIME_TOLERANCE = timedelta(minutes=1)  # SALTO dates have minute precision


def _wire_room(room: str, encoding: TextEncoding) -> str:
    """A room as SALTO stores and echoes it, for comparing a card with key data."""
    return clean_text(room, ROOM_LENGTH, encoding).decode("latin-1").casefold()


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

    def get(self, key_id: int) -> KeyData:
        return self._key(self._row(key_id))

    def keys(self, administration_id: int) -> list[KeyData]:
        rows = self.session.scalars(
            self._select().where(KeyRow.administration_id == administration_id).order_by(KeyRow.valid_from)
        )
        return [self._key(row) for row in rows]

    def for_holder(self, administration_id: int, kind: HolderKind, pms_id: str) -> list[KeyData]:
        rows = self.session.scalars(
            self._select()
            .where(
                KeyRow.administration_id == administration_id,
                KeyRow.holder_kind == kind.value,
                KeyRow.holder_pms_id == pms_id,
            )
            .order_by(KeyRow.id)
        )
        return [self._key(row) for row in rows]

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
        rows = self.session.scalars(self._select().where(KeyRow.id.in_(sharing)).order_by(KeyRow.id))
        return [self._key(row) for row in rows]

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
        candidates = self.session.scalars(
            self._select()
            .where(
                KeyRow.administration_id == administration_id,
                KeyRow.valid_from.between(start - CARD_TIME_TOLERANCE, start + CARD_TIME_TOLERANCE),
            )
            .order_by(KeyRow.id.desc())
        )
        for row in candidates:
            key = self._key(row)
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

    def _validate(self, draft: KeyDraft) -> KeyDraft:
        administration = self.session.get(AdministrationRow, draft.administration_id)
        if administration is None:
            raise NotFoundError(Text("administration", "administratie"), draft.administration_id)
        key_type = self.session.get(KeyTypeRow, draft.key_type_id)
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
        return validate_key_draft(draft, administration.encoding)

    @staticmethod
    def _select() -> Select[KeyRow]:
        return select(KeyRow).options(
            selectinload(KeyRow.rooms),
            selectinload(KeyRow.access),
            selectinload(KeyRow.serials),
            selectinload(KeyRow.deliveries),
        )

    def _row(self, key_id: int) -> KeyRow:
        row = self.session.scalar(self._select().where(KeyRow.id == key_id))
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
    def _key(row: KeyRow) -> KeyData:
        return KeyData(
            id=row.id,
            administration_id=row.administration_id,
            key_type_id=row.key_type_id,
            holder=Holder(HolderKind(row.holder_kind), row.holder_pms_id, row.holder_label),
            rooms=tuple(each.room for each in row.rooms),
            validity=Validity(row.valid_from, row.valid_until),
            granted=tuple(each.number for each in row.access if each.granted),
            denied=tuple(each.number for each in row.access if not each.granted),
            print_info=tuple(row.print_info.split("\n")) if row.print_info else (),
            phone=row.phone,
            license_plate=row.license_plate,
            state=KeyState(row.state),
            cards=CardsEncoded(
                count=row.cards_encoded,
                last_encoder=row.last_encoder,
                last_encoded_at=row.last_encoded_at,
                serials=tuple(each.serial for each in row.serials),
            ),
            deliveries=tuple(MobileDelivery(each.phone, each.command, each.delivered_at) for each in row.deliveries),
        )
