"""SALTO's side of the handshake on one link: ENQ -> ACK, frame -> ACK/NAK, reply, resend on NAK.

Injected faults are applied here, at the byte level, where a real link would fail.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import Future

from salto_desk.protocol.codec import (
    ACK,
    LRC_SKIP,
    NAK,
    Control,
    CorruptFrame,
    Decoder,
    Event,
    Frame,
    encode_frame,
    lrc,
)
from salto_desk.protocol.messages import WireOptions
from salto_desk.protocol.text import mask_phone_numbers
from salto_desk.simulator.engine import Engine, Fields, wire
from salto_desk.simulator.faults import Fault, Faults
from salto_desk.simulator.links import Link, Wakeup, readable

_ACK = bytes((ACK,))
_NAK = bytes((NAK,))
GARBAGE = b"\x00\xff"  # what a noisy line might deliver instead of the ACK
LOG_FIELDS_CHARS = 120

logger = logging.getLogger("salto_desk.simulator")


def show(fields: Sequence[bytes]) -> str:
    """Fields for the log: '|'-joined, phone numbers masked, cut short."""
    text = mask_phone_numbers(b"|".join(fields)).decode("latin-1")
    return text if len(text) <= LOG_FIELDS_CHARS else text[: LOG_FIELDS_CHARS - 3] + "..."


def corrupt_lrc(frame: bytes) -> bytes:
    """The frame with an LRC that is wrong and is not the 0x0D "do not check" byte either."""
    good = lrc(frame[1:-1])
    bad = good ^ 0xFF
    if bad == LRC_SKIP:
        bad ^= 0x01
    return frame[:-1] + bytes((bad,))


class Conversation:
    """Serves one client link until the client leaves, the link fails or the simulator stops."""

    def __init__(self, link: Link, engine: Engine, faults: Faults, options: WireOptions, stop: Wakeup) -> None:
        self._link = link
        self._engine = engine
        self._faults = faults
        self._options = options
        self._stop = stop
        self._decoder = Decoder()
        self._backlog = bytearray()  # bytes that arrived while an encoder job ran
        self._last_reply: bytes | None = None

    def run(self) -> None:
        try:
            while (data := self._next_bytes()) is not None:
                for event in self._decoder.feed(data):
                    if not self._on_event(event):
                        return
        except OSError as error:
            logger.info("%s: link failed: %s", self._link.name, error)

    def _next_bytes(self) -> bytes | None:
        if self._backlog:
            backlog = bytes(self._backlog)
            self._backlog.clear()
            return backlog
        while True:
            if self._stop in readable(self._link, self._stop):
                return None
            data = self._link.receive()
            if data is None:
                logger.info("%s: client left", self._link.name)
                return None
            if data:
                return data

    def _on_event(self, event: Event) -> bool:
        """Handle one decoded event; False ends the conversation."""
        if isinstance(event, Frame):
            return self._on_frame(event)
        if event is Control.ENQ:
            self._last_reply = None
            return self._acknowledge()
        if event is Control.NAK and self._last_reply is not None:
            logger.info("%s: NAK on the reply, sending it again", self._link.name)
            return self._transmit(self._last_reply)
        if event is Control.ACK:
            self._last_reply = None  # the client confirmed the reply
        elif isinstance(event, CorruptFrame) and event.reason.startswith("bad LRC"):
            logger.info("%s: %s, NAK", self._link.name, event.reason)
            self._link.send(_NAK)
        # Anything else (garbage, a cut-off frame) is ignored until the next STX.
        return True

    def _on_frame(self, frame: Frame) -> bool:
        name = self._link.name
        self._last_reply = None
        logger.info("%s > %s", name, show(frame.fields))
        if self._faults.take(Fault.NAK):
            logger.info("%s: fault: NAK instead of ACK", name)
            self._link.send(_NAK)
            return True
        if self._faults.take(Fault.GARBAGE_ACK):
            logger.info("%s: fault: garbage instead of ACK", name)
            self._link.send(GARBAGE)
            return True
        if not self._acknowledge():
            return False
        forced = self._faults.take_error_reply()
        if forced is not None:
            logger.info("%s: fault: error reply %s", name, forced)
            fields: Fields | None = wire(forced)
        else:
            outcome = self._engine.begin(frame)
            fields = self._await(outcome) if isinstance(outcome, Future) else outcome
        if fields is None:
            return False
        reply = encode_frame(fields, send_lrc=self._options.send_lrc)
        logger.info("%s < %s", name, show(fields))
        self._last_reply = reply
        return self._transmit(reply)

    def _acknowledge(self) -> bool:
        delay = self._faults.ack_delay
        if delay > 0 and self._stop.wait(delay):
            return False
        self._link.send(_ACK)
        return True

    def _await(self, job: Future[Fields]) -> Fields | None:
        """The job's reply; None when the client left or the simulator stops (the job goes on)."""
        with Wakeup() as done:
            job.add_done_callback(lambda _: done.set())
            while not job.done():
                ready = readable(self._link, self._stop, done)
                if self._stop in ready:
                    return None
                if self._link in ready:
                    data = self._link.receive()
                    if data is None:
                        logger.info("%s: client left while the encoder works; the job goes on", self._link.name)
                        return None
                    self._backlog += data
        return None if job.cancelled() else job.result()

    def _transmit(self, reply: bytes) -> bool:
        data = reply
        if self._faults.take(Fault.CORRUPT_LRC):
            logger.info("%s: fault: wrong LRC on the reply", self._link.name)
            data = corrupt_lrc(reply)
        if self._faults.take(Fault.DROP_MID_REPLY):
            logger.info("%s: fault: connection dropped mid-reply", self._link.name)
            self._link.send(data[: len(data) // 2])
            return not self._link.hang_up()
        self._link.send(data)
        return True
