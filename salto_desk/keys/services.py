"""Key operations over the SALTO client: encode cards, send to a phone, read a card, delete, owner keys.

Every request is preceded by a ``pending`` audit row in its own committed transaction, and its
outcome is stored together with the key data change in one transaction after SALTO answers. A
process that dies in between therefore leaves a pending row (``unknown`` at the next start) and
key data exactly as it was before the request.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import TypeVar

from sqlalchemy.orm import Session

from salto_desk.errors import SaltoDeskError, Text
from salto_desk.keys.audit import this_desk
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
    OwnerDetails,
)
from salto_desk.keys.rules import (
    EncodeMode,
    card_texts,
    check_can_issue,
    checkout_rooms,
    commands_for,
    is_active,
    mobile_command,
    owner_validity,
    today_in,
)
from salto_desk.keys.validation import check_phone, salto_text
from salto_desk.protocol.cards import CardProgress, CardStep
from salto_desk.protocol.cards import encode_cards as encode_card_sequence
from salto_desk.protocol.client import ProgressCallback, RequestLike, SaltoClient, TraceCallback
from salto_desk.protocol.errors import Cancelled, LinkError, SaltoErrorReply
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
from salto_desk.storage.key_repository import KeyRepository

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


def _masked(phone: str) -> str:
    return mask_phone_numbers(phone.encode("ascii")).decode("ascii")


def _failure(error: BaseException) -> tuple[AuditState, str, str]:
    """Audit state, SALTO error code and English message for an exception raised by a request."""
    if isinstance(error, SaltoErrorReply):
        return AuditState.SALTO_ERROR, error.code, error.user_message("en")
    if isinstance(error, LinkError):
        return AuditState.LINK_ERROR, "", error.user_message("en")
    if isinstance(error, SaltoDeskError):
        return AuditState.UNKNOWN, "", error.user_message("en")
    return AuditState.UNKNOWN, "", f"{type(error).__name__}: {error}"


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
    ) -> None:
        self.database = database
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
    ) -> KeyData:
        """Key data for an owner (no booking): valid from today unless told otherwise."""
        with self.database.unit_of_work() as session:
            config = ConfigRepository(session)
            administration = config.administration(administration_id)
            key_type = config.key_type(key_type_id)
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
            )
        )

    def shared_rooms(self, key: KeyData) -> list[KeyData]:
        """Other active keys whose cards a CO for this key's rooms would void."""
        now = self.clock()
        with self.database.unit_of_work() as session:
            keys = KeyRepository(session)
            return [other for other in keys.sharing_rooms(keys.get(key.id)) if is_active(other, now)]

    def delete_key(self, key: KeyData, *, shared_rooms_confirmed: bool = False) -> None:
        """CO for each room of an issued key, then delete the key data; its audit rows stay."""
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

        open_entry: list[int] = [self._start(card_draft(1))]
        written: list[KeyData] = [current]
        notify = progress or (lambda _progress: None)

        def on_card(step: CardProgress) -> None:
            if step.step is CardStep.DONE:
                serials = step.reply.serials if step.reply else ()
                now = self.clock()
                with self.database.unit_of_work() as session:
                    AuditRepository(session).finish(open_entry.pop(), AuditState.OK, now, serials=serials)
                    written.append(
                        KeyRepository(session).record_cards(
                            current.id, new_stay=step.command == "CN", encoder=chosen.name, serials=serials, now=now
                        )
                    )
            notify(step)
            if step.step is CardStep.DONE and step.card < count:
                open_entry.append(self._start(card_draft(step.card + 1)))  # before the next card is sent

        replies = self._run(
            administration,
            open_entry,
            lambda client: encode_card_sequence(
                client, template, count, copy=mode is EncodeMode.COPY, on_progress=on_card, encoder_label=chosen.name
            ),
        )
        return EncodeResult(written[-1], tuple(replies))

    def send_to_phone(self, key: KeyData, phone: str, progress: ProgressCallback | None = None) -> KeyData:
        """A JustIN Mobile key: CNM, or CCM once cards or another phone key exist."""
        self._cancelled.clear()
        number = check_phone(phone)
        with self.database.unit_of_work() as session:
            current = KeyRepository(session).get(key.id)
            administration = ConfigRepository(session).administration(current.administration_id)
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
            administration, draft, ReadCard(chosen.external_id, administration.eject_mode), report, progress
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
    ) -> ResultT:
        """One request: local check, pending row, send, then outcome and key data change together."""
        request.fields(administration.wire_options())
        open_entry = [self._start(draft)]
        reply = self._run(administration, open_entry, lambda client: client.request(request, progress))
        with self.database.unit_of_work() as session:
            AuditRepository(session).finish(open_entry.pop(), AuditState.OK, self.clock())
            return on_success(session, reply)

    def _run(
        self, administration: Administration, open_entry: list[int], work: Callable[[SaltoClient], ResultT]
    ) -> ResultT:
        """Run ``work`` on a fresh client; on failure complete the open audit row with the outcome."""
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
                state, code, message = _failure(error)
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
