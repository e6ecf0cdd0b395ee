"""Key data as the desk makes and changes it: create (reservation, owner), edit, and forget a deleted key.

Every change is validated by the core, stored with its audit row in one transaction, and never undone by
the PMS sync (which keeps every field the desk changed). Talking to SALTO is ``SaltoOperations``' job.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from salto_desk.errors import SaltoDeskError, Text, ValidationError
from salto_desk.host import this_desk
from salto_desk.keys.draft_validation import validate_key_draft
from salto_desk.keys.field_validation import salto_text
from salto_desk.keys.model import (
    Administration,
    AuditAction,
    Holder,
    HolderKind,
    KeyData,
    KeyDraft,
    KeyFields,
    KeyState,
    KeyType,
    OwnerDetails,
    Product,
    StayDates,
)
from salto_desk.keys.rules import (
    is_active,
    matching_products,
    owner_validity,
    reservation_label,
    reservation_validity,
    sendable_phone,
    state_after_edit,
    today_in,
)
from salto_desk.operations.audit_recorder import AuditRecorder, audit_draft
from salto_desk.protocol.text import OPERATOR_LENGTH
from salto_desk.storage.config_repository import ConfigRepository
from salto_desk.storage.database import Database
from salto_desk.storage.errors import NotFoundError
from salto_desk.storage.key_repository import KeyRepository
from salto_desk.storage.pms_reader import PmsReader
from salto_desk.storage.pms_values import CachedReservation
from salto_desk.storage.sync_key_repository import SyncKeyRepository

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class KeyChangedMeanwhile(SaltoDeskError):
    """The key data was changed (another desk, the PMS sync, an encode) after the desk read it."""

    def __init__(self, current: KeyData) -> None:
        super().__init__(
            Text(
                f"The key data of {current.holder.label} was changed meanwhile, perhaps at another desk or by the "
                "PMS sync; nothing was stored.",
                f"De sleutelgegevens van {current.holder.label} zijn intussen gewijzigd, misschien aan een andere "
                "balie of door de PMS-synchronisatie; er is niets opgeslagen.",
            ),
            Text(
                "Open the key data again and make the change once more.",
                "Open de sleutelgegevens opnieuw en breng de wijziging nogmaals aan.",
            ),
        )
        self.current = current


class KeyNotEditable(SaltoDeskError):
    """Key data that may not be changed right now."""


def new_reservation_key_fields(
    administration: Administration, key_type: KeyType, products: Sequence[Product], reservation: CachedReservation
) -> KeyFields:
    """What new key data of ``key_type`` for a cached reservation starts with, before the desk changes it.

    The reservation's door, validity from the rules (a matching product of the key type sets fixed
    times), the key type's access and card texts, and the guest's phone when it is in E.164 form.
    """
    product = next(iter(matching_products(products, reservation.facts)), None)
    return KeyFields(
        key_type_id=key_type.id,
        rooms=(reservation.door_name,) if reservation.door_name else (),
        validity=reservation_validity(StayDates(reservation.start_date, reservation.end_date), administration, product),
        granted=key_type.granted,
        denied=key_type.denied,
        print_info=key_type.print_info,
        phone=sendable_phone(reservation.phone),
        license_plate=reservation.license_plate if administration.carries_license_plate else None,
    )


def checked_operator(operator: str | None) -> str | None:
    """The operator name this desk puts on cards, checked against SALTO's field once (None: the
    administration's default operator)."""
    if operator is None:
        return None
    label = Text("operator name", "operatornaam")
    return salto_text("operator", label, operator, OPERATOR_LENGTH, "ascii", required=False)


class KeyDataService:
    """Key data of one desk: who made a change (desk, operator) goes into the audit trail."""

    def __init__(
        self,
        database: Database,
        *,
        operator: str | None = None,
        desk: str | None = None,
        clock: Clock = _utc_now,
    ) -> None:
        self.database = database
        self.operator = checked_operator(operator)
        self.desk = desk or this_desk()
        self.clock = clock
        self.audit = AuditRecorder(database, self.desk, lambda: self.clock())

    def operator_for(self, administration: Administration) -> str:
        return self.operator or administration.default_operator

    def create_key(self, draft: KeyDraft) -> KeyData:
        """Store validated key data and audit who created it."""
        now = self.clock()
        with self.database.unit_of_work() as session:
            administration = ConfigRepository(session).administration(draft.administration_id)
            key = KeyRepository(session).add(draft, now)
            self.audit.record(
                session,
                audit_draft(AuditAction.CREATE_KEY, administration, key, self.operator_for(administration)),
                now,
            )
        return key

    def create_owner_key(
        self,
        administration_id: int,
        key_type_id: int,
        owner: OwnerDetails,
        rooms: Iterable[str],
        valid_until: date,
        *,
        valid_from: date | None = None,
        print_info: Sequence[str] | None = None,
        license_plate: str | None = None,
    ) -> KeyData:
        """Key data for an owner (no booking): valid from today unless told otherwise."""
        with self.database.unit_of_work() as session:
            config = ConfigRepository(session)
            administration = config.administration(administration_id)
            key_type = config.key_type(key_type_id)
        self._check_license_plate(administration, license_plate)
        validity = owner_validity(administration, valid_until, today_in(administration, self.clock()), valid_from)
        return self.create_key(
            KeyDraft(
                administration_id=administration_id,
                key_type_id=key_type_id,
                holder=Holder(HolderKind.OWNER, owner.pms_id, owner.name),
                rooms=tuple(rooms),
                validity=validity,
                granted=key_type.granted,
                denied=key_type.denied,
                print_info=key_type.print_info if print_info is None else tuple(print_info),
                phone=owner.phone,
                license_plate=license_plate or None,
            )
        )

    def create_reservation_key(self, administration_id: int, reservation_pms_id: str, fields: KeyFields) -> KeyData:
        """Key data made by hand for a cached reservation (no product matched, or after a delete).

        Ready to issue at once: the desk decides, so "wait for check-in" does not apply. One key data
        per key type and reservation, as the sync keeps it.
        """
        with self.database.unit_of_work() as session:
            administration = ConfigRepository(session).administration(administration_id)
            reservation = self._cached_reservation(session, administration_id, reservation_pms_id)
            key_type = ConfigRepository(session).key_type(fields.key_type_id)
            existing = KeyRepository(session).for_holder(administration_id, HolderKind.RESERVATION, reservation_pms_id)
        label = reservation_label(reservation.booking_nr, reservation.guest_name, reservation.pms_id)
        if any(key.key_type_id == key_type.id for key in existing):
            raise ValidationError(
                "key_type_id",
                Text(
                    f"{label} already has key data of the key type {key_type.name!r}.",
                    f"{label} heeft al sleutelgegevens van het sleuteltype {key_type.name!r}.",
                ),
                Text(
                    "Edit that key data, or choose another key type.",
                    "Wijzig die sleutelgegevens, of kies een ander sleuteltype.",
                ),
            )
        self._check_license_plate(administration, fields.license_plate)
        return self.create_key(
            KeyDraft(
                administration_id=administration_id,
                holder=Holder(HolderKind.RESERVATION, reservation.pms_id, label),
                state=KeyState.READY,
                **vars(fields),
            )
        )

    def update_key(self, key: KeyData, fields: KeyFields) -> KeyData:
        """Change key data by hand; the PMS sync never undoes it (it keeps every field the desk changed).

        ``key`` is the key data as the desk saw it: when it changed meanwhile (another desk, the sync)
        nothing is stored. Changing what the cards carry (rooms, validity, access, card texts) of an
        issued key marks it "needs re-encode". Nothing changed: nothing stored, no audit row.
        """
        now = self.clock()
        with self.database.unit_of_work() as session:
            keys = KeyRepository(session)
            config = ConfigRepository(session)
            current = keys.get(key.id)
            administration = config.administration(current.administration_id)
            if KeyFields.of(current) != KeyFields.of(key):
                raise KeyChangedMeanwhile(current)
            if current.state is KeyState.REVOKING:
                raise KeyNotEditable(
                    Text(
                        f"The stay of {current.holder.label} was cancelled in the PMS; its key is being checked out "
                        "in SALTO and cannot be changed.",
                        f"Het verblijf van {current.holder.label} is in het PMS geannuleerd; de sleutel wordt in "
                        "SALTO uitgecheckt en kan niet worden gewijzigd.",
                    ),
                    Text(
                        "Make a new reservation in the PMS if the guest stays after all.",
                        "Maak een nieuwe reservering in het PMS als de gast toch blijft.",
                    ),
                )
            if fields.key_type_id != current.key_type_id and SyncKeyRepository(session).links([current.id]):
                raise ValidationError(
                    "key_type_id",
                    Text(
                        "The key type of key data made by the PMS sync from a product cannot change: the sync "
                        "would make new key data of the product's key type.",
                        "Het sleuteltype van sleutelgegevens die de PMS-synchronisatie uit een product maakte, kan "
                        "niet wijzigen: de synchronisatie zou nieuwe sleutelgegevens van het sleuteltype van het "
                        "product maken.",
                    ),
                    Text(
                        "Keep the key type and change the access and texts instead, or change the product in Settings.",
                        "Houd het sleuteltype en wijzig de toegang en teksten, of wijzig het product in Instellingen.",
                    ),
                )
            self._check_license_plate(administration, fields.license_plate)
            draft = validate_key_draft(
                replace(current, **vars(fields)),
                administration.text_encoding,
                administration.phone_country,
                administration.zone,
            )
            changed = [name for name, value in vars(KeyFields.of(draft)).items() if value != getattr(current, name)]
            if not changed:
                return current
            draft = replace(draft, state=state_after_edit(current, draft, administration))
            updated = keys.update(current.id, draft, now)
            self.audit.record(
                session,
                audit_draft(AuditAction.EDIT_KEY, administration, updated, self.operator_for(administration)),
                now,
                message="changed: " + ", ".join(changed),
            )
        return updated

    def shared_rooms(self, key: KeyData) -> list[KeyData]:
        """Other active keys whose cards a CO for this key's rooms would void."""
        now = self.clock()
        with self.database.unit_of_work() as session:
            keys = KeyRepository(session)
            return [other for other in keys.sharing_rooms(keys.get(key.id)) if is_active(other, now)]

    def forget(self, key: KeyData) -> None:
        """Delete the key data (its audit rows stay). A reservation's key deleted at the desk stays deleted:
        the PMS sync never makes key data of that key type for the reservation again; a key in state
        "revoking" goes because its stay was cancelled in the PMS, which is no desk decision."""
        now = self.clock()
        with self.database.unit_of_work() as session:
            administration = ConfigRepository(session).administration(key.administration_id)
            KeyRepository(session).delete(key.id)
            if key.holder.kind is HolderKind.RESERVATION and key.state is not KeyState.REVOKING:
                SyncKeyRepository(session).remember_desk_deletion(
                    key.administration_id, key.holder.pms_id, key.key_type_id, now
                )
            self.audit.record(
                session,
                audit_draft(AuditAction.DELETE_KEY, administration, key, self.operator_for(administration)),
                now,
            )

    # --- internals -------------------------------------------------------------------------------

    @staticmethod
    def _cached_reservation(session: Session, administration_id: int, pms_id: str) -> CachedReservation:
        reservation = PmsReader(session).reservation(administration_id, pms_id)
        if reservation is None:
            raise NotFoundError(Text("reservation", "reservering"), pms_id)
        return reservation

    @staticmethod
    def _check_license_plate(administration: Administration, plate: str | None) -> None:
        if plate and plate.strip() and not administration.carries_license_plate:
            raise ValidationError(
                "license_plate",
                Text(
                    f"{administration.name} does not send license plates to SALTO.",
                    f"{administration.name} stuurt geen kentekens naar SALTO.",
                ),
                Text(
                    "Leave the license plate empty, or let a manager switch it on in the settings (SALTO 1.20 or "
                    "newer).",
                    "Laat het kenteken leeg, of laat een manager het aanzetten in de instellingen (SALTO 1.20 of "
                    "nieuwer).",
                ),
            )
