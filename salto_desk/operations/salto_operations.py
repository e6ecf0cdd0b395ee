"""What the desk asks SALTO to do with a key: encode cards, send a phone key, read a card, check rooms out.

One operation at a time per instance (the window keeps one per SALTO endpoint), ``cancel()`` from any
thread. Each request is audited by ``AuditRecorder`` (pending before it is sent, settled on every way
out) and takes this desk's turn on the encoder and the SALTO link first when desks share a database.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TypeVar

from sqlalchemy.orm import Session

from salto_desk.coordination import Coordinator
from salto_desk.errors import SaltoDeskError, Text
from salto_desk.keys.draft_validation import check_phone
from salto_desk.keys.model import (
    Administration,
    AuditAction,
    AuditDraft,
    AuthorizationName,
    Encoder,
    Holder,
    KeyData,
)
from salto_desk.keys.rules import (
    EncodeMode,
    card_texts,
    check_can_issue,
    checkout_rooms,
    commands_for,
    mobile_command,
)
from salto_desk.operations.audit_recorder import AuditedRequest, audit_draft
from salto_desk.operations.key_data import KeyDataService
from salto_desk.protocol.cards import CardProgress, CardStep
from salto_desk.protocol.cards import encode_cards as encode_card_sequence
from salto_desk.protocol.client import (
    EndpointLocks,
    Progress,
    ProgressCallback,
    RequestLike,
    SaltoClient,
    Stage,
    TraceCallback,
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
from salto_desk.protocol.text import mask_phone_numbers
from salto_desk.storage.config_repository import ConfigRepository
from salto_desk.storage.key_repository import KeyRepository

ReplyT = TypeVar("ReplyT")
ResultT = TypeVar("ResultT")
ClientFactory = Callable[[Administration], SaltoClient]


def salto_client_for(
    administration: Administration, trace: TraceCallback | None = None, locks: EndpointLocks | None = None
) -> SaltoClient:
    """A client with the administration's endpoint, wire settings, timeouts and serial line; ``locks`` keeps
    clients of one endpoint in this process from talking over each other."""
    return SaltoClient(
        administration.salto_endpoint,
        options=administration.wire_options(),
        timeouts=administration.timeouts(),
        serial=administration.serial_settings(),
        acknowledge_replies=administration.acknowledge_replies,
        trace=trace,
        locks=locks,
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


class SaltoOperations:
    """The SALTO requests of one desk on key data, one operation at a time."""

    def __init__(
        self,
        key_data: KeyDataService,
        client_factory: ClientFactory = salto_client_for,
        *,
        coordinator: Coordinator | None = None,
    ) -> None:
        self.key_data = key_data
        """Where key data lives; its audit recorder, desk, operator and clock are this service's too."""
        self.database = key_data.database
        self.client_factory = client_factory
        self.coordinator = coordinator
        """Shares encoders and SALTO links with the other desks of the database (None: this desk works alone)."""
        self._cancelled = threading.Event()
        self._client: SaltoClient | None = None
        self._client_guard = threading.Lock()

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
        check_can_issue(current, self.key_data.clock(), administration.zone)
        commands = commands_for(mode.action, current, count)
        operator = self.key_data.operator_for(administration)
        template = EncodeCard(
            command="CN",  # the card sequence sets each card's command
            encoder=chosen.external_id,
            rooms=current.rooms,
            start=current.validity.start,
            end=current.validity.end,
            granted=current.granted,
            denied=current.denied,
            operator=operator,
            texts=card_texts(current, administration),
            eject=administration.eject_mode,
            serial_return=SerialReturn.ALL,
        )
        template.fields(administration.wire_options())  # a value SALTO cannot take fails before the audit row

        def card_draft(number: int) -> AuditDraft:
            action = AuditAction.ENCODE_NEW if commands[number - 1] == "CN" else AuditAction.ENCODE_COPY
            return replace(
                audit_draft(action, administration, current, operator),
                command=commands[number - 1], encoder=chosen.name, card_number=number, card_count=count,
            )  # fmt: skip

        written: list[KeyData] = [current]
        notify = progress or (lambda _progress: None)
        with self._turn(administration, chosen), self.key_data.audit.request(self._cancelled) as audited:
            audited.begin(card_draft(1))

            def on_card(step: CardProgress) -> None:
                if step.step is CardStep.PLACE:
                    audited.accepted.set()
                if step.step is CardStep.DONE:
                    serials = step.reply.serials if step.reply else ()
                    with audited.succeeded(serials) as session:
                        written.append(
                            KeyRepository(session).record_cards(
                                current.id,
                                new_stay=step.command == "CN",
                                encoder=chosen.name,
                                serials=serials,
                                now=self.key_data.clock(),
                            )
                        )
                notify(step)
                if step.step is CardStep.DONE and step.card < count:
                    audited.begin(card_draft(step.card + 1))  # before the next card is sent

            replies = self._with_client(
                administration,
                lambda client: encode_card_sequence(
                    client,
                    template,
                    count,
                    copy=mode is EncodeMode.COPY,
                    on_progress=on_card,
                    encoder_label=chosen.name,
                ),
            )
        return EncodeResult(written[-1], tuple(replies))

    def send_to_phone(self, key: KeyData, phone: str, progress: ProgressCallback | None = None) -> KeyData:
        """A JustIN Mobile key: CNM, or CCM once cards or another phone key exist."""
        self._cancelled.clear()
        with self.database.unit_of_work() as session:
            current = KeyRepository(session).get(key.id)
            administration = ConfigRepository(session).administration(current.administration_id)
        number = check_phone(phone, administration.phone_country)
        check_can_issue(current, self.key_data.clock(), administration.zone)
        command = mobile_command(current)
        operator = self.key_data.operator_for(administration)
        request = MobileKey(
            command=command,
            phone=number,
            rooms=current.rooms,
            start=current.validity.start,
            end=current.validity.end,
            granted=current.granted,
            denied=current.denied,
            operator=operator,
        )
        draft = replace(
            audit_draft(AuditAction.SEND_TO_PHONE, administration, current, operator),
            command=command,
            phone=_masked(number),
        )

        def record(session: Session, _reply: object) -> KeyData:
            clock = self.key_data.clock
            return KeyRepository(session).record_delivery(current.id, phone=number, command=command, now=clock())

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
            operator=self.key_data.operator_for(administration),
        )

        def report(session: Session, readout: CardReadout) -> CardReport:
            named = ConfigRepository(session).authorization_names(administration.id)
            names = {each.number: each.name for each in named}
            key = None
            if readout.card_type is CardType.GUEST:
                key = KeyRepository(session).find_by_card(administration.id, readout.rooms, readout.start, readout.end)
            granted = tuple(AuthorizationName(number, names.get(number, "")) for number in readout.granted)
            return CardReport(readout, granted, key)

        request = ReadCard(chosen.external_id, administration.eject_mode)
        return self._exchange(administration, draft, request, report, progress, chosen)

    def delete_key(self, key: KeyData, *, shared_rooms_confirmed: bool = False) -> None:
        """CO for each room of an issued key, then delete the key data; its audit rows stay."""
        self._cancelled.clear()
        with self.database.unit_of_work() as session:
            current = KeyRepository(session).get(key.id)
            administration = ConfigRepository(session).administration(current.administration_id)
        rooms = checkout_rooms(current)
        if rooms and not shared_rooms_confirmed and (others := self.key_data.shared_rooms(current)):
            raise SharedRoomsWarning(current, others)
        operator = self.key_data.operator_for(administration)
        for room in rooms:
            draft = replace(
                audit_draft(AuditAction.CHECK_OUT, administration, current, operator), command="CO", rooms=(room,)
            )
            self._exchange(administration, draft, CheckOut(room), lambda _session, _reply: None)
        self.key_data.forget(current)

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
        with self.key_data.audit.request(self._cancelled) as audited:
            with self._turn(administration, encoder):
                audited.begin(draft)
                tracked = _tracking(audited, progress)
                reply = self._with_client(administration, lambda client: client.request(request, tracked))
            with audited.succeeded() as session:
                return on_success(session, reply)

    @contextmanager
    def _turn(self, administration: Administration, encoder: Encoder | None) -> Iterator[None]:
        """This desk's turn on the encoder and the SALTO link, taken before the pending audit row is written."""
        if self.coordinator is None:
            yield
            return
        with self.coordinator.turn(administration, encoder, self._cancelled):
            yield

    def _with_client(self, administration: Administration, work: Callable[[SaltoClient], ResultT]) -> ResultT:
        """Run ``work`` on a fresh client that ``cancel()`` can reach while it runs."""
        client = self.client_factory(administration)
        with self._client_guard:
            self._client = client
        try:
            return work(client)
        finally:
            with self._client_guard:
                self._client = None
            client.close()

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


def _tracking(audited: AuditedRequest, progress: ProgressCallback | None) -> ProgressCallback:
    """Progress that also notes when SALTO accepted the request (a link failure after it leaves it unknown)."""

    def tracked(step: Progress) -> None:
        if step.stage is Stage.ACKNOWLEDGED:
            audited.accepted.set()
        if progress is not None:
            progress(step)

    return tracked
