"""Storing what a BEX pull brings into the cache: reservations, objects, object types, extras, costs and owners."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from salto_desk.pms.models import CatalogueItem, InventoryObject, Owner, RentableType, Reservation
from salto_desk.pms.texts import shown
from salto_desk.storage.batches import BULK, CHUNK, chunks
from salto_desk.storage.orm import (
    PmsAgreementRow,
    PmsCatalogueRow,
    PmsObjectRow,
    PmsOwnerRow,
    PmsRentableTypeRow,
    PmsReservationRow,
)
from salto_desk.storage.pms_columns import fold, join_items, join_lines, storable


class PmsStore:
    """The sync's writes to the cache within one session (one unit of work), by BEX administration id."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def store_reservations(self, administration_pms_id: str, reservations: Sequence[Reservation]) -> None:
        """Insert or replace reservations; each must have its start and end date."""
        values = []
        for reservation in reservations:
            if reservation.start_date is None or reservation.end_date is None:
                raise ValueError(f"reservation {reservation.id} has no stay dates and cannot be cached")
            contact = reservation.contact
            booking_nr, guest_name = reservation.booking_nr or "", reservation.display_name or ""
            values.append(
                {
                    "administration_pms_id": administration_pms_id,
                    "pms_id": reservation.id,
                    "booking_nr": booking_nr,
                    "state": (reservation.state or "").casefold(),
                    "start_date": reservation.start_date,
                    "end_date": reservation.end_date,
                    "checked_in_on": reservation.checked_in_on,
                    "checked_out_on": reservation.checked_out_on,
                    "guest_name": guest_name,
                    "phone": (contact.phone or None) if contact else None,
                    "email": (contact.email or None) if contact else None,
                    "object_pms_id": reservation.inventory_object_id,
                    "rentable_type_id": reservation.rentable_type_id,
                    "extras": join_items(reservation.ordered, "extra"),
                    "costs": join_items(reservation.ordered, "cost"),
                    "search_text": fold(shown(f"{booking_nr} {guest_name}")),
                    "updated_at": reservation.updated_at,
                    "pending_keys": True,
                }
            )
        self._replace(PmsReservationRow, administration_pms_id, values)

    def clear_pending(self, administration_pms_id: str, pms_ids: Collection[str]) -> None:
        """These reservations' key data follows what is cached now."""
        self._set_pending(administration_pms_id, PmsReservationRow.pms_id, pms_ids, pending=False)

    def store_objects(
        self, administration_pms_id: str, objects: Sequence[InventoryObject], *, complete: bool = False
    ) -> None:
        """Insert or replace the objects that changed; ``complete`` (every object BEX has) also removes the ones
        it no longer lists. Unchanged objects are not written, so the ``sites`` counter (searches keep the
        objects in memory until it moves) stays put when BEX sends the same objects again.

        Reservations on an object that is new, renamed, relabelled, retyped or removed wait for their key
        data to be derived again (``PmsReader.pending_reservations``), also when the reservation itself did
        not change.
        """
        before = {
            row.pms_id: (row.name, row.labels, row.rentable_type_id, row.rentable_identity_id)
            for row in self.session.execute(
                select(
                    PmsObjectRow.pms_id,
                    PmsObjectRow.name,
                    PmsObjectRow.labels,
                    PmsObjectRow.rentable_type_id,
                    PmsObjectRow.rentable_identity_id,
                ).where(PmsObjectRow.administration_pms_id == administration_pms_id)
            )
        }
        values = [
            storable(
                {
                    "administration_pms_id": administration_pms_id,
                    "pms_id": unit.id,
                    "name": unit.name or unit.name_with_type or unit.id,
                    "rentable_type_id": unit.rentable_type_id,
                    "rentable_identity_id": unit.rentable_identity_id,
                    "labels": join_lines(unit.labels),
                }
            )
            for unit in objects
        ]
        stored = {
            value["pms_id"]: (value["name"], value["labels"], value["rentable_type_id"], value["rentable_identity_id"])
            for value in values
        }
        changed = {pms_id for pms_id, now in stored.items() if before.get(pms_id) != now}
        self._replace(PmsObjectRow, administration_pms_id, [value for value in values if value["pms_id"] in changed])
        touched = {pms_id for pms_id in changed if (before.get(pms_id) or ())[:3] != stored[pms_id][:3]}
        if complete:
            gone = before.keys() - stored.keys()
            for chunk in chunks(sorted(gone)):
                self.session.execute(
                    delete(PmsObjectRow).where(
                        PmsObjectRow.administration_pms_id == administration_pms_id, PmsObjectRow.pms_id.in_(chunk)
                    )
                )
            touched |= gone
        self._set_pending(administration_pms_id, PmsReservationRow.object_pms_id, touched, pending=True)

    def replace_catalogue(
        self,
        administration_pms_id: str,
        rentable_types: Sequence[RentableType],
        items: Sequence[CatalogueItem],
    ) -> None:
        """The administration's object types, extras and costs, replaced as a whole. The object types are
        written only when they differ, so the ``sites`` counter moves only when they do."""
        types = {
            each.id: storable(
                {"administration_pms_id": administration_pms_id, "pms_id": each.id, "name": each.name or each.id}
            )
            for each in rentable_types
        }
        stored_types = {
            pms_id: name
            for pms_id, name in self.session.execute(
                select(PmsRentableTypeRow.pms_id, PmsRentableTypeRow.name).where(
                    PmsRentableTypeRow.administration_pms_id == administration_pms_id
                )
            )
        }
        if stored_types != {pms_id: value["name"] for pms_id, value in types.items()}:
            self.session.execute(
                delete(PmsRentableTypeRow).where(PmsRentableTypeRow.administration_pms_id == administration_pms_id)
            )
            if types:
                self.session.execute(insert(PmsRentableTypeRow).execution_options(**BULK), list(types.values()))
        self.session.execute(
            delete(PmsCatalogueRow).where(PmsCatalogueRow.administration_pms_id == administration_pms_id)
        )
        unique = {(item.kind, item.id): item for item in items}
        if unique:
            self.session.execute(
                insert(PmsCatalogueRow).execution_options(**BULK),
                [
                    storable(
                        {
                            "administration_pms_id": administration_pms_id,
                            "kind": item.kind,
                            "pms_id": item.id,
                            "name": item.name or item.id,
                        }
                    )
                    for item in unique.values()
                ],
            )

    def replace_owners(self, administration_pms_id: str, owners: Sequence[Owner]) -> None:
        """The administration's owners and their agreements, replaced as a whole."""
        for table in (PmsAgreementRow, PmsOwnerRow):
            self.session.execute(delete(table).where(table.administration_pms_id == administration_pms_id))
        if not owners:
            return
        self.session.execute(
            insert(PmsOwnerRow).execution_options(**BULK),
            [
                storable(
                    {
                        "administration_pms_id": administration_pms_id,
                        "pms_id": owner.id,
                        "name": owner.contact.name or owner.id,
                        "phone": owner.contact.phone or None,
                        "email": owner.contact.email or None,
                        "search_text": fold(shown(f"{owner.contact.name or ''} {owner.contact.email or ''}")),
                    }
                )
                for owner in owners
            ],
        )
        agreements = {agreement.id: (owner.id, agreement) for owner in owners for agreement in owner.agreements}
        if agreements:
            self.session.execute(
                insert(PmsAgreementRow).execution_options(**BULK),
                [
                    {
                        "administration_pms_id": administration_pms_id,
                        "pms_id": agreement.id,
                        "owner_pms_id": owner_id,
                        "rentable_identity_id": agreement.rentable_identity_id,
                        "inventory_object_id": agreement.inventory_object_id,
                        "start_date": agreement.start_date,
                        "end_date": agreement.end_date,
                    }
                    for owner_id, agreement in agreements.values()
                ],
            )

    def _set_pending(
        self, administration_pms_id: str, column: InstrumentedAttribute[Any], ids: Collection[str], *, pending: bool
    ) -> None:
        """Mark the reservations whose ``column`` is among ``ids`` as waiting (or no longer) for key data."""
        for chunk in chunks(sorted(set(ids))):
            self.session.execute(
                update(PmsReservationRow)
                .where(PmsReservationRow.administration_pms_id == administration_pms_id)
                .where(column.in_(chunk))
                .values(pending_keys=pending)
            )

    def _replace(
        self,
        table: type[PmsReservationRow] | type[PmsObjectRow],
        administration_pms_id: str,
        values: list[dict[str, Any]],
    ) -> None:
        """Delete the rows these values replace, then insert them all in one statement per chunk."""
        unique = list({value["pms_id"]: storable(value) for value in values}.values())
        for chunk in chunks(value["pms_id"] for value in unique):
            self.session.execute(
                delete(table).where(table.administration_pms_id == administration_pms_id, table.pms_id.in_(chunk))
            )
        for start in range(0, len(unique), CHUNK):  # the table, not the ORM class: a plain executemany
            self.session.execute(insert(table).execution_options(**BULK), unique[start : start + CHUNK])
