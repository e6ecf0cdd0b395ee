"""What key data is made of besides its own row (rooms, access, card serials, phone deliveries), read for many
keys in one query: a far database charges a round trip per query, and a load per table would cost four."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ColumnElement, Integer, Select, String, cast, literal_column, null, select, union_all
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.types import TypeEngine

from salto_desk.keys.model import MobileDelivery
from salto_desk.storage.batches import chunks
from salto_desk.storage.orm import CardSerialRow, KeyAccessRow, KeyRoomRow, KeyRow, MobileDeliveryRow, UtcDateTime


@dataclass
class KeyChildren:
    """One key's rooms, access, card serials and deliveries, each in its stored order."""

    rooms: list[str] = field(default_factory=list)
    access: list[tuple[int, bool]] = field(default_factory=list)
    serials: list[str] = field(default_factory=list)
    deliveries: list[MobileDelivery] = field(default_factory=list)

    @classmethod
    def of_row(cls, row: KeyRow) -> KeyChildren:
        """From a row whose collections are loaded (a row just written)."""
        return cls(
            rooms=[each.room for each in row.rooms],
            access=[(each.number, each.granted) for each in row.access],
            serials=[each.serial for each in row.serials],
            deliveries=[MobileDelivery(each.phone, each.command, each.delivered_at) for each in row.deliveries],
        )


Column = InstrumentedAttribute[Any]
_ROOM, _ACCESS, _SERIAL, _DELIVERY = range(4)
_SHAPE: dict[str, TypeEngine[Any]] = {
    "text": String(),
    "number": Integer(),
    "granted": Boolean(),
    "command": String(),
    "moment": UtcDateTime(),
}
"""The columns every part of the union has; a part fills its own and leaves NULLs, typed so that PostgreSQL
can unite them (and so that the results are read by the first part's types: booleans, aware datetimes)."""


def _part(kind: int, key_id: Column, ordinal: Column, ids: list[int], **values: Column) -> Select[Any]:
    columns: list[ColumnElement[Any]] = [
        literal_column(str(kind), Integer).label("kind"),
        key_id.label("key_id"),
        ordinal.label("ordinal"),
    ]
    columns += [
        values[name].label(name) if name in values else cast(null(), type_).label(name)
        for name, type_ in _SHAPE.items()
    ]
    return select(*columns).where(key_id.in_(ids))


def read_children(session: Session, key_ids: Sequence[int]) -> dict[int, KeyChildren]:
    """The children of ``key_ids`` (keys without any get empty ones): one query per ``CHUNK`` keys."""
    found = {key_id: KeyChildren() for key_id in key_ids}
    ordered: list[tuple[int, int, int, Any]] = []
    for ids in chunks(sorted(found)):
        united = union_all(
            _part(_ROOM, KeyRoomRow.key_id, KeyRoomRow.position, ids, text=KeyRoomRow.room),
            _part(
                _ACCESS, KeyAccessRow.key_id, KeyAccessRow.position, ids,
                number=KeyAccessRow.number, granted=KeyAccessRow.granted,
            ),
            _part(_SERIAL, CardSerialRow.key_id, CardSerialRow.id, ids, text=CardSerialRow.serial),
            _part(
                _DELIVERY, MobileDeliveryRow.key_id, MobileDeliveryRow.id, ids,
                text=MobileDeliveryRow.phone, command=MobileDeliveryRow.command, moment=MobileDeliveryRow.delivered_at,
            ),
        )  # fmt: skip
        ordered += ((row.kind, row.key_id, row.ordinal, row) for row in session.execute(united))
    for kind, key_id, _ordinal, row in sorted(ordered, key=lambda each: each[:3]):
        children = found[key_id]
        if kind == _ROOM:
            children.rooms.append(row.text)
        elif kind == _ACCESS:
            children.access.append((row.number, bool(row.granted)))
        elif kind == _SERIAL:
            children.serials.append(row.text)
        else:
            moment: datetime = row.moment
            children.deliveries.append(MobileDelivery(row.text, row.command, moment))
    return found
