"""Turns an accepted request frame into SALTO's reply: at once, or from an encoder job on its own thread.

Card jobs (CN/CC/CA, LT, L1-L3, P1-P3) run on a thread per job, not on the client's connection, so a
job finishes even when the client hangs up, and the encoder answers OV to anyone until it is done.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import Future

from salto_desk.protocol.codec import Frame
from salto_desk.protocol.errors import LocalProtocolError
from salto_desk.protocol.messages import (
    AuditEvent,
    BinaryMobileKey,
    CheckOut,
    EncodeCard,
    JustInKey,
    ModifyCheckIn,
    ReadAudit,
    ReadCard,
    ReadTrack,
    Request,
    SerialReturn,
    WireOptions,
    WriteTrack,
    audit_event_fields,
    card_readout_fields,
    parse_request,
)
from salto_desk.simulator.state import BINARY_KEY_BYTES, Refusal, SimulatorStopped, SiteState

Fields = list[bytes]
JOB_JOIN_SECONDS = 5.0

logger = logging.getLogger("salto_desk.simulator")


def wire(*values: str) -> Fields:
    """Reply fields from text; every value came from a frame or is ASCII, so Latin-1 always fits."""
    return [value.encode("latin-1") for value in values]


class Engine:
    """SALTO's request handling on top of a ``SiteState``."""

    def __init__(self, state: SiteState, options: WireOptions) -> None:
        self._state = state
        self._options = options
        self._jobs: set[threading.Thread] = set()
        self._jobs_lock = threading.Lock()

    def begin(self, frame: Frame) -> Fields | Future[Fields]:
        """The reply to an accepted frame, or a future for it when an encoder has to wait for a card."""
        self._state.note_request(frame.command)
        try:
            request = parse_request(frame, self._options)
        except LocalProtocolError as error:
            logger.info("refused %s: %s", frame.command, error.message.en)
            return wire("ES")
        try:
            return self._dispatch(request)
        except Refusal as refusal:
            return wire(*refusal.fields)

    def close(self) -> None:
        """Stop every encoder job and wait for its thread."""
        self._state.close()
        with self._jobs_lock:
            jobs = list(self._jobs)
        for job in jobs:
            job.join(JOB_JOIN_SECONDS)

    def _dispatch(self, request: Request) -> Fields | Future[Fields]:
        state = self._state
        if isinstance(request, EncodeCard):
            state.reserve(request.encoder)
            try:
                state.check_encode(request)
            except Refusal:
                state.release(request.encoder)
                raise
            return self._spawn(request.encoder, lambda: self._encode(request))
        if isinstance(request, (ReadCard, ReadTrack, WriteTrack)):
            state.reserve(request.encoder)
            return self._spawn(request.encoder, lambda: self._card_job(request))
        if isinstance(request, JustInKey):
            return self._mobile_key(request)
        if isinstance(request, CheckOut):
            state.check_out(request.room)
            return wire("CO", "0", request.room)
        if isinstance(request, ModifyCheckIn):
            state.modify(request)
            return wire("MC", request.room, request.new_room)
        return self._audit(request)

    def _spawn(self, encoder: str, work: Callable[[], Fields]) -> Future[Fields]:
        """Run ``work`` on its own thread; the encoder is released before the reply is handed over, so a
        client that answers at once never sees a stale OV."""
        future: Future[Fields] = Future()

        def run() -> None:
            try:
                try:
                    fields = work()
                except Refusal as refusal:
                    fields = wire(*refusal.fields)
                finally:
                    self._state.release(encoder)
            except SimulatorStopped:
                future.cancel()
            except Exception as error:  # a simulator bug: hand it to the connection, which logs it
                future.set_exception(error)
            else:
                future.set_result(fields)
            finally:
                with self._jobs_lock:
                    self._jobs.discard(threading.current_thread())

        thread = threading.Thread(target=run, name=f"salto-sim-encoder-{encoder}", daemon=True)
        with self._jobs_lock:  # held while starting, so close() never sees a thread that has not started
            self._jobs.add(thread)
            thread.start()
        return future

    def _encode(self, request: EncodeCard) -> Fields:
        serials: list[str] = []
        stay_id: int | None = None
        for _ in range(request.amount or 1):
            card = self._state.wait_for_card(request.encoder, fresh=True)
            if card is None:
                raise Refusal("ED")
            written, stay_id = self._state.write_guest_card(request, card, stay_id)
            serials.append(written.uid)
        returned = {SerialReturn.LAST: serials[-1:], SerialReturn.ALL: serials}.get(
            request.serial_return or SerialReturn.NONE, []
        )
        return wire(f"{request.command}{request.amount or ''}", request.encoder, *returned)

    def _card_job(self, request: ReadCard | ReadTrack | WriteTrack) -> Fields:
        state = self._state
        card = state.wait_for_card(request.encoder, fresh=False)
        if card is None:
            raise Refusal("ED")
        if isinstance(request, ReadCard):
            return card_readout_fields(state.readout(request.encoder, card), self._options)
        if isinstance(request, ReadTrack):
            return wire(request.command, request.encoder, state.read_track(card, request.track))
        state.write_track(request.encoder, card, request.track, request.text)
        return wire(request.command, request.encoder)

    def _mobile_key(self, request: JustInKey) -> Fields:
        if not isinstance(request, BinaryMobileKey):
            self._state.issue_mobile_key(request, key_hex="")
            return wire(request.command, request.phone)
        record = self._state.issue_mobile_key(request, key_hex=secrets.token_hex(BINARY_KEY_BYTES).upper())
        extra = (record.installation_id,) if request.return_installation_id else ()
        return wire(request.command, request.phone, record.key_hex, *extra)

    def _audit(self, request: ReadAudit) -> Fields:
        found = self._state.audit(request.command, request.door)
        if found is None:
            return wire("WO", request.door)
        door, record = found
        moment = record.moment.astimezone(self._options.site_zone)
        event = AuditEvent(
            door,
            moment.day,
            moment.month,
            f"{moment:%H:%M}",
            record.incident,
            record.direction,
            record.card_id,
            record.copy,
            record.user,
        )
        return audit_event_fields(request.command, event, self._options)
