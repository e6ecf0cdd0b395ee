"""Blocking SALTO client: one request at a time per endpoint, progress callbacks, typed results.

It joins the sans-IO pieces (messages, codec, session) to a transport. The GUI runs it on a worker
thread and the CLI calls it directly; both get the same errors and the same progress stages.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum
from typing import Literal, Protocol, TypeVar

from salto_desk.errors import Text
from salto_desk.protocol.codec import Control, CorruptFrame, Decoder, Frame, Garbage, encode_frame
from salto_desk.protocol.errors import ConnectionLost, LinkError
from salto_desk.protocol.messages import WireOptions
from salto_desk.protocol.session import Acknowledged, Completed, Exchange, Failed, Ready, Send, SessionSettings
from salto_desk.protocol.text import mask_phone_numbers
from salto_desk.protocol.transport import Endpoint, SerialSettings, Transport, parse_endpoint, transport_for

trace_log = logging.getLogger("salto_desk.protocol.trace")

ReplyT = TypeVar("ReplyT", covariant=True)


class RequestLike(Protocol[ReplyT]):
    """What the client needs of a request; every request class in ``messages`` fits."""

    @property
    def command(self) -> str: ...

    @property
    def waits_for_card(self) -> bool: ...

    def fields(self, options: WireOptions) -> list[bytes]: ...

    def parse_reply(self, frame: Frame, options: WireOptions) -> ReplyT: ...


@dataclass(frozen=True)
class Timeouts:
    """Seconds: open the link, write a frame, wait for ACK, wait for the reply (covers the card wait)."""

    connect: float = 10.0
    write: float = 10.0
    ack: float = 10.0
    reply: float = 60.0


class Stage(Enum):
    SENDING = "sending"
    ACKNOWLEDGED = "acknowledged"
    REPLY = "reply"


@dataclass(frozen=True)
class Progress:
    stage: Stage
    command: str
    waits_for_card: bool


@dataclass(frozen=True)
class TraceRecord:
    """One chunk of bytes on the link, phone numbers masked."""

    time: datetime
    direction: Literal["out", "in"]
    hex: str
    summary: str

    def __str__(self) -> str:
        arrow = "->" if self.direction == "out" else "<-"
        return f"{self.time:%H:%M:%S.%f} {arrow} {self.summary} [{self.hex}]"


ProgressCallback = Callable[[Progress], None]
TraceCallback = Callable[[TraceRecord], None]


def summarize(events: list[Control | Frame | CorruptFrame | Garbage]) -> str:
    """Human-readable text of decoded events for the trace."""
    parts = []
    for event in events:
        if isinstance(event, Control):
            parts.append(event.name)
        elif isinstance(event, Frame):
            parts.append("|".join(event.text_fields()))
        elif isinstance(event, CorruptFrame):
            parts.append(f"corrupt frame ({event.reason})")
        else:
            parts.append(f"garbage {len(event.data)} bytes")
    return " ".join(parts) or "(part of a frame)"


class EndpointLocks:
    """Locks that keep clients of one endpoint from talking over each other; one per process that runs
    several clients at once (the desk window, a sync run), created and handed out by its entry point."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    def get(self, endpoint: Endpoint) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(str(endpoint), threading.Lock())


class SaltoClient:
    """Talks to one SALTO endpoint (TCP ``host:port`` or a serial port)."""

    def __init__(
        self,
        endpoint: str,
        *,
        options: WireOptions | None = None,
        timeouts: Timeouts | None = None,
        serial: SerialSettings | None = None,
        ready_check: bool = True,
        keep_open: bool = False,
        acknowledge_replies: bool = False,
        trace: TraceCallback | None = None,
        locks: EndpointLocks | None = None,
    ) -> None:
        """``locks``: shared by the clients of one process so that two of one endpoint never overlap (each
        client only serialises its own requests without them)."""
        self.endpoint = parse_endpoint(endpoint)
        self.options = options or WireOptions()
        self.timeouts = timeouts or Timeouts()
        self._serial = serial
        self._keep_open = keep_open
        self._session = SessionSettings(
            ready_check=ready_check,
            ack_timeout=self.timeouts.ack,
            reply_timeout=self.timeouts.reply,
            acknowledge_replies=acknowledge_replies,
        )
        self._trace = trace
        self._lock = threading.Lock() if locks is None else locks.get(self.endpoint)
        self._transport: Transport | None = None
        self._current: Transport | None = None
        self._current_guard = threading.Lock()

    # --- public API ------------------------------------------------------------------------------

    def request(self, request: RequestLike[ReplyT], progress: ProgressCallback | None = None) -> ReplyT:
        """Send one request and return its typed reply; bad input is refused before anything is sent."""
        frame = encode_frame(request.fields(self.options), send_lrc=self.options.send_lrc)
        notify = progress or (lambda _progress: None)

        def stage(reached: Stage) -> None:
            notify(Progress(reached, request.command, request.waits_for_card))

        with self._lock:
            stage(Stage.SENDING)
            reply = self._with_connection(
                lambda transport, reused: self._exchange(
                    transport, Exchange(frame, self._session), Completed, reused, lambda: stage(Stage.ACKNOWLEDGED)
                )
            )
        stage(Stage.REPLY)
        return request.parse_reply(reply.frame, self.options)

    def ping(self) -> float:
        """ENQ -> ACK: is SALTO there and ready now (a NAK is not retried)? Returns the round trip in seconds."""
        settings = replace(self._session, enq_retries=1)

        def check(transport: Transport, reused: bool) -> float:
            started = time.monotonic()
            self._exchange(transport, Exchange(None, settings), Ready, reused, lambda: None)
            return time.monotonic() - started

        with self._lock:
            return self._with_connection(check)

    def cancel(self) -> None:
        """End the waiting request from another thread; it raises ``Cancelled``."""
        with self._current_guard:
            if self._current is not None:
                self._current.cancel()

    def close(self) -> None:
        with self._lock:
            self._drop()

    def __enter__(self) -> SaltoClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- connection handling ---------------------------------------------------------------------

    def _with_connection(self, work: Callable[[Transport, bool], ReplyT_]) -> ReplyT_:
        reused = self._transport is not None
        transport = self._transport or transport_for(self.endpoint, self._serial)
        transport.reset_cancel()
        with self._current_guard:
            self._current = transport
        try:
            if not reused:
                transport.open(self.timeouts.connect)
                self._transport = transport
            return work(transport, reused)
        except _StaleConnection:
            self._drop()
            return self._with_connection(work)
        except BaseException:
            transport.close()
            self._transport = None
            raise
        finally:
            with self._current_guard:
                self._current = None
            if not self._keep_open:
                self._drop()

    def _drop(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None

    # --- exchanges -------------------------------------------------------------------------------

    def _exchange(
        self,
        transport: Transport,
        exchange: Exchange,
        outcome: type[OutcomeT],
        reused: bool,
        on_acknowledged: Callable[[], None],
    ) -> OutcomeT:
        """Run the sans-IO ``exchange`` over ``transport`` until it ends with ``outcome`` or fails."""
        sent, received = self._trace_stream("out"), self._trace_stream("in")
        try:
            return self._run_exchange(transport, exchange, outcome, reused, on_acknowledged, sent, received)
        finally:
            if received is not None:
                received.flush()

    def _run_exchange(
        self,
        transport: Transport,
        exchange: Exchange,
        outcome: type[OutcomeT],
        reused: bool,
        on_acknowledged: Callable[[], None],
        sent: _TraceStream | None,
        received: _TraceStream | None,
    ) -> OutcomeT:
        acknowledged = False
        outputs = exchange.start(time.monotonic())
        while True:
            for output in outputs:
                if isinstance(output, Send):
                    if sent is not None:
                        sent.feed(output.data)
                    transport.write(output.data, self.timeouts.write)
                elif isinstance(output, Acknowledged):
                    acknowledged = True
                    on_acknowledged()
                elif isinstance(output, outcome):
                    return output
                elif isinstance(output, Failed):
                    raise output.error
            deadline = exchange.deadline
            assert deadline is not None, "a running exchange always has a deadline"
            try:
                data = transport.read(max(0.0, deadline - time.monotonic()))
            except ConnectionLost:
                if reused and not acknowledged:
                    raise _StaleConnection() from None  # SALTO closed an idle kept-open connection
                raise
            if data:
                if received is not None:
                    received.feed(data)
                outputs = exchange.receive(data, time.monotonic())
            else:
                outputs = exchange.timeout(time.monotonic())

    # --- trace -----------------------------------------------------------------------------------

    def _tracing(self) -> bool:
        return self._trace is not None or trace_log.isEnabledFor(logging.DEBUG)

    def _trace_stream(self, direction: Literal["out", "in"]) -> _TraceStream | None:
        return _TraceStream(direction, self._publish) if self._tracing() else None

    def _publish(self, record: TraceRecord) -> None:
        trace_log.debug("%s", record)
        if self._trace is not None:
            self._trace(record)


class _TraceStream:
    """Turns the bytes of one direction into trace records of whole frames and control bytes.

    Bytes are held back until they complete an event, so that a phone number split over two reads
    is still masked as a whole; ``flush`` records what is left when the exchange ends.
    """

    def __init__(self, direction: Literal["out", "in"], publish: TraceCallback) -> None:
        self._direction = direction
        self._publish = publish
        self._decoder = Decoder()
        self._held = b""

    def feed(self, data: bytes) -> None:
        self._held += data
        events = self._decoder.feed(data)
        if events:
            self._emit(summarize(events))

    def flush(self) -> None:
        if self._held:
            self._emit("(unfinished)")

    def _emit(self, summary: str) -> None:
        masked_summary = mask_phone_numbers(summary.encode("latin-1")).decode("latin-1")
        record = TraceRecord(
            datetime.now().astimezone(), self._direction, mask_phone_numbers(self._held).hex(" "), masked_summary
        )
        self._held = b""
        self._publish(record)


ReplyT_ = TypeVar("ReplyT_")
OutcomeT = TypeVar("OutcomeT", Completed, Ready)


class _StaleConnection(LinkError):
    """A kept-open connection turned out closed before SALTO accepted anything: reconnect once."""

    def __init__(self) -> None:
        super().__init__(Text("stale connection", "verlopen verbinding"))
