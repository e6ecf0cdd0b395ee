"""Sans-IO framing of the SALTO PMS Industry Standard protocol: bytes in, events out.

A frame is ``STX SEP F0 SEP F1 ... Fn SEP ETX LRC``. The LRC is the XOR of every byte after STX up
to and including ETX, sent as one raw byte that may equal any control byte, so the decoder takes the
byte after ETX by position and never interprets it. An LRC of 0x0D means "not checked".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import reduce
from operator import xor

from salto_desk.errors import Text
from salto_desk.protocol.errors import LocalProtocolError

STX = 0x02
ETX = 0x03
ENQ = 0x05
ACK = 0x06
NAK = 0x15
LRC_SKIP = 0x0D
SEP = 0xB3
FRAME_BYTES = frozenset((STX, ETX, SEP))
MAX_FRAME_BYTES = 4096


def lrc(data: bytes) -> int:
    """XOR of ``data``: pass the bytes after STX up to and including ETX."""
    return reduce(xor, data, 0)


def encode_frame(fields: Sequence[bytes], *, send_lrc: bool = True) -> bytes:
    """One frame from already-encoded fields; ``send_lrc=False`` sends 0x0D ("do not check")."""
    for index, field in enumerate(fields):
        if not FRAME_BYTES.isdisjoint(field):
            raise LocalProtocolError(
                f"field {index}",
                Text(
                    f"Field {index} contains a framing byte (STX, ETX or 0xB3) and cannot be sent.",
                    f"Veld {index} bevat een framebyte (STX, ETX of 0xB3) en kan niet verzonden worden.",
                ),
            )
    body = bytes((SEP,)) + bytes((SEP,)).join(fields) + bytes((SEP, ETX))
    check = lrc(body) if send_lrc else LRC_SKIP
    return bytes((STX,)) + body + bytes((check,))


class Control(Enum):
    """A single handshake byte outside a frame."""

    ENQ = ENQ
    ACK = ACK
    NAK = NAK


@dataclass(frozen=True)
class Frame:
    """A complete frame whose LRC matched (or was 0x0D)."""

    fields: tuple[bytes, ...]
    raw: bytes
    lrc_checked: bool

    @property
    def command(self) -> str:
        return self.fields[0].decode("latin-1") if self.fields else ""

    def text_fields(self) -> tuple[str, ...]:
        """The fields as text; SALTO's bytes are single-byte, Latin-1 never fails on them."""
        return tuple(field.decode("latin-1") for field in self.fields)


@dataclass(frozen=True)
class CorruptFrame:
    """A frame that was dropped: bad LRC, too long, or cut off by a new STX."""

    reason: str
    raw: bytes


@dataclass(frozen=True)
class Garbage:
    """Bytes outside any frame that are not a handshake byte."""

    data: bytes


Event = Control | Frame | CorruptFrame | Garbage


class Decoder:
    """Incremental frame decoder that accepts any split of the byte stream and never raises."""

    def __init__(self, max_frame_bytes: int = MAX_FRAME_BYTES) -> None:
        self._max = max_frame_bytes
        self._frame = bytearray()  # from STX up to ETX while inside a frame
        self._in_frame = False
        self._awaiting_lrc = False

    @property
    def idle(self) -> bool:
        """True when no frame is half received."""
        return not self._in_frame

    def feed(self, data: bytes) -> list[Event]:
        events: list[Event] = []
        garbage = bytearray()
        position = 0
        length = len(data)
        while position < length:
            if self._awaiting_lrc:
                self._finish_frame(data[position], events)
                position += 1
                continue
            if self._in_frame:
                position = self._collect(data, position, events)
                continue
            byte = data[position]
            position += 1
            if byte == STX:
                self._flush_garbage(garbage, events)
                self._start_frame()
            elif byte in (ENQ, ACK, NAK):
                self._flush_garbage(garbage, events)
                events.append(Control(byte))
            else:
                garbage.append(byte)
        self._flush_garbage(garbage, events)
        return events

    def _start_frame(self) -> None:
        self._frame = bytearray((STX,))
        self._in_frame = True

    def _collect(self, data: bytes, position: int, events: list[Event]) -> int:
        """Copy frame bytes up to the next ETX or STX in one slice (the hot path)."""
        end = len(data)
        etx = data.find(ETX, position)
        stx = data.find(STX, position)
        stop = min(i for i in (etx, stx, end) if i >= 0)
        self._frame += data[position:stop]
        if len(self._frame) > self._max:
            events.append(
                CorruptFrame(f"frame longer than {self._max} bytes without ETX", bytes(self._frame[:64]))
            )
            self._in_frame = False
            self._frame = bytearray()
            return stop
        if stop == end:
            return stop
        if data[stop] == STX:
            events.append(CorruptFrame("frame cut off by a new STX", bytes(self._frame)))
            self._start_frame()
            return stop + 1
        self._frame.append(ETX)
        self._awaiting_lrc = True
        return stop + 1

    def _finish_frame(self, check: int, events: list[Event]) -> None:
        raw = bytes(self._frame) + bytes((check,))
        self._awaiting_lrc = False
        self._in_frame = False
        self._frame = bytearray()
        body = raw[1:-1]
        computed = lrc(body)
        if check != LRC_SKIP and check != computed:
            events.append(CorruptFrame(f"bad LRC 0x{check:02X}, expected 0x{computed:02X}", raw))
            return
        inner = body[:-1]  # without ETX
        if inner.startswith(b"\xb3"):
            inner = inner[1:]
        if inner.endswith(b"\xb3"):
            inner = inner[:-1]
        if not inner:
            events.append(CorruptFrame("empty frame", raw))
            return
        events.append(Frame(tuple(inner.split(b"\xb3")), raw, check != LRC_SKIP or computed == LRC_SKIP))

    @staticmethod
    def _flush_garbage(garbage: bytearray, events: list[Event]) -> None:
        if garbage:
            events.append(Garbage(bytes(garbage)))
            garbage.clear()


def decode_all(data: bytes) -> list[Event]:
    """Decode a complete byte string (tests, traces)."""
    return Decoder().feed(data)


def frames_of(events: Iterable[Event]) -> list[Frame]:
    return [event for event in events if isinstance(event, Frame)]
