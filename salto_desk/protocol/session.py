"""Sans-IO handshake of one request: ENQ/ACK readiness, the frame's ACK/NAK, retries and the reply.

The state machine never reads a clock or a socket: the caller feeds it bytes and the current time and
carries out what it returns (bytes to send, progress, the outcome), so every retry and timeout path
is tested without sleeping.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto

from salto_desk.errors import Text
from salto_desk.protocol.codec import ACK, ENQ, NAK, Control, CorruptFrame, Decoder, Frame, Garbage
from salto_desk.protocol.errors import LinkError, LinkTimeout, NakReceived, RemoteProtocolError


@dataclass(frozen=True)
class SessionSettings:
    """Retry and timeout policy (defaults from BookingExperts' client, the most used one)."""

    ready_check: bool = True
    max_attempts: int = 3
    enq_retries: int = 3
    enq_interval: float = 0.2
    ack_timeout: float = 10.0
    reply_timeout: float = 60.0
    acknowledge_replies: bool = False


@dataclass(frozen=True)
class Send:
    data: bytes


@dataclass(frozen=True)
class Acknowledged:
    """SALTO accepted the frame; for a card command the encoder now waits for the card."""


@dataclass(frozen=True)
class Completed:
    frame: Frame


@dataclass(frozen=True)
class Ready:
    """SALTO answered the readiness check with ACK: the end of an exchange without a frame (a ping)."""


@dataclass(frozen=True)
class Failed:
    error: LinkError


Output = Send | Acknowledged | Completed | Ready | Failed


class _State(Enum):
    IDLE = auto()
    READY_CHECK = auto()  # ENQ sent before the frame
    AWAIT_ACK = auto()  # frame sent
    RECOVER = auto()  # NAK received: ENQ until SALTO is ready again
    RECOVER_PAUSE = auto()  # waiting enq_interval before the next ENQ
    AWAIT_REPLY = auto()
    DONE = auto()


_ENQ = bytes((ENQ,))
_ACK = bytes((ACK,))
_NAK = bytes((NAK,))
_ACKNOWLEDGEMENT = Text("an acknowledgement (ACK or NAK)", "een bevestiging (ACK of NAK)")
_REPLY = Text("the reply frame", "het antwoordframe")


class Exchange:
    """One request/reply exchange; create a new one for each request.

    Without a frame it is only the readiness check (ENQ until ACK, as for a request), which ends
    with ``Ready``: a ping.
    """

    def __init__(self, frame: bytes | None, settings: SessionSettings | None = None) -> None:
        self._frame = frame
        self._settings = settings or SessionSettings()
        self._decoder = Decoder()
        self._state = _State.IDLE
        self._deadline: float | None = None
        self._attempts = 0
        self._enqs = 0
        self._bad_replies = 0

    @property
    def deadline(self) -> float | None:
        """When ``timeout`` must be called if no bytes arrive before."""
        return self._deadline

    @property
    def done(self) -> bool:
        return self._state is _State.DONE

    @property
    def awaiting_reply(self) -> bool:
        return self._state is _State.AWAIT_REPLY

    def start(self, now: float) -> list[Output]:
        if self._settings.ready_check or self._frame is None:
            self._enqs = 1
            return self._wait(_State.READY_CHECK, now, self._settings.ack_timeout, Send(_ENQ))
        return self._send_frame(now, self._frame)

    def receive(self, data: bytes, now: float) -> list[Output]:
        outputs: list[Output] = []
        for event in self._decoder.feed(data):
            if self._state is _State.DONE:
                break
            outputs += self._on_event(event, now)
        return outputs

    def timeout(self, now: float) -> list[Output]:
        if self._deadline is None or now < self._deadline or self._state is _State.DONE:
            return []
        settings = self._settings
        if self._state is _State.RECOVER_PAUSE:
            self._enqs += 1
            return self._wait(_State.RECOVER, now, settings.ack_timeout, Send(_ENQ))
        if self._state is _State.AWAIT_REPLY:
            return self._fail(
                LinkTimeout(
                    Text(
                        f"SALTO accepted the request but sent no answer within {settings.reply_timeout:g} s.",
                        f"SALTO nam het verzoek aan maar antwoordde niet binnen {settings.reply_timeout:g} s.",
                    ),
                    Text(
                        "If a card was on the encoder, read it to see what was written, then try again.",
                        "Lag er een kaart op de encoder, lees die dan uit om te zien wat erop staat, en "
                        "probeer het opnieuw.",
                    ),
                )
            )
        seconds = settings.ack_timeout
        silence = (
            Text(f"SALTO did not acknowledge within {seconds:g} s.", f"SALTO bevestigde niet binnen {seconds:g} s.")
            if self._state is _State.AWAIT_ACK
            else Text(
                f"SALTO did not answer the readiness check (ENQ) within {seconds:g} s.",
                f"SALTO beantwoordde de gereedheidscontrole (ENQ) niet binnen {seconds:g} s.",
            )
        )
        return self._fail(LinkTimeout(silence))

    def _on_event(self, event: Control | Frame | CorruptFrame | Garbage, now: float) -> list[Output]:
        state = self._state
        if state is _State.AWAIT_REPLY:
            return self._on_reply_event(event, now)
        if state in (_State.READY_CHECK, _State.AWAIT_ACK, _State.RECOVER) and isinstance(event, Control):
            if event is Control.ACK:
                return self._on_ack(now)
            if event is Control.NAK:
                return self._on_nak(now)
        if state is _State.RECOVER_PAUSE and event is Control.NAK:
            return []  # a late answer to the previous ENQ; the pause goes on
        return self._fail(self._unexpected(event, _ACKNOWLEDGEMENT))

    def _on_ack(self, now: float) -> list[Output]:
        if self._state is _State.AWAIT_ACK:
            return [Acknowledged(), *self._wait(_State.AWAIT_REPLY, now, self._settings.reply_timeout)]
        if self._frame is None:  # ENQ answered and nothing to send: the ping is done
            self._done()
            return [Ready()]
        return self._send_frame(now, self._frame)  # ENQ answered: SALTO is ready

    def _on_nak(self, now: float) -> list[Output]:
        settings = self._settings
        if self._state is _State.AWAIT_ACK:
            if self._attempts >= settings.max_attempts:
                return self._fail(
                    NakReceived(
                        Text(
                            f"SALTO refused the request {self._attempts} times (NAK).",
                            f"SALTO weigerde het verzoek {self._attempts} keer (NAK).",
                        )
                    )
                )
            self._enqs = 1
            return self._wait(_State.RECOVER, now, settings.ack_timeout, Send(_ENQ))
        if self._enqs >= settings.enq_retries:
            checks = (
                Text("the readiness check", "de gereedheidscontrole")
                if self._enqs == 1
                else Text(f"{self._enqs} readiness checks", f"{self._enqs} gereedheidscontroles")
            )
            return self._fail(
                NakReceived(
                    Text(
                        f"SALTO answered 'not ready' (NAK) to {checks.en}.",
                        f"SALTO antwoordde 'niet gereed' (NAK) op {checks.nl}.",
                    ),
                    Text(
                        "SALTO may be busy with another desk; wait a moment and try again.",
                        "SALTO is misschien bezig met een andere balie; wacht even en probeer het opnieuw.",
                    ),
                )
            )
        return self._wait(_State.RECOVER_PAUSE, now, settings.enq_interval)

    def _on_reply_event(self, event: Control | Frame | CorruptFrame | Garbage, now: float) -> list[Output]:
        if isinstance(event, Frame):
            self._done()
            ack = [Send(_ACK)] if self._settings.acknowledge_replies else []
            return [*ack, Completed(event)]
        if isinstance(event, CorruptFrame) and self._settings.acknowledge_replies:
            self._bad_replies += 1
            if self._bad_replies < self._settings.max_attempts:
                return [Send(_NAK)]  # SALTO sends the reply again
        return self._fail(self._unexpected(event, _REPLY))

    def _send_frame(self, now: float, frame: bytes) -> list[Output]:
        self._attempts += 1
        return self._wait(_State.AWAIT_ACK, now, self._settings.ack_timeout, Send(frame))

    def _wait(self, state: _State, now: float, seconds: float, *outputs: Output) -> list[Output]:
        self._state = state
        self._deadline = now + seconds
        return list(outputs)

    def _fail(self, error: LinkError) -> list[Output]:
        self._done()
        return [Failed(error)]

    def _done(self) -> None:
        self._state = _State.DONE
        self._deadline = None

    @staticmethod
    def _unexpected(event: Control | Frame | CorruptFrame | Garbage, expected: Text) -> RemoteProtocolError:
        if isinstance(event, CorruptFrame):
            seen = f"a corrupt frame ({event.reason})"
        elif isinstance(event, Frame):
            seen = f"a {event.command} frame"
        elif isinstance(event, Garbage):
            seen = f"the bytes {event.data[:16].hex(' ')}"
        else:
            seen = f"the byte {event.name}"
        return RemoteProtocolError(
            Text(
                f"SALTO sent {seen} where {expected.en} was due.",
                f"SALTO stuurde {seen} waar {expected.nl} verwacht werd.",
            )
        )
