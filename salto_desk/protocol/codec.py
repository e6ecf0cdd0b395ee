"""Sans-IO framing of the SALTO PMS Industry Standard protocol: bytes in, events out.

A frame is ``STX SEP F0 SEP F1 ... Fn SEP ETX LRC``. The LRC is the XOR of every byte after STX up
to and including ETX, sent as one raw byte that may equal any control byte, so the decoder takes the
byte after ETX by position and never interprets it. An LRC of 0x0D means "not checked".

The decoder does a bounded amount of work per input byte whatever arrives (a line full of STX, one
endless frame, noise), so a hostile or broken peer cannot stall the desk.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from typing import Any, TypeVar

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

_SEP = bytes((SEP,))
_FRAMING = bytes(sorted(FRAME_BYTES))
_SINGLE_BYTES = tuple(bytes((value,)) for value in range(256))
_HANDSHAKE_OR_STX = re.compile(rb"[\x02\x05\x06\x15]")
_LOW_64_BITS = (1 << 64) - 1


def lrc(data: bytes) -> int:
    """XOR of ``data``: pass the bytes after STX up to and including ETX.

    The bytes are read as one integer and folded onto themselves (x ^= x >> 8, 16, 32, ... in any
    order), which leaves the XOR of all of them in the lowest byte: a few big-integer steps instead of
    one step per byte. Frames up to 64 bytes need exactly the six unrolled steps.
    """
    folded = int.from_bytes(data, "little")
    shift, bits = 512, len(data) << 3
    while shift < bits:
        folded ^= folded >> shift
        shift <<= 1
    folded ^= folded >> 256
    folded ^= folded >> 128
    folded = (folded ^ (folded >> 64)) & _LOW_64_BITS
    folded ^= folded >> 32
    folded ^= folded >> 16
    folded ^= folded >> 8
    return folded & 0xFF


def encode_frame(fields: Sequence[bytes], *, send_lrc: bool = True) -> bytes:
    """One frame from already-encoded fields; ``send_lrc=False`` sends 0x0D ("do not check")."""
    joined = _SEP.join(fields)
    if len(joined) - len(joined.translate(None, _FRAMING)) >= len(fields):  # more than the separators joined put in
        _refuse_framing_bytes(fields)
    # XOR of SEP + joined + SEP + ETX: the two separators cancel out.
    check = lrc(joined) ^ ETX if send_lrc else LRC_SKIP
    return b"".join((b"\x02\xb3", joined, b"\xb3\x03", _SINGLE_BYTES[check]))


def _refuse_framing_bytes(fields: Sequence[bytes]) -> None:
    for index, value in enumerate(fields):
        if not FRAME_BYTES.isdisjoint(value):
            raise LocalProtocolError(
                f"field {index}",
                Text(
                    f"Field {index} contains a framing byte (STX, ETX or 0xB3) and cannot be sent.",
                    f"Veld {index} bevat een framebyte (STX, ETX of 0xB3) en kan niet verzonden worden.",
                ),
            )


RecordT = TypeVar("RecordT")


def restore(record: type[RecordT], attributes: dict[str, Any]) -> RecordT:
    """An instance of a frozen dataclass from all its attribute values, made the way pickle restores
    one: its ``__init__`` would only store them again, one ``object.__setattr__`` each, and frames and
    replies are made on the hot paths of every exchange (``bench/protocol.py``)."""
    instance = object.__new__(record)
    object.__setattr__(instance, "__dict__", attributes)
    return instance


class Control(Enum):
    """A single handshake byte outside a frame."""

    ENQ = ENQ
    ACK = ACK
    NAK = NAK


_CONTROLS = {control.value: control for control in Control}


@dataclass(frozen=True)
class Frame:
    """A complete frame whose LRC matched (or was 0x0D)."""

    fields: tuple[bytes, ...]
    raw: bytes
    lrc_checked: bool
    texts: tuple[str, ...] | None = field(default=None, compare=False, repr=False)
    """The fields as text when the decoder made the frame (it decodes them all at once)."""

    @property
    def command(self) -> str:
        return self.fields[0].decode("latin-1") if self.fields else ""

    def text_fields(self) -> tuple[str, ...]:
        """The fields as text; SALTO's bytes are single-byte, Latin-1 never fails on them."""
        if self.texts is not None:
            return self.texts
        return tuple(field.decode("latin-1") for field in self.fields)


@dataclass(frozen=True)
class CorruptFrame:
    """Bytes dropped from inside a frame: bad LRC, too long, or cut off by a new STX."""

    reason: str
    raw: bytes


@dataclass(frozen=True)
class Garbage:
    """Bytes outside any frame that are not a handshake byte."""

    data: bytes


Event = Control | Frame | CorruptFrame | Garbage
CUT_OFF = "frame cut off by a new STX"


class Decoder:
    """Incremental frame decoder that accepts any split of the byte stream and never raises.

    Every byte is looked at a bounded number of times: between frames a search jumps to the next
    STX or handshake byte, inside a frame to the next ETX, and every STX before that ETX but the
    last starts a frame that can never complete, so all of those are dropped as one ``CorruptFrame``.
    """

    __slots__ = ("_frame", "_in_frame", "_max")

    def __init__(self, max_frame_bytes: int = MAX_FRAME_BYTES) -> None:
        self._max = max_frame_bytes
        self._frame: bytes | bytearray = b""  # the start of a frame that continues in the next chunk
        self._in_frame = False

    @property
    def idle(self) -> bool:
        """True when no frame is half received."""
        return not self._in_frame

    def feed(self, data: bytes) -> list[Event]:
        events: list[Event] = []
        position = self._resume(data, events) if self._in_frame and data else 0
        length = len(data)
        while position < length:
            if data[position] == STX:  # the usual case: a frame right away
                position = self._frame_at(data, position, events)
            else:
                position = self._between_frames(data, position, events)
        return events

    def _between_frames(self, data: bytes, position: int, events: list[Event]) -> int:
        """Skip to the next STX or handshake byte; what lies before it is one ``Garbage``."""
        found = _HANDSHAKE_OR_STX.search(data, position)
        if found is None:
            events.append(Garbage(data[position:]))
            return len(data)
        stop = found.start()
        if stop > position:
            events.append(Garbage(data[position:stop]))
        if data[stop] == STX:
            return self._frame_at(data, stop, events)
        length = len(data)
        while stop < length and (control := _CONTROLS.get(data[stop])) is not None:
            events.append(control)
            stop += 1
        return stop

    def _frame_at(self, data: bytes, start: int, events: list[Event]) -> int:
        """Decode the frame whose STX is ``data[start]``, or keep its start for the next chunk."""
        etx = data.find(b"\x03", start)
        stop = len(data) if etx < 0 else etx
        restart = data.rfind(b"\x02", start, stop)
        if restart > start:
            self._cut_off(data[start : min(restart, start + self._max)], events)
            start = restart
        if stop - start > self._max:
            return self._too_long(data[start : start + 64], stop, events)
        if not 0 <= etx < len(data) - 1:  # the frame goes on in the next chunk
            self._frame = bytearray(data[start:])
            self._in_frame = True
            return len(data)
        raw = data if start == 0 and etx + 2 == len(data) else data[start : etx + 2]
        check = raw[-1]
        folded = lrc(raw)  # STX ^ (the bytes the LRC covers) ^ LRC: STX when they agree
        checked = folded == STX
        if not checked and check != LRC_SKIP:
            events.append(CorruptFrame(_bad_lrc(check, folded ^ STX ^ check), raw))
            return etx + 2
        inner = raw[2 if raw[1] == SEP else 1 : -3 if raw[-3] == SEP else -2]  # the fields: between STX SEP and SEP ETX
        if not inner:
            events.append(CorruptFrame("empty frame", raw))
            return etx + 2
        texts = tuple(inner.decode("latin-1").split("\xb3"))
        events.append(
            restore(Frame, {"fields": tuple(inner.split(_SEP)), "raw": raw, "lrc_checked": checked, "texts": texts})
        )
        return etx + 2

    def _resume(self, data: bytes, events: list[Event]) -> int:
        """Continue the frame an earlier chunk began; returns where in ``data`` it ended."""
        frame = self._frame
        self._frame = b""
        self._in_frame = False
        if frame[-1] == ETX:  # only the LRC was missing; it is taken by position, whatever its value
            self._frame_at(bytes(frame) + data[:1], 0, events)
            return 1
        etx = data.find(b"\x03")
        stop = len(data) if etx < 0 else etx
        restart = data.rfind(b"\x02", 0, stop)
        if restart >= 0:
            self._cut_off(frame + data[: min(restart, self._max)], events)
            return restart  # the new STX: decoded like any other
        if len(frame) + stop > self._max:
            return self._too_long(frame[:64], stop, events)
        if 0 <= etx < len(data) - 1:
            self._frame_at(bytes(frame) + data[: etx + 2], 0, events)
            return etx + 2
        frame += data
        self._frame = frame
        self._in_frame = True
        return len(data)

    def _cut_off(self, dropped: bytes | bytearray, events: list[Event]) -> None:
        events.append(CorruptFrame(CUT_OFF, bytes(dropped[: self._max])))

    def _too_long(self, head: bytes | bytearray, stop: int, events: list[Event]) -> int:
        events.append(CorruptFrame(f"frame longer than {self._max} bytes without ETX", bytes(head)))
        return stop


@lru_cache(maxsize=1024)
def _bad_lrc(received: int, computed: int) -> str:
    """The reason of a bad LRC (cached: a noisy line repeats the same few pairs)."""
    return f"bad LRC 0x{received:02X}, expected 0x{computed:02X}"


def decode_all(data: bytes) -> list[Event]:
    """Decode a complete byte string (tests, traces)."""
    return Decoder().feed(data)
