"""Key operations over the SALTO client: encode cards, send to a phone, read a card, delete, owner keys.

Every request is preceded by a ``pending`` audit row in its own committed transaction, and its
outcome is stored together with the key data change in one transaction after SALTO answers. A
process that dies in between therefore leaves a pending row (``unknown`` at the next start) and
key data exactly as it was before the request.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import TypeVar

from sqlalchemy.orm import Session

from salto_desk.coordination import Coordinator
from salto_desk.errors import SaltoDeskError, Text, ValidationError
from salto_desk.host import this_desk
from salto_desk.keys.model import (
    Administration,
    AuditAction,
    AuditDraft,
    AuditState,
    AuthorizationName,
    Encoder,
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
    EncodeMode,
    card_texts,
    check_can_issue,
    checkout_rooms,
    commands_for,
    is_active,
    matching_products,
    mobile_command,
    owner_validity,
    reservation_label,
    reservation_validity,
    sendable_phone,
    state_after_edit,
    today_in,
)
from salto_desk.keys.validation import check_phone, salto_text, validate_key_draft
from salto_desk.protocol.cards import CardProgress, CardStep
from salto_desk.protocol.cards import encode_cards as encode_card_sequence
from salto_desk.protocol.client import Progress, ProgressCallback, RequestLike, SaltoClient, Stage, TraceCallback
from salto_desk.protocol.errors import (
    Cancelled,
    ConnectionLost,
    LinkError,
    LinkTimeout,
    RemoteProtocolError,
    SaltoErrorReply,
)
from salto_desk.protocol.messages import (
    CardReadout,
    CardType,
    CheckOut,
    EncodeCard,
    EncodeReply,
    MobileKey,
    ReadCard,
    SerialReturn,
)
from salto_desk.protocol.text import OPERATOR_LENGTH, mask_phone_numbers
from salto_desk.storage.audit_repository import AuditRepository
from salto_desk.storage.config_repository import ConfigRepository
from salto_desk.storage.database import Database
from salto_desk.storage.errors import NotFoundError
from salto_desk.storage.key_repository import KeyRepository
from salto_desk.storage.pms_repository import CachedReservation, PmsRepository
from salto_desk.storage.sync_key_repository import SyncKeyRepository

ReplyT = TypeVar("ReplyT")
ResultT = TypeVar("ResultT")

ClientFactory = Callable[[Administration], SaltoClient]
Clock = Callable[[], datetime]


def salto_client_for(administration: Administration, trace: TraceCallback | None = None) -> SaltoClient:
    """A client with the administration's endpoint, wire settings, timeouts and serial line."""
    return SaltoClient(
        administration.salto_endpoint,
        options=administration.wire_options(),
        timeouts=administration.timeouts(),
        serial=administration.serial_settings(),
        acknowledge_replies=administration.acknowledge_replies,
        trace=trace,
    )


@dataclass(frozen=True)
class EncodeResult:
    key: KeyData
    replies: tuple[EncodeReply, ...]

    @property
    def serials(self) -> tuple[str, ...]:
        return tuple(serial for reply in self.replies for serial in reply.serials)


@dataclass(frozen=True)
class CardReport:
    """A card read back: the readout, its authorizations by name, and the key data it came from."""

    readout: CardReadout
    authorizations: tuple[AuthorizationName, ...]
    key: KeyData | None

    @property
    def holder(self) -> Holder | None:
        return None if self.key is None else self.key.holder


class SharedRoomsWarning(SaltoDeskError):
    """Deleting this key sends CO, which also voids the cards of other active keys of the same rooms."""

    def __init__(self, key: KeyData, others: Sequence[KeyData]) -> None:
        rooms = sorted({room for other in others for room in other.rooms if room in key.rooms})
        holders = ", ".join(other.holder.label for other in others)
        super().__init__(
            Text(
                f"Room {', '.join(rooms)} also has active keys of: {holders}. Deleting this key checks the room "
                f"out in SALTO, which voids their cards too.",
                f"Kamer {', '.join(rooms)} heeft ook actieve sleutels van: {holders}. Deze sleutel verwijderen "
                f"checkt de kamer uit in SALTO, waardoor ook hun kaarten ongeldig worden.",
            ),
            Text(
                "Confirm to delete anyway, and make new cards for the others afterwards.",
                "Bevestig om toch te verwijderen, en maak daarna nieuwe kaarten voor de anderen.",
            ),
        )
        self.key = key
        self.others = tuple(others)


class WrongAdministration(SaltoDeskError):
    """An encoder of one administration was chosen for key data of another."""


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


def _masked(phone: str) -> str:
    return mask_phone_numbers(phone.encode("ascii")).decode("ascii")


OUTCOME_UNKNOWN = (
    "SALTO had accepted the request when the link failed, so whether the card or phone key was made is unknown. "
    "Read the card to check."
)


def _failure(error: BaseException, accepted: bool = False) -> tuple[AuditState, str, str]:
    """Audit state, SALTO error code and English message for an exception raised by a request.

    A link that fails after SALTO accepted the request (``accepted``) leaves the outcome unknown.
    """
    if isinstance(error, SaltoErrorReply):
        return AuditState.SALTO_ERROR, error.code, error.user_message("en")
    if accepted and isinstance(error, ConnectionLost | RemoteProtocolError | LinkTimeout):
        return AuditState.UNKNOWN, "", f"{error.message('en')} {OUTCOME_UNKNOWN}"
    if isinstance(error, LinkError):
        return AuditState.LINK_ERROR, "", error.user_message("en")
    if isinstance(error, SaltoDeskError):
        return AuditState.UNKNOWN, "", error.user_message("en")
    return AuditState.UNKNOWN, "", f"{type(error).__name__}: {error}"


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


class KeyService:
    """Runs key operations for one desk; one operation at a time, ``cancel()`` from any thread."""

    def __init__(
        self,
        database: Database,
        client_factory: ClientFactory = salto_client_for,
        *,
        operator: str | None = None,
        desk: str | None = None,
        clock: Clock = lambda: datetime.now(UTC),
        coordinator: Coordinator | None = None,
    ) -> None:
        self.database = database
        self.coordinator = coordinator
        """Shares encoders and SALTO links with the other desks of the database (None: this desk works alone)."""
        self.client_factory = client_factory
        self.operator = (
            None
            if operator is None
            else salto_text(
                "operator", Text("operator name", "operatornaam"), operator, OPERATOR_LENGTH, "ascii", required=False
            )
        )
        self.desk = desk or this_desk()
        self.clock = clock
        self._cancelled = threading.Event()
        self._client: SaltoClient | None = None
        self._client_guard = threading.Lock()

    # --- key data --------------------------------------------------------------------------------

    def create_key(self, draft: KeyDraft) -> KeyData:
        """Store validated key data and audit who created it."""
        now = self.clock()
        with self.database.unit_of_work() as session:
            administration = ConfigRepository(session).administration(draft.administration_id)
            key = KeyRepository(session).add(draft, now)
            self._record_done(session, AuditAction.CREATE_KEY, administration, key, now)
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

    def reservation_key_defaults(self, administration_id: int, reservation_pms_id: str, key_type_id: int) -> KeyFields:
        """What new key data of this key type for a cached reservation starts with, before the desk changes it."""
        with self.database.unit_of_work() as session:
            config = ConfigRepository(session)
            return new_reservation_key_fields(
                config.administration(administration_id),
                config.key_type(key_type_id),
                config.products(key_type_id),
                self._cached_reservation(session, administration_id, reservation_pms_id),
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
                replace(current, **vars(fields)), administration.text_encoding, administration.phone_country
            )
            changed = [name for name, value in vars(KeyFields.of(draft)).items() if value != getattr(current, name)]
            if not changed:
                return current
            draft = replace(draft, state=state_after_edit(current, draft, administration))
            updated = keys.update(current.id, draft, now)
            AuditRepository(session).record(
                self._draft(AuditAction.EDIT_KEY, administration, updated),
                desk=self.desk, process_id=os.getpid(), now=now, state=AuditState.OK,
                message="changed: " + ", ".join(changed),
            )  # fmt: skip
        return updated

    def shared_rooms(self, key: KeyData) -> list[KeyData]:
        """Other active keys whose cards a CO for this key's rooms would void."""
        now = self.clock()
        with self.database.unit_of_work() as session:
            keys = KeyRepository(session)
            return [other for other in keys.sharing_rooms(keys.get(key.id)) if is_active(other, now)]

    def delete_key(self, key: KeyData, *, shared_rooms_confirmed: bool = False) -> None:
        """CO for each room of an issued key, then delete the key data; its audit rows stay.

        A reservation's key deleted at the desk stays deleted: the PMS sync never makes key data of that
        key type for the reservation again (new key data is made by hand). A key in state "revoking" goes
        because its stay was cancelled in the PMS (the sync checks it out), which is no desk decision.
        """
        self._cancelled.clear()
        with self.database.unit_of_work() as session:
            current = KeyRepository(session).get(key.id)
            administration = ConfigRepository(session).administration(current.administration_id)
        rooms = checkout_rooms(current)
        if rooms and not shared_rooms_confirmed and (others := self.shared_rooms(current)):
            raise SharedRoomsWarning(current, others)
        for room in rooms:
            draft = replace(self._draft(AuditAction.CHECK_OUT, administration, current), command="CO", rooms=(room,))
            self._exchange(administration, draft, CheckOut(room), lambda _session, _reply: None)
        now = self.clock()
        with self.database.unit_of_work() as session:
            KeyRepository(session).delete(current.id)
            if current.holder.kind is HolderKind.RESERVATION and current.state is not KeyState.REVOKING:
                SyncKeyRepository(session).remember_desk_deletion(
                    current.administration_id, current.holder.pms_id, current.key_type_id, now
                )
            self._record_done(session, AuditAction.DELETE_KEY, administration, current, now)

    # --- SALTO operations ------------------------------------------------------------------------

    def encode_cards(
        self,
        key: KeyData,
        encoder: Encoder,
        count: int,
        mode: EncodeMode,
        progress: Callable[[CardProgress], None] | None = None,
    ) -> EncodeResult:
        """Write ``count`` cards: new = CN then CC, copy = CC only; one audit row per card."""
        self._cancelled.clear()
        with self.database.unit_of_work() as session:
            config = ConfigRepository(session)
            current = KeyRepository(session).get(key.id)
            chosen = config.encoder(encoder.id)
            administration = config.administration(current.administration_id)
        self._check_encoder(current, chosen)
        check_can_issue(current, self.clock())
        commands = commands_for(mode.action, current, count)
        template = EncodeCard(
            command="CN",  # the card sequence sets each card's command
            encoder=chosen.external_id,
            rooms=current.rooms,
            start=current.validity.start,
            end=current.validity.end,
            granted=current.granted,
            denied=current.denied,
            operator=self._operator(administration),
            texts=card_texts(current, administration),
            eject=administration.eject_mode,
            serial_return=SerialReturn.ALL,
        )
        template.fields(administration.wire_options())  # a value SALTO cannot take fails before the audit row

        def card_draft(number: int) -> AuditDraft:
            action = AuditAction.ENCODE_NEW if commands[number - 1] == "CN" else AuditAction.ENCODE_COPY
            return replace(
                self._draft(action, administration, current),
                command=commands[number - 1], encoder=chosen.name, card_number=number, card_count=count,
            )  # fmt: skip

        with self._turn(administration, chosen):  # the encoder and the link are this desk's until done
            open_entry: list[int] = [self._start(card_draft(1))]
            written: list[KeyData] = [current]
            notify = progress or (lambda _progress: None)
            accepted = threading.Event()  # SALTO accepted the current card: a link failure leaves it unknown

            def on_card(step: CardProgress) -> None:
                if step.step is CardStep.PLACE:
                    accepted.set()
                if step.step is CardStep.DONE:
                    accepted.clear()
                    serials = step.reply.serials if step.reply else ()
                    now = self.clock()
                    with self.database.unit_of_work() as session:
                        AuditRepository(session).finish(open_entry[-1], AuditState.OK, now, serials=serials)
                        written.append(
                            KeyRepository(session).record_cards(
                                current.id, new_stay=step.command == "CN", encoder=chosen.name, serials=serials, now=now
                            )
                        )
                    open_entry.pop()  # only once stored: a failed commit leaves the row for _run to settle
                notify(step)
                if step.step is CardStep.DONE and step.card < count:
                    open_entry.append(self._start(card_draft(step.card + 1)))  # before the next card is sent

            replies = self._run(
                administration,
                open_entry,
                lambda client: encode_card_sequence(
                    client,
                    template,
                    count,
                    copy=mode is EncodeMode.COPY,
                    on_progress=on_card,
                    encoder_label=chosen.name,
                ),
                accepted,
            )
        return EncodeResult(written[-1], tuple(replies))

    def send_to_phone(self, key: KeyData, phone: str, progress: ProgressCallback | None = None) -> KeyData:
        """A JustIN Mobile key: CNM, or CCM once cards or another phone key exist."""
        self._cancelled.clear()
        with self.database.unit_of_work() as session:
            current = KeyRepository(session).get(key.id)
            administration = ConfigRepository(session).administration(current.administration_id)
        number = check_phone(phone, administration.phone_country)
        check_can_issue(current, self.clock())
        command = mobile_command(current)
        request = MobileKey(
            command=command,
            phone=number,
            rooms=current.rooms,
            start=current.validity.start,
            end=current.validity.end,
            granted=current.granted,
            denied=current.denied,
            operator=self._operator(administration),
        )
        draft = replace(
            self._draft(AuditAction.SEND_TO_PHONE, administration, current), command=command, phone=_masked(number)
        )

        def record(session: Session, _reply: object) -> KeyData:
            return KeyRepository(session).record_delivery(current.id, phone=number, command=command, now=self.clock())

        return self._exchange(administration, draft, request, record, progress)

    def read_card(self, encoder: Encoder, progress: ProgressCallback | None = None) -> CardReport:
        """LT on an encoder: the decoded card, authorization names and the key data it matches."""
        self._cancelled.clear()
        with self.database.unit_of_work() as session:
            config = ConfigRepository(session)
            chosen = config.encoder(encoder.id)
            administration = config.administration(chosen.administration_id)
        draft = AuditDraft(
            action=AuditAction.READ_CARD,
            command="LT",
            administration=administration.pms_id,
            encoder=chosen.name,
            operator=self._operator(administration),
        )

        def report(session: Session, readout: CardReadout) -> CardReport:
            names = dict((each.number, each.name) for each in ConfigRepository(session).authorization_names(
                administration.id))  # fmt: skip
            key = None
            if readout.card_type is CardType.GUEST:
                key = KeyRepository(session).find_by_card(administration.id, readout.rooms, readout.start, readout.end)
            granted = tuple(AuthorizationName(number, names.get(number, "")) for number in readout.granted)
            return CardReport(readout, granted, key)

        return self._exchange(
            administration, draft, ReadCard(chosen.external_id, administration.eject_mode), report, progress, chosen
        )

    def cancel(self) -> None:
        """Stop the running operation: a waiting request raises ``Cancelled``, no further card is started."""
        self._cancelled.set()
        with self._client_guard:
            client = self._client
        if client is not None:
            client.cancel()

    # --- internals -------------------------------------------------------------------------------

    def _exchange(
        self,
        administration: Administration,
        draft: AuditDraft,
        request: RequestLike[ReplyT],
        on_success: Callable[[Session, ReplyT], ResultT],
        progress: ProgressCallback | None = None,
        encoder: Encoder | None = None,
    ) -> ResultT:
        """One request: local check, pending row, send, then outcome and key data change together."""
        request.fields(administration.wire_options())
        accepted = threading.Event()

        def tracked(step: Progress) -> None:
            if step.stage is Stage.ACKNOWLEDGED:
                accepted.set()
            if progress is not None:
                progress(step)

        with self._turn(administration, encoder):
            open_entry = [self._start(draft)]
            reply = self._run(administration, open_entry, lambda client: client.request(request, tracked), accepted)
        with self.database.unit_of_work() as session:
            AuditRepository(session).finish(open_entry.pop(), AuditState.OK, self.clock())
            return on_success(session, reply)

    @contextmanager
    def _turn(self, administration: Administration, encoder: Encoder | None) -> Iterator[None]:
        """This desk's turn on the encoder and the SALTO link, taken before the pending audit row is written."""
        if self.coordinator is None:
            yield
            return
        with self.coordinator.turn(administration, encoder, self._cancelled):
            yield

    def _run(
        self,
        administration: Administration,
        open_entry: list[int],
        work: Callable[[SaltoClient], ResultT],
        accepted: threading.Event | None = None,
    ) -> ResultT:
        """Run ``work`` on a fresh client; on failure complete the open audit row with the outcome.

        ``accepted`` is set while SALTO has accepted the request in flight.
        """
        try:
            client = self.client_factory(administration)
            with self._client_guard:
                self._client = client
            try:
                return work(client)
            finally:
                with self._client_guard:
                    self._client = None
                client.close()
        except BaseException as error:
            if open_entry:
                state, code, message = _failure(error, accepted is not None and accepted.is_set())
                with self.database.unit_of_work() as session:
                    AuditRepository(session).finish(
                        open_entry.pop(), state, self.clock(), error_code=code, message=message
                    )
            raise

    def _start(self, draft: AuditDraft) -> int:
        """A pending audit row, committed before anything is sent; after ``cancel()`` nothing new starts."""
        if self._cancelled.is_set():
            raise Cancelled()
        with self.database.unit_of_work() as session:
            return AuditRepository(session).start(draft, desk=self.desk, process_id=os.getpid(), now=self.clock())

    def _record_done(
        self, session: Session, action: AuditAction, administration: Administration, key: KeyData, now: datetime
    ) -> None:
        """Audit a local action (no SALTO request) in the caller's transaction."""
        AuditRepository(session).record(
            self._draft(action, administration, key), desk=self.desk, process_id=os.getpid(), now=now,
            state=AuditState.OK,
        )  # fmt: skip

    def _draft(self, action: AuditAction, administration: Administration, key: KeyData) -> AuditDraft:
        return AuditDraft(
            action=action,
            administration=administration.pms_id,
            key_id=key.id,
            holder=key.holder.label,
            rooms=key.rooms,
            operator=self._operator(administration),
        )

    def _operator(self, administration: Administration) -> str:
        return self.operator or administration.default_operator

    @staticmethod
    def _cached_reservation(session: Session, administration_id: int, pms_id: str) -> CachedReservation:
        reservation = PmsRepository(session).reservation(administration_id, pms_id)
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

    @staticmethod
    def _check_encoder(key: KeyData, encoder: Encoder) -> None:
        if encoder.administration_id != key.administration_id:
            raise WrongAdministration(
                Text(
                    f"The encoder {encoder.name!r} belongs to another administration than this key.",
                    f"De encoder {encoder.name!r} hoort bij een andere administratie dan deze sleutel.",
                ),
                Text(
                    "Choose an encoder of the key's administration.",
                    "Kies een encoder van de administratie van de sleutel.",
                ),
            )
